"""Reader for .txt and .md files: decode, take metadata out, strip markup and boilerplate."""

from __future__ import annotations

from huibian.models import Document, ReadError
from huibian.read.boilerplate import strip_boilerplate
from huibian.read.decode import decode
from huibian.read.markup import strip_markup
from huibian.read.meta import split_front_matter, split_meta_header


def read_text(data: bytes, path: str, fmt: str = "txt") -> Document:
    """Turn the bytes of a text file into a Document (raises ReadError)."""
    decoded = decode(data, path)
    doc = text_document(decoded.text, path, fmt, decoded.encoding)
    if decoded.replaced:
        doc.meta["invalid_bytes_replaced"] = decoded.replaced
    return doc


def text_document(text: str, path: str, fmt: str, encoding: str | None) -> Document:
    """The text-file steps after decoding; shared with readers that produce plain text."""
    text = normalize_newlines(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    text, meta = split_front_matter(text)
    text, header = split_meta_header(text)
    meta.update(header)
    text, dropped = strip_markup(text)
    text, dropped_bp, meta_bp = strip_boilerplate(text)
    for key, value in meta_bp.items():
        meta.setdefault(key, value)
    dropped.update(dropped_bp)
    text = finish(text, path)
    return Document(path=path, text=text, format=fmt, encoding=encoding, meta=meta, dropped=dropped)


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR → LF; U+2028/2029 line and paragraph separators → LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return text


def finish(text: str, path: str) -> str:
    """Trim blank lines at both ends; refuse a text with nothing in it."""
    text = text.rstrip()
    start = 0
    while True:  # drop leading blank lines, keep the first line's own indentation
        nl = text.find("\n", start)
        if nl < 0 or text[start:nl].strip():
            break
        start = nl + 1
    text = text[start:]
    if not text.strip():
        raise ReadError(path, "no text in file (only whitespace or markup)")
    return text + "\n"
