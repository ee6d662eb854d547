"""Markdown and stray HTML markup in text files → plain text, line structure kept.

Reports kept as markdown carry `## ` headings, `**bold**` (sometimes across a line
break), `---` rules, footnote marks `[^1]`, HTML comments (photo captions, notes)
and HTML entities. These are markup, not report text: the heading text, the bold text and
the footnote number stay; the marks go. Only constructs that occur in real report
files are handled, each with a pattern that cannot match ordinary report prose.
"""

from __future__ import annotations

import html
import re

_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]+|$)", re.M)
_RULE = re.compile(r"^[ \t]{0,3}(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.M)  # thematic break: a line of --- / ***
_FOOTNOTE = re.compile(r"\[\^(\w{1,8})\]")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#[0-9]{2,7}|#[xX][0-9A-Fa-f]{2,6});")


def strip_markup(text: str) -> tuple[str, dict[str, int]]:
    """Return (plain text, characters removed by kind: html_comment, markup)."""
    dropped: dict[str, int] = {}
    n0 = len(text)
    if "<!--" in text:
        text = _strip_comments(text)
        _count(dropped, "html_comment", n0 - len(text))
    n1 = len(text)
    if "#" in text:
        text = _HEADING.sub("", text)
    if "---" in text or "***" in text or "___" in text:
        text = _RULE.sub("", text)
    if "**" in text:
        # Bold marks. Report files bold whole paragraphs and title blocks across blank
        # lines, so pairs are not matched: "**" never occurs in report prose, every one goes.
        text = text.replace("**", "")
    if "[^" in text:
        text = _FOOTNOTE.sub(r"[\1]", text)
    if "&" in text:
        text = _unescape(text)
    _count(dropped, "markup", n1 - len(text))
    return text, dropped


def _strip_comments(text: str) -> str:
    """Remove <!-- ... --> comments. A scan, not a regex: many unclosed `<!--` stay linear."""
    out = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break  # unclosed: left as text, and no later comment can close either
        out.append(text[pos:start])
        pos = end + 3
    out.append(text[pos:])
    return "".join(out)


def _unescape(text: str) -> str:
    """Replace HTML entities, also doubly escaped ones (&amp;ldquo;) left by scrapers."""
    for _ in range(3):
        new = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
        if new == text:
            break
        text = new
    return text


def _count(dropped: dict[str, int], kind: str, n: int) -> None:
    if n > 0:
        dropped[kind] = dropped.get(kind, 0) + n
