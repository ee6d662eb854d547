"""Dictionaries of terms: the built-in ones (huibian/data/dictionaries/*.yaml) and a user's.

A dictionary file is YAML (`terms:` list, with `name`, `title` and `source`) or plain
text, one term per line (`#` starts a comment line). Terms are width-folded as the
text is (ＰＭ２.５ = PM2.5). A dictionary's `version` is a hash of its folded terms and
the counting rules, so cached counts are reused exactly when they still hold.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from huibian import datafiles
from huibian.measures.text import fold, segmenter_key
from huibian.models import HuibianError

DICT_DIR = Path(str(datafiles.path("dictionaries")))  # the built-ins (a user's file is read by path)
MAX_BYTES = 2 * 2**20
MAX_TERMS = 5000
MAX_TERM_CHARS = 40
# output columns a term may not take the name of
RESERVED = {
    "report", "region", "admin_code", "level", "year", "role", "dictionary", "dictionary_version",
    "chars", "words", "total", "per_word", "per_10k_chars",
}


class DictionaryError(HuibianError):
    """A dictionary that cannot be used; the message names the file and what to fix."""


@dataclass(frozen=True)
class Dictionary:
    name: str
    terms: tuple[str, ...]  # folded, in the file's order
    title: str = ""
    source: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    builtin: bool = False

    @functools.cached_property
    def version(self) -> str:
        """Changes when the terms or the counting rules do (not with the name or order)."""
        key = json.dumps([segmenter_key(), sorted(self.terms)], ensure_ascii=False)
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    @property
    def own(self) -> bool:
        """True when the term list is the project's own rather than a published paper's."""
        return str(self.source.get("terms_from", "")).lower() != "paper"


def builtin_names() -> list[str]:
    return sorted(p.stem for p in DICT_DIR.glob("*.yaml"))


def builtins() -> list[Dictionary]:
    return [load(n) for n in builtin_names()]


def load(spec: str | Path | Dictionary) -> Dictionary:
    """A built-in dictionary by name, or a user's file (YAML or one term per line)."""
    if isinstance(spec, Dictionary):
        return spec
    s = str(spec)
    if s in builtin_names() and not Path(s).exists():
        d = _from_file(DICT_DIR / f"{s}.yaml")
        return Dictionary(d.name, d.terms, d.title, d.source, d.path, builtin=True)
    path = Path(s)
    if not path.exists():
        raise DictionaryError(
            f"{s}: no such dictionary — give a file (YAML or one term per line) or one of: "
            + ", ".join(builtin_names())
        )
    return _from_file(path)


def from_terms(terms: list[str], name: str = "custom", where: str = "terms") -> Dictionary:
    """A dictionary from a list of terms (the web form, the API)."""
    return Dictionary(name, _check_terms([(str(t), f"term {i}") for i, t in enumerate(terms, 1)], where))


def _from_file(path: Path) -> Dictionary:
    if not path.is_file():
        raise DictionaryError(f"{path}: not a regular file — give a dictionary file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DictionaryError(f"{path}: {size / 2**20:.1f} MB is too large for a dictionary (at most 2 MB)")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DictionaryError(f"{path}: a binary file, not a list of terms")
    try:
        body = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DictionaryError(f"{path}: {_encoding_problem(raw, e)}; save it as UTF-8") from None
    name = path.stem
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            doc = yaml.safe_load(body)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise DictionaryError(f"{path}: not valid YAML{where} ({getattr(e, 'problem', None) or e})") from None
        if doc is None:
            raise DictionaryError(f"{path}: empty — list the terms under `terms:`")
        if isinstance(doc, list):
            doc = {"terms": doc}
        if not isinstance(doc, dict) or "terms" not in doc:
            raise DictionaryError(f"{path}: no `terms:` list — a dictionary YAML is `terms: [环保, 污染, ...]`")
        terms = doc["terms"]
        if not isinstance(terms, list):
            raise DictionaryError(f"{path}: `terms` must be a list of words, not {type(terms).__name__}")
        for i, t in enumerate(terms, 1):
            if not isinstance(t, str | int | float) or isinstance(t, bool):
                raise DictionaryError(f"{path}: term {i} is not a word ({t!r}) — write each term as a string")
        checked = _check_terms([(str(t), f"term {i}") for i, t in enumerate(terms, 1)], str(path))
        source = doc.get("source") or {}
        if not isinstance(source, dict):
            source = {"citation": str(source)}
        return Dictionary(str(doc.get("name") or name), checked, str(doc.get("title") or ""), source, str(path))
    entries = []
    for n, line in enumerate(body.splitlines(), 1):
        t = line.strip()
        if t and not t.startswith("#"):
            entries.append((t, f"line {n}"))
    return Dictionary(name, _check_terms(entries, str(path)), path=str(path))


def _check_terms(entries: list[tuple[str, str]], where: str) -> tuple[str, ...]:
    """Folded terms; duplicates (also after folding), blanks and oversize terms refused."""
    if not entries or not any(t.strip() for t, _ in entries):
        raise DictionaryError(f"{where}: no terms — put one term per line (or a YAML `terms:` list)")
    if len(entries) > MAX_TERMS:
        raise DictionaryError(f"{where}: {len(entries)} terms; at most {MAX_TERMS} in one dictionary")
    seen: dict[str, tuple[str, str]] = {}
    out = []
    for raw, at in entries:
        t = fold(raw.strip())
        if not t:
            raise DictionaryError(f"{where}: {at} is empty")
        if "\ufffd" in t:
            raise DictionaryError(f"{where}: {at} has U+FFFD replacement characters — the file was not UTF-8")
        if any(c.isspace() for c in t) and not t.replace(" ", ""):
            raise DictionaryError(f"{where}: {at} is only spaces")
        if len(t) > MAX_TERM_CHARS:
            raise DictionaryError(f"{where}: {at} is {len(t)} characters long; terms are at most {MAX_TERM_CHARS}")
        if t.lower() in RESERVED:
            raise DictionaryError(f"{where}: {at} ({t}) is the name of an output column; it cannot be a term")
        if t in seen:
            first_raw, first_at = seen[t]
            same = "" if first_raw == raw.strip() else f" ({raw.strip()} is {t} with full-width = half-width)"
            raise DictionaryError(f"{where}: {t} appears twice, {first_at} and {at}{same}; keep one")
        seen[t] = (raw.strip(), at)
        out.append(t)
    return tuple(out)


def _encoding_problem(raw: bytes, err: UnicodeDecodeError) -> str:
    """'not UTF-8 (it looks like GB18030)' — the likely encoding named, to help convert it."""
    guess = ""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:65536]).best()
        if best is not None and best.encoding not in ("utf_8", "ascii"):
            guess = f" (it looks like {best.encoding.upper().replace('_', '-')})"
    except Exception:  # noqa: BLE001 - a guess only
        guess = ""
    return f"not UTF-8 text{guess}: byte {err.start} cannot be decoded"
