"""The text side of the measures: width folding, jieba segmentation, section roles.

Everything here keeps offsets: the folded text has exactly the length of the stored
text, so a position found in one is the same position in the other (and in the
reader). jieba is the segmenter economists use for these measures; we drive its
`Tokenizer` directly (never the global `jieba.dt`) so that a dictionary's terms are
added to a tokenizer of its own and the default one stays as jieba ships it.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from huibian.models import ROLES as SECTION_ROLES

# counting rules version: bump when a rule below changes, so cached counts are recomputed
RULES_VERSION = 1

FRONT = "front"  # text before the first section (title, date, 各位代表)
OTHER = "other"
ROLES = (FRONT, *SECTION_ROLES)  # what a count can be for, besides the whole report
ALL = ""  # the role key of a whole report in the cache

_WORD = re.compile(r"[^\W_]")  # a token is a word when it has a letter, digit or Han character
_SPACE = re.compile(r"\s")


# -- width folding ---------------------------------------------------------------------------
class _FoldTable(dict):
    """str.translate table: each character → its NFKC form when that is one character
    (ＰＭ２.５ → PM2.5, full-width space → space, ① → 1), else itself (㎡ stays), so the
    folded text has the same length and offsets as the original. Filled lazily."""

    def __missing__(self, key: int) -> str:
        ch = chr(key)
        nf = unicodedata.normalize("NFKC", ch)
        val = nf if len(nf) == 1 else ch
        self[key] = val
        return val


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Full-width = half-width, length kept (see _FoldTable)."""
    return text.translate(_FOLD)


def is_word(token: str) -> bool:
    return _WORD.search(token) is not None


def count_chars(text: str) -> int:
    """Length in characters: every character but whitespace (punctuation counts)."""
    return len(text) - len(_SPACE.findall(text))


# -- jieba -------------------------------------------------------------------------------------
@functools.cache
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict..." chatter on stderr
    return jieba


@functools.cache
def base_tokenizer() -> Any:
    """jieba's tokenizer with its own dictionary, loaded once per process (~1 s)."""
    jieba = _jieba()
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


@functools.cache
def segmenter_key() -> str:
    """What the word counts depend on: the jieba version and our rules."""
    return f"jieba-{_jieba().__version__}/rules-{RULES_VERSION}"


@functools.lru_cache(maxsize=16)
def term_tokenizer(terms: tuple[str, ...]) -> Any:
    """A tokenizer with `terms` added to jieba's dictionary, each at the frequency jieba
    itself suggests (`suggest_freq`, computed on the default dictionary so the order of
    terms does not matter) — enough that a term standing alone is one word (环境保护 is
    not cut into 环境/保护). jieba's `add_word` would also raise its total count, which
    shifts the segmentation of text containing no term at all; we keep the total, so text
    without a term is segmented exactly as by jieba's default dictionary. That is what
    lets a new dictionary reuse the cached word counts (count.dictionary_pass)."""
    jieba = _jieba()
    base = base_tokenizer()
    tok = jieba.Tokenizer()
    freq = dict(base.FREQ)
    for term in terms:
        freq[term] = max(base.suggest_freq(term, False), freq.get(term) or 0)
    for term in terms:
        for i in range(1, len(term)):
            freq.setdefault(term[:i], 0)  # prefixes, as jieba's add_word does
    tok.FREQ, tok.total, tok.initialized = freq, base.total, True
    # terms whose frequency jieba's dictionary already had: text holding only those is cut
    # exactly as by the default tokenizer (count.dictionary_pass skips re-cutting it)
    tok.huibian_changed = frozenset(t for t in terms if freq[t] != base.FREQ.get(t))
    return tok


def cut_blocks(tok: Any, text: str, blocks: list[tuple[int, int]]) -> list[list[tuple[int, int, str]]]:
    """The tokens of each of `blocks` (han blocks of `text`, in order), in one call to jieba:
    joined by newlines they are cut exactly as each alone (jieba cuts block by block)."""
    jstarts, pos = [], 0
    for a, b in blocks:
        jstarts.append(pos)
        pos += b - a + 1
    joined = "\n".join(text[a:b] for a, b in blocks)
    out: list[list[tuple[int, int, str]]] = [[] for _ in blocks]
    for start, end, w in tokens(tok, joined):
        if w == "\n":
            continue
        i = bisect.bisect_right(jstarts, start) - 1
        shift = blocks[i][0] - jstarts[i]
        out[i].append((start + shift, end + shift, w))
    return out


def han_blocks(text: str) -> list[tuple[int, int]]:
    """The spans jieba segments with its dictionary (runs of Han, Latin, digits and a few
    marks, `jieba.re_han_default`), over-long ones in MAX_BLOCK pieces as `tokens` cuts
    them; everything between is cut one character at a time."""
    spans = [m.span() for m in _jieba().re_han_default.finditer(text)]
    if all(b - a <= MAX_BLOCK for a, b in spans):
        return spans
    return [(i, min(b, i + MAX_BLOCK)) for a, b in spans for i in range(a, b, MAX_BLOCK)]


# jieba's HMM step (finalseg's Viterbi) copies its path list at every character, so a long
# run of characters it cannot place costs the square of its length (200,000 crafted
# characters: minutes). No run without punctuation or space in the corpus is longer than
# 57 characters; longer runs are cut every MAX_BLOCK characters, which keeps it linear.
MAX_BLOCK = 200


def tokens(tok: Any, text: str, offset: int = 0) -> Iterator[tuple[int, int, str]]:
    """(start, end, token) of jieba's default cut (HMM on, as `jieba.lcut`), a han block
    longer than MAX_BLOCK characters cut in pieces first."""
    pos = 0
    for start, piece in _pieces(text):
        assert start == pos
        for w in tok.cut(piece):
            yield offset + pos, offset + pos + len(w), w
            pos += len(w)


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    """The text in chunks jieba cuts exactly as the whole (they end at block boundaries),
    with over-long blocks in MAX_BLOCK pieces; ordinary text is one chunk."""
    done = 0
    for m in _jieba().re_han_default.finditer(text):
        a, b = m.span()
        if b - a <= MAX_BLOCK:
            continue
        if a > done:
            yield done, text[done:a]
        for i in range(a, b, MAX_BLOCK):
            yield i, text[i : min(b, i + MAX_BLOCK)]
        done = b
    if done < len(text) or not text:
        yield done, text[done:]


# -- section roles --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Roles:
    """The role of every position of a report: runs [starts[i], starts[i+1]) have roles[i]."""

    starts: list[int]
    roles: list[str]
    length: int

    def at(self, pos: int) -> str:
        return self.roles[bisect.bisect_right(self.starts, pos) - 1]

    def runs(self) -> Iterator[tuple[int, int, str]]:
        ends = self.starts[1:] + [self.length]
        yield from zip(self.starts, ends, self.roles, strict=True)


def roles_of(sections: Sequence[dict[str, Any]] | Iterable[Any], length: int) -> Roles:
    """Each position takes the role of the deepest section that holds it (a subsection can
    differ from its parent); text before the first section is `front`, text outside every
    section after it `other`."""
    secs = sorted(
        ((int(s["start"]), int(s["end"]), int(s["depth"]), str(s["role"])) for s in sections),
        key=lambda s: (s[0], s[2]),
    )
    secs = [s for s in secs if 0 <= s[0] < s[1] <= length]
    if not secs:
        return Roles([0], [FRONT], length)
    first = min(s[0] for s in secs)
    bounds = sorted({0, first, *(s[0] for s in secs), *(s[1] for s in secs)} - {length})
    starts: list[int] = []
    roles: list[str] = []
    active: list[tuple[int, int, int, str]] = []
    i = 0
    for a in bounds:  # a sweep: the sections open at `a` are few (the depth of the tree)
        active = [s for s in active if s[1] > a]
        while i < len(secs) and secs[i][0] <= a:
            if secs[i][1] > a:
                active.append(secs[i])
            i += 1
        role = max(active, key=lambda s: s[2])[3] if active else (FRONT if a < first else OTHER)
        if roles and roles[-1] == role:
            continue
        starts.append(a)
        roles.append(role)
    return Roles(starts, roles, length)
