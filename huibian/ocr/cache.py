"""OCR results cached on disk by page-image hash, so a re-run does not OCR again.

One JSON file per page image (`<hash[:2]>/<hash>.json`, the hash over the pixels and the
engine's name), written atomically (temporary file + rename), so that the workers of a
page pool may fill it at once without locks. A second, small index maps (file content
hash, page, dpi, engine) to the image hash, which lets a re-run of the same file skip
even the rasterising. A cache that cannot be written is skipped, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from huibian.ocr.result import PageOCR


def image_key(image: np.ndarray, engine: str) -> str:
    """The hash of a page image's pixels (shape included) for one engine."""
    h = hashlib.sha256()
    h.update(f"{engine}|{image.shape}|{image.dtype}|".encode())
    h.update(np.ascontiguousarray(image).data)
    return h.hexdigest()


def page_key(file_sha: str, page: int, dpi: int, engine: str) -> str:
    return hashlib.sha256(f"{file_sha}|{page}|{dpi}|{engine}".encode()).hexdigest()


class OcrCache:
    def __init__(self, root: str):
        self.root = Path(root) if root else None

    def _path(self, kind: str, key: str) -> Path | None:
        return self.root / kind / key[:2] / f"{key}.json" if self.root else None

    def _read(self, kind: str, key: str) -> dict | None:
        p = self._path(kind, key)
        if p is None:
            return None
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write(self, kind: str, key: str, data: dict) -> None:
        p = self._path(kind, key)
        if p is None:
            return
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False)
            os.replace(tmp, p)
        except OSError:
            pass  # a read-only or full disk costs a re-OCR next time, nothing else

    def get(self, key: str) -> PageOCR | None:
        data = self._read("pages", key)
        if data is None:
            return None
        try:
            return PageOCR.from_json(data)
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def put(self, key: str, page: PageOCR) -> None:
        self._write("pages", key, page.to_json())

    def lookup(self, file_page: str) -> str | None:
        data = self._read("index", file_page)
        return data.get("image") if isinstance(data, dict) else None

    def link(self, file_page: str, image: str) -> None:
        self._write("index", file_page, {"image": image})
