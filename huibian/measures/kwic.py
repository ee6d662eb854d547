"""Keywords in context: every counted occurrence of a term, where it is and what surrounds it.

The occurrences are exactly those the measures count (count.dictionary_pass, same
rules), so a researcher can read what a number is made of. The context is N jieba
words either side, segmented over whole han blocks so the words are those of the
report's own segmentation.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import pandas as pd

from huibian.measures import count
from huibian.measures.compute import Filters, load_reports, select_reports
from huibian.measures.dictionaries import Dictionary
from huibian.measures.text import fold, han_blocks, is_word, roles_of, term_tokenizer, tokens

COLUMNS = ["report", "region", "level", "year", "role", "term", "start", "end", "left", "match", "right", "link"]
_SPACES = re.compile(r"\s+")


def kwic(
    conn: sqlite3.Connection,
    dictionary: Dictionary,
    filters: Filters,
    *,
    roles: Sequence[str] = (),
    words: int = 8,
    limit: int | None = None,
    base_url: str = "",
    excluded: bool = False,
    progress: Any = None,
) -> pd.DataFrame:
    """One row per counted occurrence of the dictionary's terms in the chosen reports; with
    `excluded`, the occurrences the counting rules set aside instead, each with its reason."""
    columns = COLUMNS + (["reason"] if excluded else [])
    reports = {r["report"]: r for r in select_reports(conn, filters)}
    rows: list[dict[str, Any]] = []
    tok = term_tokenizer(dictionary.terms)
    holding = _holding(conn, dictionary.terms)
    ids = [rid for rid in reports if holding is None or rid in holding]
    for done, (rid, text, secs) in enumerate(load_reports(conn, ids), 1):
        if progress:
            progress(done, len(ids))
        norm = fold(text)
        if not any(t in norm for t in dictionary.terms):
            continue
        rl = roles_of(secs, len(text))
        blocks = han_blocks(norm)
        tc = count.dictionary_pass(text, rl, dictionary.terms, norm, blocks)
        found = tc.excluded if excluded else [(s, e, t, "") for s, e, t in tc.matches]
        starts = [b[0] for b in blocks]
        meta = reports[rid]
        for s, e, term, reason in found:
            role = rl.at(s)
            if roles and role not in roles:
                continue
            left, right = _context(norm, text, blocks, starts, tok, s, e, words)
            rows.append(
                {
                    "report": rid,
                    "region": meta["region"],
                    "level": meta["level"],
                    "year": meta["year"],
                    "role": role,
                    "term": term,
                    "start": s,
                    "end": e,
                    "left": left,
                    "match": text[s:e],
                    "right": right,
                    "link": f"{base_url}/reports/{quote(rid, safe='')}?at={s}-{e}#at",
                    "reason": reason,
                }
            )
            if limit is not None and len(rows) >= limit:
                return pd.DataFrame(rows, columns=columns)
    return pd.DataFrame(rows, columns=columns)


def _snap(blocks: list[tuple[int, int]], starts: list[int], pos: int, *, left: bool) -> int:
    """Move `pos` out of a han block (to its start when going left, its end going right)."""
    i = bisect.bisect_right(starts, pos) - 1
    if i >= 0 and blocks[i][0] < pos < blocks[i][1]:
        return blocks[i][0] if left else blocks[i][1]
    return pos


def _holding(conn: sqlite3.Connection, terms: tuple[str, ...]) -> set[str] | None:
    """Reports that may hold one of the terms, from the full-text index (huibian/search.py:
    its folding — NFKC, case, whitespace — finds a superset of our matches), plus those not
    indexed; None when the store has no index (then every report is read)."""
    from huibian import search

    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_docs'").fetchone() is None:
        return None
    out: set[str] = set()
    for t in terms:
        try:
            expr = search.match_expression('"' + t.replace('"', " ") + '"')
        except search.QueryError:
            return None
        out.update(
            r[0]
            for r in conn.execute(
                "SELECT d.report_id FROM search_fts JOIN search_docs d ON d.docid = search_fts.rowid"
                " WHERE search_fts MATCH ?",
                (expr,),
            )
        )
    out.update(r[0] for r in conn.execute("SELECT id FROM reports WHERE id NOT IN (SELECT report_id FROM search_docs)"))
    return out


def _context(
    norm: str,
    text: str,
    blocks: list[tuple[int, int]],
    starts: list[int],
    tok: Any,
    s: int,
    e: int,
    n: int,
) -> tuple[str, str]:
    """`n` words before s and after e, as the report's text (whitespace runs → one space)."""
    reach = 12 * n + 24
    a = _snap(blocks, starts, max(0, s - reach), left=True)
    b = _snap(blocks, starts, min(len(norm), e + reach), left=False)
    toks = list(tokens(tok, norm[a:b], a))
    lo, seen = s, 0
    for t0, _t1, w in reversed([t for t in toks if t[0] < s]):
        if seen == n:
            break
        lo = t0
        seen += is_word(w)
    hi, seen = e, 0
    for _t0, t1, w in (t for t in toks if t[1] > e):
        if seen == n:
            break
        hi = t1
        seen += is_word(w)
    return _SPACES.sub(" ", text[lo:s]), _SPACES.sub(" ", text[e:hi])
