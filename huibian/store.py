"""The store: one SQLite file, the only stateful part of huibian.

One writer at a time (the ingest process); readers may run beside it (WAL). Writing a
report is idempotent: the same content (by hash) is never stored twice, so re-running
an ingest changes nothing unless `replace` is asked for.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from huibian import search
from huibian.migrations import migrate
from huibian.models import FACT_SCHEMA, Fact, HuibianError, ProcessedReport, Repair
from huibian.read.names import escape_name, printable

DEFAULT_DB = "huibian.db"
BUSY_TIMEOUT = 30.0  # seconds a writing connection waits for another's transaction (SQLite's busy timeout)


# the `facts` column of each stored Fact field (its `stored_as`, or its own name)
_FIELD_COLUMN = {f.name: f.metadata.get("column") or f.name for f in FACT_SCHEMA}
# fields holding several values (a tuple or list): stored as JSON text, read back as lists
SEQUENCE_FIELDS = frozenset(f.name for f in FACT_SCHEMA if str(f.type).startswith(("tuple", "list")))
# the `facts` columns written for each fact, from the Fact fields: `value` is kept twice, as
# a number (NULL for a ratio) and as text (the ratio itself: 16:49:35)
_FACT_INSERT_COLUMNS = ["seq", *_FIELD_COLUMN.values(), "value_text"]


def fact_select(names: list[str] | None = None) -> str:
    """The SELECT list that reads facts under their field names: `report_id AS report, …`.

    All fields (with `value_text` after `value`), or the `names` asked for; besides the
    fields, `id` (the store's row id) and `value_text` may be asked for.
    """
    if names is None:
        names = [c for n in _FIELD_COLUMN for c in ((n, "value_text") if n == "value" else (n,))]
    out = []
    for name in names:
        col = _FIELD_COLUMN.get(name, name if name in ("id", "value_text") else None)
        if col is None:
            raise KeyError(f"facts have no field {name!r}")
        out.append(f'"{col}"' if col == name else f'"{col}" AS "{name}"')
    return ", ".join(out)


def connect(path: str | Path = DEFAULT_DB, *, readonly: bool = False) -> sqlite3.Connection:
    """Open (and migrate) a store. Read-only connections never create or change the file."""
    path = Path(path)
    if readonly:
        if not path.exists():
            raise HuibianError(f"{path}: no such store — run `huibian ingest PATH --db {path}` first")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            _migrate(conn)
        except sqlite3.OperationalError as e:
            conn.close()
            raise HuibianError(f"{escape_name(str(path))}: cannot open the store for writing ({e})") from None
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


# --- one writer: the ingest lock --------------------------------------------------------


class StoreBusy(HuibianError):
    """Another process is writing to the store and the caller chose not to wait."""


_held: dict[str, int] = {}  # lock files this process holds → depth (the lock is re-entrant)


def store_path(conn: sqlite3.Connection) -> Path | None:
    """The file behind a connection (None for an in-memory store)."""
    for row in conn.execute("PRAGMA database_list"):
        if row[1] == "main":
            return Path(row[2]) if row[2] else None
    return None


@contextlib.contextmanager
def writer_lock(
    db: str | Path | None, *, wait: bool = True, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the store's writer lock: one ingest (or index) at a time per store.

    An flock on `<store>-lock` beside the store: the kernel drops it when the holder
    exits, even by kill -9, so a lock is never stale. A second writer waits for it
    (calling `on_wait` once with a message saying so), or with `wait=False` raises
    StoreBusy at once. The holder's pid is written into the file for that message; the
    holder removes the file when it is done (a waiter that locked a removed file tries
    again), so no lock file is left behind."""
    if db is None or str(db) in ("", ":memory:"):
        yield
        return
    try:
        import fcntl
    except ImportError:  # not POSIX: SQLite's own locking is all there is
        yield
        return
    lock = os.path.abspath(f"{db}-lock")
    if _held.get(lock):
        _held[lock] += 1
        try:
            yield
        finally:
            _held[lock] -= 1
        return
    told = False
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as e:
            raise HuibianError(f"cannot create the store's lock file {escape_name(lock)}: {e.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            message = f"another ingest (pid {holder}) is writing to {escape_name(str(db))}"
            if not wait:
                os.close(fd)
                raise StoreBusy(f"{message}; wait for it to finish, or run again without --no-wait") from None
            if not told and on_wait is not None:
                on_wait(f"{message}; waiting for it to finish (Ctrl-C to stop)…")
                told = True
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
        try:
            same = os.path.exists(lock) and os.stat(lock).st_ino == os.fstat(fd).st_ino
        except OSError:
            same = False
        if same:
            break
        os.close(fd)  # the previous holder removed the file while we waited: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _held[lock] = 1
        yield
    finally:
        _held.pop(lock, None)
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to date. Two processes opening a brand-new store at once both
    see version 0; the second's CREATE TABLE then waits for the first's transaction and
    fails with "already exists": roll back, read the version again (now current), done."""
    for _attempt in range(5):
        try:
            migrate(conn)
            return
        except sqlite3.OperationalError as e:
            if "already exists" not in str(e) and "duplicate column" not in str(e):
                raise
            if conn.in_transaction:
                conn.execute("ROLLBACK")
    migrate(conn)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def file_unchanged(conn: sqlite3.Connection, path: str, sha256: str) -> bool:
    """True when this exact file content was already ingested without error."""
    row = conn.execute("SELECT sha256, status FROM files WHERE path = ?", (printable(path),)).fetchone()
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
        (printable(path), sha256, size, status, printable(error) if error else error,
         json.dumps(report_ids, ensure_ascii=False), _now()),
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
    added / unchanged / duplicate / replaced). Same content already stored → unchanged
    (from the same source file) or duplicate (from another file), under the id it has. With `replace`, a report with the same id, or one from the same source
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

    def idle(self) -> None:
        """Nothing to write for now (the next file is slow): commit what is held, so that
        readers see it and an interruption cannot lose it."""
        if self.conn.in_transaction or self._fts:
            self.commit()

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
    same = conn.execute("SELECT id, source FROM reports WHERE content_hash = ?", (rep.content_hash,)).fetchone()
    if same and not replace:  # already stored: from this file (unchanged) or from another (duplicate)
        return same["id"], "unchanged" if same["source"] == m.source else "duplicate"
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
            _repairs_json(rep.repairs),
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
    cols = ", ".join(f'"{c}"' for c in _FACT_INSERT_COLUMNS)
    conn.executemany(
        f"INSERT INTO facts ({cols}) VALUES ({','.join('?' * len(_FACT_INSERT_COLUMNS))})",
        [_fact_row(rid, i, f) for i, f in enumerate(rep.facts)],
    )
    if index:
        search.index_report(conn, rid, rep.text, fts)
    return rid, status


def _fact_row(rid: str, seq: int, f: Fact) -> tuple:
    """A fact as the values of _FACT_INSERT_COLUMNS."""
    row: list = [seq]
    for name in _FIELD_COLUMN:
        v = getattr(f, name)
        if name == "report":
            v = rid  # the id the report was stored under (`~2` when another report held it)
        elif name == "value":
            v = None if isinstance(f.value, str) else f.value
        elif name in SEQUENCE_FIELDS:
            v = json.dumps(list(v), ensure_ascii=False)
        row.append(v)
    row.append(f.value if isinstance(f.value, str) else _fmt(f.value))
    return tuple(row)


def _repairs_json(repairs: list[Repair]) -> str:
    """The repairs as stored: a JSON list of {kind, source_start, source_end, before, after}.
    Encoded one by one: a damaged OCR file has hundreds of thousands, and neither
    dataclasses.asdict (deep copies, ten times slower) nor a list of dicts is needed."""
    enc = json.JSONEncoder(ensure_ascii=False).encode
    return "[" + ", ".join(
        f'{{"kind": {enc(r.kind)}, "source_start": {r.source_start}, "source_end": {r.source_end}, '
        f'"before": {enc(r.before)}, "after": {enc(r.after)}}}'
        for r in repairs
    ) + "]"


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _counts(rep: ProcessedReport) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in rep.repairs:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    return counts
