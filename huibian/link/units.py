"""Values in their base unit (huibian/data/units.yaml through huibian.numbers), on whole columns.

Every linked table carries a value as stated with its unit beside it, and the same value
in the base unit (1100 亿元 → 1.1e11 元), so a series compares across reports that state
it in 亿元 one year and 万亿元 the next. Units with different base units (元 and 美元)
are never converted into each other.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from huibian import numbers


@functools.lru_cache(maxsize=4096)
def scale(unit: str | None) -> tuple[float, str | None]:
    """(factor to the base unit, base unit) of `unit`: 亿元 → (1e8, 元); None → (nan, None)."""
    if unit is None or unit != unit:  # None or NaN
        return float("nan"), None
    return numbers.to_base(1.0, str(unit))


def scales(unit: pd.Series | list) -> tuple[np.ndarray, np.ndarray]:
    """(factors, base units) of a column of units (each distinct unit looked up once)."""
    codes, uniques = pd.factorize(pd.Series(unit, dtype=object) if not isinstance(unit, pd.Series) else unit)
    pairs = [scale(u) for u in uniques] + [(float("nan"), None)]  # code -1 (missing) takes the last
    factor = np.array([p[0] for p in pairs], dtype=float)
    base = np.array([p[1] for p in pairs], dtype=object)
    return factor[codes], base[codes]


def to_base(values: pd.Series | np.ndarray, unit: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values in their base unit, base units) of values stated in `unit`."""
    factor, base = scales(unit)
    return np.asarray(values, dtype=float) * factor, base


def convert(values: pd.Series | np.ndarray, unit: pd.Series, to: pd.Series | list) -> np.ndarray:
    """Values stated in `unit`, each expressed in its `to` unit: as stated where the units are
    the same, through the base unit where they share one, NaN where they do not (元 / 美元)."""
    values = np.asarray(values, dtype=float)
    f_from, b_from = scales(unit)
    f_to, b_to = scales(to)
    same = pd.Series(unit, dtype=object).to_numpy() == pd.Series(to, dtype=object).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        via_base = np.where((b_from == b_to) & (b_from != None), values * f_from / f_to, np.nan)  # noqa: E711
    return np.where(same, values, via_base)
