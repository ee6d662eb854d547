"""OCR of scanned pages: page images → text with reading order, confidence and provenance.

- `settings`: mode (auto / always / never), engine, cache, data/ocr.yaml
- `engines`: RapidOCR and Tesseract behind one call
- `raster`: PDF pages (pypdfium2) and image files (Pillow) as grayscale arrays
- `cache`: results by page-image hash on disk
- `layout`: reading order, running heads dropped, paragraph wraps
- `pool`: OCR page by page in a process pool before the per-file pipeline runs

The readers (huibian/read/pdf.py, image.py) call `ocr_pdf_page` / `ocr_image` and
`assemble`; the pool calls the same functions, so whatever it OCR'd the readers find
in the cache.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from huibian.ocr.cache import OcrCache, image_key, page_key
from huibian.ocr.engines import engine_id, get_engine
from huibian.ocr.layout import PageText, layout_page, running_keys
from huibian.ocr.result import OcrLine, PageOCR
from huibian.ocr.settings import MODES, OcrSettings, config

PAGE_SEPARATOR = "\n\n"

__all__ = [
    "MODES", "OcrLine", "OcrSettings", "PageOCR", "Assembled", "assemble", "ocr_image", "ocr_pdf_page",
    "text_layer_ok",
]


@dataclass
class Stats:
    ocr: int = 0  # pages recognised now
    cached: int = 0  # pages served from the cache


def recognise(image: np.ndarray, engine_name: str, threads: int = 0) -> PageOCR:
    """Straighten the page, then run the engine on it (no cache)."""
    from huibian.ocr.raster import deskew

    return get_engine(engine_name, threads).recognise(deskew(image))


def ocr_image(image: np.ndarray, settings: OcrSettings, stats: Stats | None = None,
              file_page: str | None = None) -> PageOCR:
    """OCR one page image, through the cache."""
    eid = engine_id(settings.engine_name)
    cache = OcrCache(settings.cache_path)
    key = image_key(image, eid)
    hit = cache.get(key)
    if hit is None:
        hit = recognise(image, settings.engine_name, settings.threads)
        cache.put(key, hit)
        if stats:
            stats.ocr += 1
    elif stats:
        stats.cached += 1
    if file_page:
        cache.link(file_page, key)
    return hit


def ocr_pdf_page(pdf, index: int, file_sha: str, settings: OcrSettings, stats: Stats | None = None) -> PageOCR:
    """OCR page `index` of an open pypdfium2 document; a re-run of the same file finds the
    result through the (file, page) index without rasterising the page again."""
    from huibian.ocr.raster import page_dpi, render_pdf_page

    dpi = page_dpi(pdf, index)
    fp = page_key(file_sha, index, dpi, engine_id(settings.engine_name))
    cache = OcrCache(settings.cache_path)
    known = cache.lookup(fp)
    if known:
        hit = cache.get(known)
        if hit is not None:
            if stats:
                stats.cached += 1
            return hit
    return ocr_image(render_pdf_page(pdf, index, dpi), settings, stats, file_page=fp)


def file_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- is a text layer usable? ------------------------------------------------------------------


def _is_han(c: str) -> bool:
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


def _is_junk(c: str) -> bool:
    o = ord(c)
    return (
        0xE000 <= o <= 0xF8FF  # private use: glyph codes of a font without a Unicode map
        or o == 0xFFFD
        or o < 0x20
        or 0x7F <= o <= 0x9F
        or 0xC0 <= o <= 0x24F  # Latin-1 letters and Latin Extended: GBK bytes read as Latin-1
    )


def text_layer_ok(text: str) -> bool:
    """Whether a PDF page's text layer can stand for the page (else it is OCR'd under auto):
    enough visible characters, enough of them Chinese, few that no Chinese report holds."""
    cfg = config()
    visible = [c for c in text if not c.isspace()]
    if len(visible) < int(cfg["min_visible_chars"]):
        return False
    han = sum(1 for c in visible if _is_han(c))
    junk = sum(1 for c in visible if _is_junk(c))
    return han >= float(cfg["min_han_share"]) * len(visible) and junk <= float(cfg["max_junk_share"]) * len(visible)


# -- pages → one text ------------------------------------------------------------------------


@dataclass
class Assembled:
    text: str
    pages: list[int]  # offset where each page starts
    ocr_lines: list[tuple[int, int, int, int, int, int, int, float]]
    low_conf: list[tuple[int, int, float]]
    line_wraps: list[int]
    dropped: dict[str, int]
    ocr_pages: list[int]  # 1-based


def assemble(pages: list[str | PageOCR]) -> Assembled:
    """Join pages (text-layer text, or OCR results) into one text with page starts, each OCR'd
    line's span and box, the low-confidence runs, and the paragraph wraps to join."""
    threshold = float(config()["low_confidence"])
    scanned = [p for p in pages if isinstance(p, PageOCR)]
    running = running_keys(scanned) if len(scanned) > 1 else set()
    parts: list[str] = []
    out = Assembled("", [], [], [], [], {}, [])
    pos = 0
    runs_off = False  # the page before ended on a full line of an OCR'd paragraph
    for number, page in enumerate(pages, start=1):
        pt: PageText | None = None if isinstance(page, str) else layout_page(page, running)
        if parts:
            if pt is not None and runs_off and pt.runs_in:
                out.line_wraps.append(pos)  # the paragraph goes on overleaf: join across the page break
            parts.append(PAGE_SEPARATOR)
            pos += len(PAGE_SEPARATOR)
        out.pages.append(pos)
        runs_off = pt is not None and pt.runs_off
        if isinstance(page, str) or pt is None:
            parts.append(page)  # type: ignore[arg-type]
            pos += len(page)  # type: ignore[arg-type]
            continue
        out.ocr_pages.append(number)
        for k, v in pt.dropped.items():
            out.dropped[k] = out.dropped.get(k, 0) + v
        w, h = max(page.width, 1), max(page.height, 1)
        for s, e, ln in pt.lines:
            x0, y0, x1, y1 = ln.box
            out.ocr_lines.append((pos + s, pos + e, number, round(1000 * x0 / w), round(1000 * y0 / h),
                                  round(1000 * x1 / w), round(1000 * y1 / h), round(ln.conf, 4)))
            run_start, run_min = -1, 1.0
            for i, c in enumerate([*ln.chars, 1.0]):
                if c < threshold and i < len(ln.chars):
                    if run_start < 0:
                        run_start, run_min = i, c
                    run_min = min(run_min, c)
                elif run_start >= 0:
                    out.low_conf.append((pos + s + run_start, pos + s + i, round(run_min, 4)))
                    run_start = -1
        out.line_wraps.extend(pos + p for p in pt.wraps)
        parts.append(pt.text)
        pos += len(pt.text)
    out.text = "".join(parts)
    return out
