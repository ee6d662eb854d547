"""Web-portal boilerplate in scraped report text: find it, take it out, count it.

Report texts scraped from county portals keep the page around the report: a
header (channel, page title, time/author/source, counters), a 内容摘要 abstract
that repeats the first characters of the body, a footer of share buttons and
navigation lists, and `??` where the page's whitespace was lost in a GBK round
trip. None of it is report text; left in, it would be split, searched and mined
as if it were. Each block is removed only when its whole expected shape is there
(cues in data/boilerplate.yaml), so report body text is never dropped.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from huibian import datafiles


@cache
def cues() -> dict[str, Any]:
    """The boilerplate cue data, loaded once."""
    return datafiles.load("boilerplate.yaml")


@cache
def _patterns() -> dict[str, Any]:
    c = cues()
    p = c["portal"]
    return {
        "source_note": re.compile(c["source_note"]),
        "info": re.compile(p["info_line"]),
        "info_field": re.compile("(" + "|".join(map(re.escape, p["info_fields"])) + r")[：:]([^?\t\n]*)"),
        "counter": re.compile(p["counter_line"]),
        "abstract_label": re.compile(p["abstract_label"]),
        "abstract_end": re.compile(p["abstract_end"]),
        "footer_start": re.compile("|".join(f"(?:{_line_pattern(x)})" for x in p["footer_start"]), re.M),
        "footer_lines": [re.compile(x) for x in p["footer_lines"]],
        "placeholder": re.compile(c["placeholder"]),
        "squash": re.compile(r"[\s?？]+|&[A-Za-z]*;?"),
    }


def _line_pattern(pattern: str) -> str:
    """A pattern written for one stripped line → the same, matched in a whole text (re.M)."""
    core = pattern.removeprefix("^")
    if core.endswith("$"):
        core = core[:-1] + r"[ \t\u3000]*$"
    return r"^[ \t\u3000]*" + core


def strip_boilerplate(text: str) -> tuple[str, dict[str, int], dict[str, Any]]:
    """Return (text without boilerplate, characters dropped by kind, meta found in it)."""
    dropped: dict[str, int] = {}
    meta: dict[str, Any] = {}
    text = _strip_source_note(text, dropped, meta)
    text = _strip_portal_header(text, dropped, meta)
    text = _strip_portal_footer(text, dropped, meta)
    text = _strip_placeholders(text, dropped)
    return text, dropped, meta


def _strip_source_note(text: str, dropped: dict[str, int], meta: dict[str, Any]) -> str:
    m = _patterns()["source_note"].match(text)
    if not m:
        return text
    meta.setdefault("source", m.group("source").strip())
    dropped["source_note"] = m.end()
    return text[m.end() :]


def _strip_portal_header(text: str, dropped: dict[str, int], meta: dict[str, Any]) -> str:
    """Remove channel/title/info/counter lines and the 内容摘要 abstract at the top of a portal page."""
    pat = _patterns()
    spec = cues()["portal"]
    lines = text[:8192].split("\n", 16)[:16]
    stripped = [ln.strip() for ln in lines]
    info = next(
        (i for i, ln in enumerate(stripped[: spec["header_max_lines"]]) if pat["info"].search(ln)), None
    )
    if info is None or any(len(ln) > 60 for ln in stripped[:info]):
        return text  # no info line, or prose above it: not a portal page header
    label = None
    for j in range(info + 1, min(info + 8, len(stripped))):
        if pat["abstract_label"].match(stripped[j]):
            label = j
            break
        if stripped[j] and not pat["counter"].match(stripped[j]):
            return text  # something other than counters between the info line and the abstract
    if label is None:
        return text
    # The abstract either follows the label on its line or fills the next line.
    after_label = pat["abstract_label"].sub("", stripped[label], count=1).strip()
    abstract_line = label if after_label else label + 1
    if abstract_line >= len(stripped) - 1:
        return text
    abstract = after_label or stripped[abstract_line]
    header_end = sum(len(ln) + 1 for ln in lines[:label]) + (0 if after_label else len(lines[label]) + 1)
    body_start = sum(len(ln) + 1 for ln in lines[: abstract_line + 1])
    if body_start >= min(len(text), 8192):
        return text

    meta_title = [ln for ln in stripped[:info] if ln]
    if meta_title:
        meta["title"] = meta_title[-1]
        if len(meta_title) > 1:
            meta["channel"] = meta_title[0]
    for key, value in pat["info_field"].findall(stripped[info]):
        if value.strip():
            meta[spec["info_fields"][key]] = value.strip()

    if not _abstract_repeats_body(abstract, text[body_start : body_start + 2000]):
        # Not the expected abstract: drop the page header only and keep that text.
        if after_label:
            header_end = sum(len(ln) + 1 for ln in lines[:label])
        dropped["portal_header"] = header_end
        return text[header_end:]
    dropped["portal_header"] = header_end
    dropped["abstract"] = body_start - header_end
    return text[body_start:]


def _abstract_repeats_body(abstract: str, body: str) -> bool:
    """The portal abstract is the body's first characters, whitespace lost, cut with '......'."""
    pat = _patterns()
    if not pat["abstract_end"].search(abstract):
        return False
    head = pat["squash"].sub("", pat["abstract_end"].sub("", abstract))
    n = min(cues()["portal"]["abstract_check_chars"], len(head))
    return n > 0 and pat["squash"].sub("", body)[:n] == head[:n]


def _strip_portal_footer(text: str, dropped: dict[str, int], meta: dict[str, Any]) -> str:
    """Cut the page footer (share buttons, pager, navigation lists) that runs to the end of the text."""
    pat = _patterns()
    pos = 0
    while (m := pat["footer_start"].search(text, pos)) is not None:
        start = m.start()
        body_line_end = _footer_body_line(text, start)
        if body_line_end is not None:
            pos = body_line_end  # report text follows this cue: look for a footer after it
            continue
        if not _looks_like_footer(text[start:]):
            return text
        tail = text[start:]
        pager = re.search(r"^上一页\n((?:\d+\n)+)下一页$", tail, re.M)
        if pager:
            meta["portal_pages"] = len(pager.group(1).split())
        dropped["portal_footer"] = len(tail)
        return text[:start].rstrip() + "\n"
    return text


def _footer_body_line(text: str, start: int) -> int | None:
    """End offset of the last line after `start` that reads like report text, or None."""
    min_chars = cues()["portal"]["body_line_min_chars"]
    footer_lines = _patterns()["footer_lines"]
    found = None
    pos = start
    for line in text[start:].split("\n"):
        pos += len(line) + 1
        s = line.strip()
        if len(s) >= min_chars and "。" in s and not any(p.match(s) for p in footer_lines):
            found = pos
    return found


def _looks_like_footer(tail: str) -> bool:
    """At least two different kinds of footer line (share links, pager, 上一篇, 相关文章...)."""
    kinds = set()
    for line in tail.split("\n"):
        s = line.strip()
        for k, p in enumerate(_patterns()["footer_lines"]):
            if p.match(s):
                kinds.add(k)
                if len(kinds) >= 2:
                    return True
    return False


def _strip_placeholders(text: str, dropped: dict[str, int]) -> str:
    """`??` stands for one lost double-byte character, nearly always whitespace (U+3000).

    At a line edge or next to a space it was indentation or padding: removed. After a
    sentence end inside a line it was a paragraph break: a newline. Between two
    characters it separated them ("高唐县县长??杨曙光", "政??府??工??作"): one U+3000,
    so a post and a name stay apart.
    """
    if "??" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else "\n"
        after = text[m.end()] if m.end() < len(text) else "\n"
        if before.isspace() or after.isspace():
            return ""
        if before in "。！？：；!;":
            return "\n"
        return "\u3000"

    new = _patterns()["placeholder"].sub(repl, text)
    if new != text:
        dropped["placeholder"] = len(text) - len(new)
    return new
