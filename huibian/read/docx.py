"""Reader for .docx: body paragraphs in document order, table cells as lines; no headers/footers.

python-docx reads the package; the body is walked in XML order so paragraphs and
tables interleave as they do on the page (python-docx's `paragraphs` and `tables`
lists lose that order). Page headers and footers live in other parts of the
package and are not body text, so they are not read.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
import lxml.etree as etree
from docx.opc.exceptions import PackageNotFoundError

from huibian.models import Document, ReadError
from huibian.read.text import finish, normalize_newlines

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (
    f"{_W}p",
    f"{_W}tbl",
    f"{_W}tr",
    f"{_W}tc",
    f"{_W}sdt",
    f"{_W}sdtContent",
)
_NS = {"w": _W[1:-1]}
# Text-bearing elements of a paragraph in document order. Unlike python-docx's
# Paragraph.text this also reads runs inside tracked insertions, smart tags, custom
# XML and simple fields; deleted text (w:delText) and field codes (w:instrText) are
# other elements and stay out, and so do text boxes anchored in the paragraph.
_TEXT_PARTS = etree.XPath(
    "./descendant::*[self::w:t or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen]"
    "[not(ancestor::w:txbxContent)][not(ancestor::w:del)]",
    namespaces=_NS,
)
_MAIN_PART = "word/document.xml"
_T, _TAB, _HYPHEN = f"{_W}t", f"{_W}tab", f"{_W}noBreakHyphen"
_MAX_XML_BYTES = 512 * 1024 * 1024  # uncompressed document.xml; above this it is a zip bomb, not a report
_MAX_RATIO = 200  # compression ratio beyond which a part is not plausible XML


def read_docx(data: bytes, path: str) -> Document:
    """Turn the bytes of a .docx into a Document (raises ReadError)."""
    _check_package(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise ReadError(path, f"corrupt .docx: not a valid Word document ({type(e).__name__})") from None
    except Exception as e:  # lxml XMLSyntaxError and friends from a damaged part
        raise ReadError(path, f"corrupt .docx: {type(e).__name__}: {str(e)[:150]}") from None
    lines = list(_body_lines(document))
    meta: dict[str, Any] = {}
    title = (document.core_properties.title or "").strip()
    if title:
        meta["title"] = title
    text = normalize_newlines("\n".join(lines))
    if not text.strip():
        raise ReadError(path, "no text in .docx (empty document, or only images: OCR it first)")
    return Document(path=path, text=finish(text, path), format="docx", encoding=None, meta=meta)


def _check_package(data: bytes, path: str) -> None:
    """Refuse what is not a zip with a Word main part, and zip bombs, before python-docx sees it."""
    if not data.startswith(b"PK"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ReadError(path, "old Word .doc format renamed to .docx; save it as .docx")
        raise ReadError(path, "corrupt .docx: not a zip package")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo(_MAIN_PART)
    except KeyError:
        raise ReadError(path, "corrupt .docx: no word/document.xml in the package") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise ReadError(path, f"corrupt .docx: broken zip ({e})") from None
    if (
        info.file_size > _MAX_XML_BYTES
        or info.file_size > _MAX_RATIO * max(info.compress_size, 1) + 10_000_000
    ):
        raise ReadError(path, f"corrupt .docx: document part inflates to {info.file_size} bytes (zip bomb?)")


def _body_lines(document: Any) -> Any:
    """Yield the body's lines: paragraphs, and table rows (cells joined by tabs) in order.

    Walked with an explicit stack, so tables nested in cells cannot exhaust recursion.
    """
    body = document.element.body
    stack: list[Any] = [iter(body.iterchildren())]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag
        if tag == _P:
            yield paragraph_text(child)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                stack.append(iter(content.iterchildren()))
        elif tag == _TBL:
            rows, nested = _table_rows(child)
            yield from rows
            if nested:
                stack.append(iter(nested))


def paragraph_text(p: Any) -> str:
    """The visible text of one w:p element: runs' text, tabs and line breaks."""
    out = []
    for el in _TEXT_PARTS(p):
        tag = el.tag
        if tag == _T:
            out.append(el.text or "")
        elif tag == _TAB:
            out.append("\t")
        elif tag == _HYPHEN:
            out.append("-")
        else:  # w:br, w:cr (a page break is a line break in text)
            out.append("\n")
    return "".join(out)


def _table_rows(tbl: Any) -> tuple[list[str], list[Any]]:
    """Rows of a table as lines; a cell with several paragraphs gives a line per paragraph.

    Tables found inside cells are returned to be walked after this one.
    """
    lines: list[str] = []
    nested: list[Any] = []
    for tr in tbl.iterchildren(_TR):
        cells: list[list[str]] = []
        for tc in tr.iterchildren(_TC):
            paras = []
            for el in tc.iterchildren():
                if el.tag == _P:
                    t = paragraph_text(el).strip()
                    if t:
                        paras.append(t)
                elif el.tag == _TBL:
                    nested.append(el)
            cells.append(paras)
        if all(len(c) <= 1 for c in cells):
            row = "\t".join(c[0] if c else "" for c in cells).strip("\t")
            if row:
                lines.append(row)
        else:
            for c in cells:
                lines.extend(c)
    return lines, nested
