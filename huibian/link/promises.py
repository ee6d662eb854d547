"""This year's promises beside last year's results, for one place: what a report promises and
what it says the promises of the year before came to.

For place P and year Y: each target P's report of year Y sets (any horizon), beside the
target of the same indicator and measure P set for year Y − 1 and the outcome the report
of Y states for it, with met and the reason when unknown.
"""

from __future__ import annotations

import pandas as pd

from huibian.link import schema
from huibian.link.schema import Column, Table

_SIDE = ["target_value", "target_value_hi", "target_unit", "target_cmp", "target_quote", "target_report"]
_LAST = [*_SIDE, "outcome_value", "outcome_unit", "outcome_kind", "outcome_quote", "outcome_report",
         "met", "gap", "unknown"]
_THIS = ["year", *_SIDE]


def _table() -> Table:
    cols = [schema.COLUMNS[n] for n in ("region", "indicator", "measure", "horizon")]
    for prefix, names, when in (("last", _LAST, "last year's"), ("this", _THIS, "this year's")):
        for n in names:
            c = schema.COLUMNS[n]
            dtype = "float" if c.dtype == "int" else c.dtype  # either side may be missing
            cols.append(Column(f"{prefix}_{n}", dtype, f"{when} {c.label}"[:80]))
    return Table("promises", tuple(cols))


PROMISES = _table()


def promises_table(targets: pd.DataFrame, keys: set[str], year: int) -> pd.DataFrame:
    """The promises table (PROMISES) of the places `keys` for report year `year`."""
    mine = targets[targets["_place"].isin(keys)]
    this = mine[mine["_report_year"] == year]
    last = mine[(mine["_report_year"] == year - 1) & (mine["year"] == year - 1)]
    # a multi-year promise stands on its own: it is not last year's annual target restated
    on = ["_place", "indicator", "measure", "horizon"]
    left = last[[*on, "region", *_LAST]].rename(columns={c: f"last_{c}" for c in _LAST if c != "horizon"})
    right = this[[*on, "region", *_THIS]].rename(columns={c: f"this_{c}" for c in _THIS if c != "horizon"})
    out = right.merge(left, on=on, how="outer", suffixes=("", "_last"))
    out["region"] = out["region"].fillna(out.pop("region_last"))
    out = out.sort_values(["indicator", "measure", "horizon"], kind="stable")
    return PROMISES.typed(out.reindex(columns=PROMISES.names))
