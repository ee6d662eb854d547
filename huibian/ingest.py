"""Ingest orchestration: files → per-file work in worker processes → the single writer.

Three parts, each replaceable on its own:

- `work(job)`: the per-file worker function — the pipeline on one file, every error
  turned into a message. Pure: it reads the file and returns its reports.
- a runner that takes jobs and yields outcomes: `LocalRunner` (in huibian/workers.py)
  runs `work` in child processes, always — one file or many — so every file gets the
  same time and memory limits and a hang or a blow-up costs that file only.
- the result loop in `ingest()`: the parent process is the one writer; it stores each
  outcome as it arrives, so the store never sees two writers and a crash in one file's
  pipeline never loses another file's reports.

The store is held with `store.writer_lock` for the whole ingest: a second ingest into
the same store waits (or, with `wait=False`, refuses at once). Ctrl-C stops the
workers, commits what was stored and raises `Interrupted` carrying the summary.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from huibian import pipeline, read, store
from huibian.models import HuibianError, ProcessedReport
from huibian.ocr.pool import OcrRun, prefetch
from huibian.pipeline import Options
from huibian.read.files import open_regular
from huibian.read.names import escape_name, printable

STATUSES = ("added", "replaced", "duplicate", "unchanged", "skipped", "failed")


@dataclass
class FileResult:
    path: str  # the file name as stored and shown (read/names.py: escaped, lossless)
    status: str  # one of STATUSES
    reports: list[str] = field(default_factory=list)
    facts: int = 0
    error: str | None = None  # why it failed or was skipped; for a duplicate, whose reports it repeats
    notes: list[str] = field(default_factory=list)  # options not applied, damaged text skipped


@dataclass
class IngestSummary:
    results: list[FileResult]
    interrupted: bool = False
    ocr: OcrRun | None = None  # the page pool's work on scanned pages (huibian/ocr/pool.py)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during an ingest: the workers are stopped and what was stored is committed.
    `summary` says what happened to the files done before it."""

    def __init__(self, summary: IngestSummary):
        super().__init__("ingest interrupted")
        self.summary = summary


@dataclass(frozen=True)
class Limits:
    """What one file may cost. Enforced in the worker process for every file."""

    seconds: float = 300.0  # wall time, then the worker is killed and the file given up
    memory_mb: int = 2048  # address space a worker may add while processing a file


@dataclass(frozen=True)
class Job:
    path: str  # the path to open (may hold surrogate-escaped bytes)
    key: str  # the escaped name: files.path, reports.source, what the user sees
    options: Options


@dataclass
class Outcome:
    key: str
    reports: list[ProcessedReport] | None
    error: str | None = None
    fatal: bool = False  # the worker should not be reused (it ran out of memory)


def work(job: Job) -> Outcome:
    """The per-file worker function: the pipeline on one file; errors come back as a
    message, never as an exception (a bug in one file must not lose the others' work)."""
    try:
        return Outcome(job.key, pipeline.process_file(job.path, job.options))
    except HuibianError as e:
        return Outcome(job.key, None, printable(str(e).removeprefix(f"{job.key}: ")))
    except MemoryError:
        return Outcome(job.key, None, "out of memory (over the per-file memory limit, --max-memory)", fatal=True)
    except RecursionError:
        return Outcome(job.key, None, "structure nested too deeply to process")
    except Exception as e:
        return Outcome(job.key, None, printable(f"internal error ({type(e).__name__}: {e}) — please report it"))


class Runner(Protocol):
    """Runs `work` over jobs and yields an Outcome for each, in any order (a pool of
    local processes today; a cluster tomorrow). It may also yield None now and then
    while nothing has finished, so that the writer can commit what it holds. Closing
    the iterator must stop the work."""

    def __call__(self, jobs: list[Job]) -> Iterator[Outcome | None]: ...


def _sha256(f) -> tuple[str, int]:  # noqa: ANN001 (a binary file)
    h = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def _notes(reports: list[ProcessedReport]) -> list[str]:
    """What the user should hear about: options the text overrode, damaged text skipped."""
    out = []
    for r in reports:
        for w in r.meta.warnings:
            if w.startswith(("--region", "--year", pipeline.DAMAGE_WARNING)):
                out.append(f"{r.meta.id}: {w}")
    return out


def ingest(
    paths: Iterable[str | Path],
    db: str | Path | sqlite3.Connection = store.DEFAULT_DB,
    *,
    options: Options | None = None,
    workers: int | None = None,
    replace: bool = False,
    index: bool = True,
    progress: Callable[[FileResult], None] | None = None,
    limits: Limits | None = None,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
    runner: Runner | None = None,
    page_progress: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Ingest files and directories into the store; returns what happened to each file.

    `progress` is called once per file, whatever happened to it. `limits` bound each
    file's time and memory. `wait=False` raises store.StoreBusy at once when another
    ingest holds the store (else `on_wait` hears that we wait). `index=False` leaves the
    search index for later (`search.update`, `huibian index`): one bulk pass at the end
    is the cheaper way to load a large corpus. Ctrl-C raises `Interrupted`. Pages that need
    OCR are first recognised page by page in a process pool (`page_progress(done, total)`)."""
    from huibian.workers import LocalRunner

    options = options or Options()
    limits = limits or Limits()
    own = not isinstance(db, sqlite3.Connection)
    db_file = Path(db) if own else store.store_path(db)
    with store.writer_lock(db_file, wait=wait, on_wait=on_wait):
        conn = store.connect(db) if own else db
        try:
            n = workers or os.cpu_count() or 1
            run = runner or LocalRunner(n, limits)
            return _ingest(conn, [Path(p) for p in paths], options, run, replace, index, progress,
                           (n, page_progress))
        finally:
            if own:
                conn.close()


def _ingest(
    conn: sqlite3.Connection,
    paths: list[Path],
    options: Options,
    run: Runner,
    replace: bool,
    index: bool,
    progress: Callable[[FileResult], None] | None,
    ocr_pool: tuple[int, Callable[[int, int], None] | None] = (1, None),  # workers, page progress
) -> IngestSummary:
    results: list[FileResult] = []
    ocr_run = None

    def done(res: FileResult) -> None:
        results.append(res)
        if progress:
            progress(res)

    files, skipped = read.iter_files(paths)
    for p, why in skipped:
        done(FileResult(escape_name(str(p)), "skipped", error=why))
    jobs: list[Job] = []
    hashes: dict[str, tuple[str, int]] = {}
    writer = store.Writer(conn, index=index)
    interrupted = False
    try:
        for p in files:
            key = escape_name(str(p))
            try:  # FIFOs, devices and oversized files are refused here, before any work
                with open_regular(p, key, options.max_bytes) as f:
                    hashes[key] = _sha256(f)
            except HuibianError as e:
                done(FileResult(key, "failed", error=str(e).removeprefix(f"{key}: ")))
                continue
            except OSError as e:
                done(FileResult(key, "failed", error=f"cannot read: {e.strerror or e}"))
                continue
            if not replace and store.file_unchanged(conn, key, hashes[key][0]):
                ids = [r["id"] for r in conn.execute("SELECT id FROM reports WHERE source = ?", (key,))]
                done(FileResult(key, "unchanged", reports=ids))
                continue
            jobs.append(Job(str(p), key, options))
        ocr_run = prefetch([j.path for j in jobs], options.ocr, ocr_pool[0], ocr_pool[1], options.max_bytes)
        with contextlib.closing(run(jobs)) as outcomes:  # closing it stops the workers
            for outcome in outcomes:
                if outcome is None:
                    writer.idle()
                    continue
                done(_store_outcome(conn, writer, outcome, *hashes[outcome.key], replace))
    except KeyboardInterrupt:
        interrupted = True  # the file being written was rolled back; every file before it is whole
    finally:
        writer.commit()
    if interrupted:
        raise Interrupted(IngestSummary(results, interrupted=True, ocr=ocr_run))
    return IngestSummary(results, ocr=ocr_run)


def _store_outcome(
    conn: sqlite3.Connection, writer: store.Writer, outcome: Outcome, sha: str, size: int, replace: bool
) -> FileResult:
    """Write one file's reports (or its failure) and say what happened."""
    reports, error = outcome.reports, outcome.error
    if reports is not None:
        try:
            written = writer.write_file(outcome.key, sha, size, reports, replace=replace)
        except (sqlite3.Error, ValueError) as e:  # the store refused this file: record it, keep going
            reports, error = None, printable(f"could not store: {e}")
    if reports is None:
        writer.file_failed(outcome.key, sha, size, error)
        return FileResult(outcome.key, "failed", error=error)
    statuses = {st for _, st in written}
    status = next((s for s in ("added", "replaced", "duplicate") if s in statuses), "unchanged")
    res = FileResult(outcome.key, status, reports=[rid for rid, _ in written],
                     facts=sum(len(r.facts) for r in reports), notes=_notes(reports))
    if status == "duplicate":
        ids = [rid for rid, st in written if st == "duplicate"]
        sources = {row["source"] for row in conn.execute(
            f"SELECT source FROM reports WHERE id IN ({','.join('?' * len(ids))})", ids)}
        res.error = f"same text as {', '.join(ids)}, already stored from {', '.join(sorted(sources))}"
    return res
