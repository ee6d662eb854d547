"""The indicator taxonomy: canonical ids and the names that map to them (data, not code)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from huibian.models import HuibianError


@dataclass(frozen=True)
class Indicator:
    id: str
    names: tuple[str, ...]
    units: tuple[str, ...] = ()
    headline: bool = False
    direction: str = "higher"


@dataclass(eq=False)  # hashed by identity: loaded once and cached
class Taxonomy:
    indicators: dict[str, Indicator] = field(default_factory=dict)
    _by_name: dict[str, str] = field(default_factory=dict)
    _names_longest_first: list[str] = field(default_factory=list)

    def _index(self) -> None:
        self._by_name = {}
        for ind in self.indicators.values():
            for name in ind.names:
                self._by_name.setdefault(name, ind.id)
        self._names_longest_first = sorted(self._by_name, key=len, reverse=True)

    def merge(self, data: dict, origin: str) -> None:
        items = data.get("indicators") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise HuibianError(f"{origin}: a taxonomy file needs a top-level `indicators:` list")
        for item in items:
            if not isinstance(item, dict) or "id" not in item:
                raise HuibianError(f"{origin}: every indicator needs an `id` (got {item!r})")
            old = self.indicators.get(item["id"])
            names = tuple(str(n) for n in item.get("names", []))
            if old:
                self.indicators[item["id"]] = Indicator(
                    old.id, old.names + tuple(n for n in names if n not in old.names),
                    tuple(item.get("units", old.units)), bool(item.get("headline", old.headline)),
                    item.get("direction", old.direction),
                )
            else:
                self.indicators[item["id"]] = Indicator(
                    item["id"], names, tuple(item.get("units", ())), bool(item.get("headline", False)),
                    item.get("direction", "higher"),
                )
        self._index()

    @classmethod
    def load(cls, extra: str | Path | None = None) -> Taxonomy:
        return _load(str(extra) if extra else None)

    def lookup(self, name: str) -> str | None:
        """The id whose longest name occurs in `name` (exact names first)."""
        if name in self._by_name:
            return self._by_name[name]
        for n in self._names_longest_first:
            if n in name:
                return self._by_name[n]
        return None

    def names(self) -> frozenset[str]:
        """Every name that maps to an indicator."""
        return frozenset(self._by_name)

    def headline_ids(self) -> set[str]:
        return {i.id for i in self.indicators.values() if i.headline}

    def direction(self, indicator: str | None) -> str:
        ind = self.indicators.get(indicator or "")
        return ind.direction if ind else "higher"


@functools.cache
def _load(extra: str | None) -> Taxonomy:
    tax = Taxonomy()
    text = resources.files("huibian").joinpath("data/indicators.yaml").read_text(encoding="utf-8")
    tax.merge(yaml.safe_load(text), "huibian/data/indicators.yaml")
    if extra:
        try:
            data = yaml.safe_load(Path(extra).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            raise HuibianError(f"{extra}: cannot read taxonomy ({e})") from e
        tax.merge(data, extra)
    return tax
