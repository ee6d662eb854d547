"""Full-text search that works for Chinese: an FTS5 index over character bigrams.

Chinese has no spaces, so a word tokenizer either needs a segmenter (which decides
that 光伏发电 is one word, and then 光伏 no longer matches it) or indexes characters.
We index every overlapping character pair (the approach of CJK analyzers in search
engines): 光伏发电 → 光伏 伏发 发电 电. A query of n ≥ 2 characters becomes the
phrase of its n-1 bigrams, which FTS5 matches only at consecutive positions — that
is an exact substring match, so 光伏, 低保, 13.5% and long phrases all match exactly
where the text has them, and nowhere else. A single character is a prefix query on
the bigrams (each position emits one token starting with its character; the last
one is a lone character).

Folding (both sides): NFKC (full-width → half-width), lower case, whitespace
dropped (OCR text has stray spaces inside words), and punctuation mapped to private
use characters, which FTS5's unicode61 tokenizer keeps as token characters — so
`13.5%` indexes as 13 3. .5 5% and a search for it does not degrade into 13 AND 5.

The FTS5 table is contentless (the bigram string would triple the store's size).
A contentless table can only delete a row given its original tokens, so a trigger
on `reports` moves a deleted report's text into `search_trash`, and the next
`index_report` (or `purge`) recomputes its tokens and deletes them; until then the
`search_docs` mapping (emptied by the same trigger) keeps stale rows out of results.

Snippets and highlights are computed on the stored text with a regex built from
the query (tolerant of the same folding), so offsets point into the real text.
"""

from __future__ import annotations

import functools
import html
import operator
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field

MAX_TERMS = 8
MAX_TERM_CHARS = 64
_PUA = 0xE000
_PUA_SPAN = 0x1900  # private use area E000–F8FF


class QueryError(ValueError):
    """A query that cannot be searched (empty, too long); the message says why."""


# -- folding ---------------------------------------------------------------------------
@functools.cache
def _fold_char(ch: str) -> str:
    """The folded form of one character: '' for whitespace, punctuation → a token char."""
    out = []
    for c in unicodedata.normalize("NFKC", ch).lower():
        if c.isspace():
            continue
        out.append(c if c.isalnum() else chr(_PUA + ord(c) % _PUA_SPAN))
    return "".join(out)


class _FoldTable(dict):
    """A str.translate table that folds lazily and remembers (C-speed on repeat chars)."""

    def __missing__(self, key: int) -> str:
        val = _fold_char(chr(key))
        self[key] = val
        return val


_FOLD = _FoldTable()


def fold(text: str) -> str:
    return text.translate(_FOLD)


def bigrams(text: str) -> str:
    """The string FTS5 indexes for `text`: its folded character bigrams, space-separated
    (the last character stands alone). map(add) pairs characters at C speed."""
    s = fold(text)
    return " ".join(map(operator.add, s, s[1:] + " ")).rstrip()


# -- the query ---------------------------------------------------------------------------
_TERM = re.compile(r'"([^"]*)"|(\S+)')


def terms(q: str) -> list[str]:
    """Terms of a query: whitespace separates terms, "double quotes" keep one together."""
    out = []
    for m in _TERM.finditer(q or ""):
        t = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
        if t and fold(t):
            out.append(t)
    return out


def match_expression(q: str) -> str:
    """The FTS5 MATCH string for a query: every term must occur (AND)."""
    ts = terms(q)
    if not ts:
        raise QueryError("empty query: type a word, a phrase or a number (e.g. 光伏, 低保, 13.5%)")
    if len(ts) > MAX_TERMS:
        raise QueryError(f"too many terms ({len(ts)}); at most {MAX_TERMS}")
    parts = []
    for t in ts:
        f = fold(t)
        if len(f) > MAX_TERM_CHARS:
            raise QueryError(f"term too long ({len(f)} characters); at most {MAX_TERM_CHARS}")
        if len(f) == 1:
            parts.append(f'"{f}" *')
        else:
            parts.append('"' + " ".join(f[i : i + 2] for i in range(len(f) - 1)) + '"')
    return " AND ".join(parts)


# -- writing -----------------------------------------------------------------------------
def index_report(
    conn: sqlite3.Connection, report_id: str, text: str, pending: list[tuple[int, str]] | None = None
) -> None:
    """(Re)index one report; call inside the transaction that wrote it.

    With `pending`, the full-text row is queued there and written by `flush` before the
    transaction commits: FTS5 is much cheaper fed in bulk, and it writes out its pending
    data at every savepoint release (the ingest writer keeps one savepoint per file)."""
    old = conn.execute("SELECT docid FROM search_docs WHERE report_id = ?", (report_id,)).fetchone()
    if pending and (old is not None or conn.execute("SELECT 1 FROM search_trash LIMIT 1").fetchone()):
        flush(conn, pending)  # deletions must see every row inserted before them
    purge(conn)
    if old is not None:
        _delete_doc(conn, old[0], text_of=report_id)
    cur = conn.execute("INSERT INTO search_docs (report_id) VALUES (?)", (report_id,))
    if pending is None:
        conn.execute("INSERT INTO search_fts (rowid, bi) VALUES (?, ?)", (cur.lastrowid, bigrams(text)))
    else:
        pending.append((cur.lastrowid, bigrams(text)))


def flush(conn: sqlite3.Connection, pending: list[tuple[int, str]]) -> None:
    """Write queued full-text rows (see `index_report`)."""
    if pending:
        conn.executemany("INSERT INTO search_fts (rowid, bi) VALUES (?, ?)", pending)
        pending.clear()


def _delete_doc(conn: sqlite3.Connection, docid: int, *, text_of: str) -> None:
    row = conn.execute("SELECT text FROM reports WHERE id = ?", (text_of,)).fetchone()
    if row is not None:
        conn.execute(
            "INSERT INTO search_fts (search_fts, rowid, bi) VALUES ('delete', ?, ?)", (docid, bigrams(row[0]))
        )
    conn.execute("DELETE FROM search_docs WHERE docid = ?", (docid,))


def purge(conn: sqlite3.Connection) -> int:
    """Remove deleted reports' tokens from the index (their text waits in search_trash)."""
    rows = conn.execute("SELECT docid, text FROM search_trash").fetchall()
    for docid, text in rows:
        conn.execute(
            "INSERT INTO search_fts (search_fts, rowid, bi) VALUES ('delete', ?, ?)", (docid, bigrams(text))
        )
    if rows:
        conn.execute("DELETE FROM search_trash")
    return len(rows)


def missing(conn: sqlite3.Connection) -> int:
    """How many stored reports are not in the index (stores ingested before it existed)."""
    return conn.execute(
        "SELECT count(*) FROM reports WHERE id NOT IN (SELECT report_id FROM search_docs)"
    ).fetchone()[0]


def update(conn: sqlite3.Connection, *, rebuild: bool = False) -> int:
    """Index every report not yet indexed (all of them with `rebuild`); returns how many."""
    with conn:
        if rebuild:
            conn.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
            conn.execute("DELETE FROM search_docs")
            conn.execute("DELETE FROM search_trash")
        else:
            purge(conn)
        todo = conn.execute(
            "SELECT id, text FROM reports WHERE id NOT IN (SELECT report_id FROM search_docs) ORDER BY id"
        ).fetchall()
        for rid, text in todo:
            cur = conn.execute("INSERT INTO search_docs (report_id) VALUES (?)", (rid,))
            conn.execute("INSERT INTO search_fts (rowid, bi) VALUES (?, ?)", (cur.lastrowid, bigrams(text)))
        if rebuild or len(todo) > 100:
            conn.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
    return len(todo)


# -- reading -----------------------------------------------------------------------------
@dataclass
class Hit:
    start: int
    end: int
    term: int  # index of the query term that matched


@dataclass
class Result:
    report: str
    region: str
    level: str | None
    year: int
    title: str | None
    score: float
    hits: list[Hit] = field(default_factory=list)
    n_hits: int = 0
    snippets: list[tuple[int, str]] = field(default_factory=list)  # (hit number, HTML snippet)


@dataclass
class Page:
    q: str
    total: int
    results: list[Result]
    limit: int
    offset: int


def _filters(region: str | None, level: str | None, year: int | None) -> tuple[str, list]:
    sql, params = "", []
    for col, val in (("region", region), ("level", level), ("year", year)):
        if val is not None and val != "":
            sql += f" AND r.{col} = ?"  # col comes from the fixed tuple above, never from input
            params.append(val)
    return sql, params


def search(
    conn: sqlite3.Connection,
    q: str,
    *,
    region: str | None = None,
    level: str | None = None,
    year: int | None = None,
    limit: int = 20,
    offset: int = 0,
    snippets: int = 3,
    width: int = 40,
) -> Page:
    """Reports matching every term of `q`, best first (bm25), with highlighted snippets."""
    expr = match_expression(q)
    where, params = _filters(region, level, year)
    base = (
        " FROM search_fts JOIN search_docs d ON d.docid = search_fts.rowid JOIN reports r ON r.id = d.report_id"
        f" WHERE search_fts MATCH ?{where}"
    )
    total = conn.execute("SELECT count(*)" + base, [expr, *params]).fetchone()[0]
    rows = conn.execute(
        "SELECT r.id, r.region, r.level, r.year, r.title, search_fts.rank"
        + base
        + " ORDER BY search_fts.rank"
        " LIMIT ? OFFSET ?",
        [expr, *params, int(limit), int(offset)],
    ).fetchall()
    results = []
    for rid, reg, lev, yr, title, rank in rows:
        text = conn.execute("SELECT text FROM reports WHERE id = ?", (rid,)).fetchone()[0]
        hits = find_hits(text, q)
        res = Result(rid, reg, lev, yr, title, -float(rank), hits=hits, n_hits=len(hits))
        res.snippets = [(i, snippet_html(text, hits, i, width=width)) for i in _spread(len(hits), snippets)]
        results.append(res)
    return Page(q=q, total=total, results=results, limit=limit, offset=offset)


def _spread(n: int, k: int) -> list[int]:
    """Up to k hit numbers spread over n hits (first, middle, last...)."""
    if n <= k:
        return list(range(n))
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)}) if k > 1 else [0]


# -- highlighting ------------------------------------------------------------------------
@functools.cache
def _char_class(ch: str) -> str:
    """A regex class for every character that folds like `ch` (full/half width, case)."""
    target = _fold_char(ch)
    if not target:
        return ""
    variants = {ch, unicodedata.normalize("NFKC", ch)}
    for v in list(variants):
        variants |= {v.lower(), v.upper()}
        if len(v) == 1 and 0x21 <= ord(v) <= 0x7E:
            variants.add(chr(ord(v) + 0xFEE0))  # the full-width form
    variants = {v for v in variants if len(v) == 1 and _fold_char(v) == target}
    return "[" + "".join(re.escape(v) for v in sorted(variants)) + "]"


@functools.lru_cache(maxsize=512)
def _term_regex(term: str) -> re.Pattern[str] | None:
    parts = [c for c in (_char_class(ch) for ch in term) if c]
    if not parts:
        return None
    return re.compile(r"\s*".join(parts))


def find_hits(text: str, q: str, *, phrase: bool = False) -> list[Hit]:
    """Where the query's terms occur in `text` (a whole string as one term with `phrase`)."""
    ts = [q] if phrase else terms(q)
    hits: list[Hit] = []
    for i, t in enumerate(ts[:MAX_TERMS]):
        rx = _term_regex(t[: MAX_TERM_CHARS * 4])
        if rx is not None:
            hits += [Hit(m.start(), m.end(), i) for m in rx.finditer(text) if m.end() > m.start()]
    hits.sort(key=lambda h: (h.start, -h.end))
    out: list[Hit] = []
    for h in hits:  # no overlapping hits: marks must nest
        if not out or h.start >= out[-1].end:
            out.append(h)
    return out


def snippet_html(text: str, hits: list[Hit], i: int, *, width: int = 40) -> str:
    """HTML-escaped text around hit i, every hit inside it in <mark>."""
    h = hits[i]
    a, b = max(0, h.start - width), min(len(text), h.end + width)
    out, pos = [], a
    for other in hits:
        if other.end <= a or other.start >= b:
            continue
        s, e = max(other.start, a), min(other.end, b)
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:b]))
    body = "".join(out).replace("\n", " ")
    return ("…" if a > 0 else "") + body + ("…" if b < len(text) else "")


def plain_snippet(text: str, hit: Hit, *, width: int = 40) -> str:
    a, b = max(0, hit.start - width), min(len(text), hit.end + width)
    return text[a:b].replace("\n", " ")
