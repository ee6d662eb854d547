"""Resolving a place name as it was in a report's year: candidates by name or short name,
narrowed by the year, a level, the parents the caller or the text gives — or `ambiguous`
with its candidates, never a guess."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from huibian.resolve.divisions import (
    OPEN,
    Division,
    Span,
    chain_of,
    classify,
    current_of,
    division,
    in_force,
    ref_month,
    span_at,
    stem,
    tables,
)


@dataclass
class Resolution:
    """What a name resolved to. `code` is None unless status is "ok"."""

    query: str
    year: int | None
    status: str  # ok / ambiguous / unknown
    code: str | None = None
    name: str | None = None
    kind: str | None = None
    level: str | None = None
    chain: list[Division] = field(default_factory=list)  # national … parent (outermost first)
    current: list[Division] = field(default_factory=list)  # today's division(s) holding it
    candidates: list[Division] = field(default_factory=list)  # when ambiguous
    reason: str = ""  # how it was settled, or why not
    notes: list[str] = field(default_factory=list)

    @property
    def parent(self) -> Division | None:
        return self.chain[-1] if self.chain else None

    @property
    def current_code(self) -> str | None:
        """Today's code when the place maps to exactly one division today."""
        return self.current[0].code if len(self.current) == 1 else None


_GOV = re.compile(r"(人民政府|政府|人民代表大会|人大)$")


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", "", name or "")
    name = _GOV.sub("", name)
    return name.replace("(", "（").replace(")", "）")


def _candidates(name: str) -> tuple[list[Span], str]:
    d = tables()
    if name in d.by_name:
        return list(d.by_name[name]), "name"
    st = stem(name)
    if st in d.by_stem:
        return list(d.by_stem[st]), "short name"
    if st in d.by_name:  # e.g. "易县" → stem is itself
        return list(d.by_name[st]), "name"
    return [], ""


def _matches_hint(span: Span, when: int, hint: str) -> bool:
    hint_stem = stem(hint)
    for anc in chain_of(span.code, when):
        if hint in (anc.name, stem(anc.name)) or hint_stem == stem(anc.name):
            return True
    return False


def resolve(
    name: str,
    year: int | None = None,
    *,
    parent: str | Iterable[str] | None = None,
    level: str | None = None,
    date: str | None = None,
    text: str | None = None,
) -> Resolution:
    """Resolve a place name as it was in `year` (the report year).

    `parent`: name(s) of an enclosing division the caller knows (the book, the file, a
    field of the report) — they settle shared names. `level`: a level the text gives,
    used only to choose between candidates. `text`: the report text; a shared name is
    settled by it only when exactly one candidate's parent is named in it.
    """
    d = tables()
    q = _clean_name(name)
    res = Resolution(query=name, year=year, status="unknown")
    if not q:
        res.reason = "no region name"
        return res
    if q in d.national_aliases:
        n = d.national
        return Resolution(name, year, "ok", n.code, n.name, n.kind, n.level, [], [n], reason="the nation")
    cands, how = _candidates(q)
    if not cands:
        res.reason = f"{q}: no division of this name in GB/T 2260 (1980–today)"
        return res
    ref = ref_month(year, date)
    notes: list[str] = []
    if ref is not None:
        lo, hi = (year - 1) * 100 + 12 if year else ref, (year or ref // 100) * 100 + 12
        lo, hi = min(lo, ref), max(hi, ref)
        timely = [s for s in cands if in_force(s, lo, hi)]
        if timely:
            cands = timely
        else:
            near = min(abs(_dist(s, ref)) for s in cands)
            cands = [s for s in cands if abs(_dist(s, ref)) == near]
            spans = ", ".join(f"{s.name} {s.code} {_fmt(s.first)}–{_fmt(s.last)}" for s in cands)
            notes.append(f"{q} is not in the code table for {year}; nearest: {spans}")
    else:
        ref = OPEN - 1
    settled = [how]
    if level and len(_codes(cands)) > 1:
        by_level = [s for s in cands if classify(s.code, s.name)[1] == level]
        if by_level and len(_codes(by_level)) < len(_codes(cands)):
            cands, _ = by_level, settled.append(f"level {level}")
    hints = [parent] if isinstance(parent, str) else list(parent or [])
    hints = [_clean_name(h) for h in hints if h]
    for hint in hints:
        if len(_codes(cands)) <= 1:
            break
        fit = [s for s in cands if _matches_hint(s, ref, hint)]
        if fit:
            cands = fit
            settled.append(f"parent {hint}")
    if len(_codes(cands)) > 1 and text:
        named = [s for s in cands if _parent_named(s, ref, text)]
        if named and len(_codes(named)) == 1:
            cands = named
            settled.append("parent named in the text")
    cands = _collapse(cands, ref)
    if len(_codes(cands)) > 1:
        res.status = "ambiguous"
        res.candidates = sorted({division(s) for s in cands}, key=lambda x: x.code)
        where = "; ".join(
            f"{c.code} {'/'.join(a.name for a in chain_of(c.code, ref)[1:])}{c.name}" for c in res.candidates
        )
        res.reason = f"{q} names {len(res.candidates)} divisions ({where}); give the parent to settle it"
        res.notes = notes
        return res
    return _resolved(name, year, cands[0], ref, reason=" + ".join(x for x in settled if x), notes=notes)


def _resolved(
    query: str, year: int | None, span: Span, ref: int, *, reason: str, notes: list[str] | None = None
) -> Resolution:
    """The "ok" Resolution of a span: its division, parents as of `ref`, and today's division(s)."""
    div = division(span)
    return Resolution(
        query,
        year,
        "ok",
        div.code,
        div.name,
        div.kind,
        div.level,
        chain_of(span.code, ref),
        current_of(span.code, span.name),
        reason=reason,
        notes=notes if notes is not None else [],
    )


def _codes(spans: list[Span]) -> set[str]:
    return {s.code for s in spans}


def _collapse(spans: list[Span], ref: int) -> list[Span]:
    """One place under several codes over time (徐水县 132423 → 130625): keep the one in force at ref."""
    if len(_codes(spans)) <= 1:
        return sorted(spans, key=lambda s: abs(_dist(s, ref)))[:1] if spans else spans
    todays = {tuple(x.code for x in current_of(s.code, s.name)) for s in spans}
    if len(todays) == 1 and todays != {()}:
        at = [s for s in spans if s.first <= ref < s.gone]
        return at[:1] if at else sorted(spans, key=lambda s: abs(_dist(s, ref)))[:1]
    return spans


def _dist(span: Span, ref: int) -> int:
    if span.first <= ref < span.gone:
        return 0
    return span.first - ref if ref < span.first else ref - span.last


def _fmt(rev: int) -> str:
    return "today" if rev == OPEN else f"{rev // 100}-{rev % 100:02d}"


def _parent_named(span: Span, ref: int, text: str) -> bool:
    chain = chain_of(span.code, ref)
    return any(anc.name in text for anc in chain[1:])


def describe(code: str, year: int | None = None) -> Resolution:
    """The Resolution of a known code as of `year` (its name then, parents, today's divisions)."""
    d = tables()
    if code == d.national.code:
        n = d.national
        return Resolution(code, year, "ok", n.code, n.name, n.kind, n.level, [], [n], reason="code")
    ref = ref_month(year, None) or OPEN - 1
    span = span_at(code, ref)
    if span is None:
        return Resolution(code, year, "unknown", reason=f"{code}: no such GB/T 2260 code")
    return _resolved(code, year, span, ref, reason="code")
