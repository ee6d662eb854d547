"""Reader for .pdf: the text layer page by page, with the offset where each page starts.

pypdf is pure Python (no system libraries to install) and reads the CJK
encodings government PDFs use. Pages are joined with a blank line and
`Document.pages` records where each begins, so a fact's offset gives its page.

Scanned pages go through OCR (huibian/ocr/): under `--ocr auto` a page whose text layer
is missing or garbage (judged on PDFium's reading of it, the same judgement the page
pool makes) is rasterised and recognised; `always` OCRs every page; `never` keeps the
text layer and refuses a PDF that has none, with advice to OCR it.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import TYPE_CHECKING, Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

from huibian.models import Document, ReadError
from huibian.read.text import normalize_newlines

if TYPE_CHECKING:
    from huibian.ocr import OcrSettings

PAGE_SEPARATOR = "\n\n"
_MIN_TEXT_CHARS = 1  # a text layer with not one visible character is no text layer


def read_pdf(data: bytes, path: str, ocr: OcrSettings | None = None) -> Document:
    """Turn the bytes of a PDF into a Document (raises ReadError)."""
    head = data[:1024]
    if b"%PDF-" not in head:
        raise ReadError(path, "not a PDF (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise ReadError(path, "truncated or corrupt PDF (no %%EOF end marker)")
    texts = _page_texts(data, path)
    if ocr is None:
        from huibian.ocr.settings import OcrSettings

        ocr = OcrSettings()
    if ocr.mode != "never":
        from huibian.ocr.raster import open_pdf

        pdf = open_pdf(data, path)
        try:
            todo = pages_to_ocr(pdf, ocr.mode)
            if todo:
                return _read_with_ocr(data, path, texts, pdf, set(todo), ocr)
        finally:
            pdf.close()
    text_parts: list[str] = []
    pages: list[int] = []
    empty: list[int] = []
    pos = 0
    for number, page_text in enumerate(texts, start=1):
        page_text = normalize_newlines(page_text).strip("\n").rstrip()
        if not page_text.strip():
            empty.append(number)
        if text_parts:
            pos += len(PAGE_SEPARATOR)
        pages.append(pos)
        text_parts.append(page_text)
        pos += len(page_text)
    text = PAGE_SEPARATOR.join(text_parts)
    if sum(1 for ch in text if not ch.isspace()) < _MIN_TEXT_CHARS:
        raise ReadError(path, "no text layer (scanned?) — OCR it first: --ocr auto")
    meta: dict[str, Any] = {"page_count": len(pages)}
    if empty:
        meta["pages_without_text"] = empty
    # The text ends where the last page ends: no trailing newline, so offsets stay exact.
    return Document(path=path, text=text, format="pdf", encoding=None, pages=pages, meta=meta)


def _page_texts(data: bytes, path: str) -> list[str]:
    """Extract each page's text; any pypdf failure becomes one ReadError line."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)  # pypdf logs every repaired xref; a user needs none of it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except (FileNotDecryptedError, NotImplementedError, PdfReadError, DependencyError):
                    ok = 0
                if not ok:
                    raise ReadError(path, "encrypted PDF (password required); remove the password first")
            n = len(reader.pages)
            if n == 0:
                raise ReadError(path, "corrupt PDF (no pages)")
            return [reader.pages[i].extract_text() or "" for i in range(n)]
    except ReadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError) as e:
        raise ReadError(path, f"corrupt PDF ({type(e).__name__}: {str(e)[:150]})") from None
    finally:
        logger.setLevel(level)


def pages_to_ocr(pdf, mode: str) -> list[int]:
    """0-based pages of an open PDFium document that need OCR under `mode`."""
    from huibian.ocr import text_layer_ok
    from huibian.ocr.raster import pdf_page_text

    if mode == "never":
        return []
    return [i for i in range(len(pdf)) if mode == "always" or not text_layer_ok(pdf_page_text(pdf, i))]


def _read_with_ocr(data: bytes, path: str, texts: list[str], pdf, todo: set[int], ocr: OcrSettings) -> Document:
    from huibian.ocr import Stats, assemble, file_sha, ocr_pdf_page

    if len(pdf) != len(texts):
        raise ReadError(path, f"corrupt PDF (pypdf sees {len(texts)} pages, PDFium {len(pdf)})")
    stats = Stats()
    sha = file_sha(data)
    pages: list = []
    for i, t in enumerate(texts):
        pages.append(ocr_pdf_page(pdf, i, sha, ocr, stats) if i in todo else normalize_newlines(t).strip("\n").rstrip())
    doc = assemble(pages)
    if sum(1 for ch in doc.text if not ch.isspace()) < _MIN_TEXT_CHARS:
        raise ReadError(path, "no text found, not even by OCR (blank pages?)")
    meta: dict[str, Any] = {"page_count": len(pages)}
    empty = [n for n, start in enumerate(doc.pages, start=1)
             if not doc.text[start : (doc.pages[n] if n < len(doc.pages) else len(doc.text))].strip()]
    if empty:
        meta["pages_without_text"] = empty
    if doc.ocr_pages:
        meta.update(ocr_pages=doc.ocr_pages, ocr_engine=ocr.engine_name, ocr_recognised=stats.ocr,
                    ocr_cached=stats.cached)
    return Document(path=path, text=doc.text, format="pdf", encoding=None, pages=doc.pages, meta=meta,
                    dropped=doc.dropped, ocr_lines=doc.ocr_lines, low_conf=doc.low_conf, line_wraps=doc.line_wraps)
