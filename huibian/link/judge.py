"""Judging a target met or missed: one rule, on whole columns (`judge` is the same rule for one target).

On the signed values, by the target's qualifier (huibian/data/accountability.yaml), with
the indicator's direction from the taxonomy (which way is better):

  ge (以上, 不低于)   met when outcome >= target
  le (以内, 不超过)   met when outcome <= target
  approx (左右, 约)   met when |outcome - target| <= the tolerance: 0.5 percentage points for
                     a rate (%, 个百分点, ‰, or a growth/share measure), 1 % of the target
                     for an amount
  range (6.5–7%)     met when inside the range, or beyond it on the better side
                     (above for higher-is-better, below for lower-is-better)
  eq (no qualifier)  met when equal or better: outcome >= target, or <= for an indicator
                     where lower is better (energy intensity, unemployment rate …)

An estimate (预计) stated as the outcome is judged like an actual figure; the
outcome_kind column says which it was. Unknown (NA) when either value is missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from huibian.link.rules import rules

# measures stated in percent or percentage points whatever their unit says
PERCENT_MEASURES = ("growth", "avg_growth", "cum_growth", "share", "change_pp")
_EPS = 1e-9


def is_percent(unit: pd.Series, measure: pd.Series) -> pd.Series:
    """Whether each target is a rate (the `approx` tolerance is then in percentage points)."""
    return unit.isin(rules()["percent_units"]) | measure.isin(PERCENT_MEASURES)


def judge_all(
    cmp: pd.Series | np.ndarray,
    target: np.ndarray,
    target_hi: np.ndarray,
    outcome: np.ndarray,
    *,
    direction: pd.Series | np.ndarray,
    percent: pd.Series | np.ndarray,
) -> pd.arrays.BooleanArray:
    """Met (True), missed (False) or unknown (NA) for each target, on whole columns."""
    cmp = np.asarray(cmp, dtype=object)
    direction = np.asarray(direction, dtype=object)
    target, target_hi, outcome = (np.asarray(a, dtype=float) for a in (target, target_hi, outcome))
    higher, lower = direction == "higher", direction == "lower"
    a = rules()["approx"]
    tol = np.where(np.asarray(percent, dtype=bool), a["percent_tolerance_pp"], np.abs(target) * a["level_tolerance_share"])
    lo, hi = np.fmin(target, target_hi), np.fmax(target, target_hi)
    with np.errstate(invalid="ignore"):
        met = np.select(
            [cmp == "ge", cmp == "le", cmp == "approx", (cmp == "range") & ~np.isnan(target_hi)],
            [
                outcome >= target - _EPS,
                outcome <= target + _EPS,
                np.abs(outcome - target) <= tol + _EPS,
                ((lo - _EPS <= outcome) & (outcome <= hi + _EPS)) | np.where(higher, outcome > hi, outcome < lo),
            ],
            default=np.where(lower, outcome <= target + _EPS, outcome >= target - _EPS),
        )
    return pd.array(np.where(np.isnan(outcome) | np.isnan(target), None, met), dtype="boolean")


def judge(
    cmp: str, target: float | None, target_hi: float | None, outcome: float | None, direction: str, percent: bool
) -> bool | None:
    """Whether `outcome` meets one target (None when it cannot be told): `judge_all` on one row."""
    nan = float("nan")
    met = judge_all(
        [cmp],
        [nan if target is None else target],
        [nan if target_hi is None else target_hi],
        [nan if outcome is None else outcome],
        direction=[direction],
        percent=[percent],
    )[0]
    return None if met is pd.NA else bool(met)
