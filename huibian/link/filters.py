"""The filters every linked table (and `huibian facts`) takes, read and checked in one place.

    --region R [--children]   R's rows (a region name, a division name or code as of any
                              year, or today's code; several with commas), and its children's
    --level L                 places of one administrative level (province, city …)
    --indicator I --measure M --horizon annual|multi-year
    --year 2015 | 2015-2020 | 2015- | -2020   the year the figure or target is for
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from huibian.link.choose import Only
from huibian.link.places import children_keys, region_keys
from huibian.models import HORIZONS, LEVELS, MEASURES, HuibianError

_YEARS = re.compile(r"\s*(\d{4})?\s*(-|–|—|~|to)?\s*(\d{4})?\s*")


def parse_years(year: Any) -> tuple[int | None, int | None]:
    """(first, last) of a year filter: 2015, "2015", "2015-2020", "2015-", "-2020", (2015, 2020)."""
    if year is None or year == "":
        return None, None
    if isinstance(year, tuple | list):
        first, last = year
        return (None if first is None else int(first)), (None if last is None else int(last))
    if isinstance(year, int):
        return year, year
    m = _YEARS.fullmatch(str(year))
    if m is None or not (m.group(1) or m.group(3)):
        raise HuibianError(f"year must be a year or a range FROM-TO (2015-2020, 2015-, -2020), not {year!r}")
    first = int(m.group(1)) if m.group(1) else None
    last = int(m.group(3)) if m.group(3) else None
    if not m.group(2):
        last = first
    if first is not None and last is not None and first > last:
        raise HuibianError(f"year range {year!r} ends before it starts")
    return first, last


def _choice(name: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if value not in choices:
        raise HuibianError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _regions(region: Any) -> tuple[str, ...]:
    if region is None:
        return ()
    values = [region] if isinstance(region, str) else list(region)
    out = []
    for v in values:
        out += [p.strip() for p in str(v).replace("，", ",").split(",") if p.strip()]
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Filters:
    """Which rows of a linked table to keep. Build with `Filters.of(...)`, which checks each value."""

    region: tuple[str, ...] = ()
    children: bool = False
    level: str | None = None
    indicator: str | None = None
    measure: str | None = None
    horizon: str | None = None
    first: int | None = None
    last: int | None = None

    @classmethod
    def of(
        cls,
        *,
        region: str | list[str] | None = None,
        children: bool = False,
        level: str | None = None,
        indicator: str | None = None,
        measure: str | None = None,
        horizon: str | None = None,
        year: Any = None,
    ) -> Filters:
        first, last = parse_years(year)
        return cls(
            region=_regions(region),
            children=bool(children),
            level=_choice("level", level, LEVELS),
            indicator=indicator or None,
            measure=_choice("measure", measure, MEASURES),
            horizon=_choice("horizon", horizon, HORIZONS),
            first=first,
            last=last,
        )

    def places(self, pl: pd.DataFrame) -> set[str] | None:
        """The place keys of the region filter (with its children), or None for every place."""
        if not self.region:
            return None
        keys = region_keys(pl, self.region)
        return keys | children_keys(pl, keys) if self.children else keys

    def only(self, pl: pd.DataFrame, *, extra: set[str] | None = None) -> Only:
        """The part of the store these rows need (places widened by `extra`, e.g. their parents)."""
        keys = self.places(pl)
        return Only(
            places=None if keys is None else frozenset(keys | (extra or set())),
            indicator=self.indicator,
            first=self.first,
            last=self.last,
        )

    def apply(self, df: pd.DataFrame, pl: pd.DataFrame, place: str = "_place") -> pd.DataFrame:
        """The rows of `df` (a table with `level`, `indicator`, `measure`, `horizon`, `year` and a
        place-key column `place`) that pass every filter."""
        keys = self.places(pl)
        if keys is not None:
            df = df[df[place].isin(keys)]
        for col in ("level", "indicator", "measure", "horizon"):
            value = getattr(self, col)
            if value is not None and col in df.columns:
                df = df[df[col] == value]
        if self.first is not None:
            df = df[df["year"] >= self.first]
        if self.last is not None:
            df = df[df["year"] <= self.last]
        return df
