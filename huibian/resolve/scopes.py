"""A fact's scope → the divisions it names under the report's region (古塔、凌河、太和三城区,
四县(市)), or none (锦州港)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from huibian.numbers import cn_int
from huibian.resolve.divisions import Division, children_of, layer, name_of, stem


@dataclass(frozen=True)
class ScopePlaces:
    """The divisions a fact scope names: one place, a group (四县(市)), or none (锦州港)."""

    scope: str
    status: str  # place / group / none / partial
    divisions: tuple[Division, ...] = ()
    reason: str = ""


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
    own = stem(name_of(within))
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
        want = None if n in ("各", "每") else cn_int(n)
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
