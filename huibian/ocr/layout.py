"""From OCR lines to page text: reading order, running heads dropped, paragraphs found.

No maintained Python library does page layout for OCR'd Chinese text without a deep
model (layoutparser needs detectron2 and downloaded weights), and the pages of a 汇编 are
plain: one or two columns of body text, a running head and a page number. So this is a
small geometric pass over the engine's line boxes, its thresholds in data/ocr.yaml:

1. Running heads and feet: a line in the top or bottom band of the page that is a page
   number (`12`, `- 12 -`, `第12页`), or whose text (digits aside) recurs in that band on
   several pages (`政府工作报告汇编`), is dropped and counted in `dropped`.
2. Reading order: an empty vertical strip through the narrow lines is a column gutter;
   lines that cross it (a title over both columns) cut the page into bands, and each band
   reads its left column, then its right (recursively, so three columns work too).
   Lines on one row (boxes the engine split) are joined left to right.
3. Paragraphs: within a column, a line that reaches the column's right edge runs on into
   the next line unless that one is indented or set apart. Such line ends are returned as
   `wraps`; the repair stage joins them (and records each join), so offsets stay exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from huibian.ocr.result import OcrLine, PageOCR
from huibian.ocr.settings import config


@dataclass
class PageText:
    """One page's text in reading order. `lines` holds each kept line's [start, end) in
    `text`; `wraps` the offsets of the newlines that are wraps inside a paragraph."""

    text: str
    lines: list[tuple[int, int, OcrLine]] = field(default_factory=list)
    wraps: list[int] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    runs_off: bool = False  # the last line reaches its column's right edge: the paragraph may go on overleaf
    runs_in: bool = False  # the first line is not indented: it may go on from the page before


def _height(lines: list[OcrLine]) -> float:
    hs = [ln.height for ln in lines if ln.height > 0]
    return median(hs) if hs else 1.0


def _key(text: str) -> str:
    return re.sub(r"[\d\s\-—–－·•第页/]", "", text)


def _in_band(ln: OcrLine, page: PageOCR) -> bool:
    band = float(config()["header_band"]) * page.height
    cy = (ln.box[1] + ln.box[3]) / 2
    return cy < band or cy > page.height - band


def running_keys(pages: list[PageOCR]) -> set[str]:
    """Texts (digits aside) that stand in the head or foot band of several pages."""
    counts: dict[str, int] = {}
    for page in pages:
        for k in {_key(ln.text) for ln in page.lines if _in_band(ln, page)}:
            if k:
                counts[k] = counts.get(k, 0) + 1
    need = max(2.0, float(config()["repeat_share"]) * len(pages))
    return {k for k, n in counts.items() if n >= need}


def layout_page(page: PageOCR, running: set[str] = frozenset()) -> PageText:  # type: ignore[assignment]
    cfg = config()
    number = re.compile(cfg["page_number"])
    body: list[OcrLine] = []
    dropped: dict[str, int] = {}
    for ln in page.lines:
        text = ln.text.strip()
        if not text:
            continue
        if _in_band(ln, page):
            kind = "page_number" if number.match(text) else "running_head" if _key(text) in running else None
            if kind:
                dropped[kind] = dropped.get(kind, 0) + len(text)
                continue
        body.append(ln)
    out = PageText("", dropped=dropped)
    if not body:
        return out
    h = _height(body)
    parts: list[str] = []
    pos = 0
    prev: tuple[list[OcrLine], float, int] | None = None  # last row of the previous flow, its right edge, rows
    for flow in _flows(body, h):
        rows = _rows(flow, h)
        x0s = sorted(r[0].box[0] for r in rows)
        x1s = sorted(r[-1].box[2] for r in rows)
        left = x0s[len(x0s) // 10] if len(rows) >= 3 else min(x0s)
        right = x1s[(len(x1s) * 9) // 10] if len(rows) >= 3 else max(x1s)
        if not parts:
            out.runs_in = len(rows) >= 3 and rows[0][0].box[0] <= left + float(config()["indent_min"]) * h
        for i, row in enumerate(rows):
            if parts:
                parts.append("\n")
                pos += 1
                if i > 0 and _runs_on(rows[i - 1], row, left, right, h, len(rows)):
                    out.wraps.append(pos - 1)
                elif i == 0 and prev and len(rows) >= 3 and prev[2] >= 3 and row[0].box[1] < prev[0][0].box[1] \
                        and _runs_on(prev[0], row, left, prev[1], h, prev[2], gap=False):
                    out.wraps.append(pos - 1)  # a paragraph running on from the foot of one column to the next
            prev_x1 = None
            for piece in row:
                if prev_x1 is not None and piece.box[0] - prev_x1 > 0.8 * h:
                    parts.append(" ")
                    pos += 1
                text = piece.text.strip()
                lead = len(piece.text) - len(piece.text.lstrip())
                if lead or len(text) != len(piece.text):
                    piece = OcrLine(text, piece.box, piece.conf, piece.chars[lead : lead + len(text)])
                parts.append(text)
                out.lines.append((pos, pos + len(text), piece))
                pos += len(text)
                prev_x1 = piece.box[2]
        prev = (rows[-1], right, len(rows))
        out.runs_off = len(rows) >= 3 and rows[-1][-1].box[2] >= right - float(config()["margin_slack"]) * h
    out.text = "".join(parts)
    return out


def _runs_on(a: list[OcrLine], b: list[OcrLine], left: float, right: float, h: float, n_rows: int,
             gap: bool = True) -> bool:
    """Whether row `b` continues the paragraph of row `a`: `a` reaches the right edge, `b`
    is not indented, and (within a column) no wider gap than between lines parts them."""
    cfg = config()
    if n_rows < 2:
        return False
    reaches = a[-1].box[2] >= right - float(cfg["margin_slack"]) * h
    flush = b[0].box[0] <= left + float(cfg["indent_min"]) * h
    close = not gap or b[0].box[1] - max(x.box[3] for x in a) <= float(cfg["paragraph_gap"]) * h
    return reaches and flush and close


def _rows(lines: list[OcrLine], h: float) -> list[list[OcrLine]]:
    """Lines grouped into rows (vertical overlap over half a line), top to bottom, each left to right."""
    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=lambda x: (x.box[1] + x.box[3]) / 2):
        if rows:
            last = rows[-1]
            top = max(x.box[1] for x in last)
            bottom = min(x.box[3] for x in last)
            overlap = min(bottom, ln.box[3]) - max(top, ln.box[1])
            if overlap > 0.5 * min(ln.height, bottom - top, h):
                last.append(ln)
                continue
        rows.append([ln])
    return [sorted(r, key=lambda x: x.box[0]) for r in rows]


def _flows(lines: list[OcrLine], h: float, depth: int = 0) -> list[list[OcrLine]]:
    """Lines cut into flows (column pieces) in reading order."""
    gutter = _gutter(lines, h) if depth < 3 else None
    if gutter is None:
        return [lines]
    g0, g1 = gutter
    tol = 0.25 * h
    flows: list[list[OcrLine]] = []
    band_left: list[OcrLine] = []
    band_right: list[OcrLine] = []

    def flush() -> None:
        if band_left:
            flows.extend(_flows(list(band_left), h, depth + 1))
        if band_right:
            flows.extend(_flows(list(band_right), h, depth + 1))
        band_left.clear()
        band_right.clear()

    for ln in sorted(lines, key=lambda x: x.box[1]):
        if ln.box[2] <= g0 + tol:
            band_left.append(ln)
        elif ln.box[0] >= g1 - tol:
            band_right.append(ln)
        else:  # crosses the gutter: a title or a full-width line between column bands
            flush()
            flows.append([ln])
    flush()
    return flows


def _gutter(lines: list[OcrLine], h: float) -> tuple[float, float] | None:
    """The widest vertical strip that (almost) no narrow line crosses, if it splits them in
    two: a centred heading or running head may cross a gutter, a column of lines does not."""
    bx0 = min(ln.box[0] for ln in lines)
    bx1 = max(ln.box[2] for ln in lines)
    width = bx1 - bx0
    narrow = [ln for ln in lines if ln.width < 0.6 * width]
    if len(narrow) < 6 or width <= 0:
        return None
    step = max(1.0, h / 4)
    n = int(width / step) + 1
    cover = [0] * (n + 1)
    for ln in narrow:  # difference array: +1 where a line starts, -1 after it ends
        cover[int((ln.box[0] - bx0) / step)] += 1
        cover[min(n, int((ln.box[2] - bx0) / step) + 1)] -= 1
    allowed = max(1, int(0.05 * len(narrow)))
    best: tuple[int, int] | None = None
    run_start, level = -1, 0
    for i in range(n + 1):
        level += cover[i] if i < n else 0
        free = i < n and level <= allowed
        if free and run_start < 0:
            run_start = i
        elif not free and run_start >= 0:
            if best is None or i - run_start > best[1] - best[0]:
                mid = bx0 + (run_start + i) / 2 * step
                if bx0 + 0.2 * width < mid < bx1 - 0.2 * width:
                    best = (run_start, i)
            run_start = -1
    if best is None or (best[1] - best[0]) * step < float(config()["gutter_min"]) * h:
        return None
    g0, g1 = bx0 + best[0] * step, bx0 + best[1] * step
    left = sum(1 for ln in narrow if ln.box[2] <= g0 + 0.25 * h)
    right = sum(1 for ln in narrow if ln.box[0] >= g1 - 0.25 * h)
    return (g0, g1) if left >= 3 and right >= 3 else None
