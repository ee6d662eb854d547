"""File names as huibian stores and shows them: any name, losslessly, safe on a terminal.

A Linux file name is bytes. Python hands names that are not valid UTF-8 over with the
bad bytes as lone surrogates (surrogateescape), which SQLite, JSON and terminals
refuse; names may also hold control characters (a newline, an ANSI escape that would
recolour the terminal) or invisible format characters (a right-to-left override).

`escape_name` turns a name into printable UTF-8 text that maps back to the same bytes
(`unescape_name`, `os.fsencode`): a byte that is not UTF-8 becomes `\\xNN` (NN ≥ 80),
a control character below U+0080 `\\xNN` (NN < 80), any other control, format or
separator character `\\uXXXX` / `\\UXXXXXXXX`, and a backslash `\\\\`, so that two different
names never share an escaped form. Ordinary names (Chinese, spaces, punctuation) come
out unchanged. The standard library has no codec that does this both ways (the
`backslashreplace` handler cannot be decoded back), hence these few lines.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn"})
_ESCAPE = re.compile(r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8})|(\\))")


def _escape_char(c: str) -> str:
    o = ord(c)
    if c == "\\":
        return "\\\\"
    if 0xDC80 <= o <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{o - 0xDC00:02x}"
    if o < 0x80:
        return f"\\x{o:02x}"
    return f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}"


def _unsafe(c: str) -> bool:
    return c == "\\" or unicodedata.category(c) in _UNSAFE_CATEGORIES


def escape_name(name: str) -> str:
    """A file name (str, possibly with surrogate-escaped bytes) → printable, lossless text."""
    if name.isprintable() and "\\" not in name:
        return name  # the common case, at C speed
    return "".join(_escape_char(c) if _unsafe(c) else c for c in name)


def unescape_name(text: str) -> str:
    """The inverse of `escape_name`: `os.fsencode(unescape_name(escape_name(n))) == os.fsencode(n)`."""
    if "\\" not in text:
        return text

    def back(m: re.Match[str]) -> str:
        if m.group(4):
            return "\\"
        if m.group(1):
            b = int(m.group(1), 16)
            return chr(b) if b < 0x80 else chr(0xDC00 + b)
        return chr(int(m.group(2) or m.group(3), 16))

    return _ESCAPE.sub(back, text)


def printable(text: str) -> str:
    """A message for a terminal or a store: control and format characters and stray
    surrogates escaped, everything else (backslashes too) as it is. Not reversible;
    for names use `escape_name`."""
    if text.isprintable():
        return text
    return "".join(_escape_char(c) if c != "\\" and unicodedata.category(c) in _UNSAFE_CATEGORIES else c
                   for c in text)
