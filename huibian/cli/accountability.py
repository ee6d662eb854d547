"""`huibian targets`, `levels`, `panel`, `promises`, `places`, `load-stats`: targets held to account.

`--format table` shows a compact view for the terminal (a target as ≥6.5%, ~7%, 6.5–7%,
with its unit); every other format writes the full table of the Python API twin, and a
Stata file carries variable and value labels (huibian/export.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from huibian import export, link
from huibian.cli.app import DbOption, FormatOption, OutOption, app, console
from huibian.cli.filters import (
    ChildrenOption,
    HorizonOption,
    IndicatorOption,
    LevelOption,
    MeasureOption,
    RegionOption,
    WithOption,
    YearOption,
)
from huibian.db import Database
from huibian.link import schema

_MARK = {"ge": "≥", "le": "≤", "approx": "~"}


def _num(v: Any) -> str:
    if v is None or v is pd.NA or v != v:
        return ""
    return str(int(v)) if float(v).is_integer() else f"{round(float(v), 3):.12g}"


def _unit(u: Any) -> str:
    return "" if u is None or u != u else str(u)


def _target(value: Any, hi: Any, cmp: Any, unit: Any = None) -> str:
    """6.5 ge % → ≥6.5%, 7 approx → ~7%, 6.5/7 range → 6.5–7%."""
    if value is None or value != value:
        return ""
    if cmp == "range" and hi is not None and hi == hi:
        return f"{_num(value)}–{_num(hi)}{_unit(unit)}"
    return _MARK.get(cmp or "", "") + _num(value) + _unit(unit)


def _targets(df: pd.DataFrame, prefix: str = "target") -> list[str]:
    """The target column of a table, as `_target` shows each."""
    cols = [f"{prefix}_value", f"{prefix}_value_hi", f"{prefix}_cmp", f"{prefix}_unit"]
    return [_target(*t) for t in zip(*(df[c] if c in df.columns else [None] * len(df) for c in cols), strict=True)]


def _met(v: Any) -> str:
    return "" if v is None or v is pd.NA or v != v else ("yes" if bool(v) else "no")


def _years(df: pd.DataFrame) -> list[str]:
    """The year a target is for; a multi-year target's span (2021–2025, or …–2025)."""
    out = []
    for y, h, s in zip(df["year"], df["horizon"], df["span_start"], strict=True):
        if h == "annual":
            out.append(str(y))
        else:
            out.append(f"{'…' if s != s or s is None else int(s)}–{y}")
    return out


def _write(df: pd.DataFrame, fmt: str, output: str | None, title: str, table: schema.Table, view: pd.DataFrame) -> None:
    export.write(
        view if fmt == "table" else df,
        fmt,
        output,
        title=title,
        labels=table.labels(),
        categories=table.categories(),
    )


@app.command()
def targets(
    db: DbOption = "huibian.db",
    region: RegionOption = None,
    children: ChildrenOption = False,
    level: LevelOption = None,
    indicator: IndicatorOption = None,
    measure: MeasureOption = None,
    horizon: HorizonOption = None,
    year: YearOption = None,
    with_: WithOption = None,
    wide: Annotated[bool, typer.Option("--wide", help="with --with: one row per target, child1_… columns")] = False,
    format: FormatOption = "table",
    output: OutOption = None,
) -> None:
    """Each target beside the outcome the next year's report states for it, with met, gap and units.

    Unknown outcomes say why: no report for the year after, not stated, only a
    multi-year figure. `--with parent,children` adds the parent's and each child's target
    for the same year, indicator, measure and horizon, one row per pair (--wide: one row
    per target).
    """
    rel = link.parse_with(with_)
    with Database(db, readonly=True) as database:
        df = database.targets(
            region=region, children=children, level=level, indicator=indicator, measure=measure, horizon=horizon,
            year=year, with_=rel, wide=wide,
        )
    table = schema.TARGETS
    if rel:
        table = schema.wide(sum(c.endswith("_region") and c.startswith("child") for c in df.columns)) if wide else schema.PAIRS
    view = {
        "region": df["region"],
        "year": _years(df),
        "indicator": df["indicator"],
        "measure": df["measure"],
        "target": _targets(df),
        "outcome": [
            _num(v) + _unit(u) + (" est." if k == "estimate" else "")
            for v, u, k in zip(df["outcome_value"], df["outcome_unit"], df["outcome_kind"], strict=True)
        ],
        "met": [_met(v) for v in df["met"]],
        "gap": [_num(v) for v in df["gap"]],
        "why unknown": df["unknown"].fillna(""),
    }
    if rel and not wide:
        view |= {
            "relation": df["relation"].fillna(""),
            "other": df["other_region"].fillna(""),
            "other's target": _targets(df, "other_target"),
            "escalation": [_num(v) for v in df["escalation"]],
        }
    elif rel:
        view |= {"parent": _targets(df, "parent_target"), "children": df["children_n"]}
    title = f"{len(df)} targets beside the outcome stated a year later"
    if rel:
        title = f"{len(df)} {'targets' if wide else 'rows'}: targets, outcomes, the {' and '.join(rel)}'s targets"
    _write(df, format, output, title, table, pd.DataFrame(view))


@app.command()
def levels(
    db: DbOption = "huibian.db",
    region: RegionOption = None,
    children: Annotated[bool, typer.Option("--children/--no-children", help="with --region: its children's rows too")] = True,
    level: LevelOption = None,
    indicator: IndicatorOption = None,
    measure: MeasureOption = None,
    horizon: HorizonOption = None,
    year: YearOption = None,
    format: FormatOption = "table",
    output: OutOption = None,
) -> None:
    """The escalation table: each place's target beside its parent's and its children's.

    With --region R: R's row and its children's rows (--no-children: R's alone).
    """
    with Database(db, readonly=True) as database:
        df = database.levels(
            region=region, children=children, level=level, indicator=indicator, measure=measure, horizon=horizon,
            year=year,
        )
    view = pd.DataFrame(
        {
            "year": _years(df),
            "indicator": df["indicator"] + " " + df["measure"],
            "region": df["region"],
            "level": df["level"],
            "target": _targets(df),
            "parent": [
                f"{p or ''} {_target(v, None, c, u)}".strip()
                for p, v, c, u in zip(df["parent_region"], df["parent_target"], df["parent_cmp"], df["target_unit"], strict=True)
            ],
            "Δparent": [_num(v) for v in df["diff_parent"]],
            "children": df["children"].fillna(""),
            "Δchildren": [_num(v) for v in df["diff_children_mean"]],
        }
    )
    _write(df, format, output, f"targets across levels ({len(df)} rows)", schema.LEVELS, view)


@app.command()
def panel(
    db: DbOption = "huibian.db",
    region: RegionOption = None,
    children: ChildrenOption = False,
    level: LevelOption = None,
    indicator: IndicatorOption = None,
    measure: MeasureOption = None,
    horizon: HorizonOption = None,
    year: YearOption = None,
    format: FormatOption = "csv",
    output: OutOption = None,
) -> None:
    """A tidy place × year × indicator panel of targets and outcomes (csv, parquet, dta …).

    Values as stated with their units, and in base units (target_base, outcome_base,
    base_unit): the base columns are the series to compare across years.
    """
    with Database(db, readonly=True) as database:
        df = database.panel(
            region=region, children=children, level=level, indicator=indicator, measure=measure, horizon=horizon,
            year=year,
        )
    view = pd.DataFrame(
        {
            "region": df["region"],
            "admin_code": df["admin_code"],
            "level": df["level"],
            "year": _years(df),
            "indicator": df["indicator"],
            "measure": df["measure"],
            "target": _targets(df),
            "outcome": [_num(v) + _unit(u) for v, u in zip(df["outcome_value"], df["outcome_unit"], strict=True)],
            "met": [_met(v) for v in df["met"]],
            "base_unit": df["base_unit"].fillna(""),
        }
    )
    _write(df, format, output, f"panel ({len(df)} rows)", schema.PANEL, view)


@app.command()
def promises(
    region: Annotated[str, typer.Option(help="one place: region name or GB/T 2260 code")],
    year: Annotated[int, typer.Option(help="the report year: its promises, and its results for the year before")],
    db: DbOption = "huibian.db",
    format: FormatOption = "table",
    output: OutOption = None,
) -> None:
    """This year's promises beside last year's results, for one place.

    Each target the report of YEAR sets, beside the target of the same indicator and
    measure set a year before and the outcome the report of YEAR states for it.
    """
    with Database(db, readonly=True) as database:
        df = database.promises(region, year)
    view = pd.DataFrame(
        {
            "indicator": df["indicator"] + " " + df["measure"],
            f"target {year - 1}": _targets(df, "last_target"),
            f"result {year - 1}": [
                _num(v) + _unit(u) for v, u in zip(df["last_outcome_value"], df["last_outcome_unit"], strict=True)
            ],
            "met": [_met(v) for v in df["last_met"]],
            "why unknown": df["last_unknown"].fillna(""),
            f"promise {year}": _targets(df, "this_target"),
            "for": [
                "" if y != y or y is None else str(int(y)) for y in df["this_year"]
            ],
        }
    )
    title = f"{region}: promises of {year} and results of {year - 1} ({len(df)} rows)"
    _write(df, format, output, title, link.PROMISES, view)


@app.command()
def places(
    db: DbOption = "huibian.db",
    unresolved: Annotated[
        bool, typer.Option("--unresolved", help="only reports whose place is not settled")
    ] = False,
    scopes: Annotated[
        bool, typer.Option("--scopes", help="the facts' scopes (四县(市) …) and the divisions they name")
    ] = False,
    format: FormatOption = "table",
    output: OutOption = None,
) -> None:
    """Every report's place: GB/T 2260 code and level as of its year, parent, and today's code."""
    with Database(db, readonly=True) as database:
        if scopes:
            sc = database.scopes()
            view = sc[["report", "scope", "facts", "status", "names"]]
            _write(sc, format, output, f"{len(sc)} scopes", schema.SCOPES, view)
            return
        df = database.places()
    if unresolved:
        df = df[df["status"] != "ok"]
    cols = ["report", "admin_code", "kind", "level", "parent_region", "current_code", "current_name", "status"]
    _write(df, format, output, f"{len(df)} reports' places", schema.PLACES, df[cols])


@app.command("load-stats")
def load_stats(
    path: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="CSV with columns admin_code, year, indicator, measure, value (unit optional)"
        ),
    ],
    db: DbOption = "huibian.db",
) -> None:
    """Load official statistics to hold the reports' claims against (columns official_* in targets)."""
    with Database(db) as database:
        n = database.load_stats(path)
    console.print(f"loaded {n} official figures from {path}")
