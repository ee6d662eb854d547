"""The store: one SQLite file, the only stateful part of huibian.

One writer at a time (the ingest process); readers may run beside it (WAL). Writing a
report is idempotent: the same content (by hash) is never stored twice, so re-running
an ingest changes nothing unless `replace` is asked for.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from huibian import search
from huibian.migrations import migrate
from huibian.models import ProcessedReport

DEFAULT_DB = "huibian.db"


def connect(path: str | Path = DEFAULT_DB, *, readonly: bool = False) -> sqlite3.Connection:
    """Open (and migrate) a store. Read-only connections never create or change the file."""
    path = Path(path)
    if readonly:
        if not path.exists():
            from huibian.models import HuibianError

            raise HuibianError(f"{path}: no such store — run `huibian ingest PATH --db {path}` first")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        migrate(conn)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def file_unchanged(conn: sqlite3.Connection, path: str, sha256: str) -> bool:
    """True when this exact file content was already ingested without error."""
    row = conn.execute("SELECT sha256, status FROM files WHERE path = ?", (path,)).fetchone()
    return row is not None and row["sha256"] == sha256 and row["status"] == "ok"


def _record_file(
    conn: sqlite3.Connection,
    path: str,
    sha256: str,
    size: int,
    status: str,
    error: str | None,
    report_ids: list[str],
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO files (path, sha256, size, status, error, report_ids, ingested_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (path, sha256, size, status, error, json.dumps(report_ids, ensure_ascii=False), _now()),
    )


def _free_id(conn: sqlite3.Connection, wanted: str) -> str:
    """`wanted`, or `wanted~2`, `~3`... when another report (other content) holds the id."""
    candidate, n = wanted, 1
    while conn.execute("SELECT 1 FROM reports WHERE id = ?", (candidate,)).fetchone():
        n += 1
        candidate = f"{wanted}~{n}"
    return candidate


def write_report(conn: sqlite3.Connection, rep: ProcessedReport, *, replace: bool = False) -> tuple[str, str]:
    """Store one processed report in its own transaction. Returns (report id, status:
    added / unchanged / replaced). Same content already stored → unchanged (even under
    another id). With `replace`, a report with the same id, or one from the same source
    span, is overwritten."""
    with conn:
        return _write_report(conn, rep, replace)


class Writer:
    """The one writer of an ingest: many files per transaction (the search index is far
    cheaper to build in bulk), each file inside its own savepoint so that an error rolls
    back that file only. Commits every `every` seconds and on close."""

    def __init__(self, conn: sqlite3.Connection, every: float = 2.0, *, index: bool = True):
        self.conn = conn
        self.every = every
        self.index = index  # False: leave the search index to `search.update` (huibian index)
        self._last = time.monotonic()
        self._fts: list[tuple[int, str]] = []  # full-text rows queued until the commit

    def write_file(
        self, path: str, sha256: str, size: int, reports: list[ProcessedReport], *, replace: bool = False
    ) -> list[tuple[str, str]]:
        conn = self.conn
        if not conn.in_transaction:
            conn.execute("BEGIN")
        conn.execute("SAVEPOINT file")
        queued = len(self._fts)
        try:
            out = [_write_report(conn, rep, replace, self._fts, index=self.index) for rep in reports]
            _record_file(conn, path, sha256, size, "ok", None, [rid for rid, _ in out])
        except BaseException:
            conn.execute("ROLLBACK TO file")
            conn.execute("RELEASE file")
            del self._fts[queued:]
            raise
        conn.execute("RELEASE file")
        self._maybe_commit()
        return out

    def file_failed(self, path: str, sha256: str, size: int, error: str | None) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")
        _record_file(self.conn, path, sha256, size, "failed", error, [])
        self._maybe_commit()

    def _maybe_commit(self) -> None:
        if time.monotonic() - self._last >= self.every:
            self.commit()

    def commit(self) -> None:
        search.flush(self.conn, self._fts)
        self.conn.commit()
        self._last = time.monotonic()


def _write_report(
    conn: sqlite3.Connection,
    rep: ProcessedReport,
    replace: bool,
    fts: list[tuple[int, str]] | None = None,
    *,
    index: bool = True,
) -> tuple[str, str]:
    m = rep.meta
    same = conn.execute("SELECT id FROM reports WHERE content_hash = ?", (rep.content_hash,)).fetchone()
    if same and not replace:
        return same["id"], "unchanged"
    status = "added"
    old = conn.execute(
        "SELECT id FROM reports WHERE content_hash = ? UNION SELECT id FROM reports WHERE source = ? AND source_start = ?"
        " UNION SELECT id FROM reports WHERE id = ?",
        (rep.content_hash, m.source, rep.source_start, m.id),
    ).fetchall()
    if replace and old:
        for row in old:
            conn.execute("DELETE FROM reports WHERE id = ?", (row["id"],))
        status = "replaced"
    else:
        # an older version of the same file's report: the file changed, so the report is replaced
        prev = conn.execute(
            "SELECT id FROM reports WHERE source = ? AND id = ?", (m.source, m.id)
        ).fetchone()
        if prev:
            conn.execute("DELETE FROM reports WHERE id = ?", (prev["id"],))
            status = "replaced"
    rid = _free_id(conn, m.id)
    if rid != m.id:
        m.warnings.append(f"id {m.id} already held by another report; stored as {rid}")
    conn.execute(
        "INSERT INTO reports (id, region, parent, level, year, date, meeting, speaker, post, title, source,"
        " source_start, source_end, admin_code, content_hash, text, source_text, offsets, pages, repairs,"
        " repair_counts, warnings, ingested_at, ocr) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            rid,
            m.region,
            m.parent,
            m.level,
            m.year,
            m.date,
            m.meeting,
            m.speaker,
            m.post,
            m.title,
            m.source,
            rep.source_start,
            rep.source_end,
            m.admin_code,
            rep.content_hash,
            rep.text,
            rep.source_text,
            json.dumps(rep.offsets.to_json()),
            json.dumps(rep.pages),
            json.dumps([asdict(r) for r in rep.repairs], ensure_ascii=False),
            json.dumps(_counts(rep), ensure_ascii=False),
            json.dumps(m.warnings, ensure_ascii=False),
            _now(),
            json.dumps({"lines": rep.ocr_lines, "low": rep.low_conf}) if rep.ocr_lines else None,
        ),
    )
    conn.executemany(
        'INSERT INTO sections (report_id, idx, parent, depth, number, title, role, start, "end")'
        " VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (rid, s.idx, s.parent, s.depth, s.number, s.title, s.role, s.start, s.end)
            for s in rep.sections
        ],
    )
    conn.executemany(
        "INSERT INTO facts (report_id, seq, indicator, name, scope, period, base_period, kind, measure, value,"
        ' value_text, value_hi, unit, cmp, quote, start, "end", section, value_base, unit_base, confidence,'
        " low_confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                rid,
                i,
                f.indicator,
                f.name,
                f.scope,
                f.period,
                f.base_period,
                f.kind,
                f.measure,
                f.value if not isinstance(f.value, str) else None,
                f.value if isinstance(f.value, str) else _fmt(f.value),
                f.value_hi,
                f.unit,
                f.cmp,
                f.quote,
                f.start,
                f.end,
                f.section,
                f.value_base,
                f.unit_base,
                f.confidence,
                int(f.low_confidence),
            )
            for i, f in enumerate(rep.facts)
        ],
    )
    if index:
        search.index_report(conn, rid, rep.text, fts)
    return rid, status


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _counts(rep: ProcessedReport) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in rep.repairs:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    return counts
