"""`huibian targets`, `levels`, `panel`, `places`, `load-stats`: targets held to account.

`--format table` shows a compact view for the terminal (a target as ≥6.5, ~7, 6.5–7);
every other format writes the full table of the Python API twin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from huibian import accountability, export
from huibian.cli.app import DbOption, FormatOption, OutOption, app, console, console_err
from huibian.db import Database

RegionOption = Annotated[
    str | None, typer.Option(help="region name or GB/T 2260 code (as of any year or today's)")
]
IndicatorOption = Annotated[str | None, typer.Option(help="canonical indicator id, e.g. gdp")]
YearOption = Annotated[int | None, typer.Option(help="the year the target is for")]


def _num(v: Any) -> str:
    if v is None or v != v:
        return ""
    return str(int(v)) if float(v).is_integer() else f"{round(float(v), 3):g}"


def _target(value: Any, hi: Any, cmp: Any) -> str:
    """6.5 ge → ≥6.5, 7 approx → ~7, 6.5/7 range → 6.5–7."""
    if value is None or value != value:
        return ""
    if cmp == "range" and hi == hi and hi is not None:
        return f"{_num(value)}–{_num(hi)}"
    return {"ge": "≥", "le": "≤", "approx": "~"}.get(cmp or "", "") + _num(value)


def _targets(df: pd.DataFrame) -> list[str]:
    """The target column of a targets or levels table, as `_target` shows each."""
    return [
        _target(*t) for t in zip(df["target_value"], df["target_value_hi"], df["target_cmp"], strict=True)
    ]


def _met(v: Any) -> str:
    return "" if v is None or v is pd.NA or v != v else ("yes" if bool(v) else "no")


def _write(
    df: pd.DataFrame, fmt: str, output: str | None, title: str, view: pd.DataFrame | None = None
) -> None:
    if fmt == "table" and view is not None:
        df = view
    export.write(accountability.for_output(df, fmt), fmt, output, title=title, labels=accountability.LABELS)


@app.command()
def targets(
    db: DbOption = "huibian.db",
    region: RegionOption = None,
    indicator: IndicatorOption = None,
    year: YearOption = None,
    format: FormatOption = "table",
    output: OutOption = None,
) -> None:
    """Each target beside the outcome the next year's report states for it, with met and gap."""
    with Database(db, readonly=True) as database:
        df = database.targets(region=region, indicator=indicator, year=year)
    view = pd.DataFrame(
        {
            "region": df["region"],
            "year": df["year"],
            "indicator": df["indicator"],
            "measure": df["measure"],
            "target": _targets(df),
            "outcome": [
                _num(v) + (" est." if k == "estimate" else "")
                for v, k in zip(df["outcome_value"], df["outcome_kind"], strict=True)
            ],
            "met": [_met(v) for v in df["met"]],
            "gap": [_num(v) for v in df["gap"]],
            "note": df["note"].fillna(""),
        }
    )
    _write(df, format, output, f"{len(df)} targets", view)


@app.command()
def levels(
    db: DbOption = "huibian.db",
    region: RegionOption = None,
    indicator: IndicatorOption = None,
    year: YearOption = None,
    format: FormatOption = "table",
    output: OutOption = None,
) -> None:
    """The escalation table: each place's target beside its parent's and its children's.

    With --region R: R's row and its children's rows.
    """
    with Database(db, readonly=True) as database:
        df = database.levels(region=region, indicator=indicator, year=year)
    view = pd.DataFrame(
        {
            "year": df["year"],
            "indicator": df["indicator"] + " " + df["measure"],
            "region": df["region"],
            "level": df["level"],
            "target": _targets(df),
            "parent": [
                f"{p or ''} {_target(v, None, c)}".strip()
                for p, v, c in zip(df["parent_region"], df["parent_target"], df["parent_cmp"], strict=True)
            ],
            "Δparent": [_num(v) for v in df["diff_parent"]],
            "children": df["children"].fillna(""),
            "Δchildren": [_num(v) for v in df["diff_children_mean"]],
        }
    )
    _write(df, format, output, f"targets across levels ({len(df)} rows)", view)


@app.command()
def panel(
    db: DbOption = "huibian.db",
    region: RegionOption = None,
    indicator: IndicatorOption = None,
    year: YearOption = None,
    format: FormatOption = "csv",
    output: OutOption = None,
) -> None:
    """A tidy place × year × indicator panel of targets and outcomes (csv, parquet, dta …)."""
    with Database(db, readonly=True) as database:
        df = database.panel(region=region, indicator=indicator, year=year)
    cols = [
        "region",
        "admin_code",
        "level",
        "year",
        "indicator",
        "measure",
        "horizon",
        "target_value",
        "target_cmp",
        "outcome_value",
        "met",
        "gap",
    ]
    _write(df, format, output, f"panel ({len(df)} rows)", df[cols])


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
            _write(
                sc, format, output, f"{len(sc)} scopes", sc[["report", "scope", "facts", "status", "names"]]
            )
            return
        df = database.places()
    if unresolved:
        df = df[df["status"] != "ok"]
    cols = [
        "report",
        "admin_code",
        "kind",
        "level",
        "parent_region",
        "current_code",
        "current_name",
        "status",
    ]
    _write(df, format, output, f"{len(df)} reports' places", df[cols])


@app.command("load-stats")
def load_stats(
    path: Annotated[
        Path, typer.Argument(help="CSV with columns admin_code, year, indicator, measure, value")
    ],
    db: DbOption = "huibian.db",
) -> None:
    """Load official statistics to hold the reports' claims against (columns official_* in targets)."""
    if not path.exists():
        console_err.print(f"[red]error:[/red] no such file: {path}")
        raise typer.Exit(2)
    with Database(db) as database:
        n = database.load_stats(path)
    console.print(f"loaded {n} official figures from {path}")
