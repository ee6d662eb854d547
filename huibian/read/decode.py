"""Bytes → str for text-like files (.txt, .md, .html), with the encoding named.

Chinese report files come as UTF-8 (with or without BOM), GB18030/GBK/GB2312 or
UTF-16. Strict UTF-8 and then strict GB18030 are tried first: both are fast and,
for Chinese text, far more reliable than statistical detection, which only runs
as a last resort (charset-normalizer). Anything that looks like binary data is
refused rather than turned into mojibake.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from huibian.chars import REPORT_TEXT
from huibian.models import ReadError

# Bytes that never occur in text files (C0 controls except \t \n \v \f \r, ESC, SUB; DEL).
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 26), 28, 29, 30, 31, 127])
_NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x19\x1c-\x1f\x7f]")
# Characters a Chinese (or plain English) report is made of; anything else counts against
# a candidate decoding.
_ODD_CHARS = re.compile(f"[^{REPORT_TEXT}]")
_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings a statistical guess may land on that can carry Chinese text.
_CJK_OR_UNICODE = ("utf", "gb", "hz", "big5", "cp950", "cp936", "euc", "iso2022", "shift_jis", "cp932")
# Single-byte guesses are accepted only for text that is nearly all ASCII anyway.
_MAX_NON_ASCII_SINGLE_BYTE = 0.05
_MAX_ODD_SHARE = 0.02
_MAX_CONTROL_SHARE = 0.01
_MAX_NUL_SHARE = 0.001
# UTF-8 with a handful of broken bytes (a cut multi-byte char, a stray byte) is still UTF-8.
_MAX_UTF8_ERRORS_PER_MB = 20
# Aliases: GB2312 and GBK are subsets of GB18030, so decode them as GB18030.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
}


def canonical_encoding(name: str) -> str | None:
    """Python codec name for a declared charset (meta tags, HTTP headers), or None."""
    name = name.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


class Decoded(NamedTuple):
    text: str
    encoding: str  # a Python codec name that decodes the file's bytes (utf-8-sig, utf-16, gb18030...)
    replaced: int = 0  # invalid bytes replaced by U+FFFD (only for nearly-valid UTF-8)


def decode(data: bytes, path: str, declared: str | None = None) -> Decoded:
    """Decode `data`. Raises ReadError for binary or undecodable data.

    `declared` is an encoding the file itself names (HTML meta charset); it is tried
    right after a BOM, and ignored if it does not decode cleanly.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError as e:
                raise ReadError(
                    path, f"undecodable text: starts with a {codec} byte-order mark but is not valid {codec}"
                ) from e

    controls = len(data.translate(None, _NON_CONTROL_BYTES))
    if controls:
        utf16 = _guess_utf16(data)
        if utf16 is not None:
            return utf16
        if controls > _MAX_CONTROL_SHARE * len(data) or data.count(0) > _MAX_NUL_SHARE * len(data):
            raise ReadError(path, "binary data, not text")
        if b"\x00" in data:  # a stray NUL or two in a text file: drop them, they are not text
            data = data.replace(b"\x00", b"")

    if declared:
        codec = canonical_encoding(declared)
        if codec and codec not in ("utf-8", "gb18030"):
            try:
                text = data.decode(codec)
            except (UnicodeDecodeError, LookupError):
                pass
            else:
                if _plausible(text):
                    return Decoded(text, codec)

    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lenient = _lenient_utf8(data)
    if lenient is not None:
        return lenient
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if _plausible(text):
            return Decoded(text, "gb18030")
    guessed = _guess(data)
    if guessed is not None:
        return guessed
    raise ReadError(path, "undecodable text: not UTF-8, GB18030 or UTF-16, and no other encoding fits")


def _plausible(text: str) -> bool:
    """True when `text` reads like report text rather than mojibake or binary."""
    if not text:
        return True
    n = len(text)
    return len(_ODD_CHARS.findall(text)) <= _MAX_ODD_SHARE * n and (
        len(_CONTROL_CHARS.findall(text)) <= _MAX_CONTROL_SHARE * n
    )


def _guess_utf16(data: bytes) -> Decoded | None:
    """UTF-16 without a BOM: try the byte order that puts ASCII's zero bytes right first.

    Binary data almost never decodes as UTF-16 (unpaired surrogates) and, when it
    does, fails the plausibility test.
    """
    if len(data) % 2:
        return None
    head = data[:65536]
    orders = (
        ("utf-16-le", "utf-16-be")
        if head[1::2].count(0) >= head[0::2].count(0)
        else ("utf-16-be", "utf-16-le")
    )
    for codec in orders:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return Decoded(text, codec)
    return None


def _lenient_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few invalid bytes: replace them rather than refuse the file."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if bad <= max(1, _MAX_UTF8_ERRORS_PER_MB * len(data) / 1_000_000):
        return Decoded(text, "utf-8", bad)
    return None


def _guess(data: bytes) -> Decoded | None:
    """Last resort: statistical detection, accepted only for CJK/Unicode encodings or near-ASCII text."""
    from charset_normalizer import from_bytes  # imported lazily: rarely needed, slow to import

    best = from_bytes(data).best()
    if best is None:
        return None
    codec = best.encoding.lower()
    text = str(best)
    if not _plausible(text):
        return None
    if not codec.startswith(_CJK_OR_UNICODE):
        non_ascii = sum(1 for ch in text if ord(ch) > 127)
        if non_ascii > _MAX_NON_ASCII_SINGLE_BYTE * len(text):
            return None
    return Decoded(text, codec)
