"""Measures over a store: which reports, what is cached, computing the rest, the DataFrame.

Word counts are the expensive part (jieba runs at ~0.2 M characters/s), so they are
computed once per report and kept in the store (tables `measure_words` and
`measure_counts`, migration 5): the default jieba count once per report, and each
dictionary's term counts once per report and dictionary version. A second query only
reads those tables. A read-only connection (the web app) reads the cache and computes
what is missing in memory; `memo` keeps that across calls.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from huibian.measures import count
from huibian.measures.dictionaries import Dictionary
from huibian.measures.text import ALL, roles_of, segmenter_key
from huibian.models import LEVELS, HuibianError

Progress = Callable[[int, int], None]  # (reports done, reports to do)
BY = ("report", "role")  # one row per report, or per report and section role
BASE_COLUMNS = ["report", "region", "admin_code", "level", "year"]
MEASURE_COLUMNS = ["dictionary", "dictionary_version", "chars", "words", "total", "per_word", "per_10k_chars"]
INLINE_BELOW = 40  # fewer reports than this to compute: no process pool
BATCH = 200

LABELS = {
    "role": "section role ('' = whole report)",
    "dictionary": "dictionary name",
    "dictionary_version": "dictionary version (terms + counting rules)",
    "chars": "length in characters (no whitespace)",
    "words": "length in jieba words",
    "total": "dictionary terms counted",
    "per_word": "terms per word (share)",
    "per_10k_chars": "terms per 10,000 characters",
}


@dataclass(frozen=True)
class Filters:
    """Which reports: region (name or GB/T 2260 code; several allowed), level, year or
    (first, last) years, report ids."""

    region: tuple[str, ...] = ()
    level: str | None = None
    year: tuple[int, int] | None = None
    report: tuple[str, ...] = ()

    @classmethod
    def make(
        cls,
        region: str | Sequence[str] | None = None,
        level: str | None = None,
        year: int | str | tuple[int, int] | None = None,
        report: str | Sequence[str] | None = None,
    ) -> Filters:
        if level is not None and level not in LEVELS:
            raise HuibianError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        return cls(_tuple(region), level, parse_years(year), _tuple(report))

    def sql(self) -> tuple[str, list[Any]]:
        where, params = "", []
        if self.region:
            marks = ",".join("?" * len(self.region))
            where += f" AND (r.region IN ({marks}) OR r.admin_code IN ({marks}))"
            params += [*self.region, *self.region]
        if self.level:
            where += " AND r.level = ?"
            params.append(self.level)
        if self.year:
            where += " AND r.year BETWEEN ? AND ?"
            params += list(self.year)
        if self.report:
            where += f" AND r.id IN ({','.join('?' * len(self.report))})"
            params += list(self.report)
        return where, params


def _tuple(v: str | Sequence[str] | None) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        v = [p for p in v.replace("，", ",").split(",")]
    return tuple(p.strip() for p in v if p and p.strip())


def parse_years(year: int | str | tuple[int, int] | None) -> tuple[int, int] | None:
    """2015 → (2015, 2015); '2010-2015' → (2010, 2015)."""
    if year is None or year == "":
        return None
    if isinstance(year, tuple | list):
        lo, hi = int(year[0]), int(year[1])
    elif isinstance(year, int):
        lo = hi = year
    else:
        parts = str(year).replace("–", "-").split("-")
        try:
            lo, hi = (int(parts[0]), int(parts[-1])) if len(parts) in (1, 2) else (None, None)
        except ValueError:
            lo = hi = None
        if lo is None or hi is None:
            raise HuibianError(f"year must be a year or a range like 2010-2015, not {year!r}")
    if lo > hi:
        lo, hi = hi, lo
    return lo, hi


# -- what the store holds ---------------------------------------------------------------------
def _has_cache(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'measure_counts'").fetchone() is not None


def select_reports(conn: sqlite3.Connection, filters: Filters) -> list[dict[str, Any]]:
    where, params = filters.sql()
    rows = conn.execute(
        f"SELECT r.id, r.region, r.admin_code, r.level, r.year FROM reports r WHERE 1=1{where}"
        " ORDER BY r.year, r.region, r.id",
        params,
    ).fetchall()
    return [dict(zip(("report", "region", "admin_code", "level", "year"), r, strict=True)) for r in rows]


def _cached_rows(
    conn: sqlite3.Connection, table: str, columns: str, key: tuple[str, str], ids: list[str], whole: bool
) -> Iterator[tuple]:
    """(report_id, role, *columns) of the cache table's rows for `ids` under `key` (column,
    value); with `whole`, only the whole report's rows. Nothing when the store has no cache."""
    if not _has_cache(conn):
        return
    only = " AND role = ''" if whole else ""
    for chunk in _chunks(ids, 500):
        marks = ",".join("?" * len(chunk))
        yield from conn.execute(
            f"SELECT report_id, role, {columns} FROM {table} WHERE {key[0]} = ?{only} AND report_id IN ({marks})",
            [key[1], *chunk],
        )


def _cached_base(conn: sqlite3.Connection, ids: list[str], whole: bool = False) -> dict[str, count.BaseCounts]:
    """Cached default counts of `ids` (with `whole`, only the whole report's row)."""
    out: dict[str, count.BaseCounts] = {}
    for rid, role, chars, words in _cached_rows(
        conn, "measure_words", "chars, words", ("segmenter", segmenter_key()), ids, whole
    ):
        out.setdefault(rid, {})[role] = (chars, words)
    return out


# role → (words with the dictionary, {term: n})
DictCounts = dict[str, tuple[int, dict[str, int]]]


def _cached_counts(
    conn: sqlite3.Connection, version: str, ids: list[str], whole: bool = False
) -> dict[str, DictCounts]:
    out: dict[str, DictCounts] = {}
    for rid, role, words, counts in _cached_rows(
        conn, "measure_counts", "words, counts", ("dictionary", version), ids, whole
    ):
        out.setdefault(rid, {})[role] = (words, json.loads(counts))
    return out


def _chunks(xs: list[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(xs), n):
        yield xs[i : i + n]


def _write(conn: sqlite3.Connection, bases: dict[str, count.BaseCounts], dicts: dict[tuple[str, str], DictCounts]) -> None:
    key = segmenter_key()
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO measure_words (report_id, segmenter, role, chars, words) VALUES (?,?,?,?,?)",
            [(rid, key, role, c, w) for rid, b in bases.items() for role, (c, w) in b.items()],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO measure_counts (report_id, dictionary, role, words, counts) VALUES (?,?,?,?,?)",
            [
                (rid, version, role, w, json.dumps(cs, ensure_ascii=False, sort_keys=True))
                for (rid, version), d in dicts.items()
                for role, (w, cs) in d.items()
            ],
        )


# -- computing -----------------------------------------------------------------------------------
def load_reports(conn: sqlite3.Connection, ids: list[str]) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
    """(id, text, sections) of each report, read in batches."""
    for chunk in _chunks(ids, 50):
        marks = ",".join("?" * len(chunk))
        texts = dict(conn.execute(f"SELECT id, text FROM reports WHERE id IN ({marks})", chunk).fetchall())
        secs: dict[str, list[dict[str, Any]]] = {}
        for rid, start, end, depth, role in conn.execute(
            f'SELECT report_id, start, "end", depth, role FROM sections WHERE report_id IN ({marks})', chunk
        ):
            secs.setdefault(rid, []).append({"start": start, "end": end, "depth": depth, "role": role})
        for rid in chunk:
            if rid in texts:
                yield rid, texts[rid], secs.get(rid, [])


Task = tuple[str, bool, tuple[tuple[str, tuple[str, ...]], ...]]  # id, need base, (version, terms) needed


Result = tuple[str, count.BaseCounts | None, dict[str, count.TermCounts], str | None]  # id, base, dicts, error


def _compute_one(
    rid: str, text: str, sections: list[dict[str, Any]], need_base: bool, dicts: Iterable[tuple[str, tuple[str, ...]]]
) -> Result:
    """One report's counts, or the error that stopped them (the other reports go on)."""
    try:
        roles = roles_of(sections, len(text))
        base = count.base_pass(text, roles) if need_base else None
        return rid, base, {version: count.dictionary_pass(text, roles, terms) for version, terms in dicts}, None
    except Exception as e:  # noqa: BLE001 - a bug on one report must not lose the others' counts
        return rid, None, {}, f"internal error ({type(e).__name__}: {e}) — please report it"


_worker_conn: sqlite3.Connection | None = None


def _worker_init(path: str) -> None:
    global _worker_conn
    _worker_conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _worker(tasks: list[Task]) -> list[Result]:
    assert _worker_conn is not None
    by_id = {t[0]: t for t in tasks}
    out = []
    for rid, text, secs in load_reports(_worker_conn, list(by_id)):
        _, need_base, dicts = by_id[rid]
        res = _compute_one(rid, text, secs, need_base, dicts)
        for tc in res[2].values():
            tc.matches, tc.excluded = [], []  # not needed by the caller: keep the pipe light
        out.append(res)
    return out


def _db_path(conn: sqlite3.Connection) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row else ""


def _run(conn: sqlite3.Connection, tasks: list[Task], workers: int, progress: Progress | None) -> Iterator[Result]:
    """Results report by report: inline for a few, else a pool of `workers` processes that
    each read their reports from the store themselves (only ids and counts cross the pipe)."""
    total, done = len(tasks), 0
    path = _db_path(conn)
    if workers <= 1 or total < INLINE_BELOW or not path:
        by_id = {t[0]: t for t in tasks}
        for rid, text, secs in load_reports(conn, list(by_id)):
            _, need_base, dicts = by_id[rid]
            res = _compute_one(rid, text, secs, need_base, dicts)
            done += 1
            if progress:
                progress(done, total)
            yield res
        return
    chunks = [tasks[i : i + 8] for i in range(0, total, 8)]
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(workers, initializer=_worker_init, initargs=(path,)) as pool:
        for results in pool.imap_unordered(_worker, chunks):
            for res in results:
                done += 1
                if progress:
                    progress(done, total)
                yield res


def counts(
    conn: sqlite3.Connection,
    dictionaries: Sequence[Dictionary],
    reports: list[dict[str, Any]],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    memo: dict | None = None,
    whole: bool = False,
    errors: list[tuple[str, str]] | None = None,
) -> tuple[dict[str, count.BaseCounts], dict[tuple[str, str], DictCounts]]:
    """Base and dictionary counts of `reports`: from the cache, `memo`, or computed (and
    then cached when the connection may write). With `whole`, cached counts are read for
    the whole report only (role ''), which is all a by-report table needs. A report that
    cannot be counted is left out and named in `errors`."""
    ids = [r["report"] for r in reports]
    memo = memo if memo is not None else {}
    bases = {rid: memo[("base", rid)] for rid in ids if ("base", rid) in memo}
    bases.update(_cached_base(conn, [rid for rid in ids if rid not in bases], whole))
    dicts: dict[tuple[str, str], DictCounts] = {}
    for d in dictionaries:
        have = {rid: memo[(d.version, rid)] for rid in ids if (d.version, rid) in memo}
        have.update(_cached_counts(conn, d.version, [rid for rid in ids if rid not in have], whole))
        for rid, c in have.items():
            dicts[(rid, d.version)] = c
    by_version = {d.version: d.terms for d in dictionaries}
    tasks: list[Task] = []
    for rid in ids:
        need = tuple((v, t) for v, t in by_version.items() if (rid, v) not in dicts)
        if rid not in bases or need:
            tasks.append((rid, rid not in bases, need))
    if not tasks:
        return bases, dicts
    if whole:  # a dictionary pass needs every role of its report's cached base
        bases.update(_cached_base(conn, [t[0] for t in tasks if not t[1]]))
    cache = _Cache(conn, memo)
    for rid, base, terms, error in _run(conn, tasks, workers or os.cpu_count() or 1, progress):
        if error is not None:
            if errors is not None:
                errors.append((rid, error))
            bases.pop(rid, None)
            continue
        if base is not None:
            bases[rid] = base
            cache.bases[rid] = base
        for version, tc in terms.items():  # the base is cached or was just computed
            dicts[(rid, version)] = cache.dicts[(rid, version)] = _combine(bases[rid], tc)
        cache.maybe_flush()
    cache.flush()
    return bases, dicts


class _Cache:
    """New counts on their way into the store, every 2 s; into `memo` when the store
    cannot be written (a read-only connection, an old schema, a read-only file)."""

    def __init__(self, conn: sqlite3.Connection, memo: dict):
        self.conn, self.memo = conn, memo
        self.writable = _has_cache(conn)
        self.bases: dict[str, count.BaseCounts] = {}
        self.dicts: dict[tuple[str, str], DictCounts] = {}
        self.last = time.monotonic()

    def maybe_flush(self) -> None:
        if time.monotonic() - self.last > 2.0:
            self.flush()

    def flush(self) -> None:
        if self.writable:
            try:
                _write(self.conn, self.bases, self.dicts)
            except sqlite3.OperationalError:  # read-only: keep them in memory instead
                self.writable = False
        if not self.writable:
            for rid, b in self.bases.items():
                self.memo[("base", rid)] = b
            for (rid, version), d in self.dicts.items():
                self.memo[(version, rid)] = d
        self.bases, self.dicts, self.last = {}, {}, time.monotonic()


def _combine(base: count.BaseCounts, tc: count.TermCounts) -> DictCounts:
    return {
        role: (words + tc.words_delta.get(role, 0), dict(tc.counts.get(role, {})))
        for role, (_chars, words) in base.items()
    }


# -- the table ------------------------------------------------------------------------------------
def frame(
    reports: list[dict[str, Any]],
    dictionaries: Sequence[Dictionary],
    bases: dict[str, count.BaseCounts],
    dicts: dict[tuple[str, str], DictCounts],
    *,
    by: str = "report",
) -> pd.DataFrame:
    """One row per report (and role with by='role') and dictionary; a column per term."""
    if by not in BY:
        raise HuibianError(f"by must be report or role, not {by!r}")
    terms: list[str] = list(dict.fromkeys(t for d in dictionaries for t in d.terms))
    rows = []
    for rep in reports:
        rid = rep["report"]
        base = bases.get(rid)
        if base is None:
            continue
        roles = [ALL] if by == "report" else [r for r in base if r != ALL]
        for d in dictionaries:
            dc = dicts.get((rid, d.version), {})
            for role in roles:
                chars, _w = base[role]
                words, cs = dc.get(role, (base[role][1], {}))
                total = sum(cs.values())
                row = dict(rep)
                if by == "role":
                    row["role"] = role
                row.update(
                    dictionary=d.name,
                    dictionary_version=d.version,
                    chars=chars,
                    words=words,
                    total=total,
                    per_word=total / words if words else float("nan"),
                    per_10k_chars=total * 10000 / chars if chars else float("nan"),
                )
                for t in d.terms:
                    row[t] = cs.get(t, 0)
                rows.append(row)
    cols = BASE_COLUMNS + (["role"] if by == "role" else []) + MEASURE_COLUMNS + terms
    df = pd.DataFrame(rows, columns=cols)
    for c in ("chars", "words", "total", "year"):
        df[c] = df[c].astype("int64")
    for t in terms:
        df[t] = df[t].astype("Int64")  # missing where the row's dictionary lacks the term
    return df
