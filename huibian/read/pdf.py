"""Reader for .pdf: the text layer page by page, with the offset where each page starts.

pypdf is pure Python (no system libraries to install) and reads the CJK
encodings government PDFs use. Pages are joined with a blank line and
`Document.pages` records where each begins, so a fact's offset gives its page.
A PDF without a text layer (a scan) is refused with advice to OCR it, rather
than read as an empty report.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

from huibian.models import Document, ReadError
from huibian.read.text import normalize_newlines

PAGE_SEPARATOR = "\n\n"
_MIN_TEXT_CHARS = 1  # a text layer with not one visible character is no text layer


def read_pdf(data: bytes, path: str) -> Document:
    """Turn the bytes of a PDF into a Document (raises ReadError)."""
    head = data[:1024]
    if b"%PDF-" not in head:
        raise ReadError(path, "not a PDF (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise ReadError(path, "truncated or corrupt PDF (no %%EOF end marker)")
    texts = _page_texts(data, path)
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
        raise ReadError(path, "no text layer (scanned?) — OCR it first")
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
