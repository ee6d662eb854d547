"""OCR page by page in a process pool, ahead of the per-file pipeline.

A scanned book is one file but hundreds of pages; the per-file pool would give it one
worker. So ingest first plans every page that needs OCR (images: every frame; PDFs: the
pages whose text layer is missing or garbage, judged as the PDF reader judges them) and
hands the pages to a pool, one page a task, each worker running the engine on one thread.
Results land in the OCR cache; the per-file pipeline then finds every page there. A page
that fails or hangs here is simply OCR'd again (or reported) by the file's own pipeline.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from huibian.ocr.settings import OcrSettings

PAGE_TIMEOUT = 180.0  # seconds one page may take before the pool is given up


@dataclass
class OcrRun:
    """What the page pool did: pages planned, recognised now, served from the cache."""

    files: int = 0
    pages: int = 0
    recognised: int = 0
    cached: int = 0
    failed: list[tuple[str, int, str]] = field(default_factory=list)
    seconds: float = 0.0


Job = tuple[str, str, int, OcrSettings]  # path, "pdf" | "image", 0-based page, settings


def plan(paths: list[str], settings: OcrSettings, max_bytes: int) -> list[Job]:
    """Every page of these files that needs OCR. Files that cannot be read are left for the
    reader to report."""
    from huibian.read import IMAGES

    jobs: list[Job] = []
    for path in paths:
        ext = Path(path).suffix.lower()
        if ext not in IMAGES and ext != ".pdf":
            continue
        try:
            if os.path.getsize(path) > max_bytes:
                continue
            data = Path(path).read_bytes()
            if ext == ".pdf":
                from huibian.ocr.raster import open_pdf
                from huibian.read.pdf import pages_to_ocr

                pdf = open_pdf(data, path)
                try:
                    pages = pages_to_ocr(pdf, settings.mode)
                finally:
                    pdf.close()
                jobs += [(path, "pdf", i, settings) for i in pages]
            else:
                from huibian.ocr.raster import image_frame_count

                jobs += [(path, "image", i, settings) for i in range(image_frame_count(data, path))]
        except Exception:  # noqa: BLE001 - whatever is wrong with the file, its reader reports it
            continue
    return jobs


_open: dict[str, tuple[object, str]] = {}  # one open document per worker: its pages come in a row


def _document(path: str, kind: str) -> tuple[object, str]:
    if path not in _open:
        for old, _ in _open.values():
            close = getattr(old, "close", None)
            if close:
                close()
        _open.clear()
        data = Path(path).read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if kind == "pdf":
            from huibian.ocr.raster import open_pdf

            _open[path] = (open_pdf(data, path), sha)
        else:
            import io

            from PIL import Image

            _open[path] = (Image.open(io.BytesIO(data)), sha)
    return _open[path]


def ocr_page(job: Job) -> tuple[str, int, str, str | None]:
    """OCR one planned page into the cache: (path, page, "ocr" | "cached" | "failed", error)."""
    from huibian.ocr import Stats, ocr_image, ocr_pdf_page

    path, kind, index, settings = job
    stats = Stats()
    try:
        doc, sha = _document(path, kind)
        if kind == "pdf":
            ocr_pdf_page(doc, index, sha, settings, stats)
        else:
            from huibian.ocr.raster import gray

            doc.seek(index)  # type: ignore[attr-defined]
            ocr_image(gray(doc), settings, stats)
    except Exception as e:  # noqa: BLE001 - the file's own pipeline reports it properly
        return path, index, "failed", f"{type(e).__name__}: {str(e)[:150]}"
    return path, index, "ocr" if stats.ocr else "cached", None


def prefetch(
    paths: list[str],
    settings: OcrSettings,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    max_bytes: int = 50 * 1024 * 1024,
) -> OcrRun:
    """OCR every page these files need, `workers` pages at a time; `progress(done, total)`
    after each page."""
    t0 = time.perf_counter()
    run = OcrRun()
    if settings.mode == "never" or not settings.cache_path:
        return run  # without a cache the files' own pipelines must OCR their pages: nothing to share
    jobs = plan(paths, settings, max_bytes)
    run.pages = len(jobs)
    run.files = len({j[0] for j in jobs})
    if progress:
        progress(0, len(jobs))
    if not jobs:
        return run

    def record(res: tuple[str, int, str, str | None], done: int) -> None:
        path, index, status, error = res
        if status == "ocr":
            run.recognised += 1
        elif status == "cached":
            run.cached += 1
        else:
            run.failed.append((path, index + 1, error or ""))
        if progress:
            progress(done, len(jobs))

    if workers <= 1 or len(jobs) == 1:
        for done, job in enumerate(jobs, start=1):
            record(ocr_page(job), done)
        _open.clear()
    else:
        one_thread = [(p, k, i, replace(s, threads=1)) for p, k, i, s in jobs]
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        with ctx.Pool(min(workers, len(jobs))) as pool:
            it = pool.imap_unordered(ocr_page, one_thread, chunksize=1)
            for done in range(1, len(jobs) + 1):
                try:
                    record(it.next(timeout=PAGE_TIMEOUT), done)
                except mp.TimeoutError:
                    run.failed.append(("", 0, f"a page took over {PAGE_TIMEOUT:.0f} s; the rest is left to the files"))
                    pool.terminate()
                    break
    run.seconds = time.perf_counter() - t0
    return run
