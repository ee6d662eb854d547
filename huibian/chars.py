"""Characters and the small patterns built from them, defined once (as ftfy's `chardata.py`).

Every stage that asks "is this a Chinese character?", "is this a year?" or "does this
line start with a heading number?" takes the answer from here, so a change to one of
them is made in one place. A class is the body of a regex character class (use it as
f"[{HAN}]"); the code-point ranges behind it are here too, for the stages that test a
character by set membership. Data files (huibian/data/*.yaml) name these classes and
patterns as `{han}`, `{year}`, `{heading_number}` … in their regexes (`expand`).

The Han classes differ on purpose, and each says for what: widening one would change
what its stage matches.
"""

from __future__ import annotations

import re

Range = tuple[int, int]

# -- code-point ranges ---------------------------------------------------------------------
CJK_UNIFIED: Range = (0x4E00, 0x9FFF)  # 一…鿿: the characters of modern Chinese text
CJK_EXT_A: Range = (0x3400, 0x4DBF)  # rarer characters, as in names of places and people
CJK_COMPAT: Range = (0xF900, 0xFAFF)  # compatibility ideographs: duplicates from older encodings
CJK_RADICALS: Range = (0x2E80, 0x2FDF)  # radicals and Kangxi radicals
CJK_SYMBOLS: Range = (0x3000, 0x303F)  # ideographic space, 、。〈〉「」【】〇 …
KANA: Range = (0x3040, 0x30FF)
HALF_FULL_FORMS: Range = (0xFF00, 0xFFEF)  # full-width ASCII (０-９ Ａ-Ｚ ，：；) and half-width forms


def char_class(*ranges: Range) -> str:
    """The body of a regex character class over code-point ranges: `\\u4e00-\\u9fff…`."""
    return "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ranges)


def char_set(ranges: tuple[Range, ...], extra: str = "") -> frozenset[str]:
    """The characters of `ranges` (and `extra`), for membership tests one character at a time."""
    return frozenset(chr(c) for lo, hi in ranges for c in range(lo, hi + 1)) | frozenset(extra)


# -- Han characters --------------------------------------------------------------------------
# The common ideographs: what the extractor's and the resolver's patterns take for a Chinese
# character (names, scopes, cue contexts).
HAN = char_class(CJK_UNIFIED)
HAN_CHAR = re.compile(f"[{HAN}]")
# With the rarer characters: a report head's place and speaker names (split).
HAN_NAME = char_class(CJK_UNIFIED, CJK_EXT_A)
# Every ideograph, compatibility forms too: what the repair stage (clean) treats as Chinese text.
HAN_ALL_RANGES: tuple[Range, ...] = (CJK_EXT_A, CJK_UNIFIED, CJK_COMPAT)
HAN_ALL = char_class(*HAN_ALL_RANGES)
HAN_ALL_CHAR = re.compile(f"[{HAN_ALL}]")
# Chinese punctuation and full-width forms (not the ideographic space U+3000, not the
# full-width digits and letters), dashes, ellipsis, curly quotes, middle dot.
CJK_PUNCT_RANGES: tuple[Range, ...] = (
    (0x3001, 0x303F), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40), (0xFF5B, 0xFF65),
)
CJK_PUNCT_EXTRA = "\u2014\u2015\u2026\u2018\u2019\u201c\u201d\u00b7\u2500"
# East Asian script of any kind, punctuation and full-width forms included: where a source
# line break between two such characters is no space (HTML).
CJK_TEXT = char_class(CJK_RADICALS, CJK_SYMBOLS, KANA, CJK_EXT_A, CJK_UNIFIED, CJK_COMPAT, HALF_FULL_FORMS)
# The characters a Chinese (or plain English) report is made of; anything else counts against
# a candidate decoding of its bytes (read/decode).
REPORT_TEXT = (
    "\t\n\r\f\x20-\x7e\u00a0-\u024f\u0370-\u03ff\u0400-\u04ff\u2000-\u27bf\u2e80-\u2fdf"
    "\u3000-\u30ff\u3100-\u31ff\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
)

# -- numerals ---------------------------------------------------------------------------------
CN_DIGITS = "〇零一二三四五六七八九"  # a year written digit by digit: 二〇一二
CN_NUMERALS = "一二三四五六七八九十"  # heading numbers, months and days, small counts

# -- years --------------------------------------------------------------------------------------
# A year of the reports' era, as four digits: 1949–2099 and the years before, never 3012.
YEAR = r"(?:19|20)\d\d"

# -- heading numbers ----------------------------------------------------------------------------
# A report's outline numbers, outermost first: 一、 （一） 1. （1）. Strict forms, a named group per
# depth: what the section tree is built from (structure).
OUTLINE_NUMBER = (
    f"(?P<d1>[{CN_NUMERALS}]{{1,3}}、)"
    f"|(?P<d2>[（(][{CN_NUMERALS}]{{1,3}}[）)])"
    r"|(?P<d3>\d{1,2}[.．、](?![\d%]))"
    r"|(?P<d4>[（(]\d{1,2}[）)])"
)
# Any heading number a line may start with, in the looser forms scraped and OCR'd text has
# (一. 一． （十二） 1、 第一部分): where the repair stage never joins two lines (clean).
HEADING_NUMBER = (
    f"[{CN_NUMERALS}]{{1,3}}[、.．]|[（(][{CN_NUMERALS}百\\d]{{1,3}}[）)]|\\d{{1,2}}[.．、](?!\\d)"
    f"|第[{CN_NUMERALS}]+(?:部分|章|节)"
)

# What a data file's regex may name as {name}.
NAMED = {
    "han": HAN,
    "han_name": HAN_NAME,
    "cn_numerals": CN_NUMERALS,
    "year": YEAR,
    "heading_number": HEADING_NUMBER,
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def expand(pattern: str) -> str:
    """A data file's regex with its `{name}`s replaced by the classes and patterns above.

    Only lower-case names are placeholders, so quantifiers (`{2,6}`) are left alone; an
    unknown name is an error, not a literal."""

    def sub(m: re.Match[str]) -> str:
        try:
            return NAMED[m.group(1)]
        except KeyError:
            raise ValueError(f"unknown name {{{m.group(1)}}} in the pattern {pattern!r}: one of {', '.join(NAMED)}") from None

    return _PLACEHOLDER.sub(sub, pattern)
