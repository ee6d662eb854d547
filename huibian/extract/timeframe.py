"""Time frames: which years a figure is about, read from the time words that govern it.

A report states its horizon once and lets it govern what follows: a heading ("十五"时期
政府工作的目标和任务), a paragraph's opening words (过去五年，… / 到2020年，…), or words
earlier in the sentence (2000年，… “九五”期间…年均增长12.8%). Every time expression of a
report is found in one scan and turned into a Frame — a single year, or a span of years
back (a five-year review) or ahead (a plan) — and a figure takes the frame that stands
nearest above it: in its own sentence, else its paragraph's opening, else the titles of
the sections around it. Comparisons (比2010年, 是2005年的, 比上年) name a base, not a frame.

The time words are data (data/cues.yaml, `time:`); plan names (“十二五”, 第十个五年计划)
give their years by the rule that plan n runs 1966+5(n-3) … 1970+5(n-3) from the third on.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from huibian.chars import YEAR
from huibian.extract.cues import alt, cues
from huibian.models import Section
from huibian.numbers import parse_number


@dataclass(frozen=True, slots=True)
class Frame:
    """The years a time expression points at: `end` is the period a figure takes;
    `start` the first year of a span (None for a single year); `future` for plans."""

    end: int
    start: int | None
    future: bool
    source: str  # year / date / relative / whole_year / plan / plan_end / back / duration / ahead / since / year_span
    at: int  # where the expression stands in the report text
    level: str = "sentence"  # sentence / paragraph / section: where it was found governing
    mixed: bool = False  # a title naming a span and its last year too (“十三五”时期和2020年工作回顾)

    @property
    def span(self) -> bool:
        return self.start is not None and self.start < self.end

    def base(self) -> int | None:
        """The year a change over the span counts from: the year before it began."""
        return self.start - 1 if self.start is not None else None


def plan_years(numeral: str) -> tuple[int, int] | None:
    """“十二五” → (2011, 2015): the years of the n-th five-year plan (n ≥ 3; the first two
    and the 1963–65 adjustment are in cues.yaml as exceptions)."""
    special = cues()["time"]["plan_exceptions"]
    if numeral in special:
        a, b = special[numeral]
        return int(a), int(b)
    n = parse_number(numeral)
    if n is None or n < 3 or n > 30:
        return None
    end = 1970 + 5 * (int(n) - 3)
    return end - 4, end


@functools.cache
def _scanner() -> re.Pattern[str]:
    t = cues()["time"]
    y = YEAR
    return re.compile(
        rf"(?P<yspan>(?P<ys1>{y})年?[—\-–~～至到](?P<ys2>{y})年)"
        rf"|(?P<pnum>第(?P<pn>[一二三四五六七八九十]{{1,3}})个五年(?:计划|规划))(?P<pnsuf>{alt(t['plan_end_words'])})?"
        rf"|(?P<plan>(?P<pq>[“\"'‘]?)(?P<pl>[一二三四五六七八九十]{{1,3}})五(?P<pq2>[”\"'’]?)(?:(?P<psuf>{alt(t['plan_end_words'])})|(?P<psp>{alt(t['plan_span_words'])}))?)"
        rf"|(?P<year>{y})年(?P<ysuf>{alt(t['year_point_words'])})?(?P<since>{alt(t['since_words'])})?"
        rf"|(?P<back>{alt(t['back'])})"
        r"|(?P<nback>(?<![\d.A-Za-z第])(?<!连续)(?:\d{1,2}|[两二三四五六七八九十]{1,2})年(?:来|间|中|里|(?=年均|累计|平均|共|增长|下降)))"
        rf"|(?P<ahead>{alt(t['ahead'])})"
        rf"|(?P<last>{alt(t['last_year'])})"
        rf"|(?P<this>{alt(t['this_year'])})"
        rf"|(?P<next>{alt(t['next_year'])})"
        rf"|(?P<whole>{alt(t['whole_year'])})"
    )


@functools.cache
def _base_before() -> re.Pattern[str]:
    """Words right before a year that make it a base of comparison, not a frame."""
    return re.compile(rf"(?:{alt(cues()['time']['base_markers'])})$")


@functools.cache
def _base_after() -> re.Pattern[str]:
    return re.compile(alt(cues()["time"]["base_after"]))


_DATE_AFTER = re.compile(r"\s?\d{1,2}\s?月")
_N_YEARS = re.compile(r"([一二两三四五六七八九十]|\d{1,2})年")


def _years_in(phrase: str) -> int:
    m = _N_YEARS.search(phrase)
    if not m:
        return 5
    v = parse_number(m.group(1).replace("两", "二"))
    return int(v) if v and 1 <= v <= 20 else 5


def scan(text: str, year: int, now: int) -> tuple[list[Frame], list[tuple[int, int]]]:
    """Every frame and every base year (position, year) in the text, in one pass.

    `year` is the report year (the year it plans), `now` the year its 今年 means."""
    frames: list[Frame] = []
    bases: list[tuple[int, int]] = []
    base_before, base_after = _base_before(), _base_after()
    for m in _scanner().finditer(text):
        at = m.start()
        lead = text[max(0, at - 4) : at]
        is_base = bool(base_before.search(lead)) or bool(base_after.match(text, m.end()))
        kind = m.lastgroup
        if m.group("yspan"):
            a, b = int(m.group("ys1")), int(m.group("ys2"))
            if a < b:
                frames.append(Frame(b, a, b >= year, "year_span", at))
        elif m.group("pnum") or m.group("plan"):
            numeral = m.group("pn") or m.group("pl")
            suffixed = bool(m.group("psuf") or m.group("psp") or m.group("pnum"))
            if not suffixed and (not (m.group("pq") or m.group("pq2")) or len(numeral) < 2):
                continue  # 十五 alone is a number (十五届); “五五”普法 is a campaign, not a plan
            years = plan_years(numeral)
            if years is None:
                continue
            a, b = years
            suffix = m.group("psuf") or m.group("pnsuf") or ""
            if is_base:
                bases.append((at, b if suffix else a - 1))  # 比“十二五”末 → 2015; 比“十二五”时期 → 2010
                continue
            if suffix:
                frames.append(Frame(b, None, b >= year, "plan_end", at))
            elif m.group("psp") and m.group("psp") in cues()["time"]["since_words"] and b >= year:
                frames.append(Frame(year - 1, a, False, "since", at))  # “十三五”以来, in 2018
            else:
                frames.append(Frame(b, a, b >= year, "plan", at))
        elif m.group("year"):
            y = int(m.group("year"))
            if is_base:
                bases.append((at, y))
            elif m.group("since"):
                if y < year:
                    frames.append(Frame(max(y, year - 1), y if y < year - 1 else None, False, "since", at))
            else:
                date = bool(_DATE_AFTER.match(text, m.end()))  # 2012年5月: when something happened
                frames.append(Frame(y, None, y >= year, "date" if date else "year", at))
        elif kind in ("back", "nback"):
            n = _years_in(m.group(kind))
            frames.append(Frame(year - 1, year - n, False, "back" if kind == "back" else "duration", at))
        elif kind == "ahead":
            n = _years_in(m.group("ahead"))
            frames.append(Frame(year + n - 1, year, True, "ahead", at))
        elif kind == "last":
            if is_base:
                bases.append((at, now - 1))
            else:
                frames.append(Frame(now - 1, None, False, "relative", at))
        elif kind == "this":
            if not is_base:
                frames.append(Frame(now, None, now >= year, "relative", at))
        elif kind == "next":
            frames.append(Frame(now + 1, None, True, "relative", at))
        elif kind == "whole" and not is_base:
            # 全年: the one year the passage is about — last year in a review, this year in a
            # plan (the rules settle which by the paragraph's role)
            frames.append(Frame(year - 1, None, False, "whole_year", at))
    return frames, bases


_QUOTES = re.compile(r"^[”’\"'、，\s]+|[“‘\"'\s]+$")


def strip_time(name: str) -> str:
    """A name without the time words in it (“九五”期间零售总额 → 零售总额): they set the
    figure's years, they are not what it counts."""
    if not name:
        return name
    out = _QUOTES.sub("", _scanner().sub("", name))
    return out if len(out) >= 2 or not out else name  # nothing left: the name was only its years


_TOPIC = re.compile(rf"\s*(?:{YEAR}年(?:是|，我们|，面对|，在)|过去的一年|过去一年|一年来|刚刚过去的一年)")
_TO = re.compile(r"(?:增长|增加|提高|提升|上升|扩大|下降|减少|降低|降|增|升|回落|发展)(?:到|至)")
_YEAR_APPOSITION = re.compile(r"[^，,；;。：:]{0,24}?(?:一年|之年)(?:[，,；;。]|$)")
_PARA_LEAD_END = re.compile(r"[，,：:；;。]")
_LIST_ITEM = re.compile(r"\s*(?:——|—|－|一是|二是|三是|四是|五是|第[一二三四五六七八九十]|[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]|[●·•◆])")


class Timeline:
    """The frames of one report and the frame that governs any position in it."""

    def __init__(self, text: str, sections: list[Section], year: int, now: int):
        self.text = text
        self.year = year
        self.frames, self.bases = scan(text, year, now)
        self.at = [f.at for f in self.frames]
        self.base_at = [b for b, _ in self.bases]
        self._paragraphs = self._paragraph_frames(sections)
        self._para_starts = [p for p, _ in self._paragraphs]
        self._sections = self._section_frames(sections)

    def in_sentence(self, s0: int, pos: int) -> Frame | None:
        """The nearest frame before `pos` in the sentence starting at `s0`. Time words that
        open the sentence govern all of it; time words inside it govern up to the next
        semicolon (预计明年5月开业；…总投资30亿元 is not next year's), a date only its clause."""
        i = bisect.bisect_left(self.at, pos) - 1
        while i >= 0 and self.frames[i].at >= s0:
            f = self.frames[i]
            if _PARA_LEAD_END.search(self.text, s0, f.at) is None:
                return f  # opens the sentence
            if f.at > s0 and self.text[f.at - 1] in "由从" and _TO.search(self.text, f.at, pos):
                i -= 1  # 由2012年的44.45亿元增长到103.75亿元: the year is the first figure's, not the second's
                continue
            if _YEAR_APPOSITION.match(self.text, f.at):
                i -= 1  # 今年是…实施“十四五”规划承上启下的关键一年: the plan describes the year, it dates nothing
                continue
            # a date governs its clause; 今年 a clause and the list its colon opens (今年主要预期目标是：…)
            stops = "；;，," if f.source in ("date", "duration") else "；;"
            if not any(ch in stops for ch in self.text[f.at : pos]):
                return f
            i -= 1
        return None

    def horizon_before(self, pos: int, reach: int = 3000) -> Frame | None:
        """The nearest plan or span ahead named before `pos` (within `reach` characters):
        where a 年均 target that names no years of its own looks for them."""
        i = bisect.bisect_left(self.at, pos) - 1
        while i >= 0 and self.frames[i].at >= pos - reach:
            f = self.frames[i]
            if f.future and f.span:
                return f
            i -= 1
        return None

    def bases_between(self, a: int, b: int) -> list[int]:
        """Base years named in text[a:b] (比2010年, 是2005年的), in order."""
        lo, hi = bisect.bisect_left(self.base_at, a), bisect.bisect_left(self.base_at, b)
        return [y for _, y in self.bases[lo:hi]]

    def governing(self, s0: int, pos: int) -> Frame | None:
        """The frame a figure at `pos` (in the sentence from `s0`) takes: its sentence's,
        else its paragraph's, else its section's."""
        return self.in_sentence(s0, pos) or self.paragraph(pos) or self.section(pos)

    def paragraph(self, pos: int) -> Frame | None:
        i = bisect.bisect_right(self._para_starts, pos) - 1
        return self._paragraphs[i][1] if i >= 0 else None

    def section(self, pos: int) -> Frame | None:
        """The frame of the innermost section around `pos` whose title names one."""
        best: tuple[int, Frame] | None = None
        for start, end, depth, frame in self._sections:
            if start <= pos < end and (best is None or depth >= best[0]):
                best = (depth, frame)
        return best[1] if best else None

    def _lead(self, start: int, end: int) -> Frame | None:
        """A frame that opens text[start:end]: one in its first clause."""
        stop = _PARA_LEAD_END.search(self.text, start, end)
        cut = stop.start() if stop else end
        lo, hi = bisect.bisect_left(self.at, start), bisect.bisect_left(self.at, cut)
        return self.frames[lo] if lo < hi else None  # 2015年是“十二五”的最后一年: 2015

    def _paragraph_frames(self, sections: list[Section]) -> list[tuple[int, Frame | None]]:
        """(paragraph start, frame) for every paragraph: its opening frame, or the one a
        paragraph ending in a colon hands to the list items after it, or the frame of a
        heading line the structure stage did not number (它 governs until the next heading)."""
        out: list[tuple[int, Frame | None]] = []
        carried: Frame | None = None
        part: Frame | None = None
        tops = sorted(s.start for s in sections if s.depth == 1)
        inner = {s.start for s in sections if s.depth > 1}
        pos = 0
        for line in self.text.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            own = self._lead(start, end)
            heading = bisect.bisect_left(tops, start) < bisect.bisect_right(tops, end)  # a part starts here
            if heading:
                part = None
            elif not any(start <= s <= end for s in inner) and _heading_like(line):
                lo, hi = bisect.bisect_left(self.at, start), bisect.bisect_left(self.at, end)
                named = _one_frame(self.frames[lo:hi])
                part = None if named is None else _at_level(named, "section")
                out.append((start, None))
                continue
            if own is not None and _TOPIC.match(line):
                part = _at_level(own, "section")  # 2015年是“十二五”的最后一年。…: a part about 2015
            if own is not None:
                frame = own
            elif carried is not None and _LIST_ITEM.match(line):
                frame = carried
            else:
                frame, carried = None, None
            if line.rstrip().endswith(("：", ":")):
                lo, hi = bisect.bisect_left(self.at, start), bisect.bisect_left(self.at, end)
                inside = self.frames[lo:hi]
                carried = inside[-1] if inside else frame
            elif own is not None and not _LIST_ITEM.match(line):
                carried = None
            out.append((start, part if frame is None else _at_level(frame, "paragraph")))
        return out

    def _section_frames(self, sections: list[Section]) -> list[tuple[int, int, int, Frame]]:
        """Sections whose title names one frame (a title naming two, such as “十五”时期及
        2005年工作回顾, governs nothing: its paragraphs say which they mean)."""
        out = []
        for s in sections:
            # the title only: a heading run into its paragraph ((四)坚决打好三大攻坚战。重大风险…) does
            # not lend the paragraph's years to the whole section
            line_end = self.text.find("\n", s.start)
            line_end = len(self.text) if line_end < 0 else line_end
            title_end = min(line_end, self.text.find(s.title, s.start) + len(s.title) + 1 if s.title else line_end)
            lo, hi = bisect.bisect_left(self.at, s.start), bisect.bisect_left(self.at, title_end)
            found = _one_frame(self.frames[lo:hi])
            if found is not None:
                out.append((s.start, s.end, s.depth, _at_level(found, "section")))
        return out


def _one_frame(found: list[Frame]) -> Frame | None:
    """The frame a title names: its only one, or a span whose last year the title names
    too (“十五”计划执行情况和2005年工作回顾 is the span); None when they disagree."""
    if len(found) == 1:
        return found[0]
    spans = [f for f in found if f.span]
    if len(spans) == 1 and all(f is spans[0] or (f.start is None and f.end == spans[0].end) for f in found):
        s = spans[0]
        return Frame(s.end, s.start, s.future, s.source, s.at, s.level, mixed=True)
    return None


def _heading_like(line: str) -> bool:
    """A short line without sentence punctuation: a part heading left unnumbered."""
    t = line.strip().strip("*#")
    return 2 <= len(t) <= 40 and not re.search(r"[。；;，,：:]", t)


def _at_level(frame: Frame, level: str) -> Frame:
    return Frame(frame.end, frame.start, frame.future, frame.source, frame.at, level, frame.mixed)
