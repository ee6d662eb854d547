"""Where a mention stands: its sentence, the paragraph's role (review, tasks, targets)
and the innermost section around it. Which years it is about is timeframe.py's job."""

from __future__ import annotations

import bisect
import functools
import re

from huibian.extract.cues import alt, cues, patterns
from huibian.extract.timeframe import scan
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


def _paragraph_roles(text: str, sections: list[Section], year: int) -> list[tuple[int, str]]:
    """(paragraph start, role) for every paragraph, read as a flow from review to plan.

    A top-level heading sets the role the structure stage gave its part, or the role its
    title's years give it (“十五”时期的目标和任务 in 2001 plans; “九五”时期回顾 reviews); an
    "other" part (政府自身建设) continues the flow. A heading swallowed at the end of a
    paragraph (…加以解决。二、2004年政府工作安排) starts its part where it stands. A heading
    line the structure stage did not take as a heading is read with the same title cues.
    Inside any part, a paragraph that announces the plan (主要预期目标是, 工作的总体要求是)
    starts the plan part — reports whose plan part has no heading of its own are common.
    A (一)主要预期目标 subsection is targets."""
    plan_para = _paragraph_role_cues()
    tops = {s.start: s for s in sections if s.parent is None}  # the outermost headings the report has
    subs = sorted((s.start, s.end) for s in sections if s.depth > 1 and s.role == "targets")
    sub_starts = [a for a, _ in subs]
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    starts = sorted(set(starts) | set(tops))
    out: list[tuple[int, str]] = []
    current = "review"
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(text)
        line = text[start:end].split("\n", 1)[0]
        top = tops.get(start)
        if top is not None:
            role_named = _time_role(top, year) or top.role
        else:
            role_named = title_role(line) if len(line) < 40 and "。" not in line else None  # a heading the structure missed
        if role_named in ("review", "problems"):
            current = role_named
        elif role_named in ("tasks", "targets"):
            current = "tasks"
        elif top is None and plan_para.search(line[:60]):
            current = "tasks"
        role = current
        i = bisect.bisect_right(sub_starts, start) - 1  # the (一)主要预期目标 subsection around it, if any
        if i >= 0 and subs[i][0] <= start < subs[i][1]:
            role = "targets"
        out.append((start, role))
    return out


def _time_role(section: Section, year: int) -> str | None:
    """The role a top-level title's years give it: only years to come → the plan (tasks),
    only years gone → review; None when it names none or both, or its cues say problems
    or other."""
    if section.role in ("problems", "other"):
        return None
    frames, _ = scan(section.title, year, year)
    # 全年 belongs to either part; a plan still running (实施“十二五”规划实现良好开局 in 2012) to both
    frames = [f for f in frames if f.source != "whole_year" and not (f.start is not None and f.start <= year <= f.end)]
    if not frames:
        return None
    if all(f.future for f in frames):
        return "tasks"
    if not any(f.future for f in frames):
        return "review"
    return None


class Context:
    """Per-report context that does not change from sentence to sentence: paragraph roles."""

    def __init__(self, text: str, sections: list[Section], year: int):
        self.text = text
        self.sections = sections
        self.year = year
        self.para_roles = _paragraph_roles(text, sections, year)
        self.para_starts = [s for s, _ in self.para_roles]

    def role(self, pos: int) -> str:
        return self.para_roles[bisect.bisect_right(self.para_starts, pos) - 1][1]
