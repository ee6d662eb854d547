"""Counting one report: its length (characters, words) and its dictionary terms, by role.

Pure functions of a report's text and sections. The rules, the same everywhere:

1. The text is width-folded (text.fold): ＰＭ２.５ is PM2.5. Offsets are unchanged.
2. Words are jieba's default cut (HMM on) of the folded text, with the dictionary's
   terms added to jieba's dictionary (text.term_tokenizer); a token is a word when it
   holds a letter, a digit or a Han character (punctuation and spaces are not words).
3. Characters are all characters except whitespace.
4. A term occurs where its folded form is in the folded text, unless the occurrence
   cuts into two different jieba words, one at each end: then its characters belong
   to two other words that happen to meet (民生 in 人民|生活, 排污 in 安排|污水, 能耗 in
   耗能|耗水, 科研 in 社科|研究). Inside one word counts (污染 in 大气污染物), and so
   does an occurrence with one end on a word boundary, where jieba has merged the
   term's other half into a neighbour (民生 in 惠民|生, 低碳 in 低|碳循环). The known
   cost of this one-sided reading: 低碳 in 降低|碳|排放 and 创新 in 开创|新 are counted.
5. Where occurrences overlap, the longest wins (then the leftmost): 二氧化碳 counts
   once, never also as 碳 or 氧化.
6. Everything is counted per section role (text.roles_of) and for the whole report;
   an occurrence or a word belongs to the role of its first character.

The word count with a dictionary differs from jieba's default count only inside the
han blocks that contain a term (text.term_tokenizer explains why), so the default
count is computed once per report (`base_pass`, the expensive part) and each
dictionary re-segments just those blocks (`dictionary_pass`, cheap).
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

from huibian.measures.text import (
    ALL,
    Roles,
    base_tokenizer,
    count_chars,
    cut_blocks,
    fold,
    han_blocks,
    is_word,
    term_tokenizer,
    tokens,
)

# role → (characters, words with jieba's default dictionary)
BaseCounts = dict[str, tuple[int, int]]


def base_pass(text: str, roles: Roles) -> BaseCounts:
    """Characters and jieba words of each role and of the whole report (role '')."""
    norm = fold(text)
    chars: Counter[str] = Counter()
    for a, b, role in roles.runs():
        chars[role] += count_chars(norm[a:b])
    words: Counter[str] = Counter()
    runs = list(roles.runs())
    r = 0
    for start, _end, w in tokens(base_tokenizer(), norm):
        if is_word(w):
            while start >= runs[r][1]:
                r += 1
            words[runs[r][2]] += 1
    out = {role: (chars[role], words[role]) for role in dict.fromkeys(roles.roles)}
    out[ALL] = (sum(chars.values()), sum(words.values()))
    return out


@dataclass
class TermCounts:
    """What a dictionary adds to a report's base counts."""

    words_delta: Counter[str] = field(default_factory=Counter)  # role → words with terms − without
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # role → term → occurrences
    matches: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, term), by start
    # occurrences set aside, with the rule that did it: (start, end, term, reason), by start
    excluded: list[tuple[int, int, str, str]] = field(default_factory=list)


def candidates(norm: str, terms: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Every place a term's string occurs, overlaps included (str.find: C speed, linear)."""
    out = []
    for t in terms:
        i = norm.find(t)
        while i != -1:
            out.append((i, i + len(t), t))
            i = norm.find(t, i + 1)
    return out


def _blocks_of(bstarts: list[int], blocks: list[tuple[int, int]], s: int, e: int) -> list[int]:
    """The han blocks that [s, e) overlaps."""
    out = []
    i = max(0, bisect.bisect_right(bstarts, s) - 1)
    while i < len(blocks) and blocks[i][0] < e:
        if blocks[i][1] > s:
            out.append(i)
        i += 1
    return out


def dictionary_pass(
    text: str,
    roles: Roles,
    terms: tuple[str, ...],
    norm: str | None = None,
    blocks: list[tuple[int, int]] | None = None,
) -> TermCounts:
    """The dictionary's term occurrences (rules 4 and 5) and its word-count change, by role.
    `terms` are folded already (dictionaries.Dictionary.terms); `norm` and `blocks`, when
    the caller has them, are fold(text) and han_blocks of it."""
    norm = fold(text) if norm is None else norm
    result = TermCounts()
    cands = candidates(norm, terms)
    if not cands:
        return result
    blocks = han_blocks(norm) if blocks is None else blocks
    bstarts = [b[0] for b in blocks]

    def block_of(pos: int) -> int | None:
        i = bisect.bisect_right(bstarts, pos) - 1
        return i if i >= 0 and pos < blocks[i][1] else None

    affected = {bi for s, e, _t in cands for bi in _blocks_of(bstarts, blocks, s, e)}
    tok = term_tokenizer(terms)
    order = sorted(affected)
    # blocks holding a term jieba's dictionary lacked are cut differently with the terms:
    # their default cut is subtracted, the new one added; the others are cut alike
    changed = {bi for s, e, t in cands if t in tok.huibian_changed for bi in _blocks_of(bstarts, blocks, s, e)}
    spans: dict[int, tuple[list[int], list[int]]] = {}
    for bi, toks in zip(order, cut_blocks(tok, norm, [blocks[i] for i in order]), strict=True):
        spans[bi] = ([t[0] for t in toks], [t[1] for t in toks])
        if bi in changed:
            for start, _end, w in toks:
                if is_word(w):
                    result.words_delta[roles.at(start)] += 1
    redo = sorted(changed)
    for toks in cut_blocks(base_tokenizer(), norm, [blocks[i] for i in redo]):
        for start, _end, w in toks:
            if is_word(w):
                result.words_delta[roles.at(start)] -= 1
    result.words_delta[ALL] = sum(result.words_delta.values())

    def token_at(pos: int) -> tuple[int, int]:
        bi = block_of(pos)
        if bi is not None:
            starts, ends = spans[bi]
            k = bisect.bisect_right(starts, pos) - 1
            return starts[k], ends[k]
        # outside the han blocks jieba cuts one character at a time (\r\n together)
        if norm.startswith("\r\n", pos):
            return pos, pos + 2
        if pos > 0 and norm[pos - 1 : pos + 1] == "\r\n":
            return pos - 1, pos + 1
        return pos, pos + 1

    valid = []
    excluded = []
    for s, e, t in cands:
        first, last = token_at(s), token_at(e - 1)
        if first == last or first[0] == s or last[1] == e:  # not cut into words at both ends
            valid.append((s, e, t))
        else:
            words = f"{norm[first[0] : first[1]]}|{norm[last[0] : last[1]]}"
            excluded.append((s, e, t, f"cuts into two words ({words})"))
    valid.sort(key=lambda m: (m[0] - m[1], m[0]))  # longest first, then leftmost
    taken = bytearray(len(norm))
    chosen = []
    for s, e, t in valid:
        if 1 not in taken[s:e]:
            taken[s:e] = b"\x01" * (e - s)
            chosen.append((s, e, t))
        else:
            excluded.append((s, e, t, "overlaps a longer (or earlier) term"))
    chosen.sort()
    excluded.sort()
    result.matches = chosen
    result.excluded = excluded
    whole: Counter[str] = Counter()
    for s, _e, t in chosen:
        result.counts.setdefault(roles.at(s), Counter())[t] += 1
        whole[t] += 1
    result.counts[ALL] = whole
    return result
