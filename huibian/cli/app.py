"""The typer application and the options every command shares."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="huibian",
    help="汇编 huibian: ingest Chinese government work reports, extract their facts and targets, query them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
console_err = Console(stderr=True)

DbOption = Annotated[str, typer.Option("--db", help="SQLite store file", envvar="HUIBIAN_DB")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table | csv | json | jsonl | parquet | dta")]
OutOption = Annotated[str | None, typer.Option("--output", "-o", help="write to this file instead of stdout")]
