"""The linking rules that are data: huibian/data/accountability.yaml, read once."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml


@functools.cache
def rules() -> dict[str, Any]:
    """Tolerances of `approx`, percent units, outcome kinds, the section roles that choose a fact."""
    text = resources.files("huibian").joinpath("data/accountability.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
