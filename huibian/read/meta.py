"""Metadata blocks at the top of a text file → Document.meta, not text.

Two styles occur: a YAML front matter block (`---` … `---`, markdown reports:
title, source URL) and a key–value header that a collector wrote above the report
(标题：/发文单位：/发文时间：/报告人：/来源URL：, ended by 正文：). Both describe the text;
neither is part of it, so they go to meta where the split stage can use them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from huibian.read.boilerplate import cues

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_MAX_FRONT_MATTER = 8192  # a front matter block is a few lines; do not scan a whole book for one
_URL = re.compile(r"^https?://\S+$")


def split_front_matter(text: str) -> tuple[str, dict[str, Any]]:
    """Remove a YAML front matter block from the start of `text`; return (rest, meta).

    The block is taken only when it parses as a YAML mapping, so a report that merely
    starts with a `---` rule keeps its text.
    """
    if not text.startswith("---"):
        return text, {}
    m = _FRONT_MATTER.match(text[:_MAX_FRONT_MATTER])
    if not m:
        return text, {}
    try:
        data = yaml.safe_load(m.group(1) or "")
    except yaml.YAMLError:
        return text, {}
    if not isinstance(data, dict):
        return text, {}
    meta = {str(k): _plain(v) for k, v in data.items()}
    _add_source_url(meta, meta.get("source") or meta.get("url"))
    return text[m.end() :], meta


def split_meta_header(text: str) -> tuple[str, dict[str, Any]]:
    """Remove a 标题：/…/正文： header; return (rest, meta). Needs the 正文： line to be found."""
    spec = cues()["meta_header"]
    keys: dict[str, str] = spec["keys"]
    head = text[:4096].split("\n", spec["max_lines"] + 1)[: spec["max_lines"]]
    meta: dict[str, Any] = {}
    consumed = 0
    for line in head:
        consumed += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        key, sep, value = stripped.replace("：", ":", 1).partition(":")
        key = key.strip()
        if key == spec["body_label"] and sep and not value.strip():
            if not meta:
                return text, {}
            _add_source_url(meta, meta.get("source"))
            return text[consumed:], meta
        if not sep or key not in keys:
            return text, {}  # a line that is not a known header field: this is no header
        meta[keys[key]] = value.strip()
    return text, {}


def _add_source_url(meta: dict[str, Any], value: Any) -> None:
    """Normalise a source given as a URL (or a list of URLs) to meta['source_url']."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and _URL.match(v.strip())), None)
    if isinstance(value, str) and _URL.match(value.strip()):
        meta["source_url"] = value.strip()


def _plain(value: Any) -> Any:
    """YAML scalars such as dates become strings so meta stays JSON-serialisable."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
