"""A target beside the targets of the places above and below it (same year, indicator, measure, horizon).

The related targets are one per place and key: a plan's target restated in later reports
counts once, from the earliest report that states it. A place's parent is its parent as of
the year of the report that states the target; a place's children are the places whose
report names it as their parent in that way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from huibian.link import units

KEY = ["year", "indicator", "measure", "horizon"]
# what is taken of a related place's target (targets table columns)
_OTHER = ["_place", "_parent_place", "region", "admin_code", "level", "target_value", "target_value_hi",
          "target_unit", "target_base", "target_cmp", "target_report", "target_quote"]


def one_per_place(t: pd.DataFrame) -> pd.DataFrame:
    """One target per place and key: the earliest report's (a plan's own report for multi-year targets)."""
    t = t.sort_values(["_report_year", "target_report"], kind="stable")
    return t.drop_duplicates(["_place", *KEY])


def parents(rows: pd.DataFrame, rel: pd.DataFrame) -> pd.DataFrame:
    """For each row of `rows` (same index), its parent's target from `rel` (columns _OTHER, NaN when none)."""
    par = rel[[*KEY, *_OTHER]].rename(columns={"_place": "_key"})
    left = rows[[*KEY, "_parent_place"]].rename(columns={"_parent_place": "_key"}).reset_index(names="_row")
    out = left.merge(par.drop(columns="_parent_place"), on=["_key", *KEY], how="left")
    return out.set_index("_row").drop(columns=["_key", *KEY]).reindex(rows.index)


def children(rows: pd.DataFrame, rel: pd.DataFrame) -> pd.DataFrame:
    """Every (row of `rows`, child target from `rel`) pair: column `_row` is the row's index."""
    kids = rel[[*KEY, *_OTHER]].rename(columns={"_parent_place": "_key"})
    left = rows[[*KEY, "_place"]].rename(columns={"_place": "_key"}).reset_index(names="_row")
    out = left.merge(kids, on=["_key", *KEY], how="inner").drop(columns="_key")
    return out.sort_values(["_row", "_place"], kind="stable").drop(columns=KEY)


def in_unit_of(other: pd.DataFrame, rows: pd.DataFrame, row_index: pd.Series | None = None) -> np.ndarray:
    """The other targets' values in the unit of their row's target (NaN when the units do not convert)."""
    unit = rows["target_unit"] if row_index is None else rows["target_unit"].reindex(row_index)
    return units.convert(other["target_value"], other["target_unit"], unit.tolist())


def base_in(other: pd.DataFrame, rows: pd.DataFrame, row_index: pd.Series | None = None) -> np.ndarray:
    """The other targets' base values where their base unit is their row's `base_unit` (else NaN)."""
    base_unit = rows["base_unit"] if row_index is None else rows["base_unit"].reindex(row_index)
    _, other_base_unit = units.scales(other["target_unit"])
    same = other_base_unit == base_unit.to_numpy(dtype=object)
    return np.where(same, other["target_base"].to_numpy(float), np.nan)
