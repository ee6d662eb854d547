"""The GB/T 2260 code tables with their history: which division a code named when, its
parents then, the division(s) that hold it today, and its children.

The tables are huibian/data/divisions/ (built by scripts/build_divisions.py); this module
only reads them. Dates are yyyymm ints; a span still in force ends at OPEN.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass

from huibian import datafiles
from huibian.chars import HAN

CURRENT = "current"
_FIRST_CURRENT = 201905  # first month a division seen only in the current table can date from
OPEN = 999999


@dataclass(frozen=True)
class Span:
    """One code under one name over a run of revisions (dates as yyyymm ints)."""

    code: str
    name: str
    first: int
    last: int  # last revision that lists it (OPEN when still current)
    gone: int  # first revision that no longer lists it (OPEN when current)

    @property
    def is_current(self) -> bool:
        return self.last == OPEN


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    kind: str  # province / municipality / prefecture_city / county_city / district / banner ...
    level: str  # national / province / city / district / county


@dataclass
class Tables:
    kinds: dict
    spans: list[Span]
    by_code: dict[str, list[Span]]
    by_name: dict[str, list[Span]]
    by_stem: dict[str, list[Span]]
    successors: dict[tuple[str, str], list[tuple[str, str, str]]]  # (code, name) → [(code, name, how)]
    national: Division
    national_aliases: frozenset[str]


def _rev(value: str, first: bool) -> int:
    if value == CURRENT:
        return _FIRST_CURRENT if first else OPEN
    return int(value)


@functools.cache
def tables() -> Tables:
    kinds = datafiles.load("divisions/kinds.yaml")
    order = datafiles.read_text("divisions/revisions.tsv").split()[1:]
    after = {r: (order[i + 1] if i + 1 < len(order) else None) for i, r in enumerate(order)}
    spans = []
    for row in csv.DictReader(
        datafiles.read_text("divisions/divisions.tsv").splitlines(), delimiter="\t"
    ):
        nxt = after[row["last"]]
        gone = OPEN if nxt is None else _rev(nxt, first=True)
        spans.append(Span(row["code"], row["name"], _rev(row["first"], True), _rev(row["last"], False), gone))
    by_code: dict[str, list[Span]] = {}
    by_name: dict[str, list[Span]] = {}
    by_stem: dict[str, list[Span]] = {}
    for s in spans:
        by_code.setdefault(s.code, []).append(s)
        by_name.setdefault(s.name, []).append(s)
        st = stem(s.name, tuple(kinds["suffixes"]))
        if st != s.name:
            by_stem.setdefault(st, []).append(s)
    succ: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for row in csv.DictReader(
        datafiles.read_text("divisions/successors.tsv").splitlines(), delimiter="\t"
    ):
        succ.setdefault((row["old_code"], row["old_name"]), []).append(
            (row["new_code"], row["new_name"], row["how"])
        )
    nat = kinds["national"]
    return Tables(
        kinds,
        spans,
        by_code,
        by_name,
        by_stem,
        succ,
        Division(str(nat["code"]), nat["name"], "nation", "national"),
        frozenset(nat["aliases"]),
    )


_PEOPLE = re.compile(f"(各族|[{HAN}]{{1,4}}族)$")  # 延边朝鲜族 → 延边


@functools.cache
def stem(name: str, suffixes: tuple[str, ...] | None = None) -> str:
    """保定市 → 保定, 延边朝鲜族自治州 → 延边, 内蒙古自治区 → 内蒙古 (never shorter than 2 chars)."""
    if suffixes is None:
        suffixes = tuple(tables().kinds["suffixes"])
    for s in suffixes:
        if name.endswith(s) and len(name) - len(s) >= 2:
            name = name[: -len(s)]
            break
    while True:
        m = _PEOPLE.search(name)
        if not m or len(name) - len(m.group(0)) < 2:
            return name
        name = name[: m.start()]


def layer(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def classify(code: str, name: str) -> tuple[str, str]:
    """(kind, level) of a division from its code layer and name (rules in kinds.yaml)."""
    if code == tables().national.code:
        return "nation", "national"
    rule = kind_rule(tables().kinds, code, name)
    if rule is not None:
        return rule["kind"], rule["level"]
    return "unknown", {"province": "province", "prefecture": "city", "county": "county"}[layer(code)]


def kind_rule(kinds: dict, code: str, name: str) -> dict | None:
    """The first kinds.yaml rule of the code's layer that fits the name. It takes the rules as
    an argument so that scripts/build_divisions.py checks them before the tables exist."""
    for rule in kinds[layer(code)]:
        if name in rule["names"] if "names" in rule else name.endswith(rule["suffix"]):
            return rule
    return None


def division(span: Span) -> Division:
    kind, level = classify(span.code, span.name)
    return Division(span.code, span.name, kind, level)


def in_force(span: Span, lo: int, hi: int) -> bool:
    """True when the span may have been in force at some time in [lo, hi]."""
    return span.first <= hi and span.gone > lo


def span_at(code: str, when: int) -> Span | None:
    """The span of `code` in force at `when` (the nearest one before or after otherwise)."""
    spans = tables().by_code.get(code)
    if not spans:
        return None
    for s in spans:
        if s.first <= when < s.gone:
            return s
    earlier = [s for s in spans if s.first <= when]
    return earlier[-1] if earlier else spans[0]


def chain_of(code: str, when: int) -> list[Division]:
    """Ancestors of `code` at `when`, outermost first (全国, province, prefecture)."""
    d = tables()
    out = [d.national] if code != d.national.code else []
    if code == d.national.code or layer(code) == "province":
        return out
    prov = span_at(code[:2] + "0000", when)
    if prov:
        out.append(division(prov))
    if layer(code) == "county":
        pref = span_at(code[:4] + "00", when)
        if pref and in_force(pref, when - 100, when + 100):
            out.append(division(pref))
    return out


def current_of(code: str, name: str) -> list[Division]:
    """Today's division(s) holding the place (following renames, recodings and mergers)."""
    d = tables()
    seen: set[tuple[str, str]] = set()
    todo = [(code, name)]
    out: list[Division] = []
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        spans = [s for s in d.by_code.get(key[0], []) if s.name == key[1]]
        if any(s.is_current for s in spans):
            out.append(division(next(s for s in spans if s.is_current)))
            continue
        todo.extend((c, n) for c, n, _how in d.successors.get(key, []))
    return sorted(set(out), key=lambda x: x.code)




def ref_month(year: int | None, date: str | None) -> int | None:
    if date and re.match(r"\d{4}-\d{2}", date):
        return int(date[:4]) * 100 + int(date[5:7])
    return (year - 1) * 100 + 12 if year else None


def children_of(code: str, year: int | None) -> list[Division]:
    """Divisions directly under `code` in `year` (a prefecture's districts and counties …)."""
    d = tables()
    ref = ref_month(year, None) or OPEN - 1
    prefix = code[:2] if layer(code) == "province" else code[:4]
    out: dict[str, Division] = {}
    for c in _codes_with_prefix(prefix):
        if c == code or c in out:
            continue
        for s in d.by_code[c]:
            fits = s.is_current if year is None else in_force(s, (year - 1) * 100 + 12, year * 100 + 12)
            if fits and chain_of(c, ref)[-1].code == code:
                out[c] = division(s)
    return sorted(out.values(), key=lambda x: x.code)


@functools.cache
def _codes_with_prefix(prefix: str) -> tuple[str, ...]:
    return tuple(c for c in tables().by_code if c.startswith(prefix))


def name_of(code: str) -> str:
    spans = tables().by_code.get(code)
    return spans[-1].name if spans else ""
