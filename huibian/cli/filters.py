"""The filter options every accounting command and `huibian facts` share (huibian.link.filters)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

import typer

from huibian.link import parse_with
from huibian.link.filters import parse_years
from huibian.models import HORIZONS, LEVELS, MEASURES, HuibianError


def checked(parse: Callable[[str], Any]) -> Callable[[str | None], str | None]:
    """A callback that checks an option as it is given with the model's own parser, so a bad
    value is a usage error (exit 2) with the parser's message."""

    def callback(value: str | None) -> str | None:
        if value is not None:
            try:
                parse(value)
            except HuibianError as e:
                raise typer.BadParameter(str(e)) from None
        return value

    return callback


RegionOption = Annotated[
    str | None,
    typer.Option(
        help="region name or GB/T 2260 code (as of any year, or today's); several with commas"
    ),
]
ChildrenOption = Annotated[bool, typer.Option("--children", help="also the region's children (the places below it)")]
# choices from the models: typer checks them (a wrong value is a usage error, exit 2)
LevelOption = Annotated[Literal[LEVELS] | None, typer.Option(help="administrative level of the place")]
IndicatorOption = Annotated[str | None, typer.Option(help="canonical indicator id, e.g. gdp")]
MeasureOption = Annotated[Literal[MEASURES] | None, typer.Option(help="measure")]
HorizonOption = Annotated[
    Literal[HORIZONS] | None,
    typer.Option(help="annual (one year's figure) or multi-year (a plan's target, a total or average over years)"),
]
YearOption = Annotated[
    str | None,
    typer.Option(
        help="the year the figure or target is for: 2020, or a range 2016-2020 (2016-, -2020)",
        callback=checked(parse_years),
    ),
]
WithOption = Annotated[
    str | None,
    typer.Option(
        "--with",
        help="parent, children or parent,children: each target beside their targets (long)",
        callback=checked(parse_with),
    ),
]
