"""Turning a report's text and its annotations into escaped HTML.

Facts, search hits and repairs are spans over the text; spans may nest (a growth
fact's quote often contains the level fact's quote) or cross. The marker below
emits properly nested elements: a span that crosses another is closed and reopened
around it, each piece carrying the same data-fact, the first piece the element id.
Every character of the text goes through html.escape, so a report that contains
`<script>` shows it as text.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from huibian.search import Hit


@dataclass
class Span:
    start: int
    end: int
    open: Callable[[bool], str]  # first piece? → opening tag
    close: str


def mark(text: str, spans: list[Span], anchors: dict[int, list[str]] | None = None) -> Markup:
    """`text` as HTML with every span wrapped in its element (nested, never crossed)."""
    n = len(text)
    spans = [s for s in spans if 0 <= s.start < s.end <= n]
    spans.sort(key=lambda s: (s.start, -s.end))
    anchors = {p: a for p, a in (anchors or {}).items() if 0 <= p <= n}
    bounds = sorted({0, n, *anchors, *(s.start for s in spans), *(s.end for s in spans)})
    out: list[str] = []
    stack: list[Span] = []
    si = 0
    for bi, p in enumerate(bounds):
        if any(s.end == p for s in stack):
            reopen = []
            while any(s.end == p for s in stack):
                s = stack.pop()
                out.append(s.close)
                if s.end != p:
                    reopen.append(s)
            for s in reversed(reopen):
                out.append(s.open(False))
                stack.append(s)
        for a in anchors.get(p, ()):
            out.append(a)
        while si < len(spans) and spans[si].start == p:
            out.append(spans[si].open(True))
            stack.append(spans[si])
            si += 1
        if bi + 1 < len(bounds):
            out.append(html.escape(text[p : bounds[bi + 1]], quote=False))
    out.extend(s.close for s in reversed(stack))
    return Markup("".join(out))


def attr(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


FIELD_ORDER = (
    "indicator",
    "name",
    "value",
    "unit",
    "period",
    "kind",
    "measure",
    "cmp",
    "scope",
    "base_period",
)


def fact_title(f: dict[str, Any]) -> str:
    """The hover text of a fact mark (works without JavaScript)."""
    value = f.get("value")
    if f.get("value_hi") is not None:
        value = f"{value}–{f['value_hi']}"
    parts = [
        f"indicator: {f.get('indicator') or '—'} ({f.get('name')})",
        f"value: {value} {f.get('unit') or ''}".rstrip(),
        f"period: {f.get('period')}" + (f" (base {f['base_period']})" if f.get("base_period") else ""),
        f"kind: {f.get('kind')}   measure: {f.get('measure')}   cmp: {f.get('cmp')}",
        f"scope: {f.get('scope') or '(whole region)'}",
    ]
    for flag in f.get("flags") or []:
        parts.append(f"⚑ {flag}")
    if f.get("low_confidence"):
        parts.append(f"OCR confidence {f.get('confidence')}: low — check this number on the page")
    o = f.get("outcome")
    if o:
        parts.append(
            f"outcome: {o.get('outcome_value') if o.get('outcome_value') is not None else '—'}"
            f" ({o.get('outcome_kind') or 'none found'}, {o.get('outcome_report') or ''}) → {o.get('status')}"
        )
    return "\n".join(parts)


def fact_spans(facts: list[dict[str, Any]]) -> list[Span]:
    spans = []
    for f in facts:
        kind = f.get("kind") if f.get("kind") in ("actual", "estimate", "target") else "other"
        title = attr(fact_title(f))
        fid = int(f["id"])

        flagged = bool(f.get("flags"))
        low = bool(f.get("low_confidence"))

        def opener(first: bool, fid: int = fid, kind: str = kind, title: str = title, flagged: bool = flagged,
                   low: bool = low) -> str:
            ident = f' id="f-{fid}"' if first else ""
            cls = (f"fact k-{kind}" + (" low-conf" if low else "") + ("" if first else " cont")
                   + (" flagged" if flagged else ""))
            return f'<mark class="{cls}"{ident} data-fact="{fid}" title="{title}" tabindex="0">'

        spans.append(Span(int(f["start"]), int(f["end"]), opener, "</mark>"))
    return spans


def hit_spans(hits: list[Hit]) -> list[Span]:
    spans = []
    for i, h in enumerate(hits):

        def opener(first: bool, i: int = i, term: int = h.term) -> str:
            return f'<span class="hit t{term % 4}"' + (f' id="hit-{i}"' if first else "") + ">"

        spans.append(Span(h.start, h.end, opener, "</span>"))
    return spans


def at_spans(span: tuple[int, int] | None) -> list[Span]:
    """The one span a link points at (`?at=START-END#at`), marked like a search hit."""
    if span is None:
        return []

    def opener(first: bool) -> str:
        return '<span class="hit t0 at"' + (' id="at"' if first else "") + ">"

    return [Span(span[0], span[1], opener, "</span>")]


def low_confidence_spans(ocr: dict[str, Any] | None, n: int) -> list[Span]:
    """Runs of characters that OCR read with low confidence, over the source text."""
    spans = []
    for start, end, conf in (ocr or {}).get("low", []):
        title = attr(f"OCR confidence {conf}: check against the page")

        def opener(first: bool, title: str = title) -> str:
            return f'<mark class="ocr-low" title="{title}">'

        spans.append(Span(int(start), min(int(end), n), opener, "</mark>"))
    return spans


def section_anchors(sections: list[dict[str, Any]]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for s in sections:
        out.setdefault(int(s["start"]), []).append(f'<span class="anchor" id="s-{int(s["idx"])}"></span>')
    return out


def repair_spans(repairs: list[dict[str, Any]], n: int) -> tuple[list[Span], dict[int, list[str]]]:
    """Repairs over the source text: replaced text marked, insertions as a caret."""
    spans: list[Span] = []
    points: dict[int, list[str]] = {}
    for i, r in enumerate(repairs):
        a, b = int(r.get("source_start", 0)), int(r.get("source_end", 0))
        title = attr(f"{r.get('kind')}: {r.get('before')!r} → {r.get('after')!r}")
        kind = attr(r.get("kind"))
        if b > a:

            def opener(first: bool, i: int = i, title: str = title, kind: str = kind) -> str:
                ident = f' id="r-{i}"' if first else ""
                return f'<mark class="repair" data-kind="{kind}"{ident} title="{title}">'

            spans.append(Span(a, min(b, n), opener, "</mark>"))
        elif 0 <= a <= n:
            points.setdefault(a, []).append(
                f'<span class="repair insert" data-kind="{kind}" id="r-{i}" title="{title}">'
                f"{html.escape(str(r.get('after') or '⁁'))}</span>"
            )
    return spans, points
