"""Reading a DataFrame row by row fast: the linked tables' few row loops go through these."""

from __future__ import annotations

from typing import Any

import pandas as pd


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (much faster than DataFrame.to_dict)."""
    cols = list(df.columns)
    return [dict(zip(cols, row, strict=True)) for row in zip(*(df[c].tolist() for c in cols), strict=True)]


def columns(df: pd.DataFrame, *cols: str) -> zip:
    """Rows of some columns as tuples of plain Python values (iterating a Series costs more)."""
    return zip(*(df[c].tolist() for c in cols), strict=True)
