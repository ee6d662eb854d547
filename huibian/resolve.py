"""Resolve stage: a report's region (or a fact's scope) → its administrative division.

A place is resolved to the division *as it was in the report's year* (徐水县 130625 in
2013, 徐水区 130609 from 2015) and linked to the division(s) that hold it today
(襄樊市 → 襄阳市, 莱芜市 → 济南市). Names that several divisions share (朝阳区, 铁西区) are
settled only by a parent the caller, the book or the text gives; otherwise the
result is `ambiguous` with its candidates — never a guess.

The data are GB/T 2260 code tables with their history (huibian/data/divisions/,
built by scripts/build_divisions.py); this module only reads them.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import yaml

from huibian.models import ReportMeta

CURRENT = "current"
_FIRST_CURRENT = 201905  # first month a division seen only in the current table can date from
_OPEN = 999999


@dataclass(frozen=True)
class Span:
    """One code under one name over a run of revisions (dates as yyyymm ints)."""

    code: str
    name: str
    first: int
    last: int  # last revision that lists it (_OPEN when still current)
    gone: int  # first revision that no longer lists it (_OPEN when current)

    @property
    def is_current(self) -> bool:
        return self.last == _OPEN


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    kind: str  # province / municipality / prefecture_city / county_city / district / banner ...
    level: str  # national / province / city / district / county


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


@dataclass(frozen=True)
class ScopePlaces:
    """The divisions a fact scope names: one place, a group (四县(市)), or none (锦州港)."""

    scope: str
    status: str  # place / group / none / partial
    divisions: tuple[Division, ...] = ()
    reason: str = ""


# -- data -----------------------------------------------------------------------------


@dataclass
class _Data:
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
        return _FIRST_CURRENT if first else _OPEN
    return int(value)


@functools.cache
def _data() -> _Data:
    base = resources.files("huibian").joinpath("data/divisions")
    kinds = yaml.safe_load(base.joinpath("kinds.yaml").read_text(encoding="utf-8"))
    order = base.joinpath("revisions.tsv").read_text(encoding="utf-8").split()[1:]
    after = {r: (order[i + 1] if i + 1 < len(order) else None) for i, r in enumerate(order)}
    spans = []
    for row in csv.DictReader(
        base.joinpath("divisions.tsv").read_text(encoding="utf-8").splitlines(), delimiter="\t"
    ):
        nxt = after[row["last"]]
        gone = _OPEN if nxt is None else _rev(nxt, first=True)
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
        base.joinpath("successors.tsv").read_text(encoding="utf-8").splitlines(), delimiter="\t"
    ):
        succ.setdefault((row["old_code"], row["old_name"]), []).append(
            (row["new_code"], row["new_name"], row["how"])
        )
    nat = kinds["national"]
    return _Data(
        kinds,
        spans,
        by_code,
        by_name,
        by_stem,
        succ,
        Division(str(nat["code"]), nat["name"], "nation", "national"),
        frozenset(nat["aliases"]),
    )


@functools.cache
def stem(name: str, suffixes: tuple[str, ...] | None = None) -> str:
    """保定市 → 保定, 延边朝鲜族自治州 → 延边, 内蒙古自治区 → 内蒙古 (never shorter than 2 chars)."""
    if suffixes is None:
        suffixes = tuple(_data().kinds["suffixes"])
    for s in suffixes:
        if name.endswith(s) and len(name) - len(s) >= 2:
            name = name[: -len(s)]
            break
    while True:
        m = re.search(r"(各族|[\u4e00-\u9fff]{1,4}族)$", name)
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
    if code == _data().national.code:
        return "nation", "national"
    rule = kind_rule(_data().kinds, code, name)
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


def _division(span: Span) -> Division:
    kind, level = classify(span.code, span.name)
    return Division(span.code, span.name, kind, level)


def _in_force(span: Span, lo: int, hi: int) -> bool:
    """True when the span may have been in force at some time in [lo, hi]."""
    return span.first <= hi and span.gone > lo


def _span_at(code: str, when: int) -> Span | None:
    """The span of `code` in force at `when` (the nearest one before or after otherwise)."""
    spans = _data().by_code.get(code)
    if not spans:
        return None
    for s in spans:
        if s.first <= when < s.gone:
            return s
    earlier = [s for s in spans if s.first <= when]
    return earlier[-1] if earlier else spans[0]


def chain_of(code: str, when: int) -> list[Division]:
    """Ancestors of `code` at `when`, outermost first (全国, province, prefecture)."""
    d = _data()
    out = [d.national] if code != d.national.code else []
    if code == d.national.code or layer(code) == "province":
        return out
    prov = _span_at(code[:2] + "0000", when)
    if prov:
        out.append(_division(prov))
    if layer(code) == "county":
        pref = _span_at(code[:4] + "00", when)
        if pref and _in_force(pref, when - 100, when + 100):
            out.append(_division(pref))
    return out


def current_of(code: str, name: str) -> list[Division]:
    """Today's division(s) holding the place (following renames, recodings and mergers)."""
    d = _data()
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
            out.append(_division(next(s for s in spans if s.is_current)))
            continue
        todo.extend((c, n) for c, n, _how in d.successors.get(key, []))
    return sorted(set(out), key=lambda x: x.code)


# -- resolving names ----------------------------------------------------------------

_GOV = re.compile(r"(人民政府|政府|人民代表大会|人大)$")


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", "", name or "")
    name = _GOV.sub("", name)
    return name.replace("(", "（").replace(")", "）")


def _candidates(name: str) -> tuple[list[Span], str]:
    d = _data()
    if name in d.by_name:
        return list(d.by_name[name]), "name"
    st = stem(name)
    if st in d.by_stem:
        return list(d.by_stem[st]), "short name"
    if st in d.by_name:  # e.g. "易县" → stem is itself
        return list(d.by_name[st]), "name"
    return [], ""


def _ref_month(year: int | None, date: str | None) -> int | None:
    if date and re.match(r"\d{4}-\d{2}", date):
        return int(date[:4]) * 100 + int(date[5:7])
    return (year - 1) * 100 + 12 if year else None


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
    d = _data()
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
    ref = _ref_month(year, date)
    notes: list[str] = []
    if ref is not None:
        lo, hi = (year - 1) * 100 + 12 if year else ref, (year or ref // 100) * 100 + 12
        lo, hi = min(lo, ref), max(hi, ref)
        timely = [s for s in cands if _in_force(s, lo, hi)]
        if timely:
            cands = timely
        else:
            near = min(abs(_dist(s, ref)) for s in cands)
            cands = [s for s in cands if abs(_dist(s, ref)) == near]
            spans = ", ".join(f"{s.name} {s.code} {_fmt(s.first)}–{_fmt(s.last)}" for s in cands)
            notes.append(f"{q} is not in the code table for {year}; nearest: {spans}")
    else:
        ref = _OPEN - 1
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
        res.candidates = sorted({_division(s) for s in cands}, key=lambda x: x.code)
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
    div = _division(span)
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
    return "today" if rev == _OPEN else f"{rev // 100}-{rev % 100:02d}"


def _parent_named(span: Span, ref: int, text: str) -> bool:
    chain = chain_of(span.code, ref)
    return any(anc.name in text for anc in chain[1:])


def describe(code: str, year: int | None = None) -> Resolution:
    """The Resolution of a known code as of `year` (its name then, parents, today's divisions)."""
    d = _data()
    if code == d.national.code:
        n = d.national
        return Resolution(code, year, "ok", n.code, n.name, n.kind, n.level, [], [n], reason="code")
    ref = _ref_month(year, None) or _OPEN - 1
    span = _span_at(code, ref)
    if span is None:
        return Resolution(code, year, "unknown", reason=f"{code}: no such GB/T 2260 code")
    return _resolved(code, year, span, ref, reason="code")


# -- reports --------------------------------------------------------------------------

_FILE_PROVINCE = re.compile(r"^([\u4e00-\u9fff]{2,8})-[\u4e00-\u9fff]+-\d{4}")


def hints_for(meta: ReportMeta) -> list[str]:
    """Parent names the report's context gives: its parent field, and a file named 省-地区-年."""
    hints = [meta.parent] if meta.parent else []
    if meta.source:
        m = _FILE_PROVINCE.match(Path(meta.source).name)
        if m and m.group(1) not in hints:
            hints.append(m.group(1))
    return hints


def resolve_report(meta: ReportMeta, text: str | None = None) -> Resolution:
    """Resolve a report's region as of its year, with the hints its metadata and text give.

    When the region the text gave names no division and the file is named 省-地区-年
    for the same year, the file's 地区 is tried (with a note saying so).
    """
    hints = hints_for(meta)
    head = text[:20000] if text else None
    res = resolve(meta.region, meta.year, parent=hints, level=meta.level, date=meta.date, text=head)
    if res.status == "unknown" and meta.source:
        m = _FILE_REGION.match(Path(meta.source).name)
        if m and int(m.group(3)) == meta.year and m.group(2) != meta.region:
            alt = resolve(
                m.group(2), meta.year, parent=m.group(1), level=meta.level, date=meta.date, text=head
            )
            if alt.status == "ok":
                alt.notes.append(
                    f"region {meta.region!r} names no division; took {m.group(2)} from the file name"
                )
                alt.reason += " (file name)"
                return alt
    return res


_FILE_REGION = re.compile(r"^([\u4e00-\u9fff]{2,8})-([\u4e00-\u9fff]{2,20})-(\d{4})")


def annotate(meta: ReportMeta, text: str | None = None) -> ReportMeta:
    """A copy of `meta` with admin_code, level and parent from the resolver.

    When the resolver cannot settle the place, the text-derived level is kept and the
    reason goes into `warnings`.
    """
    res = resolve_report(meta, text)
    warnings = list(meta.warnings) + [f"resolve: {n}" for n in res.notes]
    if res.status != "ok":
        return replace(meta, warnings=warnings + [f"resolve: {res.status}: {res.reason}"])
    parent = res.parent.name if res.parent else meta.parent
    return replace(meta, admin_code=res.code, level=res.level, parent=parent, warnings=warnings)


# -- scopes -----------------------------------------------------------------------------

_NUM = "一二两三四五六七八九十"
_GROUP = re.compile(
    rf"(?P<n>[{_NUM}\d]+|各|每)个?(?P<what>城区|[县市区旗][县市区旗（()）、，,]*)(?=$|[和及与、，,])"
)
_GROUP_KINDS = {
    "县": {"county", "autonomous_county"},
    "市": {"county_city"},
    "区": {"district"},
    "旗": {"banner", "autonomous_banner"},
}


def children_of(code: str, year: int | None) -> list[Division]:
    """Divisions directly under `code` in `year` (a prefecture's districts and counties …)."""
    d = _data()
    ref = _ref_month(year, None) or _OPEN - 1
    prefix = code[:2] if layer(code) == "province" else code[:4]
    out: dict[str, Division] = {}
    for c in _codes_with_prefix(prefix):
        if c == code or c in out:
            continue
        for s in d.by_code[c]:
            fits = s.is_current if year is None else _in_force(s, (year - 1) * 100 + 12, year * 100 + 12)
            if fits and chain_of(c, ref)[-1].code == code:
                out[c] = _division(s)
    return sorted(out.values(), key=lambda x: x.code)


@functools.cache
def _codes_with_prefix(prefix: str) -> tuple[str, ...]:
    return tuple(c for c in _data().by_code if c.startswith(prefix))


def resolve_scope(scope: str, year: int | None, within: str | None) -> ScopePlaces:
    """The divisions under `within` (a code) that a fact's scope names.

    `古塔、凌河、太和三城区` → the three districts; `四县(市)` → the region's counties and
    county-level cities when there are four of them; `锦州港` → none.
    """
    if not scope:
        return ScopePlaces(scope, "none", reason="the region's own")
    if not within:
        return ScopePlaces(scope, "none", reason="region not resolved")
    kids = children_of(within, year)
    grandkids = [g for k in kids if layer(k.code) == "prefecture" for g in children_of(k.code, year)]
    named: list[Division] = []
    own = stem(_name_of(within))
    for div in kids + grandkids:
        st = stem(div.name)
        # a stem counts only as a list item (古塔、凌河、太和三城区), not inside a word (凌河流域)
        if div.name in scope or (
            len(st) >= 2 and st != own and re.search(rf"{st}(?=$|[、，,和及与{_NUM}\d])", scope)
        ):
            named.append(div)
    m = _GROUP.search(scope)
    if m:
        kinds: set[str] = set()
        for ch in "县市区旗":
            if ch in m.group("what"):
                kinds |= _GROUP_KINDS[ch]
        if m.group("what") == "城区":
            kinds = {"district"}
        group = [k for k in kids if k.kind in kinds]
        if not group and not named:
            return ScopePlaces(scope, "none", reason=f"the region has no {m.group('what')}")
        n = m.group("n")
        want = None if n in ("各", "每") else _cn_int(n)
        if named and (want is None or len(named) == want):
            return ScopePlaces(scope, "group", tuple(named), "names listed")
        if want is None or want == len(group):
            return ScopePlaces(scope, "group", tuple(group), f"all {m.group('what')} of the region")
        return ScopePlaces(
            scope, "partial", tuple(named), f"{n}{m.group('what')}: the region has {len(group)}"
        )
    if len(named) == 1:
        return ScopePlaces(scope, "place", tuple(named), "name")
    if named:
        return ScopePlaces(scope, "group", tuple(named), "names listed")
    return ScopePlaces(scope, "none", reason="names no division")


def _name_of(code: str) -> str:
    spans = _data().by_code.get(code)
    return spans[-1].name if spans else ""


def _cn_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + digits.get(s[1:], 0)
    if "十" in s:
        a, _, b = s.partition("十")
        return digits.get(a, 0) * 10 + (digits.get(b, 0) if b else 0)
    return digits.get(s)


__all__ = [
    "Division",
    "Resolution",
    "ScopePlaces",
    "annotate",
    "chain_of",
    "children_of",
    "classify",
    "current_of",
    "resolve",
    "resolve_report",
    "resolve_scope",
    "stem",
]
