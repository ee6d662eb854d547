"""The indicator taxonomy: canonical ids, the names that map to them, and how a name is read.

A name as a report writes it is lead-in + place or scope + qualifiers + head + tail
(实现 | 锦州市 | 规模以上 | 工业增加值 | 总额). The head — a name or name pattern of
data/indicators.yaml — decides the indicator; qualifiers may refine it (城镇 / 农村 before
人均可支配收入); the words around it may be anything a report writes, except modifiers
that narrow the quantity to a sector, a product or a kind of deal (data/name_grammar.yaml).
So 进出口总值, 居民消费价格上涨, 年末城镇登记失业率 and 来源于东莞的财政收入 resolve from
their heads, while 工业固定资产投资 and 机电产品出口 do not pass for the whole.

A Taxonomy is a value: built from files once, immutable after, shared by every caller;
`Taxonomy.load(extra)` with a user's file builds (and caches) a new value, never changes
the default one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from huibian.models import HuibianError


@dataclass(frozen=True)
class Indicator:
    id: str
    names: tuple[str, ...]
    units: tuple[str, ...] = ()
    headline: bool = False
    direction: str = "higher"
    patterns: tuple[str, ...] = ()  # regular expressions for names too varied to list
    share: str | None = None  # the indicator for this quantity's share of the whole (服务业增加值 → services_share)
    measures: tuple[str, ...] = ()  # when set, the only measures the indicator takes
    strict_names: tuple[str, ...] = ()  # names that count only alone or after a place word (经济)
    whole: tuple[str, ...] = ()  # for a share: the indicators of the whole (rd_intensity: gdp)
    over_span: str = "level"  # stated for a span of years: "sum" (五年来固定资产投资3000亿元) or the last year's "level"
    not_after: tuple[str, ...] = ()  # words that narrow this indicator's head to a part (农村|固定资产投资)


@dataclass(frozen=True)
class NameParse:
    """How a name was read: the head that decided it and the words around it."""

    indicator: str
    head: str
    prefix: str  # lead-in, place or scope, qualifiers
    tail: str  # 总额, 预计, 同比 ...
    share_of: str = ""  # the whole, for A占B比重


@dataclass(frozen=True)
class NameGrammar:
    """The words around a head (data/name_grammar.yaml)."""

    tail: re.Pattern[str]
    narrowing_suffix: tuple[str, ...]
    narrowing_words: tuple[str, ...]
    share_markers: re.Pattern[str]
    predicate: re.Pattern[str]  # words that end the noun phrase: what follows is no part of the name
    ratio_of: tuple[re.Pattern[str], ...]  # A与B之比: A's share of B
    whole_place: re.Pattern[str]  # 占全市 / 占全省的比重: a part's share of the place, not of an indicator
    refine: Mapping[str, tuple[tuple[str, str], ...]]
    place_prefix: re.Pattern[str]
    parens: re.Pattern[str] = field(default=re.compile(r"[（(][^）)]{0,12}[）)]"))


_SPACE = re.compile(r"\s+")


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class Taxonomy:
    """Canonical indicators and the reading of names; immutable once built."""

    def __init__(self, indicators: Mapping[str, Indicator], grammar: NameGrammar):
        self._indicators = MappingProxyType(dict(indicators))
        self._grammar = grammar
        by_name: dict[str, str] = {}
        for ind in self._indicators.values():
            for name in ind.names + ind.strict_names:
                by_name.setdefault(name, ind.id)
        self._by_name = MappingProxyType(by_name)
        self._longest = max((len(n) for n in by_name), default=0)
        pats = [(ind.id, p) for ind in self._indicators.values() for p in ind.patterns]
        self._patterns = tuple((i, re.compile(p)) for i, p in pats)
        self._names = frozenset(by_name)
        self._strict = {(n, ind.id) for ind in self._indicators.values() for n in ind.strict_names}

    # -- read-only views ---------------------------------------------------------------

    @property
    def indicators(self) -> Mapping[str, Indicator]:
        return self._indicators

    @property
    def names(self) -> frozenset[str]:
        """Every listed name that maps to an indicator (patterns not included)."""
        return self._names

    def headline_ids(self) -> frozenset[str]:
        return frozenset(i.id for i in self._indicators.values() if i.headline)

    def direction(self, indicator: str | None) -> str:
        ind = self._indicators.get(indicator or "")
        return ind.direction if ind else "higher"

    def heads_in(self, name: str, ids: frozenset[str] | None = None) -> list[str]:
        """The ids (of `ids`, or any) whose head occurs anywhere in the name, in order."""
        found = []
        for _, _, ind in sorted(self._heads(_SPACE.sub("", name))):
            if (ids is None or ind in ids) and ind not in found:
                found.append(ind)
        return found

    def unit_fits(self, ind_id: str, unit: str) -> bool:
        """Whether a figure in `unit` can be the indicator's: one of its units (any 万/亿
        prefix), or percent (a growth or share of it)."""
        from huibian.numbers import split_unit

        ind = self._indicators.get(ind_id)
        if ind is None:
            return False
        base = split_unit(unit)[1]
        return unit in ("%", "个百分点") or not ind.units or any(split_unit(u)[1] == base for u in ind.units)

    def is_whole_place(self, text: str) -> bool:
        """占全市 / 占全省的比重: whether a share is of a place's total (not of an indicator)."""
        return bool(text) and self._grammar.whole_place.match(text) is not None

    def id_of(self, name: str) -> str | None:
        """The id a listed name maps to exactly (no reading of the words around it)."""
        return self._by_name.get(name)

    # -- reading names -----------------------------------------------------------------

    def indicator_for(self, name: str, measure: str, unit: str) -> str | None:
        """The canonical id of a quantity's name, when its head is known and the unit and
        measure fit the indicator; None otherwise."""
        parsed = self.parse(name, measure)
        if parsed is None:
            return None
        if measure == "share" and parsed.share_of and self._grammar.whole_place.match(parsed.share_of):
            return parsed.indicator  # a part's (or the place's) share of a wider place's total
        return parsed.indicator if self._fits(parsed.indicator, measure, unit) else None

    def parse(self, name: str, measure: str = "level") -> NameParse | None:
        return _parse(self, name, measure)

    def _heads(self, name: str) -> list[tuple[int, int, str]]:
        """(start, end, id) of every head in the name: listed names and patterns."""
        out: list[tuple[int, int, str]] = []
        by_name = self._by_name
        n = len(name)
        for i in range(n):
            for j in range(min(n, i + self._longest), i, -1):
                ind = by_name.get(name[i:j])
                if ind is not None:
                    out.append((i, j, ind))
                    break  # the longest name starting here
        for ind, pat in self._patterns:
            out.extend((m.start(), m.end(), ind) for m in pat.finditer(name))
        return out

    def _fits(self, ind_id: str, measure: str, unit: str) -> bool:
        from huibian.numbers import split_unit

        ind = self._indicators[ind_id]
        if ind.measures and measure not in ind.measures:
            return False
        if measure in ("level", "total", "change") and ind.units:
            factor, base = split_unit(unit)
            same = [split_unit(u)[0] for u in ind.units if split_unit(u)[1] == base]
            if not same:
                return False
            if not min(same) / 1e4 <= factor <= max(same) * 1e4:
                return False  # 镇街可支配收入206亿元 is no income per head
        if measure == "share" and "share" not in ind.measures:
            return False
        return True

    # -- building ----------------------------------------------------------------------

    @classmethod
    def load(cls, extra: str | Path | None = None) -> Taxonomy:
        """The packaged taxonomy, with a user's file (same shape as indicators.yaml) merged in."""
        return _load(str(extra) if extra else None)

    @classmethod
    def from_data(cls, *sources: tuple[dict[str, Any], str]) -> Taxonomy:
        """Build from parsed files, later ones extending earlier ones: new ids are added,
        names of an existing id are appended, grammar word lists are extended."""
        indicators: dict[str, Indicator] = {}
        grammar: dict[str, Any] = {}
        for data, origin in sources:
            _merge_indicators(indicators, data, origin)
            _merge_grammar(grammar, data.get("name_grammar") or {}, origin)
        return cls(indicators, _compile_grammar(grammar))


def _merge_indicators(indicators: dict[str, Indicator], data: Any, origin: str) -> None:
    items = data.get("indicators", []) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise HuibianError(f"{origin}: a taxonomy file needs a top-level `indicators:` list")
    for item in items:
        if not isinstance(item, dict) or "id" not in item:
            raise HuibianError(f"{origin}: every indicator needs an `id` (got {item!r})")
        old = indicators.get(item["id"])
        names = tuple(str(n) for n in item.get("names", []))
        patterns = tuple(str(p) for p in item.get("patterns", []))
        for p in patterns:
            try:
                re.compile(p)
            except re.error as e:
                raise HuibianError(f"{origin}: indicator {item['id']}: bad name pattern {p!r} ({e})") from e
        if old:
            indicators[item["id"]] = Indicator(
                old.id, old.names + tuple(n for n in names if n not in old.names),
                tuple(item.get("units", old.units)), bool(item.get("headline", old.headline)),
                item.get("direction", old.direction), old.patterns + patterns, item.get("share", old.share),
                tuple(item.get("measures", old.measures)),
                old.strict_names + tuple(str(n) for n in item.get("strict_names", []) if n not in old.strict_names),
                _tuple(item.get("whole")) or old.whole, item.get("over_span", old.over_span),
                old.not_after + _tuple(item.get("not_after")),
            )
        else:
            indicators[item["id"]] = Indicator(
                item["id"], names, tuple(item.get("units", ())), bool(item.get("headline", False)),
                item.get("direction", "higher"), patterns, item.get("share"), tuple(item.get("measures", ())),
                tuple(str(n) for n in item.get("strict_names", [])), _tuple(item.get("whole")),
                item.get("over_span", "level"), _tuple(item.get("not_after")),
            )


def _tuple(value: Any) -> tuple[str, ...]:
    """A YAML value that may be one string or a list of them."""
    if value is None:
        return ()
    return (str(value),) if isinstance(value, str) else tuple(str(v) for v in value)


def _merge_grammar(grammar: dict[str, Any], data: dict[str, Any], origin: str) -> None:
    if not isinstance(data, dict):
        raise HuibianError(f"{origin}: `name_grammar:` must be a mapping")
    for key, value in data.items():
        if key == "refine":
            for head, table in (value or {}).items():
                grammar.setdefault("refine", {}).setdefault(head, []).extend(
                    (str(k), str(v)) for k, v in (table or {}).items())
        elif isinstance(value, list):
            grammar.setdefault(key, []).extend(str(v) for v in value)
        else:
            raise HuibianError(f"{origin}: name_grammar.{key} must be a list")


def _compile_grammar(g: dict[str, Any]) -> NameGrammar:
    return NameGrammar(
        tail=re.compile(rf"(?:{_alt(g.get('tail', []))}|\s)+$" if g.get("tail") else r"\s+$"),
        narrowing_suffix=tuple(g.get("narrowing_suffix", [])),
        narrowing_words=tuple(g.get("narrowing_words", [])),
        share_markers=re.compile(_alt(g.get("share_of", ["占"]))),
        predicate=re.compile(rf"(?:{_alt(g.get('tail', []))})*(?:{_alt(g.get('predicate', ['，']))})"),
        ratio_of=tuple(re.compile(p) for p in g.get("ratio_of", [])),
        whole_place=re.compile(rf"(?:{_alt(g.get('whole_place', ['全市']))})(?:的)?(?:比重|比例|份额)?$"),
        refine=MappingProxyType({h: tuple(t) for h, t in g.get("refine", {}).items()}),
        place_prefix=re.compile(rf"(?:{_alt(g.get('place_prefix', []))})*" if g.get("place_prefix") else ""),
    )


@functools.lru_cache(maxsize=1 << 16)
def _parse(tax: Taxonomy, raw: str, measure: str) -> NameParse | None:
    """Read a name: the rightmost head, then what stands before and after it."""
    g = tax._grammar
    name = g.parens.sub("", _SPACE.sub("", raw))  # 地区生产总值(GDP); 社 会消费品 (a scanner's space)
    share_of = ""
    m = g.share_markers.search(name)
    if m and m.start() > 0:  # 服务业增加值占地区生产总值比重: the share of the part before 占
        name, share_of = name[: m.start()], name[m.end() :]
    else:
        for pat in g.ratio_of:  # 研究与试验发展经费投入与地区生产总值之比
            mr = pat.match(name)
            if mr:
                name, share_of = mr.group(1), mr.group(2)
                m = mr
                break
    # a head counts only when what follows it is tail words (出口企业: no); of those, the one
    # that starts first, and the longest there (外贸进出口|额, not 外贸进|出口额)
    heads = [h for h in tax._heads(name)
             if h[1] == len(name) or g.tail.fullmatch(name, h[1]) or g.predicate.match(name, h[1])]
    if not heads:
        return None
    start, end, ind_id = min(heads, key=lambda h: (h[0], h[0] - h[1]))
    head, prefix, tail = name[start:end], name[:start], name[end:]
    if _narrowed(g, prefix, head) or prefix.endswith(tax.indicators[ind_id].not_after):
        return None
    if (head, ind_id) in tax._strict and not g.place_prefix.fullmatch(prefix):
        return None  # 经济增长8% is GDP growth; 数字经济增长 is not
    for qualifier, refined in g.refine.get(head, ()):
        if qualifier in prefix:
            ind_id = refined
            break
    if share_of and g.whole_place.match(share_of):
        return NameParse(ind_id, head, prefix, tail, share_of)  # 进出口总额占全省的60%: a share of the place's total
    if share_of or (measure == "share" and m is None and tax.indicators[ind_id].share):
        share = tax.indicators[ind_id].share
        if share is None:
            return None  # a share of something that is not an indicator's share
        whole = tax.indicators[share].whole if share in tax.indicators else ()
        if share_of and whole:
            of = _parse(tax, share_of, "level")
            if of is None or of.indicator not in whole:
                return None  # 战略性新兴产业增加值占规模以上工业比重: a share of another whole
        ind_id = share
    return NameParse(ind_id, head, prefix, tail, share_of)


def _narrowed(g: NameGrammar, prefix: str, head: str) -> bool:
    """Whether the words before the head make the quantity a part of it: a sector or
    product right before it (工业|固定资产投资, 机电产品|出口), or a narrowing word."""
    if prefix.endswith(g.narrowing_suffix):
        return True
    return any(w in prefix and not head.startswith(w) for w in g.narrowing_words)


@functools.cache
def _load(extra: str | None) -> Taxonomy:
    files = resources.files("huibian").joinpath("data")
    sources = [
        (yaml.safe_load(files.joinpath("indicators.yaml").read_text(encoding="utf-8")), "huibian/data/indicators.yaml"),
        ({"indicators": [], "name_grammar": yaml.safe_load(files.joinpath("name_grammar.yaml").read_text(encoding="utf-8"))},
         "huibian/data/name_grammar.yaml"),
    ]
    if extra:
        try:
            data = yaml.safe_load(Path(extra).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            raise HuibianError(f"{extra}: cannot read taxonomy ({e})") from e
        sources.append((data if isinstance(data, dict) else {"indicators": None}, extra))
    return Taxonomy.from_data(*sources)
