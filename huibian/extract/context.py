"""Where a mention stands, which decides its period and kind: the paragraph's role
(review, tasks, targets), the period cues of its sentence found once per report, the
five-year reading and plan horizon of its paragraph, explicit years before it, and the
innermost section around it."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from huibian.extract.cues import alt, cues, patterns
from huibian.models import Section
from huibian.structure import title_role


def sentence_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in patterns()["sentence"].finditer(text)]


class Sections:
    """Innermost-section lookups by bisection: the last section starting at or before a
    position, or the nearest of its ancestors that still contains it."""

    def __init__(self, sections: list[Section]):
        self.sections = sorted(sections, key=lambda s: s.start)
        self.starts = [s.start for s in self.sections]
        self.by_idx = {s.idx: s for s in sections}

    def at(self, pos: int) -> Section | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        s = self.sections[i] if i >= 0 else None
        while s is not None and not (s.start <= pos < s.end):
            s = self.by_idx.get(s.parent) if s.parent is not None else None
        return s


@functools.cache
def _paragraph_role_cues() -> re.Pattern[str]:
    c = cues()["roles"]
    return re.compile(rf"(?:{alt(c['plan_paragraph'])})(?:是|为|：|:|如下)")  # …预期目标是：, not …目标胜利实现


def _paragraph_roles(text: str, sections: list[Section]) -> list[tuple[int, str]]:
    """(paragraph start, role) for every paragraph, read as a flow from review to plan.

    A top-level heading sets the role the structure stage gave its part; an "other" part
    (政府自身建设) continues the flow. A heading line the structure stage did not take as a
    heading is read with the same title cues. Inside any part, a paragraph that announces
    the plan (主要预期目标是, 工作的总体要求是) starts the plan part — reports whose plan
    part has no heading of its own are common. A (一)主要预期目标 subsection is targets."""
    plan_para = _paragraph_role_cues()
    tops = {s.start: s for s in sections if s.parent is None}  # the outermost headings the report has
    subs = [s for s in sections if s.depth > 1 and s.role == "targets"]
    out: list[tuple[int, str]] = []
    current = "review"
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        top = tops.get(start)
        role_named = top.role if top is not None else (
            title_role(line) if len(line) < 40 and "。" not in line else None  # a heading the structure missed
        )
        if role_named in ("review", "problems"):
            current = role_named
        elif role_named in ("tasks", "targets"):
            current = "tasks"
        elif top is None and plan_para.search(line[:60]):
            current = "tasks"
        role = current
        if any(s.start <= start < s.end for s in subs):
            role = "targets"
        out.append((start, role))
    return out


_RELATIVE_YEAR = re.compile(r"(去年|上年|今年|现在|目前|当年)(?:底|末)?的")
_BASE_RELATIVE = re.compile(r"(?:比|较|同比|相比|与)(?:去年|上年|前年)(?:同期)?")


def explicit_year(text: str, start: int, pos: int, year: int = 0) -> tuple[int | None, int | None]:
    """(period, base_period) named in text[start:pos]: the nearest year marker wins
    (2015年的, 去年底的, 现在的); 比2010年 and 2010年以来 name a base, not the period."""
    p = patterns()
    seg = text[start:pos]
    base = None
    skip: list[tuple[int, int]] = []
    for mb in p["base_year"].finditer(seg):
        base = int(mb.group(1))
        skip.append((mb.start(), mb.end() + 2))
    for ml in re.finditer(r"((?:19|20)\d\d)年(?:以来|起|开始)", seg):
        skip.append((ml.start(), ml.end()))
    marks: list[tuple[int, int]] = []
    for my in p["year"].finditer(seg):
        if not any(a <= my.start() < b for a, b in skip):
            marks.append((my.start(), int(my.group(1))))
    if year:
        for mr in _RELATIVE_YEAR.finditer(seg):
            marks.append((mr.start(), year if mr.group(1) == "今年" else year - 1))
    period = max(marks)[1] if marks else None
    spans = list(p["year_span"].finditer(seg))
    if spans:
        period = int(spans[-1].group(2))
        base = base or int(spans[-1].group(1)) - 1
    return period, base


_TO_YEAR = re.compile(r"(?:到|至|在|于)((?:19|20)\d\d)年(?:底|末|前)?")


_SENT_YEAR = re.compile(r"\s*(?:在|截至|截止)?((?:19|20)\d\d)年(?:，|,|全年|我|全|以来)")


# a statement about several years; a plan name alone (提前实现“十三五”目标) is not one
_MULTI_YEAR = re.compile(r"五年|十.五”?(?:时期|期间|以来)|比(?:19|20)\d\d年|任期|本届|(?:19|20)\d\d年以来")
_SINGLE_YEAR = re.compile(r"同比|全年|去年|上年|过去一年|一年来|今年")


_INF = 1 << 60


@dataclass
class SentenceCues:
    """Where the period and kind cues of one sentence stand, found once per sentence:
    each question about a mention is then "does cue X stand before position p"."""

    first: dict[str, int]  # cue → first absolute position in the sentence (_INF if absent)
    plans: list[tuple[int, int]]  # (position, plan end year) of 十二五-style plan names
    bases: list[tuple[int, int]]  # (end position, year) of 比2010年-style base years
    to_years: list[tuple[int, int]]  # (position, year) of 到2020年-style horizons
    sent_year: tuple[int, int] | None  # a year opening the sentence (2011年，…): (end, year)
    multi_anywhere: bool  # 年均 anywhere in the sentence

    @classmethod
    def of(cls, cue_index: CueIndex, text: str, s0: int, s1: int) -> SentenceCues:
        msy = _SENT_YEAR.match(text, s0)
        return cls(
            first={key: cue_index.first(key, s0, s1) for key in cue_index.FIRST},
            plans=cue_index.within("plan", s0, s1),
            bases=cue_index.within("base", s0, s1),
            to_years=cue_index.within("to_year", s0, s1),
            sent_year=(msy.end(), int(msy.group(1))) if msy else None,
            multi_anywhere="年均" in text[s0:s1],
        )

    def before(self, key: str, pos: int) -> bool:
        return self.first[key] < pos

    def plan_before(self, pos: int) -> int | None:
        found = [end for at, end in self.plans if at < pos]
        return found[-1] if found else None

    def base_before(self, pos: int) -> int | None:
        found = [y for end, y in self.bases if end <= pos]
        return found[-1] if found else None


class CueIndex:
    """Every cue match of a report, found in one scan per cue; sentences then look up
    their share by bisection instead of scanning their text again for each cue."""

    FIRST = ("ahead", "back", "this_year", "target", "past", "single", "multi")

    def __init__(self, text: str, year: int):
        p = patterns()
        pos: dict[str, list[int]] = {key: [m.start() for m in p[key].finditer(text)] for key in
                                     ("ahead", "back", "this_year", "target")}
        relative = [(m.start(), m.end()) for m in _BASE_RELATIVE.finditer(text)]
        rel_starts = [a for a, _ in relative]

        def in_relative(x: int) -> bool:
            i = bisect.bisect_right(rel_starts, x) - 1
            return i >= 0 and relative[i][0] <= x < relative[i][1]

        pos["past"] = [m.start() for m in p["past"].finditer(text) if not in_relative(m.start())]
        pos["single"] = [m.start() for m in _single_year(year).finditer(text)]
        pos["multi"] = [m.start() for m in _MULTI_YEAR.finditer(text)]
        self.pos = pos
        plan_end = cues()["plan_end"]
        self.items: dict[str, list[tuple[int, int]]] = {
            "plan": [(m.start(), plan_end[m.group(1)]) for m in p["plan"].finditer(text)],
            "base": [(m.end(), int(m.group(1))) for m in p["base_year"].finditer(text)],
            "to_year": [(m.start(), int(m.group(1))) for m in _TO_YEAR.finditer(text)],
        }
        self.item_pos = {k: [a for a, _ in v] for k, v in self.items.items()}

    def first(self, key: str, s0: int, s1: int) -> int:
        lst = self.pos[key]
        i = bisect.bisect_left(lst, s0)
        return lst[i] if i < len(lst) and lst[i] < s1 else _INF

    def within(self, key: str, s0: int, s1: int) -> list[tuple[int, int]]:
        at = self.item_pos[key]
        return self.items[key][bisect.bisect_left(at, s0) : bisect.bisect_left(at, s1)]


@functools.cache
def _single_year(year: int) -> re.Pattern[str]:
    return re.compile(rf"{_SINGLE_YEAR.pattern}|{year - 1}年")


class Context:
    """Per-report context that does not change from sentence to sentence: paragraph
    roles, the multi-year reading of each paragraph and top-level section."""

    def __init__(self, text: str, sections: list[Section], year: int):
        self.text = text
        self.sections = sections
        self.year = year
        self.para_roles = _paragraph_roles(text, sections)
        self.para_starts = [s for s, _ in self.para_roles]
        self._para_cache: dict[int, tuple[int, int, list[tuple[int, int]]]] = {}
        self.top = [s for s in sections if s.parent is None]

    def role(self, pos: int) -> str:
        return self.para_roles[bisect.bisect_right(self.para_starts, pos) - 1][1]

    def _para(self, pos: int) -> tuple[int, int, list[tuple[int, int]]]:
        start = self.text.rfind("\n", 0, pos) + 1
        if start not in self._para_cache:
            end = self.text.find("\n", start)
            end = len(self.text) if end < 0 else end
            single = _single_year(self.year).search(self.text, start, end)
            multi = _MULTI_YEAR.search(self.text, start, end)
            tos = [(m.start(), int(m.group(1))) for m in _TO_YEAR.finditer(self.text, start, end)]
            self._para_cache[start] = (single.start() if single else _INF, multi.start() if multi else _INF, tos)
        return self._para_cache[start]

    def five_year(self, cues_: SentenceCues, pos: int) -> bool:
        """Whether `pos` stands in a statement about several years (过去五年, 十二五时期...):
        the sentence decides, then its paragraph, then the enclosing top-level section."""
        if cues_.before("single", pos):
            return False
        if cues_.before("multi", pos) or cues_.multi_anywhere:
            return True
        single, multi, _ = self._para(pos)
        if single < pos:
            return False
        if multi < pos:
            return True
        for s in self.top:
            if s.start <= pos < s.end:
                return bool(re.search(r"五年|十.五|任期|届", s.title)) and not re.search(r"一年|去年|\d{4}年", s.title)
        return False

    def horizon(self, cues_: SentenceCues, s0: int, pos: int) -> tuple[int, str] | None:
        """A future year the plan aims at (到2021年): in this sentence, or earlier in its paragraph."""
        found = [y for at, y in cues_.to_years if at < pos]
        if found and max(found) > self.year:
            return max(found), "sentence"
        found = [y for at, y in self._para(pos)[2] if at < s0]
        if found and max(found) > self.year:
            return max(found), "paragraph"
        return None
