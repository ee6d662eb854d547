"""Resolve stage: a report's region (or a fact's scope) → its administrative division.

A place is resolved to the division *as it was in the report's year* (徐水县 130625 in
2013, 徐水区 130609 from 2015) and linked to the division(s) that hold it today
(襄樊市 → 襄阳市, 莱芜市 → 济南市). Names that several divisions share (朝阳区, 铁西区) are
settled only by a parent the caller, the book or the text gives; otherwise the
result is `ambiguous` with its candidates — never a guess.

  divisions  the GB/T 2260 code tables with their history (huibian/data/divisions/, built
             by scripts/build_divisions.py): spans, parents, today's divisions, children
  names      a name as of a year → Resolution (ok / ambiguous / unknown, and why)
  reports    a report's region, with the hints its metadata gives; `annotate`
  scopes     a fact's scope → the divisions it names
"""

from __future__ import annotations

from huibian.resolve.divisions import (
    Division,
    Span,
    chain_of,
    children_of,
    classify,
    current_of,
    kind_rule,
    layer,
    stem,
)
from huibian.resolve.names import Resolution, describe, resolve
from huibian.resolve.reports import annotate, hints_for, resolve_report
from huibian.resolve.scopes import ScopePlaces, resolve_scope

__all__ = [
    "Division",
    "Resolution",
    "ScopePlaces",
    "Span",
    "annotate",
    "chain_of",
    "children_of",
    "classify",
    "current_of",
    "describe",
    "hints_for",
    "kind_rule",
    "layer",
    "resolve",
    "resolve_report",
    "resolve_scope",
    "stem",
]
