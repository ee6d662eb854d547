"""The one way into huibian/data/: the knowledge files, read by name.

Each stage keeps its own compiled form of its file (cached where it builds it); this
module only finds, reads and parses, and says which file is broken when one is. Regexes
in the files may name the shared character classes as `{han}`, `{year}` … (`pattern`).
"""

from __future__ import annotations

import re
from importlib import resources
from importlib.abc import Traversable
from typing import Any

import yaml

from huibian import chars
from huibian.models import HuibianError


def path(name: str) -> Traversable:
    """A file or folder under huibian/data/ (`units.yaml`, `divisions/kinds.yaml`, `dictionaries`)."""
    return resources.files("huibian").joinpath("data", *name.split("/"))


def read_text(name: str) -> str:
    """The text of a data file."""
    return path(name).read_text(encoding="utf-8")


def load(name: str) -> Any:
    """A YAML data file, parsed (a fresh value each call: callers build and cache their own form)."""
    try:
        return yaml.safe_load(read_text(name))
    except (OSError, yaml.YAMLError) as e:
        raise HuibianError(f"huibian/data/{name}: cannot be read ({type(e).__name__}: {e}) — reinstall huibian") from e


def pattern(text: str, flags: int = 0) -> re.Pattern[str]:
    """A regex from a data file, its `{name}`s expanded (huibian.chars.expand), compiled."""
    return re.compile(chars.expand(text), flags)
