"""A report's text → its section tree (一、 / （一） / 1. / （1）) with each part's role.

Headings are numbered lines. A numbered line counts as a heading only when its number
continues the numbering of its siblings (一、 after nothing or after 一、 comes 二、),
which rejects the numbers that merely start a line (a list inside a paragraph, a stray
`3.`). A heading swallowed into the end of the previous paragraph (…加以解决。二、2005年
政府工作安排) is taken when its number is the one expected. Reports that head their parts
without numbers (2009年工作安排) get those lines as top-level headings with number "".

Roles (review / problems / targets / tasks / other) come from cue words in
data/section_roles.yaml: a top-level section by its title, else by how its body opens,
else by its place; a subsection inherits its parent's role unless its own title is a
clear cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from huibian import datafiles
from huibian.chars import OUTLINE_NUMBER as _NUMBER
from huibian.chars import YEAR
from huibian.models import Section
from huibian.numbers import cn_int

# A numbered line: markup or indentation may precede the number.
_LINE_HEADING = re.compile(f"^[ \\t\\u3000#*>]*(?:{_NUMBER})", re.M)
# A heading swallowed at the end of a paragraph line, after its last sentence.
_SWALLOWED = re.compile(f"[。！？!?][ \\t\\u3000]*(?:{_NUMBER})(?=[^\\n。！？]{{1,40}}$)", re.M)
_LINE = re.compile(r"[^\n]+")
_TITLE_END = re.compile(r"[。！？；：!?;:\s]")
_SENTENCE_PUNCT = re.compile(r"[，。；：！？,;:!?]")
_YEAR_OR_PLAN = re.compile(f"{YEAR}年|十[一二三四五六七八九]五")
_TITLE_MAX = 40
_REST_MAX = 400  # of a heading's line read: enough for its title and to tell a short line (≤ 50), and
# bounded, so that a text of one giant line with many numbers in it stays linear
_WS = re.compile(r"\s+")
_YEAR = re.compile(f"({YEAR})年")
_OPENING_YEAR = re.compile(f"({YEAR})年(?:是|，|,)")


@dataclass
class _Candidate:
    start: int  # where the heading starts (its number)
    depth: int
    n: int | None  # the number's value; None for an unnumbered heading
    number: str
    title: str
    standalone: bool  # the heading is a short line of its own
    swallowed: bool = False
    in_run: bool = False  # one of ≥3 headings of this depth numbered n, n+1, n+2 … in a row
    glossary: bool = False  # 附注 / 名词解释: the notes after the report


def structure(text: str) -> list[Section]:
    """The sections of a report text, in order; spans are offsets into `text`."""
    candidates = _candidates(text)
    sections: list[Section] = []
    stack: list[Section] = []
    last: dict[tuple[int, int], int] = {}  # (parent idx or -1, depth) → last number taken
    last_any: dict[int, int] = {}  # depth → last number taken under any parent
    unnumbered_parts = False  # the report heads its parts without numbers
    for c in candidates:
        parent = next((s for s in reversed(stack) if s.depth < c.depth), None)
        key = (parent.idx if parent else -1, c.depth)
        if c.n is None:
            open_numbered = any(s.depth == 1 and s.number for s in stack)
            if open_numbered and not (c.glossary or unnumbered_parts or _YEAR_OR_PLAN.search(c.title)):
                continue
            unnumbered_parts = unnumbered_parts or not c.glossary
            last.pop(key, None)  # numbering may start again under a new unnumbered part
        elif not (
            _continues(c, last.get(key))
            or (key not in last and c.n == last_any.get(c.depth, -1) + 1)  # 7. under 一、, 8. under 二、
            or (c.in_run and not c.swallowed)  # a list after an item the source lost or merged
        ):
            continue
        else:
            last[key] = last_any[c.depth] = c.n
        while stack and stack[-1].depth >= c.depth:
            stack.pop().end = _trim_end(text, c.start)
        section = Section(
            idx=len(sections),
            parent=parent.idx if parent else None,
            depth=c.depth,
            number=c.number,
            title=c.title,
            start=c.start,
            end=len(text),
        )
        sections.append(section)
        stack.append(section)
    for s in stack:
        s.end = _trim_end(text, len(text))
    _assign_roles(text, sections)
    return sections


def _continues(c: _Candidate, last: int | None) -> bool:
    """Whether a numbered heading continues its siblings' numbering.

    A heading on a short line of its own may skip one number or open a list at 2 or 3
    (an item lost in the source); a heading that opens a paragraph, or one swallowed
    into the previous paragraph, must be the next number exactly.
    """
    assert c.n is not None
    if c.swallowed:
        return last is not None and c.n == last + 1
    if last is None:
        return c.n == 1 or (c.standalone and c.n <= 3)
    return c.n == last + 1 or (c.standalone and c.n == last + 2)


def _candidates(text: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    for m in _LINE_HEADING.finditer(text):
        out.append(_numbered(text, m, swallowed=False))
    for m in _SWALLOWED.finditer(text):
        out.append(_numbered(text, m, swallowed=True))
    cues = _cues()
    glossary = set(cues["glossary_headings"])
    longest = cues["unnumbered_max"] + 12  # room for markup and indentation
    for m in _LINE.finditer(text):
        if len(m.group()) > longest:
            continue
        line = m.group().strip(" \t\u3000*#")
        if not line or len(line) > cues["unnumbered_max"]:
            continue
        start = m.start() + (len(m.group()) - len(m.group().lstrip(" \t\u3000*#")))
        if _WS.sub("", line).rstrip("：:") in glossary:
            out.append(_Candidate(start, 1, None, "", line.rstrip("：:"), standalone=True, glossary=True))
        elif (
            not _SENTENCE_PUNCT.search(line)
            and not _LINE_HEADING.match(line)
            and _cue_role(line, cues["roles"], cues["order"]) not in (None, "other")
        ):
            out.append(_Candidate(start, 1, None, "", line, standalone=True))
    out.sort(key=lambda c: c.start)
    _mark_runs(out)
    return out


def _mark_runs(candidates: list[_Candidate]) -> None:
    """Mark numbered candidates that belong to a run of ≥3 consecutive numbers at one depth."""
    by_depth: dict[int, list[_Candidate]] = {}
    for c in candidates:
        if c.n is not None:
            by_depth.setdefault(c.depth, []).append(c)
    for seq in by_depth.values():
        run = [seq[0]] if seq else []
        for prev, c in zip(seq, seq[1:], strict=False):
            if c.n == (prev.n or 0) + 1:
                run.append(c)
                continue
            if len(run) >= 3:
                for r in run:
                    r.in_run = True
            run = [c]
        if len(run) >= 3:
            for r in run:
                r.in_run = True


def _numbered(text: str, m: re.Match[str], swallowed: bool) -> _Candidate:
    depth = next(i for i in (1, 2, 3, 4) if m.group(f"d{i}"))
    number = m.group(f"d{depth}")
    start = m.start(f"d{depth}")
    line_end = text.find("\n", m.end(), m.end() + _REST_MAX)
    rest = text[m.end() : line_end if line_end >= 0 else min(len(text), m.end() + _REST_MAX)]
    body = rest.replace("*", "").lstrip()
    cut = _TITLE_END.search(body)
    title = (body[: cut.start()] if cut else body)[:_TITLE_MAX]
    standalone = len(body) <= 50 and "。" not in body
    return _Candidate(start, depth, _value(number), number, title, standalone, swallowed)


def _value(number: str) -> int:
    """The value of a heading number (一、 → 1, （十二） → 12, 3. → 3); 0 when it reads as none."""
    return cn_int(number.strip("（()）、.．")) or 0


def _trim_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


# --- roles -----------------------------------------------------------------------------


def _assign_roles(text: str, sections: list[Section]) -> None:
    cues = _cues()
    seen_plan = False
    previous: str | None = None  # role of the previous top-level section
    part: str | None = None  # role of the last unnumbered part heading
    reviewed = None  # the latest year a review title names
    for s in sections:
        if s.parent is None:
            role = (
                "other"
                if s.title in cues["glossary_headings"]
                else _cue_role(s.title, cues["roles"], cues["order"])
            )
            if role is None and s.number and part:
                role = part  # an item of a part headed without a number
            if role is None:
                if reviewed is None and previous == "review":
                    reviewed = _most_named_year(text[sections[0].start : min(s.start, sections[0].start + 5000)])
                role = _body_role(text, s, cues, reviewed)
            if role is None:
                if seen_plan:
                    role = "tasks"
                elif previous is None or previous == "review":
                    role = "review"
                else:
                    role = "other"
            s.role = role
            previous = role
            if role == "review":
                years = [int(y) for y in _YEAR.findall(s.title)]
                reviewed = max(years + ([reviewed] if reviewed else []), default=None)
            if not s.number:
                part = role
            # a title that names the plan too (2003年工作回顾和2004年工作总体要求) opens the plan part
            names_plan = any(cue in s.title for r in ("tasks", "targets") for cue in cues["roles"][r])
            seen_plan = seen_plan or role in ("targets", "tasks") or names_plan
        else:
            own = _cue_role(s.title, cues["subsection_override"], list(cues["subsection_override"]))
            s.role = own or sections[s.parent].role


@cache
def _achieved() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in _cues().get("achieved", []))


def _most_named_year(review_text: str) -> int | None:
    """The year a review part names most often: the year it reviews."""
    counts: dict[int, int] = {}
    for y in _YEAR.findall(review_text[:5000]):
        counts[int(y)] = counts.get(int(y), 0) + 1
    return max(counts, key=lambda y: counts[y]) if counts else None


def title_role(title: str) -> str | None:
    """The role a heading's title names by its cue words (section_roles.yaml), or None."""
    cues = _cues()
    return _cue_role(title, cues["roles"], cues["order"])


def _cue_role(title: str, roles: dict[str, list[str]], order: list[str]) -> str | None:
    if "review" in order and any(p.search(title) for p in _achieved()):
        return "review"  # 发展目标较好实现: the goals are last year's, met
    for role in order:
        if any(cue in title for cue in roles[role]):
            return role
    return None


def _body_role(text: str, s: Section, cues: dict[str, Any], reviewed: int | None) -> str | None:
    """A role from how an uncued section's body opens (一年来… → review; 今年是… → tasks).

    `reviewed` is the latest year a review title names (2011 for 一、2011年工作回顾).
    """
    body_start = text.find("\n", s.start)
    if body_start < 0 or body_start >= s.end:
        return None
    window = text[body_start : min(s.end, body_start + cues["body_window"])].lstrip()
    year = _OPENING_YEAR.match(window)
    if year and reviewed:
        return "tasks" if int(year.group(1)) > reviewed else "review"
    for role in ("review", "tasks"):
        if any(cue in window for cue in cues["body_cues"][role]):
            return role
    return None


@cache
def _cues() -> dict[str, Any]:
    return datafiles.load("section_roles.yaml")
