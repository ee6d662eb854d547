"""The tidy panel: place × year × indicator × measure × horizon, targets beside outcomes.

Rows: every target (as in the targets table; a plan's target restated in later reports
once, from the earliest report), plus every outcome no target claims. The values are as
stated with their units beside them, and in the base unit (`*_base`, `base_unit`): the
base columns are the series to compare across years.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd

from huibian.link import horizon, schema, units
from huibian.link.frames import columns
from huibian.link.related import one_per_place
from huibian.link.stats import official


def panel_table(conn: sqlite3.Connection, pl: pd.DataFrame, targets: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """The panel (schema.PANEL, with `_place`) of a targets table and the chosen outcomes."""
    place_cols = ["report", *schema.PANEL_PLACE]
    tg = one_per_place(targets)
    tg = tg.drop(columns=schema.PANEL_PLACE, errors="ignore").merge(
        pl[place_cols].rename(columns={"report": "target_report"}), on="target_report", how="left"
    )
    claimed = tg[tg["outcome_report"].notna()]
    used = pd.MultiIndex.from_frame(claimed[["outcome_report", "year", "indicator", "measure"]])
    o = outcomes[~pd.MultiIndex.from_arrays(
        [outcomes["report"], outcomes["period"], outcomes["indicator"], outcomes["measure"]]
    ).isin(used)]
    o = o.rename(columns={"kind": "fact_kind"}).merge(pl[place_cols], on="report", how="left")
    base, base_unit = units.to_base(o["value"], o["unit"])
    hz = horizon.horizon(o["measure"], o["period"], o["year"])
    off, off_unit = _official(conn, o)
    alone = pd.DataFrame(
        {
            **{c: o[c] for c in schema.PANEL_PLACE},
            "year": o["period"],
            "indicator": o["indicator"],
            "measure": o["measure"],
            "horizon": hz,
            "span_start": horizon.span_start(hz, o["period"], o["base_period"], o["year"]),
            "base_unit": base_unit,
            "outcome_value": o["value"],
            "outcome_unit": o["unit"],
            "outcome_base": base,
            "outcome_kind": o["fact_kind"],
            "outcome_report": o["report"],
            "outcome_quote": o["quote"],
            "outcome_fact": o["id"],
            "official_value": off,
            "official_unit": off_unit,
            "_place": o["place"],
        }
    )
    df = pd.concat([tg[[*schema.PANEL.names, "_place"]], alone.reindex(columns=[*schema.PANEL.names, "_place"])],
                   ignore_index=True)
    df = schema.PANEL.typed(df)
    return df.sort_values(["region", "year", "indicator", "measure", "horizon"], kind="stable")


def _official(conn: sqlite3.Connection, o: pd.DataFrame) -> tuple[np.ndarray, list[str | None]]:
    """(value in the outcome's unit, unit as loaded) of the official statistic of each outcome's
    place, year, indicator and measure (by the code as of the year, else today's code)."""
    stats = official(conn)
    none = (np.nan, None)
    found = [
        stats.get((code, int(period), ind, meas), stats.get((cur, int(period), ind, meas), none) if cur else none)
        for code, cur, period, ind, meas in columns(o, "admin_code", "current_code", "period", "indicator", "measure")
    ]
    unit = pd.Series([u for _, u in found], index=o.index, dtype=object)
    return units.convert([v for v, _ in found], unit.fillna(o["unit"]), o["unit"]), unit.tolist()
