"""Numbers as written in Chinese reports → values, and units → base units.

Handles Arabic numbers with thousands separators, Chinese numerals (一千一百, 两千,
十三点五) through cn2an, 万/亿 prefixes, and the unit table of data/units.yaml.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from huibian import datafiles

ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
CHINESE = r"[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?"
PREFIXES = ("万亿", "千亿", "百亿", "亿", "千万", "百万", "万")
PREFIX_FACTOR = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4}


@dataclass(frozen=True)
class UnitTable:
    """Units by class (money / measure / count / percent) with base conversions."""

    cls: dict[str, str]
    base: dict[str, tuple[float, str]]
    regex: re.Pattern[str]  # prefix? unit, anchored where it is used


@functools.cache
def units() -> UnitTable:
    data = datafiles.load("units.yaml")
    cls: dict[str, str] = {}
    base: dict[str, tuple[float, str]] = {}
    for klass, table in data.items():
        for unit, (factor, b) in table.items():
            cls[str(unit)] = klass
            base[str(unit)] = (float(factor), str(b))
    alts = "|".join(re.escape(u) for u in sorted(cls, key=len, reverse=True))
    prefix = "|".join(PREFIXES)
    # 6000余万元, 1万余台, 2亿多元: 多/余 may stand before or after the 万/亿 prefix
    return UnitTable(cls, base, re.compile(rf"(?P<more1>[多余])?(?P<prefix>{prefix})?(?P<more2>[多余])?(?P<unit>{alts})?"))


@functools.lru_cache(maxsize=16384)
def parse_number(text: str) -> float | None:
    """'1,100' → 1100.0; '一千一百' → 1100.0; '十三点五' → 13.5; None when it is no number."""
    t = text.replace(",", "")
    try:
        return float(t)
    except ValueError:
        pass
    import cn2an  # here, not at module import: it costs ~0.2 s and only Chinese numerals need it

    try:
        v = cn2an.cn2an(t, "smart")
    except (ValueError, KeyError, IndexError, TypeError, OverflowError):
        return None
    return float(v)


def cn_int(text: str) -> int | None:
    """A whole number as written in a date, a meeting or a count: `2012`, `二〇一二`, `十五`, `两` →
    2012, 2012, 15, 2; None when it is no whole number (parse_number reads it)."""
    v = parse_number(text)
    return int(v) if v is not None and v.is_integer() else None


@functools.lru_cache(maxsize=4096)
def split_unit(unit: str) -> tuple[float, str]:
    """'亿元' → (1e8, '元'); '万吨' → (1e4, '吨'); '%' → (1, '%'). Unknown units keep factor 1."""
    for p in PREFIXES:
        if unit.startswith(p) and len(unit) > len(p):
            return PREFIX_FACTOR[p], unit[len(p) :]
    if unit in PREFIX_FACTOR:  # a bare multiplier: 8.74万 (people)
        return PREFIX_FACTOR[unit], ""
    return 1.0, unit


def to_base(value: float, unit: str) -> tuple[float, str]:
    """A value in `unit` → (value in the base unit, base unit): 1100 亿元 → (1.1e11, 元)."""
    factor, rest = split_unit(unit)
    f2, b = units().base.get(rest, (1.0, rest))
    return value * factor * f2, b


def comparable(value: float, unit: str) -> tuple[float, str]:
    """For scoring: convert only the 万/亿 prefixes (facts.md), keep the unit's own name."""
    factor, rest = split_unit(unit)
    return round(value * factor, 6), rest
