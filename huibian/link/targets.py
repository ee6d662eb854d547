"""The targets table: each target beside the outcome the next report states for it.

Column-wise throughout: each target is joined to its outcome by (place, period,
indicator, measure), then units, met and gap are computed on whole columns (a row loop
costs seconds on a big store).
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd

from huibian.link import horizon, schema, units
from huibian.link.choose import Linked
from huibian.link.frames import columns
from huibian.link.judge import is_percent, judge_all
from huibian.link.schema import MULTI_YEAR_ONLY, NO_REPORT, NOT_STATED, OTHER_BASE, UNITS_DIFFER
from huibian.link.stats import official
from huibian.taxonomy import Taxonomy


def targets_table(
    conn: sqlite3.Connection, pl: pd.DataFrame, chosen: Linked, taxonomy: Taxonomy | None
) -> pd.DataFrame:
    """The targets table (schema.TARGETS) of the chosen facts, in its order, with the keys the
    other tables need: `_place`, `_parent_place` and `_report_year` (of the target's report)."""
    tax = taxonomy or Taxonomy.load()
    t, o = chosen.targets, chosen.outcomes
    keys = ["place", "period", "indicator", "measure"]
    ocols = ["id", "report", "value", "unit", "kind", "quote", "start", "base_period"]
    m = t.merge(o[keys + ocols].rename(columns={c: f"o_{c}" for c in ocols}), on=keys, how="left")
    m = m.merge(
        pl[["report", "region", "admin_code", "current_code", "level", "parent_place"]], on="report", how="left"
    )
    linked = m["o_report"].notna().to_numpy()
    # an outcome counted from another base year (比2010年翻一番) is not this target's outcome
    clash = linked & (m["base_period"].notna() & m["o_base_period"].notna()).to_numpy()
    clash = clash & (m["base_period"] != m["o_base_period"]).to_numpy()
    linked = linked & ~clash
    keep = pd.Series(linked, index=m.index)

    # values in their base unit; the outcome in the target's unit through it (亿元 ↔ 万亿元)
    value = m["value"].to_numpy(float)
    t_base, base_unit = units.to_base(value, m["unit"])
    t_hi_base, _ = units.to_base(m["value_hi"], m["unit"])
    o_value = np.where(linked, m["o_value"].to_numpy(float), np.nan)
    o_unit = m["o_unit"].where(keep)
    ov = units.convert(o_value, o_unit, m["unit"])
    o_base, o_base_unit = units.to_base(o_value, o_unit)
    o_base = np.where(o_base_unit == base_unit, o_base, np.nan)  # a base value beside another base unit: none
    units_differ = linked & np.isnan(ov)

    hz = horizon.horizon(m["measure"], m["period"], m["year"])
    unknown, note = _why_unknown(m, pl, chosen, hz, linked, clash, units_differ)
    direction = m["indicator"].map({i: tax.direction(i) for i in m["indicator"].unique()})
    percent = is_percent(m["unit"], m["measure"])
    off, off_unit = _official(conn, m)
    hi = m["value_hi"].to_numpy(float)

    def judged(outcome: np.ndarray) -> pd.arrays.BooleanArray:
        return judge_all(m["cmp"], value, hi, outcome, direction=direction, percent=percent)

    start = m["start"].to_numpy()
    o_start = np.where(linked, m["o_start"].to_numpy(float), np.nan)
    df = pd.DataFrame(
        {
            "region": m["region"],
            "admin_code": m["admin_code"],
            "current_code": m["current_code"],
            "level": m["level"],
            "indicator": m["indicator"],
            "year": m["period"],
            "measure": m["measure"],
            "horizon": hz,
            "span_start": horizon.span_start(hz, m["period"], m["base_period"], m["year"]),
            "target_value": value,
            "target_value_hi": hi,
            "target_unit": m["unit"],
            "target_base": t_base,
            "target_hi_base": t_hi_base,
            "base_unit": base_unit,
            "target_cmp": m["cmp"],
            "target_quote": m["quote"],
            "target_report": m["report"],
            "target_fact": m["id"],
            "outcome_value": o_value,
            "outcome_unit": m["o_unit"].where(keep),
            "outcome_base": o_base,
            "outcome_kind": m["o_kind"].where(keep),
            "outcome_quote": m["o_quote"].where(keep),
            "outcome_report": m["o_report"].where(keep),
            "outcome_fact": m["o_id"].where(keep),
            "met": judged(ov),
            "gap": np.round(ov - value, 6),
            "unknown": unknown,
            "note": note,
            "official_value": off,
            "official_unit": off_unit,
            "official_met": judged(off),
            "official_gap": np.round(off - value, 6),
            "claim_gap": np.round(ov - off, 6),
            "target_start": start,
            "target_end": start + m["quote"].str.len().to_numpy(),
            "outcome_start": o_start,
            "outcome_end": o_start + m["o_quote"].str.len().to_numpy(float),
            "_place": m["place"],
            "_parent_place": m["parent_place"],
            "_report_year": m["year"],
        }
    )
    df = schema.TARGETS.typed(df)
    return df.sort_values(["region", "year", "indicator", "measure", "target_report"], kind="stable")


def _why_unknown(
    m: pd.DataFrame,
    pl: pd.DataFrame,
    chosen: Linked,
    hz: np.ndarray,
    linked: np.ndarray,
    clash: np.ndarray,
    units_differ: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(reason, note) for each target whose met cannot be told: the reason from UNKNOWN_REASONS,
    the note with the particulars (the year, the units, the base years)."""
    reason = np.full(len(m), None, dtype=object)
    note = np.full(len(m), None, dtype=object)
    has_next = pd.MultiIndex.from_arrays([m["place"], m["period"] + 1]).isin(
        pd.MultiIndex.from_arrays([pl["place"], pl["year"]])
    )
    multi = chosen.multi_year
    only_multi = pd.MultiIndex.from_arrays([m["place"], m["period"], m["indicator"]]).isin(
        pd.MultiIndex.from_arrays([multi["place"], multi["period"], multi["indicator"]])
    ) & (hz == horizon.ANNUAL)
    missing = ~linked & ~clash
    at = np.flatnonzero(missing & has_next & ~only_multi)
    reason[at], note[at] = NOT_STATED, "no outcome stated"
    at = np.flatnonzero(missing & has_next & only_multi)
    reason[at] = MULTI_YEAR_ONLY
    note[at] = [f"the {p + 1} report states only a multi-year figure for {p}" for p in m["period"].iloc[at].tolist()]
    at = np.flatnonzero(missing & ~has_next)
    reason[at] = NO_REPORT
    note[at] = [f"no report for {p + 1} in the store" for p in m["period"].iloc[at].tolist()]
    at = np.flatnonzero(units_differ)
    reason[at] = UNITS_DIFFER
    note[at] = [f"units differ ({u} / {ou})" for u, ou in columns(m.iloc[at], "unit", "o_unit")]
    at = np.flatnonzero(clash)
    reason[at] = OTHER_BASE
    note[at] = [
        f"outcome counts from {ob:.0f}, target from {b:.0f}"
        for b, ob in columns(m.iloc[at], "base_period", "o_base_period")
    ]
    return reason, note


def _official(conn: sqlite3.Connection, m: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(official statistic in the target's unit, its unit as loaded) for each target: looked up
    by the code as of the year, else today's code. A statistic loaded without a unit is taken
    to be in the target's unit."""
    stats = official(conn)
    if not stats:
        return np.full(len(m), np.nan), np.full(len(m), None, dtype=object)
    found = [
        stats.get((code, period, ind, meas), stats.get((cur, period, ind, meas)) if cur == cur and cur else None)
        for code, cur, period, ind, meas in columns(m, "admin_code", "current_code", "period", "indicator", "measure")
    ]
    raw = np.array([np.nan if f is None else f[0] for f in found], dtype=float)
    unit = pd.Series([None if f is None else f[1] for f in found], index=m.index, dtype=object)
    return units.convert(raw, unit.fillna(m["unit"]), m["unit"]), unit.to_numpy()
