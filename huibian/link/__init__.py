"""Targets held against outcomes: across years (t's target ↔ t+1's outcome) and levels.

Every function takes a sqlite3 connection to a store and returns a DataFrame; the CLI
(huibian/cli/accountability.py), the Python API (Database.targets / levels / panel /
promises / places) and the web app are thin layers over them, so a table, a page and a
chart cannot disagree. The package, by concept:

  places     each report's place (division, parent, today's code); what --region means
  stats      official statistics loaded by the user
  choose     which fact is a report's target, and which the next report's outcome
  judge      met / missed / unknown, one rule
  units      values in their base unit
  horizon    annual or multi-year, and the span
  filters    --region/--children/--level/--indicator/--measure/--horizon/--year
  targets, levels, panel, pairs, promises   the tables
  schema     every table's columns: name, type, label
  cache      tables kept per connection until the store changes

Cost. Linking reads the candidate facts in one query and works on whole columns (a
10,000-report store links in seconds); a call filtered by region, indicator or year
reads only its part of the store. A Database keeps the tables it computed in a
LinkCache until `store_version` says the store changed (a commit by any connection).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import pandas as pd

from huibian.link import schema
from huibian.link.cache import LinkCache, cached, kept, store_version
from huibian.link.choose import WHOLE, Linked, Only, linked
from huibian.link.filters import Filters, parse_years
from huibian.link.judge import judge, judge_all
from huibian.link.levels import levels_table
from huibian.link.pairs import pairs_table, wide_table
from huibian.link.panel import panel_table
from huibian.link.places import children_keys, places, region_keys, scopes
from huibian.link.promises import PROMISES, promises_table
from huibian.link.schema import RELATIONS, UNKNOWN_REASONS
from huibian.link.stats import load_stats, stats
from huibian.link.targets import targets_table
from huibian.models import HuibianError
from huibian.taxonomy import Taxonomy

WITH = ("parent", "children")


def place_table(conn: sqlite3.Connection, cache: LinkCache | None = None) -> pd.DataFrame:
    """`places`, kept in `cache`."""
    return cached(cache, conn, "places", lambda: places(conn))


def _finish(table: schema.Table, df: pd.DataFrame) -> pd.DataFrame:
    return table.finish(df[[c for c in table.names if c in df.columns]])


def _targets(
    conn: sqlite3.Connection,
    pl: pd.DataFrame,
    only: Only,
    cache: LinkCache | None,
    taxonomy: Taxonomy | None,
    chosen: Linked | None = None,
) -> pd.DataFrame:
    """The targets table of the part `only` of the store (with its key columns), through the
    cache; `chosen` when the caller has already chosen that part's facts."""
    whole = kept(
        cache if taxonomy is None else None,
        conn,
        "targets",
        only.whole,
        lambda: targets_table(conn, pl, linked(conn, pl, WHOLE, cache), None),
    )
    if whole is not None:
        return whole
    return targets_table(conn, pl, chosen or linked(conn, pl, only, cache), taxonomy)


def parse_with(with_: str | Sequence[str] | None) -> tuple[str, ...]:
    """`parent,children` → ("parent", "children"); checked against WITH."""
    if not with_:
        return ()
    values = with_.split(",") if isinstance(with_, str) else list(with_)
    out = tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
    bad = [v for v in out if v not in WITH]
    if bad:
        raise HuibianError(f"with must be parent, children or both (parent,children), not {', '.join(bad)!r}")
    return out


def targets(
    conn: sqlite3.Connection,
    *,
    with_: str | Sequence[str] | None = None,
    wide: bool = False,
    taxonomy: Taxonomy | None = None,
    cache: LinkCache | None = None,
    **filters: Any,
) -> pd.DataFrame:
    """Each target beside the outcome the next report states for it (schema.TARGETS).

    `filters`: region (with children), level, indicator, measure, horizon, year — as
    `Filters.of` reads them. `with_=("parent", "children")`: each target's row once per
    related place, with the parent's or child's target (schema.PAIRS, long); with `wide`,
    one row per target with parent_… and child1_… childN_… columns.
    With a `cache` (Database.targets passes its own) the whole table is kept until the
    store changes; a filtered call with nothing kept links only the part it needs.
    """
    f = Filters.of(**filters)
    rel = parse_with(with_)
    pl = place_table(conn, cache)
    extra: set[str] = set()
    keys = f.places(pl)
    if rel and keys:  # the rows' parents and children are linked too
        extra = set(pl.loc[pl["place"].isin(keys), "parent_place"].dropna()) | children_keys(pl, keys)
    return select(_targets(conn, pl, f.only(pl, extra=extra), cache, taxonomy), pl, f, with_=rel, wide=wide)


def targets_frame(conn: sqlite3.Connection, cache: LinkCache | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the whole targets table with its key columns, the places): for a caller that keeps them
    and selects from them many times (the web app), through `select`."""
    pl = place_table(conn, cache)
    return _targets(conn, pl, WHOLE, cache, None), pl


def select(
    df: pd.DataFrame, pl: pd.DataFrame, filters: Filters, *, with_: Sequence[str] = (), wide: bool = False
) -> pd.DataFrame:
    """The rows of a targets table (with its key columns) that pass `filters`, as `targets` gives
    them: alone, or beside their parents' and children's targets (`with_`, long or `wide`)."""
    rows = filters.apply(df, pl)
    rel = parse_with(with_)
    if not rel:
        return _finish(schema.TARGETS, rows)
    if wide:
        out = wide_table(df, rows, rel)
        return _finish(schema.wide(sum(c.startswith("child") and c.endswith("_region") for c in out.columns)), out)
    return _finish(schema.PAIRS, pairs_table(df, rows, rel))


def levels(conn: sqlite3.Connection, *, cache: LinkCache | None = None, **filters: Any) -> pd.DataFrame:
    """Each place's target beside its parent's and its children's (the escalation table, schema.LEVELS).

    One row per (place, year, indicator, measure, horizon) target. `region=R` keeps R's row
    and, unless `children=False`, its children's rows (each with R as parent), so R's whole
    step down shows. Other filters and `cache` as in `targets`.
    """
    f = Filters.of(**{"children": True, **filters})
    pl = place_table(conn, cache)
    # a row needs its parent's and children's targets: only indicator and years narrow the linking
    only = Only(indicator=f.indicator, first=f.first, last=f.last)
    whole = kept(cache, conn, "levels", only.whole, lambda: levels_table(pl, _targets(conn, pl, WHOLE, cache, None)))
    df = whole if whole is not None else levels_table(pl, _targets(conn, pl, only, cache, None))
    return _finish(schema.LEVELS, f.apply(df, pl))


def panel(conn: sqlite3.Connection, *, cache: LinkCache | None = None, **filters: Any) -> pd.DataFrame:
    """Tidy place × year × indicator × measure × horizon panel of targets and outcomes (schema.PANEL).

    Rows: every linked target (as in `targets`), plus every outcome no target claims.
    Multi-year targets restated in later reports keep the earliest report's target.
    Filters and `cache` as in `targets`.
    """
    f = Filters.of(**filters)
    pl = place_table(conn, cache)
    only = f.only(pl)  # a place's rows need only that place's facts
    whole = kept(cache, conn, "panel", only.whole, lambda: _panel(conn, pl, WHOLE, cache))
    return select_panel(whole if whole is not None else _panel(conn, pl, only, cache), pl, f)


def _panel(conn: sqlite3.Connection, pl: pd.DataFrame, only: Only, cache: LinkCache | None) -> pd.DataFrame:
    chosen = linked(conn, pl, only, cache)
    return panel_table(conn, pl, _targets(conn, pl, only, cache, None, chosen), chosen.outcomes)


def panel_frame(conn: sqlite3.Connection, cache: LinkCache | None = None) -> pd.DataFrame:
    """The whole panel with its place key, for a caller that keeps it and selects from it many
    times (the web app's indicator chart), through `select_panel`."""
    return cached(cache, conn, "panel", lambda: _panel(conn, place_table(conn, cache), WHOLE, cache))


def select_panel(df: pd.DataFrame, pl: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of a panel (with its place key) that pass `filters`, as `panel` gives them."""
    return _finish(schema.PANEL, filters.apply(df, pl))


def promises(
    conn: sqlite3.Connection, region: str | Sequence[str], year: int, *, cache: LinkCache | None = None
) -> pd.DataFrame:
    """This year's promises beside last year's results for one place (promises.PROMISES)."""
    pl = place_table(conn, cache)
    keys = _place_of(pl, region)
    return promises_of(_targets(conn, pl, Only(places=frozenset(keys)), cache, None), pl, region, year)


def promises_of(df: pd.DataFrame, pl: pd.DataFrame, region: str | Sequence[str], year: int) -> pd.DataFrame:
    """`promises` from a targets table with its key columns (`targets_frame`)."""
    return _finish(PROMISES, promises_table(df, _place_of(pl, region), int(year)))


def _place_of(pl: pd.DataFrame, region: str | Sequence[str]) -> set[str]:
    keys = region_keys(pl, Filters.of(region=region).region)
    if not keys:
        raise HuibianError(f"no place {region!r} in this store — `huibian places` lists them")
    return keys


__all__ = [
    "Filters",
    "LinkCache",
    "PROMISES",
    "RELATIONS",
    "UNKNOWN_REASONS",
    "WITH",
    "judge",
    "judge_all",
    "levels",
    "load_stats",
    "panel",
    "parse_with",
    "parse_years",
    "place_table",
    "places",
    "promises",
    "promises_of",
    "region_keys",
    "schema",
    "scopes",
    "panel_frame",
    "select",
    "select_panel",
    "targets_frame",
    "stats",
    "store_version",
    "targets",
]
