"""What split reads a report head with: data/split_cues.yaml with its patterns built, the
patterns of dates, meetings and years, and the matchers of a title and a speaker line."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from huibian import datafiles
from huibian.chars import CN_DIGITS, CN_NUMERALS, HAN_NAME, YEAR

_NUM = f"(?:\\d{{1,4}}|[{CN_DIGITS}十]{{1,4}})"
DATE = re.compile(
    f"(?P<y>{YEAR}|[{CN_DIGITS}]{{4}})\\s*年\\s*(?P<m>\\d{{1,2}}|[{CN_NUMERALS}]{{1,3}})\\s*月"
    f"(?:\\s*(?P<d>\\d{{1,2}}|[{CN_NUMERALS}]{{1,3}})\\s*日)?"
)
MEETING = re.compile(
    f"(?P<place>[{HAN_NAME}]{{0,24}}?)\\n?第?(?P<term>{_NUM})\\s*届\\n?"
    f"(?P<national>全国)?\\s*人民代表大会(?:常务委员会)?\\n?第?(?P<session>{_NUM})次(?:全体)?会议",
)
YEAR_RE = re.compile(f"(?<!\\d)({YEAR})(?!\\d)")
LINE = re.compile(r"[^\n]+")
WS = re.compile(r"\s+")
MARKUP = re.compile(r"\*+|^#+|<!--|-->")


def title_match(flat: str, anywhere: bool = False) -> re.Match[str] | None:
    cues = split_cues()
    m = (cues["title_any"] if anywhere else cues["title"]).search(flat)
    if not m:
        return None
    rest = flat[m.end() :]
    if any(rest.startswith(w) for w in cues["title_not_followed_by"]):
        return None
    return m


def speaker_match(flat: str) -> re.Match[str] | None:
    cues = split_cues()
    if len(flat) > 60:
        return None
    return cues["speaker"].match(flat) or cues["speaker_tail"].search(flat)


@cache
def split_cues() -> dict[str, Any]:
    """data/split_cues.yaml with its patterns built."""
    raw = datafiles.load("split_cues.yaml")
    core = "".join(f"{c}\\s*" for c in raw["title_core"]).removesuffix("\\s*")
    core = core.replace("工\\s*作", "(?:\\d{4}年)?工\\s*作")  # 湖北省人民政府2010年工作报告
    place = f"(?P<place>[{HAN_NAME}]{{0,20}}?)"
    year = f"(?:{YEAR}年度?)?"
    title_body = f"(?P<title>{year}{place}{year}(?:人民)?{core}(?:（全文）)?)"
    tail = "(?:$|(?=[（(—―─《》]|\\d{4}年|\\d{1,2}月))"
    posts = "|".join(raw["posts"])
    prefixes = "|".join(sorted(raw["post_prefixes"], key=len, reverse=True))
    post = f"(?P<post>(?:{prefixes})?(?:{posts}))"
    name = f"(?P<name>[{HAN_NAME}]{{2,4}}|[{HAN_NAME}]{{1,6}}·[{HAN_NAME}]{{1,8}})"
    salutes = "|".join(sorted(raw["salutations"], key=len, reverse=True))
    return {
        **raw,
        "title": re.compile(f"^{title_body}{tail}"),
        "title_any": re.compile(f"{title_body}{tail}"),
        "speaker": re.compile(f"^(?P<org>[{HAN_NAME}]{{0,24}}?){post}[:：]?{name}$"),
        "speaker_tail": re.compile(f"(?<=[上）)]){post}[:：]?{name}[）)]?$"),
        "salutation": re.compile(f"^(?:{salutes})(?:[，、,](?:{salutes}))*[：:！!]?$"),
        "name_line": re.compile(f"^[{HAN_NAME}]{{2,4}}$"),
        "representing": datafiles.pattern(raw["representing"]),
        "provinces": frozenset(raw["provinces"]),
        "provinces_by_length": sorted(raw["provinces"], key=len, reverse=True),
        "not_names": frozenset(raw["not_names"]),
        "county_level_cities": frozenset(raw["county_level_cities"]),
        "suffixes": [tuple(s) for s in raw["suffixes"]],
    }
