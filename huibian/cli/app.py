"""The typer application and the options every command shares."""

from __future__ import annotations

import enum
from typing import Annotated, Literal

import typer
from rich.console import Console

from huibian.export import FORMATS

app = typer.Typer(
    name="huibian",
    help="汇编 huibian: ingest Chinese government work reports, extract their facts and targets, query them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
console_err = Console(stderr=True)

def choices(name: str, values: tuple[str, ...]) -> type[enum.StrEnum]:
    """The choices of a repeatable option, from a model's values (typer checks a list of an
    enum, not of a Literal); read each given value's `.value`."""
    return enum.StrEnum(name, {v: v for v in values})


DbOption = Annotated[str, typer.Option("--db", help="SQLite store file", envvar="HUIBIAN_DB")]
# choices from the models and the writers: typer checks them (a wrong value is a usage error, exit 2)
FormatOption = Annotated[Literal[FORMATS], typer.Option("--format", "-f", help="output format")]
OutOption = Annotated[str | None, typer.Option("--output", "-o", help="write to this file instead of stdout")]
