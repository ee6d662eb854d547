"""Ingest orchestration: files → per-file pipeline (in a pool) → the single writer.

Workers only compute; the parent process is the one writer, so the store never sees
two writers and a crash in one file's pipeline never loses another file's reports.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import sqlite3
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from huibian import read, store
from huibian.models import HuibianError, ProcessedReport
from huibian.ocr.pool import OcrRun, prefetch
from huibian.pipeline import Options, process_file


@dataclass
class FileResult:
    path: str
    status: str  # added / unchanged / replaced / skipped / failed
    reports: list[str] = field(default_factory=list)
    facts: int = 0
    error: str | None = None


@dataclass
class IngestSummary:
    results: list[FileResult]
    ocr: OcrRun | None = None  # the page pool's work on scanned pages (huibian/ocr/pool.py)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed


def _sha256(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _work(args: tuple[str, Options]) -> tuple[str, list[ProcessedReport] | None, str | None]:
    """Run the pipeline on one file; errors come back as a message, never an exception."""
    path, options = args
    try:
        return path, process_file(path, options), None
    except HuibianError as e:
        return path, None, str(e).removeprefix(f"{path}: ")
    except Exception as e:  # a bug must not lose the other files' work
        return path, None, f"internal error ({type(e).__name__}: {e}) — please report it"


FILE_TIMEOUT = 300.0  # seconds one file may take in a worker before it is given up


def _run(
    jobs: list[tuple[str, Options]], workers: int, timeout: float = FILE_TIMEOUT
) -> Iterator[tuple[str, list[ProcessedReport] | None, str | None]]:
    """Results file by file. A pool of `workers` processes with at most 2×workers files
    in flight keeps memory bounded; a file that takes longer than `timeout` is reported
    as failed and its stuck worker is replaced, so one bad file cannot stall the rest."""
    if workers <= 1 or len(jobs) <= 1:
        yield from map(_work, jobs)
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    pending = deque(jobs)
    inflight: deque = deque()
    pool = ctx.Pool(workers, maxtasksperchild=200)
    try:
        while pending or inflight:
            while pending and len(inflight) < 2 * workers:
                job = pending.popleft()
                inflight.append((job, pool.apply_async(_work, (job,))))
            job, res = inflight.popleft()
            try:
                yield res.get(timeout=timeout)
            except mp.TimeoutError:
                yield job[0], None, f"gave up after {timeout:.0f} s (is the file pathological?)"
                pool.terminate()
                pending.extendleft(reversed([j for j, _ in inflight]))
                inflight.clear()
                pool = ctx.Pool(workers, maxtasksperchild=200)
    finally:
        pool.terminate()
        pool.join()


def ingest(
    paths: list[str | Path],
    db: str | Path | sqlite3.Connection = store.DEFAULT_DB,
    *,
    options: Options | None = None,
    workers: int | None = None,
    replace: bool = False,
    index: bool = True,
    progress: Callable[[FileResult], None] | None = None,
    page_progress: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Ingest files and directories into the store; returns what happened to each file.

    `index=False` leaves the search index for later (`search.update`, `huibian index`):
    one bulk pass at the end is the cheaper way to load a large corpus. Pages that need OCR
    are first recognised page by page in the pool (`page_progress(done, total)`)."""
    options = options or Options()
    conn = db if isinstance(db, sqlite3.Connection) else store.connect(db)
    files, skipped = read.iter_files([Path(p) for p in paths])
    results = [FileResult(str(p), "skipped", error=why) for p, why in skipped]
    jobs: list[tuple[str, Options]] = []
    hashes: dict[str, tuple[str, int]] = {}
    for p in files:
        key = str(p)
        try:
            hashes[key] = _sha256(p)
        except OSError as e:
            results.append(FileResult(key, "failed", error=f"cannot read: {e.strerror}"))
            continue
        if not replace and store.file_unchanged(conn, key, hashes[key][0]):
            ids = [r["id"] for r in conn.execute("SELECT id FROM reports WHERE source = ?", (key,))]
            results.append(FileResult(key, "unchanged", reports=ids))
            if progress:
                progress(results[-1])
            continue
        jobs.append((key, options))
    n_workers = workers or os.cpu_count() or 1
    ocr_run = prefetch([p for p, _ in jobs], options.ocr, n_workers, page_progress, options.max_bytes)
    writer = store.Writer(conn, index=index)
    try:
        for path, reports, error in _run(jobs, n_workers):
            sha, size = hashes[path]
            if reports is not None:
                try:
                    written = writer.write_file(path, sha, size, reports, replace=replace)
                except sqlite3.Error as e:  # the store refused this file: record it, keep going
                    reports, error = None, f"could not store: {e}"
            if reports is None:
                res = FileResult(path, "failed", error=error)
                writer.file_failed(path, sha, size, error)
            else:
                statuses = [st for _, st in written]
                status = "added" if "added" in statuses else "replaced" if "replaced" in statuses else "unchanged"
                res = FileResult(path, status, reports=[rid for rid, _ in written],
                                 facts=sum(len(r.facts) for r in reports))
            results.append(res)
            if progress:
                progress(res)
    finally:
        writer.commit()
    return IngestSummary(results, ocr=ocr_run)
