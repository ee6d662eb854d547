"""What the measures page reads: a dictionary's attention measure over the years for
chosen places (the rows of `Database.measures`, the function `huibian measures` runs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from huibian import measures
from huibian.measures.text import ROLES
from huibian.web.data import BadParam
from huibian.web.linked import MAX_PLACES, related_places
from huibian.web.site import Site

MEASURE_SCALES = ("per_10k_chars", "per_word")
MEASURE_ROLES = ("", *ROLES)  # "": the whole report


@dataclass
class MeasurePanel:
    dictionary: Any  # huibian.measures.Dictionary
    places: list[str]
    role: str
    scale: str
    frame: pd.DataFrame  # the rows of Database.measures for these places
    counted_now: int = 0  # reports the store had not cached, counted for this request


def measure_dictionary(name: str | None, terms: str | None) -> Any:
    """A built-in dictionary by name, or the terms a user typed (one per line or comma-separated)."""
    if terms and terms.strip():
        items = [t for line in terms.replace("，", "\n").replace(",", "\n").splitlines() if (t := line.strip())]
        try:
            return measures.from_terms(items, name="custom", where="your terms")
        except measures.DictionaryError as e:
            raise BadParam(str(e)) from None
    name = name or "environment"
    if name not in measures.builtin_names():
        raise BadParam(f"no built-in dictionary {name!r}: choose one of {', '.join(measures.builtin_names())}")
    return measures.load(name)


def default_measure_places(site: Site, n: int = 3) -> list[str]:
    def compute() -> list[str]:
        return [
            r[0]
            for r in site.store.conn.execute(
                "SELECT region, count(*) FROM reports GROUP BY region ORDER BY 2 DESC, 1 LIMIT ?", (n,)
            )
        ]

    return site.cached(("measure_places", n), compute)


def measure_panel(
    site: Site,
    dictionary: Any,
    *,
    places: list[str] | None = None,
    parent: bool = False,
    children: bool = False,
    role: str = "",
    scale: str = "per_10k_chars",
) -> MeasurePanel:
    """A dictionary's measure over the years for chosen places (and their parents or
    children): the rows of `Database.measures`. The store stays read-only: counts the
    store does not cache yet are computed in memory and kept until the store changes."""
    if scale not in MEASURE_SCALES:
        raise BadParam(f"scale must be one of {', '.join(MEASURE_SCALES)}, not {scale!r}")
    if role not in MEASURE_ROLES:
        raise BadParam(f"role must be one of {', '.join(r or '(whole report)' for r in MEASURE_ROLES)}, not {role!r}")
    places = [p for p in (places or []) if p][:MAX_PLACES] or default_measure_places(site)
    places = related_places(site, places, parent=parent, children=children)
    memo = site.cached("measures_memo", dict)
    todo = [0]

    def progress(done: int, total: int) -> None:
        todo[0] = total

    df = measures.measures(
        site.store.conn,
        [dictionary],
        by="role" if role else "report",
        filters=measures.Filters.make(region=places),
        roles=[role] if role else (),
        workers=1,
        memo=memo,
        progress=progress,
    )
    return MeasurePanel(dictionary, places, role, scale, df, todo[0])
