"""The linking rules that are data: huibian/data/accountability.yaml, read once."""

from __future__ import annotations

import functools
from typing import Any

from huibian import datafiles


@functools.cache
def rules() -> dict[str, Any]:
    """Tolerances of `approx`, percent units, outcome kinds, the section roles that choose a fact."""
    return datafiles.load("accountability.yaml")
