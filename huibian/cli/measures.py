"""`huibian measures` and `huibian kwic`: attention measures and keywords in context."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import typer
from rich.cells import cell_len
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from huibian import export
from huibian.cli.app import DbOption, FormatOption, OutOption, app, choices, console, console_err
from huibian.db import Database
from huibian.measures.compute import BY, LABELS
from huibian.measures.text import ROLES
from huibian.models import LEVELS, HuibianError

DictOption = Annotated[
    list[str] | None,
    typer.Option("--dict", "-d", help="built-in dictionary name or a file (YAML or one term per line); repeatable"),
]
RegionOption = Annotated[
    list[str] | None, typer.Option(help="region name or GB/T 2260 code; repeatable")
]
LevelOption = Annotated[Literal[LEVELS] | None, typer.Option(help="administrative level of the place")]
YearOption = Annotated[str | None, typer.Option(help="report year, or a range: 2010-2020")]
Role = choices("Role", ROLES)
RoleOption = Annotated[list[Role] | None, typer.Option("--role", help="only these section roles (repeatable)")]


def _open(db: str) -> Database:
    """The store, writable when it can be (the counts are cached in it), else read-only."""
    if not Path(db).exists():
        raise HuibianError(f"{db}: no such store — run `huibian ingest PATH --db {db}` first")
    try:
        return Database(db)
    except sqlite3.OperationalError:
        console_err.print(f"[yellow]note:[/yellow] {db} is read-only: counts are not cached", highlight=False)
        return Database(db, readonly=True)


def _bar(quiet: bool, label: str = "counting") -> Progress:
    return Progress(
        TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console_err, disable=quiet, transient=True,
    )


def stata_names(columns: list[str]) -> dict[str, str]:
    """Term columns → Stata names (letters, digits, _; ≤ 32 characters; unique)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for c in columns:
        name = re.sub(r"[^\w]", "_", c)[:32]
        if name[:1].isdigit():
            name = ("_" + name)[:32]
        base, k = name, 1
        while name in used:
            k += 1
            name = f"{base[: 32 - len(str(k)) - 1]}_{k}"
        used.add(name)
        out[c] = name
    return out


def _for_output(df: pd.DataFrame, fmt: str, terms: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    labels = dict(LABELS)
    if fmt == "dta":
        names = stata_names(terms)
        df = df.rename(columns=names)
        for t, n in names.items():
            labels[n] = labels[n.rstrip("_")] = f"count of {t}"
        for n in names.values():
            df[n] = df[n].astype("float64")  # Stata: missing where the row's dictionary lacks the term
        return df, labels
    if fmt in ("csv", "json", "jsonl", "table"):
        df = df.copy()
        for t in terms:
            df[t] = df[t].astype(object).where(df[t].notna(), None)
    return df, labels


def _table_view(df: pd.DataFrame, terms: list[str], by_role: bool) -> pd.DataFrame:
    top = []
    for _, row in df.iterrows():
        got = sorted(((int(row[t]), t) for t in terms if pd.notna(row[t]) and row[t]), key=lambda x: (-x[0], terms.index(x[1])))
        top.append(" ".join(f"{t} {n}" for n, t in got[:6]))
    cols = ["report", "level", "year"] + (["role"] if by_role else []) + ["dictionary", "chars", "words", "total"]
    view = df[cols].copy()
    view["per_word"] = [f"{v:.4f}" if v == v else "" for v in df["per_word"]]
    view["per_10k_chars"] = [f"{v:.1f}" if v == v else "" for v in df["per_10k_chars"]]
    view["terms"] = top
    return view


@app.command()
def measures(
    dicts: DictOption = None,
    db: DbOption = "huibian.db",
    by: Annotated[Literal[BY], typer.Option("--by", help="one row per report, or per section role")] = "report",
    region: RegionOption = None,
    level: LevelOption = None,
    year: YearOption = None,
    role: RoleOption = None,
    format: FormatOption = "table",
    output: OutOption = None,
    workers: Annotated[int, typer.Option(help="processes for reports not yet counted; default: CPU count")] = 0,
    list_: Annotated[bool, typer.Option("--list", help="list the built-in dictionaries and exit")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Attention measures: each report's length in characters and words, each dictionary
    term's count, the total, and its share per word and per 10,000 characters.

    Counts are computed once per report and dictionary version and kept in the store.
    Joins `huibian panel` on region and year.
    """
    if list_:
        ds = Database.dictionaries()
        export.write(ds if format != "table" else ds[["name", "terms", "terms_from", "source", "list"]],
                     format, output, title="built-in dictionaries")
        return
    with _open(db) as database, _bar(quiet) as bar:
        task = bar.add_task("", total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        df = database.measures(
            dicts or None, by=by, region=region or None, level=level, year=year, roles=[r.value for r in role or ()],
            workers=workers or None, progress=step,
        )
    from huibian.measures import dictionaries_of

    terms = list(dict.fromkeys(t for d in dictionaries_of(dicts or None) for t in d.terms))
    by_role = "role" in df.columns
    title = f"{len(df)} rows: {', '.join(df['dictionary'].unique()) if len(df) else 'no reports'}"
    if format == "table":
        out, _ = _for_output(df, "table", terms)
        export.write(_table_view(out, terms, by_role), "table", output, title=title)
    else:
        out, labels = _for_output(df, format, terms)
        export.write(out, format, output, labels=labels)
    errors = df.attrs.get("errors") or []
    for rid, problem in errors[:20]:
        console_err.print(f"[red]not counted:[/red] {rid}: {problem}", highlight=False)
    if errors:
        console_err.print(f"[red]{len(errors)} report(s) left out[/red]; the others are counted and cached.")
        raise typer.Exit(1)


@app.command()
def kwic(
    term: Annotated[str | None, typer.Argument(help="the term, e.g. 环保 (or --dict for a dictionary's terms)")] = None,
    dicts: Annotated[str | None, typer.Option("--dict", "-d", help="every term of this dictionary instead")] = None,
    db: DbOption = "huibian.db",
    region: RegionOption = None,
    level: LevelOption = None,
    year: YearOption = None,
    report: Annotated[str | None, typer.Option(help="one report id")] = None,
    role: RoleOption = None,
    words: Annotated[int, typer.Option(min=0, max=200, help="words of context either side")] = 8,
    limit: Annotated[int, typer.Option(help="at most this many occurrences (0: all)")] = 0,
    base_url: Annotated[
        str, typer.Option("--base-url", help="where `huibian serve` runs, for the links")
    ] = "http://127.0.0.1:8000",
    excluded: Annotated[
        bool, typer.Option("--excluded", help="the occurrences the counting rules set aside instead, with the reason")
    ] = False,
    format: FormatOption = "table",
    output: OutOption = None,
) -> None:
    """Keywords in context: each counted occurrence with its report, section role, offsets,
    the words either side and a link into the web reader."""
    if (term is None) == (dicts is None):
        console_err.print("[red]error:[/red] give a TERM or --dict NAME|FILE (one of them)")
        raise typer.Exit(2)
    with _open(db) as database, _bar(False, "reading") as bar:
        task = bar.add_task("", total=None)
        df = database.kwic(
            term, dicts=dicts, region=region or None, level=level, year=year, report=report, roles=[r.value for r in role or ()],
            words=words, limit=limit or None, base_url=base_url.rstrip("/"), excluded=excluded,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if format != "table":
        export.write(df, format, output)
        return
    _kwic_table(df, output)


def _crop_left(s: str, width: int) -> str:
    if cell_len(s) <= width:
        return s
    out = ""
    for ch in reversed(s):
        if cell_len(out) + cell_len(ch) > width - 1:
            break
        out = ch + out
    return "…" + out


def _kwic_table(df: pd.DataFrame, output: str | None) -> None:
    """Concordance lines: the left context right-aligned so the terms line up."""
    from rich.console import Console

    con = console if output is None else Console(file=Path(output).open("w", encoding="utf-8"), width=200)
    reason = "reason" in df.columns
    fixed = max([cell_len(str(x)) for x in df["report"]] + [6]) + 8 + 6 + max([cell_len(str(x)) for x in df["match"]] + [4])
    fixed += 20 + (36 if reason else 0)  # borders, padding, the reason
    side = max(10, (con.width - fixed) // 2)
    table = Table(title=f"{len(df)} occurrence(s)", header_style="bold")
    table.add_column("report", no_wrap=True, min_width=max([cell_len(str(x)) for x in df["report"]] + [6]))
    table.add_column("role", no_wrap=True, min_width=7)
    table.add_column("at", justify="right", no_wrap=True, min_width=5)
    table.add_column("left", justify="right", no_wrap=True, width=side)
    table.add_column("term", no_wrap=True, style="bold", min_width=max([cell_len(str(x)) for x in df["match"]] + [4]))
    table.add_column("right", no_wrap=True, width=side, overflow="ellipsis")
    if reason:
        table.add_column("set aside because", no_wrap=True, min_width=30)
    rows: list[Any] = df.to_dict("records")
    for r in rows:
        cells = [r["report"], r["role"], str(r["start"]), _crop_left(r["left"], side), r["match"], r["right"]]
        table.add_row(*cells, *([r["reason"]] if "reason" in r else []))
    con.print(table)
    if len(df):
        con.print(f"links: {rows[0]['link']} … (--format csv for every link)", highlight=False, soft_wrap=True)
    if output is not None:
        con.file.close()
