"""Writing DataFrames out: csv, json, jsonl, parquet, Stata (118) and terminal tables.

Formats an economist loads in one line: `pd.read_csv`, `pd.read_parquet`,
`use file.dta` in Stata (version 118 keeps Chinese text and variable labels).
"""

from __future__ import annotations

import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from huibian.models import CMPS, FACT_SCHEMA, KINDS, LEVELS, MEASURES, HuibianError

FORMATS = ("table", "csv", "json", "jsonl", "parquet", "dta")
BINARY = {"parquet", "dta"}

# variable labels for Stata and for documentation: the facts' from their declaration (models.Fact),
# and the report columns the fact tables carry; linked tables pass theirs (huibian.link.schema)
LABELS: dict[str, str] = {
    **{f.name: f.metadata["label"] for f in FACT_SCHEMA},
    "id": "fact id in the store",
    "value_text": "value as text (ratios)",
    "region": "region name",
    "admin_code": "GB/T 2260 division code",
    "level": "administrative level",
    "year": "year",
}
# text columns written to Stata as labelled numbers (1, 2 … in this order; other values after)
CATEGORIES: dict[str, tuple[str, ...]] = {"kind": KINDS, "measure": MEASURES, "level": LEVELS, "cmp": CMPS}
# a nullable boolean in Stata: 0 / 1 / missing, with these value labels
BOOL_LABELS = {0: "no", 1: "yes"}
MET_LABELS = {0: "missed", 1: "met"}


def clean_value(v: Any) -> Any:
    """A JSON-ready scalar: NaN / NA → None, numpy → Python, whole floats → int."""
    if v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):  # numpy scalar
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts with None for missing and ints where the number is whole."""
    cols = list(df.columns)
    return [{c: clean_value(v) for c, v in zip(cols, row, strict=True)} for row in df.itertuples(index=False)]


def fact_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Fact rows in the facts.md exchange format: a ratio's value is its string."""
    out = []
    for rec in records(df):
        text = rec.pop("value_text", None)
        rec.pop("id", None)
        if rec.get("measure") == "ratio":
            rec["value"] = text
        out.append(rec)
    return out


def for_output(df: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """Nullable booleans as the format wants them: 1/0/missing for Stata, true/false/null elsewhere."""
    df = df.copy()
    for col in df.columns:
        if str(df[col].dtype) == "boolean":
            if fmt == "dta":
                df[col] = df[col].astype("float")
            elif fmt != "parquet":
                df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


def _codes(values: pd.Series, vocabulary: tuple[str, ...]) -> tuple[pd.Series, dict[int, str]]:
    """A text column as numbers 1, 2 … with their labels: the vocabulary's order, then other values."""
    present = [v for v in pd.unique(values.dropna()) if v != ""]
    order = list(vocabulary) + sorted(str(v) for v in present if v not in vocabulary)
    code = {v: i for i, v in enumerate(order, start=1)}
    return values.map(code).astype("float64"), {i: v for v, i in code.items()}


def _stata_frame(
    df: pd.DataFrame, categories: dict[str, tuple[str, ...]]
) -> tuple[pd.DataFrame, dict[str, dict[int, str]]]:
    """Stata wants plain str columns (missing text as ""), and numbers or floats elsewhere; the
    columns of `categories` and the booleans become labelled numbers (the value labels returned)."""
    df = df.copy()
    value_labels: dict[str, dict[int, str]] = {}
    for col in df.columns:
        dtype = df[col].dtype
        if str(dtype) == "boolean" or pd.api.types.is_bool_dtype(dtype):
            df[col] = df[col].astype("float")
            value_labels[col] = MET_LABELS if col.endswith("met") else BOOL_LABELS
        elif col in categories and not pd.api.types.is_numeric_dtype(dtype):
            df[col], value_labels[col] = _codes(df[col].astype(object).where(df[col].notna(), None), categories[col])
        elif pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):  # incl. pandas 3 "str"
            if df[col].isna().all() or not pd.api.types.is_numeric_dtype(df[col].dropna().infer_objects()):
                df[col] = df[col].astype(object).where(df[col].notna(), "").astype(str)
            else:  # numbers held as objects (None for missing)
                df[col] = pd.to_numeric(df[col])
    # Stata names: <= 32 chars, no reserved words
    renames = {"end": "end_", "start": "start_"} if "end" in df.columns else {}
    return df.rename(columns=renames), {renames.get(k, k): v for k, v in value_labels.items()}


def _joined_lists(df: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in df.columns if df[c].map(lambda v: isinstance(v, list | tuple)).any()]
    if not cols:
        return df
    df = df.copy()
    for c in cols:
        df[c] = df[c].map(lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple) else v)
    return df


def write(
    df: pd.DataFrame,
    fmt: str,
    out: str | Path | None = None,
    *,
    facts: bool = False,
    title: str | None = None,
    labels: dict[str, str] | None = None,
    categories: dict[str, tuple[str, ...]] | None = None,
) -> None:
    """Write `df` in `fmt` to `out` (a path) or stdout. `facts=True` applies the facts.md value rule.

    Stata files carry `title` as their data label, a variable label for every column
    (`labels`, then LABELS) and value labels for booleans (0 / 1) and for the text columns
    of `categories` (CATEGORIES, the facts', when not given), which become numbers; Chinese
    text stays intact (format 118).
    """
    if fmt not in FORMATS:
        raise HuibianError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt in BINARY and out is None:
        raise HuibianError(f"--format {fmt} writes a binary file: give -o FILE")
    if fmt in ("table", "csv", "dta"):
        df = _joined_lists(df)  # a list (a fact's rules) as one cell: frame.sentence;span.total
    if fmt == "table":
        _table(df, title=title, out=out)
        return
    if fmt == "parquet":
        df.to_parquet(out, index=False)
        return
    if fmt == "dta":
        sdf, value_labels = _stata_frame(df, CATEGORIES if categories is None else categories)
        all_labels = {**LABELS, **(labels or {})}
        var_labels = {c: all_labels[c.rstrip("_")][:80] for c in sdf.columns if c.rstrip("_") in all_labels}
        sdf.to_stata(
            out,
            write_index=False,
            version=118,
            variable_labels=var_labels,
            value_labels=value_labels,
            data_label=(title or "huibian")[:80],
        )
        return
    df = for_output(df, fmt)
    rows = fact_records(df) if facts else records(df)
    buf = io.StringIO()
    if fmt == "csv":
        if facts:
            pd.DataFrame(rows, columns=[c for c in df.columns if c not in ("id", "value_text")]).to_csv(buf, index=False)
        else:
            df.to_csv(buf, index=False)
    elif fmt == "json":
        json.dump(rows, buf, ensure_ascii=False, indent=1)
        buf.write("\n")
    elif fmt == "jsonl":
        for r in rows:
            buf.write(json.dumps(r, ensure_ascii=False) + "\n")
    if out is None:
        sys.stdout.write(buf.getvalue())
    else:
        Path(out).write_text(buf.getvalue(), encoding="utf-8")


_LONG_TEXT = {"quote", "name", "title", "meeting", "source", "problem", "error", "snippet", "target_quote",
              "outcome_quote", "scope"}


def _table(df: pd.DataFrame, *, title: str | None, out: str | Path | None) -> None:
    """A terminal table that stays one line per row: ids, numbers and codes at their full
    width; quotes, names and titles share what is left and are cut with an ellipsis."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    console = Console() if out is None else Console(file=Path(out).open("w", encoding="utf-8"), width=200)
    rows = [["" if v is None else str(v) for v in rec.values()] for rec in records(df)]
    cols = [str(c) for c in df.columns]
    widths = [max([cell_len(c)] + [cell_len(r[i]) for r in rows[:1000]]) for i, c in enumerate(cols)]
    long_cols = [i for i, c in enumerate(cols) if c in _LONG_TEXT]
    fixed = sum(min(w, 30) for i, w in enumerate(widths) if i not in long_cols) + 3 * len(cols) + 1
    share = max(10, min(50, (console.width - fixed) // max(1, len(long_cols))))
    if fixed + share * len(long_cols) > console.width:
        console.width = fixed + share * len(long_cols)  # wider than the terminal rather than columns lost
    table = Table(title=title, header_style="bold")
    for i, c in enumerate(cols):
        width = min(widths[i], share) if i in long_cols else min(widths[i], 30)
        table.add_column(c, width=max(width, 1), no_wrap=True, overflow="ellipsis")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if out is not None:
        console.file.close()
