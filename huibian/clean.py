"""OCR and layout repair, with an exact map back to the text that was read.

Like ftfy's `fix_and_explain`, every repair is a small named fix that can be switched
off in `CleanConfig`, and every change it makes is recorded as a `Repair` (kind,
source span, before, after). Fixes run one after another; each returns the edits it
wants on the current text, and the offset maps of the passes are composed so that the
final `Cleaned.offsets` maps every kept character to its position in the input.

All fixes only shorten or keep the length of what they touch (deletions and
one-for-one replacements), which keeps the composed map monotonic and exact.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from huibian import datafiles
from huibian.chars import CJK_PUNCT_EXTRA, CJK_PUNCT_RANGES, HAN_ALL_CHAR, HAN_ALL_RANGES, char_set
from huibian.models import Cleaned, OffsetMap, Repair

Edit = tuple[int, int, str]  # (start, end, replacement) in the text the fix was given


@dataclass(frozen=True)
class CleanConfig:
    """Which fixes to run; all on by default. Order of the fields is the order of the passes."""

    layout_line_join: bool = True  # OCR: a line the page layout found to run on joins the next (`line_wraps`)
    line_ending: bool = True  # \r\n and \r → \n
    fullwidth: bool = True  # ０-９ Ａ-Ｚ ａ-ｚ ％ and ． inside numbers → ASCII
    lost_whitespace: bool = True  # `??` placeholders a scraper left for lost spaces → one space
    line_trim: bool = True  # spaces and tabs at the start and end of a line
    space_removed: bool = True  # `7200 万吨` → `7200万吨`; `市长 刘凤海` stays
    digit_space_join: bool = True  # `36.5 9亿元` → `36.59亿元`: a scraper's space inside a number
    ocr_digits: bool = False  # OCR: `2O11年` → `2011年`, `13。5%` → `13.5%`; the pipeline turns it on for OCR'd text
    wrapped_line_join: bool = False  # typeset text (PDF): a full-width line runs on; the pipeline turns it on for PDFs
    page_break_join: bool = True  # `微\n\n地形` → `微地形`


# --- character classes ---------------------------------------------------------------

# (the Han and CJK punctuation classes are huibian/chars.py's)
_SPACE = " \t\u3000\u00a0"
_IS_HAN = char_set(HAN_ALL_RANGES)
_IS_CJK_PUNCT = char_set(CJK_PUNCT_RANGES, CJK_PUNCT_EXTRA)
_IS_CJK = _IS_HAN | _IS_CJK_PUNCT
_IS_ASCII_WORD = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ%\u2030")

_FULLWIDTH_TABLE = {
    **{ord("０") + i: ord("0") + i for i in range(10)},
    **{ord("Ａ") + i: ord("A") + i for i in range(26)},
    **{ord("ａ") + i: ord("a") + i for i in range(26)},
    ord("％"): ord("%"),
}

_CRLF = re.compile(r"\r\n?")
_FULLWIDTH = re.compile("[０-９Ａ-Ｚａ-ｚ％．]+")
_DIGIT = frozenset("0123456789０１２３４５６７８９")
_QUESTION = re.compile(r"(?<![ \t])[ \t]*+\?+[ \t]*+")  # from a run's start, no backtracking
_SPACES = re.compile(f"[{_SPACE}]+")
_GAP = re.compile(r"\n(?:[ \t]*\n)*")


# --- the fixes -------------------------------------------------------------------------


def fix_line_ending(text: str) -> list[Edit]:
    """Windows and old-Mac line ends become `\\n`, so that lines are lines."""
    if "\r" not in text:
        return []
    return [(m.start(), m.end(), "\n") for m in _CRLF.finditer(text)]


def fix_fullwidth(text: str) -> list[Edit]:
    """Full-width digits, letters, `％` and a `．` between digits become ASCII.

    Chinese punctuation (，。；：（）“”) is the text's own and stays.
    """
    edits: list[Edit] = []
    for m in _FULLWIDTH.finditer(text):
        run = m.group()
        if "．" not in run:
            edits.append((m.start(), m.end(), run.translate(_FULLWIDTH_TABLE)))
            continue
        out = []
        for i, c in enumerate(run):  # a `．` is a decimal point only between digits
            pos = m.start() + i
            between_digits = 0 < pos < len(text) - 1 and text[pos - 1] in _DIGIT and text[pos + 1] in _DIGIT
            out.append("." if c == "．" and between_digits else c.translate(_FULLWIDTH_TABLE))
        new = "".join(out)
        if new != run:
            edits.append((m.start(), m.end(), new))
    return edits


def fix_lost_whitespace(text: str) -> list[Edit]:
    """`县长?? 代坤宏` → `县长 代坤宏`: scraped pages put `?` where a space was lost.

    Only `?` (with the spaces around it) next to Chinese text on one side and Chinese
    text or a digit or letter on the other is taken: a question mark in these texts is
    `？`, and an ASCII `?` elsewhere (URLs, a line end) is left alone.
    """
    if "?" not in text:
        return []
    edits: list[Edit] = []
    n = len(text)
    for m in _QUESTION.finditer(text):
        s, e = m.start(), m.end()
        before = text[s - 1] if s else ""
        after = text[e] if e < n else ""
        if (before in _IS_CJK and (after in _IS_CJK or after in _IS_ASCII_WORD)) or (
            after in _IS_CJK and before in _IS_ASCII_WORD
        ):
            edits.append((s, e, " "))
    return edits


def fix_line_trim(text: str) -> list[Edit]:
    """Spaces, tabs and ideographic spaces at a line's start or end carry no text."""
    edits: list[Edit] = []
    n = len(text)
    for m in _SPACES.finditer(text):
        s, e = m.start(), m.end()
        if s == 0 or text[s - 1] == "\n" or e == n or text[e] == "\n":
            edits.append((s, e, ""))
    return edits


def fix_space_removed(text: str) -> list[Edit]:
    """Drop spaces that typesetting or OCR put between numbers or Latin and Chinese.

    `7200 万吨` → `7200万吨`, `增长 19.9%` → `增长19.9%`, `(五) 改革` → `(五)改革`,
    `17.3 %` → `17.3%`. A space between two Chinese characters is kept: it often
    separates words that must not run together (`市长 刘凤海`); so is one between two
    ASCII words (`PM 2.5`, `Bus Rapid Transit`).
    """
    edits: list[Edit] = []
    n = len(text)
    for m in _SPACES.finditer(text):
        s, e = m.start(), m.end()
        if s == 0 or e == n:
            continue
        if _drop_space(text[s - 1], text[e], text[s - 2] if s > 1 else ""):
            edits.append((s, e, ""))
    return edits


def _drop_space(a: str, b: str, before_a: str) -> bool:
    """Whether a space between characters `a` and `b` is noise."""
    if a == "\n" or b == "\n":
        return False
    if a in _IS_CJK:
        return (
            b in _IS_ASCII_WORD or b in _IS_CJK_PUNCT or b in ".([" or (a in _IS_CJK_PUNCT and b in _IS_HAN)
        )
    if b in _IS_CJK:
        return a in _IS_ASCII_WORD or a in ".)]"
    if a.isdigit() and a.isascii():
        return b in ".%\u2030"  # 17.3 % → 17.3%, 7 .6 → 7.6
    return a == "." and b.isdigit() and b.isascii() and before_a.isdigit()  # 65. 65 → 65.65


# starts only where a run of digits starts, and never backtracks: linear on a run of any length
_DIGIT_SPACE_RUN = re.compile(r"(?<![0-9.])[0-9.]++(?: [0-9][0-9.]*+)+")
_MAX_JOINED_NUMBER = 20  # characters: longer "numbers" are tables or damage, not a split figure


def fix_digit_space_join(text: str) -> list[Edit]:
    """Join a number that a scraper or OCR split with single spaces: `36.5 9亿元` →
    `36.59亿元`, `4 3%` → `43%`, `2 0 2 1年` → `2021年`. Only inside Chinese text: a run
    of digits touching a Latin letter (`PM 2.5`, `G 15`) is left alone; so is a run that
    would join into no number — two decimal points (`12.3 45.6`, a table row) or more
    than 20 characters (damage: joining it would only make a longer run of digits)."""
    edits: list[Edit] = []
    for m in _DIGIT_SPACE_RUN.finditer(text):
        run = m.group()
        joined_len = len(run) - run.count(" ")
        if joined_len > _MAX_JOINED_NUMBER or run.count(".") > 1:
            continue
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if before.isascii() and before.isalpha() or after.isascii() and after.isalpha():
            continue
        edits.extend((m.start() + i, m.start() + i + 1, "") for i, c in enumerate(run) if c == " ")
    return edits


def fix_layout_line_join(text: str, wraps: list[int]) -> list[Edit]:
    """Join the lines that the OCR page layout found to be one paragraph wrapped at the
    column's edge (huibian/ocr/layout.py): the newline goes (both of a page break's two),
    or becomes a space between two Latin letters. Only the given newlines are touched,
    and never one before a heading or after a date line (`——2012年1月6日在…`)."""
    edits: list[Edit] = []
    r = _rules()
    for p in sorted(set(wraps)):
        if not (0 < p < len(text) - 1 and text[p] == "\n"):
            continue
        end = p + 2 if text.startswith("\n\n", p) else p + 1
        if end >= len(text):
            continue
        prev = text[text.rfind("\n", 0, p) + 1 : p]
        if r["never_join_next"][0].match(text, end) or any(x.search(prev) for x in r["never_join_prev"][1:]):
            continue
        a, b = text[p - 1], text[end]
        sep = " " if a.isascii() and a.isalpha() and b.isascii() and b.isalpha() else ""
        edits.append((p, end, sep))
    return edits


# OCR reads 0 as O or o and 1 as l, I or |: a run of digits and such letters, touching no
# other Latin letter, with a digit beside each letter, is a number.
_OCR_DIGIT_RUN = re.compile(r"(?<![A-Za-z])[0-9OolI|.]*[0-9][0-9OolI|.]*(?![A-Za-z])")
_OCR_DIGIT_MAP = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
# A decimal point read as 。 or ·: digits, the mark, one or two digits, then a percent sign or
# a unit — a sentence never ends between a number and its unit.
_OCR_POINT = re.compile(
    r"(?<=[0-9])[。·•](?=[0-9]{1,2}(?:[%‰％]|个百分点|倍|[万亿千百]?(?:元|美元|吨|人|户|个|台|辆|家|项|件|亩|公顷|平方米|平方公里|公里|千瓦|标箱|立方米)))"
)


def fix_ocr_digits(text: str) -> list[Edit]:
    """Repair what OCR does to digits, only where the text around makes it certain:
    `2O11年` → `2011年`, `l0%` → `10%` (a letter O/o/l/I/| between or beside digits, in a
    run that touches no other Latin letter and has no fewer digits than such letters), and `13。5%` → `13.5%` (a 。 or · between
    digits that a percent sign or unit follows). A dropped decimal point (`135%` for
    `13.5%`) cannot be told from the text and is left to the low-confidence marks."""
    edits: list[Edit] = []
    for m in _OCR_DIGIT_RUN.finditer(text):
        run = m.group()
        letters = sum(c in "OolI|" for c in run)
        if not letters or letters > sum(c.isdigit() for c in run):  # O2O平台 is a word, not a number
            continue
        chars = list(run)
        for i, c in enumerate(run):
            if c in "OolI|":
                left = run[i - 1] if i else ""
                right = run[i + 1] if i + 1 < len(run) else ""
                if left.isdigit() or right.isdigit() or (left in "OolI|" and left) or (right in "OolI|" and right):
                    chars[i] = c.translate(_OCR_DIGIT_MAP)
        new = "".join(chars)
        if new != run and any(ch.isdigit() for ch in run):
            edits.append((m.start(), m.end(), new))
    edits.extend((m.start(), m.end(), ".") for m in _OCR_POINT.finditer(text))
    edits.sort()
    return edits


def fix_wrapped_line_join(text: str) -> list[Edit]:
    """Join lines that typesetting wrapped (PDF text): a line as wide as the page's full
    lines (its 90th-percentile width) continues on the next line, whatever punctuation
    it ends with (`…增长75%；` at the margin), unless it ends a sentence or the next line
    opens a heading. Shorter lines are left to `page_break_join`."""
    lines = text.split("\n")
    widths = sorted(len(x) for x in lines if len(x) >= 10)
    if len(widths) < 20:
        return []
    full = widths[int(len(widths) * 0.9)]
    heading = _rules()["heading_start"]
    edits: list[Edit] = []
    pos = 0
    for line, nxt in zip(lines, lines[1:], strict=False):
        end = pos + len(line)
        wrapped = len(line) >= full * 0.9 and line[-1] not in "。！？：:!?"
        continues = bool(nxt) and (bool(HAN_ALL_CHAR.match(nxt)) or nxt[0].isdigit()) and not heading.match(nxt)
        if wrapped and continues:
            edits.append((end, end + 1, ""))
        pos = end + 1
    return edits


def fix_page_break_join(text: str) -> list[Edit]:
    """Join a paragraph that a page break cut in two (`微\\n\\n地形` → `微地形`).

    A break is joined only when the line before it reads as running prose that stops
    mid-sentence and the line after it reads as its continuation; headings, titles,
    date and speaker lines and salutations never are (see `_joins`).
    """
    edits: list[Edit] = []
    for m in _GAP.finditer(text):
        start, end = m.start(), m.end()
        if start == 0 or end >= len(text):
            continue
        prev_start = text.rfind("\n", 0, start) + 1
        next_end = text.find("\n", end)
        if next_end < 0:
            next_end = len(text)
        prev, nxt = text[prev_start:start], text[end:next_end]
        if _joins(prev, nxt):
            sep = (
                " "
                if prev[-1].isascii() and prev[-1].isalpha() and nxt[0].isascii() and nxt[0].isalpha()
                else ""
            )
            edits.append((start, end, sep))
    return edits


def _joins(prev: str, nxt: str) -> bool:
    """Whether `prev` is a paragraph cut off mid-sentence and `nxt` its continuation."""
    r = _rules()
    if len(prev) < r["min_cut_line"] or not nxt:
        return False
    if prev[-1] in r["paragraph_end"] or prev[-1] in r["markup_chars"]:
        return False
    if not r["prose_punct"].search(prev):
        return False  # titles, dates, speaker lines, 下册 … have no sentence punctuation
    if nxt[0] in r["markup_chars"] or nxt[0] in r["not_continuation_start"]:
        return False
    if any(p.search(prev) for p in r["never_join_prev"]) or any(p.search(nxt) for p in r["never_join_next"]):
        return False
    if r["label_start"].match(nxt) or not _reads_as_prose(nxt, r):
        return False
    ends = [m.end() for m in r["sentence_end"].finditer(prev)]
    tail = prev[ends[-1] :].lstrip() if ends else prev
    if not HAN_ALL_CHAR.search(tail) or r["heading_start"].match(tail):
        return False  # a time stamp or a swallowed heading after the last sentence
    if not ends:
        # One unfinished sentence: a cut paragraph, or a heading without a number.
        if r["heading_start"].match(prev) or r["label_start"].match(prev):
            return False
        lead = r["sentence_end"].search(nxt)
        if lead and lead.start() <= r["lead_sentence_max"]:
            return False
    return True


def _reads_as_prose(line: str, r: dict[str, Any]) -> bool:
    return bool(r["prose_punct"].search(line)) or line[-1] in r["paragraph_end"]


# --- running the fixes -----------------------------------------------------------------

_FIXES: dict[str, Callable[[str], list[Edit]]] = {
    "layout_line_join": lambda text: [],  # needs the wrap positions: see clean()
    "line_ending": fix_line_ending,
    "fullwidth": fix_fullwidth,
    "lost_whitespace": fix_lost_whitespace,
    "line_trim": fix_line_trim,
    "space_removed": fix_space_removed,
    "digit_space_join": fix_digit_space_join,
    "ocr_digits": fix_ocr_digits,
    "wrapped_line_join": fix_wrapped_line_join,
    "page_break_join": fix_page_break_join,
}


def clean(text: str, config: CleanConfig | None = None, line_wraps: list[int] | None = None) -> Cleaned:
    """Run the enabled fixes in order; return the text, its map to `text`, and the repairs.
    `line_wraps`: offsets in `text` of newlines that OCR layout found inside a paragraph."""
    config = config or CleanConfig()
    current = text
    total = OffsetMap()
    repairs: list[Repair] = []
    for f in fields(config):
        if not getattr(config, f.name):
            continue
        if f.name == "layout_line_join":  # the first pass: `current` is still `text`
            edits = fix_layout_line_join(current, line_wraps or [])
        else:
            edits = _FIXES[f.name](current)
        if not edits:
            continue
        for start, end, after in edits:
            s, e = total.to_source(start), total.to_source(end)
            repairs.append(Repair(f.name, s, e, text[s:e], after))
        current, step = _apply(current, edits)
        total = _compose(total, step)
    repairs.sort(key=lambda r: (r.source_start, r.source_end))
    return Cleaned(text=current, offsets=total, repairs=repairs)


def _apply(text: str, edits: list[Edit]) -> tuple[str, OffsetMap]:
    """Apply non-overlapping, sorted edits; return the new text and its map to `text`."""
    pieces: list[str] = []
    step = OffsetMap()
    pos = 0
    new_pos = 0
    for start, end, after in edits:
        pieces.append(text[pos:start])
        pieces.append(after)
        new_pos += start - pos + len(after)
        if len(after) != end - start:
            step.add(new_pos, end)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces), step


def _compose(total: OffsetMap, step: OffsetMap) -> OffsetMap:
    """The map new text → source, from step (new → current) and total (current → source).

    Both maps are strictly increasing and piecewise shifts, so the composition is a
    piecewise shift that can only break where `step` breaks or where `step` reaches a
    break of `total`.
    """
    points = set(step.clean)
    for q in total.clean:
        points.add(_preimage(step, q))
    out = OffsetMap()
    for p in sorted(points):
        out.add(p, total.to_source(step.to_source(p)))
    return out


def _preimage(step: OffsetMap, q: int) -> int:
    """The first new position whose image under `step` is at or after `q`."""
    i = bisect.bisect_right(step.source, q) - 1
    p = step.clean[i] + (q - step.source[i])
    if i + 1 < len(step.clean) and p >= step.clean[i + 1]:
        return step.clean[i + 1]
    return p


@cache
def _rules() -> dict[str, Any]:
    """The page-break rules of data/clean_rules.yaml, with the regexes compiled."""
    raw = datafiles.load("clean_rules.yaml")
    return {
        "min_cut_line": int(raw["min_cut_line"]),
        "paragraph_end": frozenset(raw["paragraph_end"]),
        "markup_chars": frozenset(raw["markup_chars"]),
        "not_continuation_start": frozenset(raw["not_continuation_start"]),
        "prose_punct": re.compile("[" + re.escape(raw["prose_punct"]) + "]"),
        "sentence_end": re.compile("[" + re.escape(raw["sentence_end"]) + "]"),
        "lead_sentence_max": int(raw["lead_sentence_max"]),
        "heading_start": datafiles.pattern(raw["heading_start"]),
        "label_start": datafiles.pattern(raw["label_start"]),
        "never_join_prev": [datafiles.pattern(p) for p in raw["never_join_prev"]],
        "never_join_next": [datafiles.pattern(p) for p in raw["never_join_next"]],
    }
