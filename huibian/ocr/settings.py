"""How OCR runs: mode, engine, cache, and the tuned numbers of data/ocr.yaml."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from huibian import datafiles

MODES = ("auto", "always", "never")


@cache
def config() -> dict[str, Any]:
    """data/ocr.yaml, read once."""
    return datafiles.load("ocr.yaml")


def default_cache_dir() -> str:
    """$HUIBIAN_OCR_CACHE, else $XDG_CACHE_HOME/huibian/ocr, else ~/.cache/huibian/ocr."""
    env = os.environ.get("HUIBIAN_OCR_CACHE")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "huibian" / "ocr")


@dataclass(frozen=True)
class OcrSettings:
    """`mode`: auto (OCR pages with no usable text layer, and images), always (every page),
    never (refuse scans as before). `cache_dir` "" turns the cache off. `threads` 0 lets
    the engine use every core (one process); the page pool gives each worker one."""

    mode: str = "auto"
    engine: str = ""
    cache_dir: str | None = None
    threads: int = 0

    @property
    def engine_name(self) -> str:
        return self.engine or str(config()["engine"])

    @property
    def cache_path(self) -> str:
        return default_cache_dir() if self.cache_dir is None else self.cache_dir
