"""A text's lines, each classed (title / meeting / date / speaker / salutation / name / body …),
and the heads they form: a few short lines near each other that can open a report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from huibian.split.cues import DATE, LINE, MARKUP, WS, speaker_match, split_cues, title_match


@dataclass
class Line:
    start: int
    end: int
    text: str  # markup removed, spaces kept
    flat: str  # markup and all whitespace removed
    kind: str  # title / meeting / date / speaker / salutation / name / comment / neutral / body


@dataclass
class Head:
    lines: list[Line] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.lines[0].start

    def kinds(self) -> set[str]:
        return {ln.kind for ln in self.lines}

    def qualifies(self) -> bool:
        """A head that can start a report: a title or meeting line and one more part."""
        k = self.kinds() - {"comment", "neutral", "name"}
        return bool(k & {"title", "meeting"}) and len(k) >= 2


def classify_lines(text: str) -> list[Line]:
    cues = split_cues()
    too_long = 2 * cues["max_head_line"]  # even with markup and spaces, a body line
    out = []
    for m in LINE.finditer(text):
        raw = m.group()
        stripped = raw.strip()
        if not stripped:
            continue
        if len(stripped) > too_long:
            out.append(Line(m.start(), m.end(), stripped, stripped, "body"))
            continue
        if stripped.startswith("<!--"):
            kind = "comment"
            plain = stripped[4:].removesuffix("-->").strip()
        else:
            plain = MARKUP.sub("", stripped).strip() if "*" in stripped or "#" in stripped else stripped
            kind = ""
        flat = WS.sub("", plain)
        if not kind:
            kind = _kind(plain, flat, cues)
        out.append(Line(m.start(), m.end(), plain, flat, kind))
    return out


def _kind(plain: str, flat: str, cues: dict[str, Any]) -> str:
    if not flat:
        return "neutral"
    if len(flat) > cues["max_head_line"]:
        return "body"
    if cues["salutation"].match(flat):
        return "salutation"
    if title_match(flat):
        return "title"
    if "人民代表大会" in flat and len(flat) <= 70 and not flat.endswith("。"):
        return "meeting"
    if DATE.search(flat) and len(flat) <= 30 and "，" not in flat:
        return "date"
    if speaker_match(flat):
        return "speaker"
    if cues["name_line"].match(flat):
        return "name"
    if len(flat) <= 20 and not re.search("[，。；]", flat):
        return "neutral"
    return "body"


def find_heads(lines: list[Line]) -> list[Head]:
    """Group head lines that follow each other (short neutral lines may sit between)."""
    anchors = {"title", "meeting", "date", "speaker", "salutation"}
    heads: list[Head] = []
    current: Head | None = None
    pending: list[Line] = []  # neutral lines seen since the last anchor
    for line in lines:
        if line.kind in anchors:
            if current is None:
                current = Head([line])
            else:
                current.lines.extend(pending)
                current.lines.append(line)
            pending = []
            if line.kind == "salutation":
                heads.append(current)
                current = None
        elif current is not None and line.kind in ("neutral", "name", "comment") and len(pending) < 3:
            pending.append(line)
        else:
            if current is not None:
                current.lines.extend(ln for ln in pending if ln.kind == "name")
                heads.append(current)
            current, pending = None, []
    if current is not None:
        heads.append(current)
    return heads
