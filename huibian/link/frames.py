"""DataFrame helpers the linked tables share: rows as dicts, fixed dtypes, a tidy finish."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (much faster than DataFrame.to_dict)."""
    cols = list(df.columns)
    return [dict(zip(cols, row, strict=True)) for row in zip(*(df[c].tolist() for c in cols), strict=True)]


def columns(df: pd.DataFrame, *cols: str) -> zip:
    """Rows of some columns as tuples of plain Python values (iterating a Series costs more)."""
    return zip(*(df[c].tolist() for c in cols), strict=True)


def is_missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def num(v: Any) -> float | None:
    return None if is_missing(v) else float(v)
