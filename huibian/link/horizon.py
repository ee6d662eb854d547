"""A figure's horizon: one year (annual) or several taken together (multi-year), and its span.

A figure is multi-year when its measure is (a total, an average or cumulative growth
over several years: models.MULTI_YEAR_MEASURES) or when it is for a year after the
report's (a five-year plan's 2025 goal in a 2021 report). Its span ends in its period
(the plan's end year) and starts the year after its base period, or in the report year
for a plan stated ahead; it is unknown when the text says neither. The rule is written
twice below — for DataFrames and for SQL — from the same constants, and a test holds
the two to the same answers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from huibian.models import HORIZONS, MULTI_YEAR_MEASURES

ANNUAL, MULTI_YEAR = HORIZONS


def horizon(measure: pd.Series, period: pd.Series, report_year: pd.Series) -> np.ndarray:
    """`annual` or `multi-year` for each figure."""
    multi = measure.isin(MULTI_YEAR_MEASURES).to_numpy() | (period.to_numpy() > report_year.to_numpy())
    return np.where(multi, MULTI_YEAR, ANNUAL)


def span_start(
    horizons: np.ndarray, period: pd.Series, base_period: pd.Series, report_year: pd.Series
) -> np.ndarray:
    """The first year each figure covers (float: NaN when the text does not fix it)."""
    period, report_year = period.to_numpy(float), report_year.to_numpy(float)
    base = base_period.to_numpy(float)
    multi = np.where(~np.isnan(base), base + 1, np.where(period > report_year, report_year, np.nan))
    return np.where(horizons == ANNUAL, period, multi)


def sql_multi_year(measure: str = "f.measure", period: str = "f.period", report_year: str = "r.year") -> str:
    """The same rule as an SQL condition over a facts row `f` joined to its report `r`."""
    listed = ", ".join(f"'{m}'" for m in MULTI_YEAR_MEASURES)
    return f"({measure} IN ({listed}) OR {period} > {report_year})"
