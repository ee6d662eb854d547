"""READ stage: a file's bytes → a Document (text without markup, encoding, pages, meta).

`read_file` dispatches on the extension to one reader per format. Every problem a
user can meet — missing, empty, too large, binary, corrupt, scanned — comes out as
a ReadError naming the file and the problem in one line, never a library traceback.

Keys a reader may put in `Document.meta` (all optional, all what the file says about
itself, unchecked):
  title         front matter title, 标题：, portal page title, HTML ArticleTitle/<title>, docx title
  source_url    URL the text came from (front matter source, 来源URL：, canonical link)
  source        the source as written (URL, list of URLs, or a name like 百度马克数据网)
  date, speaker, issuer   from a 发文时间：/报告人：/发文单位： collector header
  published     portal or HTML publication time (not the report's date)
  portal_pages  a portal article paged as 1..N, of which the file holds only one page
  page_count, pages_without_text   (PDF, images)
  ocr_pages, ocr_engine, ocr_recognised, ocr_cached   (pages read by OCR, huibian/ocr/)
  invalid_bytes_replaced           (nearly-valid UTF-8 read with U+FFFD for bad bytes)
`Document.dropped` counts characters removed as boilerplate or markup, by kind:
portal_header, abstract, portal_footer, placeholder, source_note, markup, html_comment.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from huibian.models import Document, HuibianError, ReadError
from huibian.read.files import check_regular, open_regular
from huibian.read.files import size_text as _size
from huibian.read.names import escape_name

if TYPE_CHECKING:
    from huibian.ocr import OcrSettings

IMAGES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # page scans, read by OCR
SUPPORTED = {".txt", ".md", ".html", ".htm", ".docx", ".pdf"} | IMAGES
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# Extensions people will try, with the advice a skip reason should carry.
_ADVICE = {
    ".doc": "old Word format; save it as .docx",
    ".wps": "WPS format; save it as .docx",
    ".rtf": "save it as .docx or .txt",
    ".xls": "a spreadsheet, not a report",
    ".xlsx": "a spreadsheet, not a report",
    ".csv": "a table, not a report",
    ".bmp": "an image; save it as .png",
    ".gif": "an image; save it as .png",
    ".webp": "an image; save it as .png",
}


def _reader(ext: str, ocr: OcrSettings | None = None) -> Callable[[bytes, str], Document]:
    # Imported lazily so that reading .txt files never pays for lxml/docx/pypdf/OCR imports.
    if ext in (".txt", ".md"):
        from huibian.read.text import read_text

        fmt = ext[1:]
        return lambda data, path: read_text(data, path, fmt)
    if ext in (".html", ".htm"):
        from huibian.read.html import read_html

        return read_html
    if ext == ".docx":
        from huibian.read.docx import read_docx

        return read_docx
    if ext in IMAGES:
        from huibian.read.image import read_image

        return lambda data, path: read_image(data, path, ocr)
    from huibian.read.pdf import read_pdf

    return lambda data, path: read_pdf(data, path, ocr)


def unsupported_reason(path: Path) -> str:
    ext = path.suffix.lower()
    if not ext:
        return "unsupported type (no extension)"
    advice = _ADVICE.get(ext)
    return f"unsupported type {ext}" + (f" ({advice})" if advice else "")


def read_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, ocr: OcrSettings | None = None) -> Document:
    """Read one file into a Document. Raises ReadError with a one-line problem on bad input.
    Only regular files are opened (see read/files.py); `name` in messages is escaped.
    Scanned pages and images go through OCR as `ocr` says (default: auto)."""
    path = Path(path)
    name = escape_name(str(path))
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise ReadError(name, unsupported_reason(path))
    st = check_regular(path, name, max_bytes)  # FIFOs, devices, sockets refused before opening
    if st.st_size == 0:
        raise ReadError(name, "empty file (0 bytes)")
    with open_regular(path, name, max_bytes) as f:
        try:
            data = f.read(min(st.st_size, max_bytes) + 1)  # not a max_bytes buffer for every small file
            if len(data) > st.st_size:  # it grew since the stat: read on, up to the limit
                data += f.read(max_bytes + 1 - len(data))
        except OSError as e:
            raise ReadError(name, f"cannot read: {e.strerror or e}") from None
    if len(data) > max_bytes:
        raise ReadError(name, f"too large: over the limit of {_size(max_bytes)}")
    if not data:
        raise ReadError(name, "empty file (0 bytes)")
    return read_bytes(data, name, ext, ocr)


def read_bytes(data: bytes, name: str, ext: str, ocr: OcrSettings | None = None) -> Document:
    """Read in-memory file content (an upload, a test) as if it came from a file `name` with extension `ext`."""
    ext = ext.lower()
    if ext not in SUPPORTED:
        raise ReadError(name, f"unsupported type {ext or '(no extension)'}")
    try:
        return _reader(ext, ocr)(data, name)
    except HuibianError:
        raise
    except RecursionError:
        raise ReadError(name, f"cannot read {ext[1:]} file: structure nested too deeply") from None
    except MemoryError:
        raise ReadError(name, f"cannot read {ext[1:]} file: out of memory") from None
    except Exception as e:  # a library failed on input it did not expect: still one line
        detail = str(e).splitlines()[0][:200] if str(e) else ""
        problem = f"cannot read {ext[1:]} file ({type(e).__name__}{': ' + detail if detail else ''})"
        raise ReadError(name, problem) from None


def iter_files(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand directories (recursively, sorted); return (files to read, skipped files with reason).

    Hidden files and directories inside a directory are skipped silently; paths named
    explicitly are kept even when hidden. A path that does not exist is returned as a
    file so that reading it reports the error. Each file appears once.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    seen: set[str] = set()

    def add(p: Path) -> None:
        key = os.path.normcase(os.path.abspath(p))
        if key in seen:
            return
        seen.add(key)
        if p.name.startswith("~$"):
            skipped.append((p, "Office lock file"))
        elif p.suffix.lower() in SUPPORTED or not p.exists():
            files.append(p)
        else:
            skipped.append((p, unsupported_reason(p)))

    for root in map(Path, paths):
        if not root.is_dir():
            add(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for fn in sorted(filenames):
                if not fn.startswith("."):
                    add(Path(dirpath) / fn)
    return files, skipped


__all__ = ["DEFAULT_MAX_BYTES", "IMAGES", "SUPPORTED", "iter_files", "read_bytes", "read_file"]
