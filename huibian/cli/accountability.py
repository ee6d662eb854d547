"""`huibian targets`, `levels`, `panel`, `places`, `load-stats`: targets held to account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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


def _write(df: pd.DataFrame, fmt: str, output: str | None, title: str, table_cols: list[str]) -> None:
    if fmt == "table":
        df = df[table_cols]
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
    cols = [
        "region",
        "year",
        "indicator",
        "measure",
        "target_value",
        "target_cmp",
        "outcome_value",
        "outcome_kind",
        "met",
        "gap",
        "target_report",
        "outcome_report",
        "note",
    ]
    _write(df, format, output, f"{len(df)} targets", cols)


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
    cols = [
        "year",
        "indicator",
        "measure",
        "region",
        "level",
        "target_value",
        "target_cmp",
        "parent_region",
        "parent_target",
        "diff_parent",
        "children_n",
        "children_mean",
        "diff_children_mean",
        "children",
    ]
    _write(df, format, output, f"targets across levels ({len(df)} rows)", cols)


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
    _write(df, format, output, f"panel ({len(df)} rows)", cols)


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
                sc,
                format,
                output,
                f"{len(sc)} scopes",
                ["report", "scope", "facts", "status", "names", "reason"],
            )
            return
        df = database.places()
    if unresolved:
        df = df[df["status"] != "ok"]
    cols = [
        "report",
        "admin_code",
        "name",
        "kind",
        "level",
        "parent_region",
        "province",
        "current_code",
        "current_name",
        "status",
        "reason",
    ]
    _write(df, format, output, f"{len(df)} reports' places", cols)


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
