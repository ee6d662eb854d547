"""Reader for page images (png, jpg, tif — a multi-page TIFF is a book): every frame OCR'd.

Each frame is a page; the pages are joined as a PDF's are, so a fact's offset gives its
page, and each OCR'd line keeps its box on the page.
"""

from __future__ import annotations

from typing import Any

from huibian.models import Document, ReadError
from huibian.ocr import OcrSettings, Stats, assemble, ocr_image
from huibian.ocr.raster import image_frames

IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def read_image(data: bytes, path: str, ocr: OcrSettings | None = None) -> Document:
    """OCR every frame of an image file into a Document (raises ReadError)."""
    ocr = ocr or OcrSettings()
    if ocr.mode == "never":
        raise ReadError(path, "an image; OCR is off (--ocr never)")
    stats = Stats()
    pages = [ocr_image(frame, ocr, stats) for frame in image_frames(data, path)]
    if not pages:
        raise ReadError(path, "an image file without a single frame")
    doc = assemble(pages)
    if not doc.text.strip():
        raise ReadError(path, "no text found in the image by OCR")
    meta: dict[str, Any] = {"page_count": len(pages), "ocr_pages": doc.ocr_pages, "ocr_engine": ocr.engine_name,
                            "ocr_recognised": stats.ocr, "ocr_cached": stats.cached}
    return Document(path=path, text=doc.text, format="image", encoding=None, pages=doc.pages, meta=meta,
                    dropped=doc.dropped, ocr_lines=doc.ocr_lines, low_conf=doc.low_conf, line_wraps=doc.line_wraps)
