"""What the targets and indicator pages read: the tables of huibian.link, selected for a request.

The targets page and /api/targets select from the whole targets table with
huibian.link.select, and the indicator chart draws huibian.link.panel — the functions
`huibian targets` and `huibian panel` use — so a page, a chart and the CLI cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from huibian import link
from huibian.db import Database
from huibian.link import units
from huibian.models import MEASURES, MULTI_YEAR_MEASURES, HuibianError
from huibian.web.data import BadParam, clean, default_places, indicator_measures, rows_of
from huibian.web.site import Site

TARGET_STATUSES = ("met", "missed", "unknown")
MAX_PLACES = 12


def _filters(**given: Any) -> link.Filters:
    try:
        return link.Filters.of(**given)
    except HuibianError as e:
        raise BadParam(str(e)) from None


@dataclass(frozen=True)
class Tables:
    """The whole linked tables the pages select from (with their key columns), and the places."""

    targets: pd.DataFrame
    panel: pd.DataFrame
    places: pd.DataFrame


def link_tables(db: Database) -> Tables:
    """The store's whole targets table, panel and places (huibian.link), as `huibian targets` and
    `huibian panel` compute them: the app's background computation (Site.targets)."""
    cache = link.LinkCache()  # the panel reuses the targets' linking
    df, places = link.targets_frame(db.conn, cache)
    return Tables(df, link.panel_frame(db.conn, cache), places)


def _tables(site: Site) -> Tables:
    """The linked tables, waiting for them if they are being computed."""
    tables = site.targets.value()
    if tables is None:
        raise BadParam(site.targets.error or "target linking failed")
    return tables


def status_of(met: Any) -> str:
    met = clean(met)
    return "unknown" if met is None else "met" if bool(met) else "missed"


@dataclass
class TargetRows:
    """The targets a request selects: the table (with `status`), and the count of each status."""

    table: pd.DataFrame
    counts: dict[str, int]

    def rows(self, offset: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        end = None if limit is None else offset + limit
        return rows_of(self.table.iloc[offset:end])


def targets(
    site: Site,
    *,
    status: str | None = None,
    with_: str | None = None,
    wide: bool = False,
    **filters: Any,
) -> TargetRows:
    """Targets beside their outcomes, filtered as `huibian targets` filters them (huibian.link.select)."""
    if status is not None and status not in TARGET_STATUSES:
        raise BadParam(f"status must be one of {', '.join(TARGET_STATUSES)}, not {status!r}")
    try:
        rel = link.parse_with(with_)
    except HuibianError as e:
        raise BadParam(str(e)) from None
    f = _filters(**filters)
    tables = _tables(site)
    df = link.select(tables.targets, tables.places, f, with_=rel, wide=wide)
    met = df["met"].astype("boolean")
    df = df.assign(status=np.where(met.isna(), "unknown", np.where(met.fillna(False), "met", "missed")))
    counts = Counter(df["status"])
    if status:
        df = df[df["status"] == status]
    return TargetRows(df.reset_index(drop=True), {s: counts.get(s, 0) for s in TARGET_STATUSES})


def promises(site: Site, region: str, year: int) -> list[dict[str, Any]]:
    """A place's promises of `year` beside its results for the year before (huibian.link.promises_of)."""
    tables = _tables(site)
    try:
        df = link.promises_of(tables.targets, tables.places, region, year)
    except HuibianError as e:
        raise BadParam(str(e)) from None
    rows = rows_of(df)
    for r in rows:
        r["last_status"] = status_of(r.get("last_met")) if r.get("last_target_report") else None
    return rows


def outcomes_for_report(site: Site, rep: dict[str, Any]) -> dict[tuple, dict[str, Any]] | None:
    """Linked outcomes of a report's targets, keyed by (indicator, period, measure, quote);
    None while linking is still being computed (the reader does not wait for it)."""
    tables = site.targets.ready()
    if tables is None:
        return None
    df = tables.targets
    rows = rows_of(link.select(df[df["target_report"] == rep["id"]], tables.places, link.Filters()))
    out = {}
    for r in rows:
        out[(r.get("indicator"), r.get("year"), r.get("measure"), r.get("target_quote"))] = {
            **r,
            "status": status_of(r.get("met")),
        }
    return out


# -- the indicator page: one indicator over time for chosen places -----------------------------
@dataclass
class Panel:
    indicator: str
    measure: str
    measures: list[str]
    horizon: str
    places: list[str]  # the places' names, in the order asked
    keys: list[str]  # their place keys (today's codes), in the same order
    unit: str  # the one unit every `y` is in
    rows: list[dict[str, Any]]  # one row per fact used: series outcome / target


# what the CSV download and the JSON API give of a panel row, in this order
PANEL_FIELDS = (
    "region",
    "period",
    "series",
    "horizon",
    "kind",
    "y",
    "value",
    "value_hi",
    "unit",
    "base",
    "base_unit",
    "cmp",
    "report_id",
    "id",
    "quote",
)
HORIZON_CHOICES = ("annual", "multi-year", "all")


def panel(
    site: Site,
    indicator: str,
    *,
    places: list[str] | None = None,
    measure: str | None = None,
    horizon: str | None = None,
    parent: bool = False,
    children: bool = False,
) -> Panel:
    """The panel of `huibian panel` for one indicator and measure, for chosen places, in one unit.

    A multi-year target (a plan's goal for its end year) is shown only when asked
    (`horizon=multi-year` or `all`), except for a measure that is multi-year by nature
    (total, avg_growth, cum_growth). Values stated in other units are converted through
    their base unit (亿元 and 万亿元 alike); a value whose base unit differs from the
    panel's (美元 beside 元) is listed without `y`, never plotted.
    """
    measures = indicator_measures(site, indicator)
    names = [m for m, _ in measures]
    if measure is None:
        measure = "level" if "level" in names else names[0]
    elif measure not in MEASURES:
        raise BadParam(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    if horizon is None:
        horizon = "multi-year" if measure in MULTI_YEAR_MEASURES else "annual"
    elif horizon not in HORIZON_CHOICES:
        raise BadParam(f"horizon must be one of {', '.join(HORIZON_CHOICES)}, not {horizon!r}")
    asked = [p for p in (places or []) if p][:MAX_PLACES] or default_places(site, indicator, measure)
    tables = _tables(site)
    keys, labels = _places(tables.places, asked, parent=parent, children=children)
    if not keys:
        return Panel(indicator, measure, names, horizon, [], [], "", [])
    f = _filters(region=keys, indicator=indicator, measure=measure, horizon=None if horizon == "all" else horizon)
    df = link.select_panel(tables.panel, tables.places, f)
    rows = [r for r in _series(df) if r["place"] in labels]
    unit = _display_unit(rows)
    for r in rows:
        y = units.convert([r["value"]], [r["unit"]], [unit])[0]
        r["y"] = None if y != y else float(y)
    rows.sort(key=lambda r: (keys.index(r["place"]), r["period"], r["series"] != "outcome"))
    return Panel(indicator, measure, names, horizon, [labels[k] for k in keys], keys, unit, rows)


def related_places(site: Site, places: list[str], *, parent: bool, children: bool) -> list[str]:
    """The places asked plus, on request, each one's parent and children, by name: the same
    place resolution as the indicator chart (division codes, not names compared)."""
    keys, labels = _places(_tables(site).places, places, parent=parent, children=children)
    return [labels[k] for k in keys] or list(places)


def _places(pl: pd.DataFrame, asked: list[str], *, parent: bool, children: bool) -> tuple[list[str], dict[str, str]]:
    """The place keys of the names asked (plus, on request, each one's parent and children),
    in order, and each key's name: the name asked, else the place's latest report's region."""
    latest = dict(zip(pl["place"], pl["region"], strict=True))  # places are ordered by year
    keys: list[str] = []
    labels: dict[str, str] = {}
    for name in asked:
        for key in sorted(link.region_keys(pl, name)):
            if key not in labels:
                keys.append(key)
                labels[key] = name
    for key in list(keys):
        mine = pl[pl["place"] == key]
        related = []
        if parent:
            related += [(p, n) for p, n in zip(mine["parent_place"], mine["parent_region"], strict=True) if p]
        if children:
            related += [(k, latest[k]) for k in sorted(link.children_keys(pl, {key}))]
        for k, name in related:
            if k not in labels:
                keys.append(k)
                labels[k] = latest.get(k, name)
    return keys[: MAX_PLACES * 3], labels


def _series(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Each panel row's target and outcome as chart points (the fact as stated, and in base units)."""
    out = []
    for r in rows_of(df):
        r["place"] = r["current_code"] or r["admin_code"] or f"?{r['region']}"  # as places.py keys a place
        for series, prefix in (("target", "target"), ("outcome", "outcome")):
            if r.get(f"{prefix}_value") is None:
                continue
            out.append(
                {
                    "region": r["region"],
                    "place": r["place"],
                    "period": r["year"],
                    "series": series,
                    "horizon": r["horizon"],
                    "kind": "target" if series == "target" else r["outcome_kind"],
                    "value": r[f"{prefix}_value"],
                    "value_hi": r["target_value_hi"] if series == "target" else None,
                    "unit": r[f"{prefix}_unit"],
                    "base": r[f"{prefix}_value"] * units.scale(r[f"{prefix}_unit"])[0],
                    "base_unit": units.scale(r[f"{prefix}_unit"])[1],
                    "cmp": r["target_cmp"] if series == "target" else None,
                    "report_id": r[f"{prefix}_report"],
                    "id": r[f"{prefix}_fact"],
                    "quote": r[f"{prefix}_quote"],
                }
            )
    return out


def _display_unit(rows: list[dict[str, Any]]) -> str:
    """The unit of the chart: among the units of the most common base unit, the most used."""
    bases = Counter(r["base_unit"] for r in rows if r["base_unit"] is not None)
    if not bases:
        return ""
    base = bases.most_common(1)[0][0]
    return Counter(r["unit"] for r in rows if r["base_unit"] == base).most_common(1)[0][0]


def panel_csv(p: Panel) -> str:
    cols = list(PANEL_FIELDS)
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in p.rows], columns=cols)
    df = df.rename(columns={"y": f"value_{p.unit or 'unit'}", "report_id": "report", "id": "fact_id"})
    df.insert(0, "measure", p.measure)
    df.insert(0, "indicator", p.indicator)
    return df.to_csv(index=False)
