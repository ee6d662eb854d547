"""What the pages and the JSON API read: one place for every query the web app runs.

Pages and API routes call the same functions, so the HTML and the JSON at a parallel
URL always agree (as in Datasette). Each takes the app object (huibian.web.site.Site):
the store's read-only connection of this thread, and the cache kept per store version.
SQL takes values only as parameters; the few column names that vary come from fixed
whitelists in this module, never from a request.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import pandas as pd

from huibian import export, search
from huibian.link.frames import records
from huibian.models import KINDS, LEVELS, MEASURES
from huibian.web.site import Site


class NotFound(LookupError):
    """A report, indicator... that the store does not have (→ 404)."""


class BadParam(ValueError):
    """A request parameter outside what the store can answer (→ 400)."""


def has_search(site: Site) -> bool:
    """Whether the store has a search index (`huibian serve --reindex` makes one)."""
    return site.cached(
        "has_search",
        lambda: site.store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_fts'").fetchone() is not None,
    )


def clean(v: Any) -> Any:
    """JSON-safe scalar: NaN / NA → None, numpy → Python, whole floats → int."""
    return export.clean_value(v)


def fmt_value(v: Any) -> str:
    v = clean(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) < 1e15 else str(v)
    return str(v)


# -- library -------------------------------------------------------------------------------
@dataclass
class Library:
    total: int
    facts: int
    rows: list[dict[str, Any]]
    levels: list[tuple[str, int]]
    years: list[tuple[int, int]]
    regions: list[str]
    limit: int
    offset: int


@dataclass(frozen=True)
class Reports:
    """Which reports the library and the search ask for: part of a region's name (or a report
    id), a level, a year. '' is not given; a level outside the models' is a 400."""

    region: str | None = None
    level: str | None = None
    year: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "region", self.region or None)
        object.__setattr__(self, "level", self.level or None)
        if self.level and self.level not in LEVELS:
            raise BadParam(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")

    def sql(self) -> tuple[str, list[Any]]:
        sql, params = "", []
        if self.region:
            sql += " AND (region LIKE ? ESCAPE '\\' OR id = ?)"
            like = self.region.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params += ["%" + like + "%", self.region]
        if self.level:
            sql += " AND level = ?"
            params.append(self.level)
        if self.year is not None:
            sql += " AND year = ?"
            params.append(self.year)
        return sql, params


def library(site: Site, reports: Reports = Reports(), *, limit: int = 100, offset: int = 0) -> Library:  # noqa: B008
    """Reports matching the filters (a page of them), with counts for the filter menus."""
    where, params = reports.sql()
    conn = site.store.conn
    total = conn.execute("SELECT count(*) FROM reports WHERE 1=1" + where, params).fetchone()[0]
    cols = "id, region, parent, level, year, date, meeting, speaker, post, title, admin_code"
    rows = [
        dict(r)
        for r in conn.execute(
            f"SELECT {cols} FROM reports WHERE 1=1{where} ORDER BY year DESC, region, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    ]
    if rows:
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        counts = dict(
            conn.execute(
                f"SELECT report_id, count(*) FROM facts WHERE report_id IN ({marks}) GROUP BY report_id", ids
            )
        )
        for r in rows:
            r["facts"] = counts.get(r["id"], 0)
    nfacts = (
        site.cached("nfacts", lambda: conn.execute("SELECT count(*) FROM facts").fetchone()[0])
        if not where
        else conn.execute(
            "SELECT count(*) FROM facts WHERE report_id IN (SELECT id FROM reports WHERE 1=1" + where + ")",
            params,
        ).fetchone()[0]
    )
    levels = site.cached(
        "levels",
        lambda: [
            tuple(r)
            for r in conn.execute(
                "SELECT level, count(*) FROM reports WHERE level IS NOT NULL GROUP BY level ORDER BY 2 DESC"
            )
        ],
    )
    years = site.cached(
        "years",
        lambda: [
            tuple(r)
            for r in conn.execute("SELECT year, count(*) FROM reports GROUP BY year ORDER BY year DESC")
        ],
    )
    regions = site.cached(
        "regions", lambda: [r[0] for r in conn.execute("SELECT DISTINCT region FROM reports ORDER BY region")]
    )
    return Library(total, nfacts, rows, levels, years, regions, limit, offset)


# -- reports and facts -------------------------------------------------------------------
def report(site: Site, report_id: str) -> dict[str, Any]:
    if site.store.conn.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone() is None:
        raise NotFound(f"no report {report_id!r} in this store")
    return site.store.db.report(report_id)


def sections(site: Site, report_id: str) -> list[dict[str, Any]]:
    return export.records(site.store.db.sections(report_id))


FACT_FILTERS = ("report", "indicator", "kind", "period", "measure", "low_confidence")


def check_fact_filters(kind: str | None, measure: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise BadParam(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if measure is not None and measure not in MEASURES:
        raise BadParam(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")


def facts_frame(site: Site, **filters: Any) -> pd.DataFrame:
    """Facts with their store id (Database.facts), filters as in the API."""
    check_fact_filters(filters.get("kind"), filters.get("measure"))
    return site.store.db.facts(**filters)


def count_facts(site: Site, **filters: Any) -> int:
    column = {
        "report": "report_id",
        "indicator": "indicator",
        "kind": "kind",
        "period": "period",
        "measure": "measure",
        "low_confidence": "low_confidence",
    }
    sql, params = "SELECT count(*) FROM facts WHERE 1=1", []
    for key, val in filters.items():
        if val is not None and key in column:
            sql += f" AND {column[key]} = ?"
            params.append(int(val) if isinstance(val, bool) else val)
    return site.store.conn.execute(sql, params).fetchone()[0]


def facts_csv(df: pd.DataFrame) -> str:
    """Facts as CSV in the facts.md field order (what `huibian facts --format csv` writes)."""
    cols = [c for c in df.columns if c not in ("id", "value_text")]
    return pd.DataFrame(export.fact_records(df), columns=cols).to_csv(index=False)


def fact_items(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Fact rows for pages and scripts: the store id kept, a ratio's value as its text."""
    out = []
    for rec in export.records(df):
        text = rec.pop("value_text", None)
        if rec.get("measure") == "ratio" or rec.get("value") is None:
            rec["value"] = text
        out.append(rec)
    return out


def rows_of(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Table rows as JSON-ready dicts (column-wise: DataFrame.to_dict costs seconds on a big store)."""
    return [{k: clean(v) for k, v in r.items()} for r in records(df)]


# -- indicators ---------------------------------------------------------------------------
def indicators(site: Site) -> list[dict[str, Any]]:
    def compute() -> list[dict[str, Any]]:
        rows = site.store.conn.execute(
            "SELECT indicator, count(*), count(DISTINCT report_id), min(period), max(period) FROM facts"
            " WHERE indicator IS NOT NULL GROUP BY indicator ORDER BY 2 DESC"
        ).fetchall()
        return [dict(zip(("id", "facts", "reports", "first", "last"), r, strict=True)) for r in rows]

    return site.cached("indicators", compute)


def indicator_measures(site: Site, indicator: str) -> list[tuple[str, int]]:
    def compute() -> list[tuple[str, int]]:
        return [
            tuple(r)
            for r in site.store.conn.execute(
                "SELECT measure, count(*) FROM facts WHERE indicator = ? GROUP BY measure ORDER BY 2 DESC",
                (indicator,),
            )
        ]

    found = site.cached(("measures", indicator), compute)
    if not found:
        raise NotFound(f"no facts for indicator {indicator!r} in this store")
    return found


def default_places(site: Site, indicator: str, measure: str, n: int = 5) -> list[str]:
    def compute() -> list[str]:
        return [
            r[0]
            for r in site.store.conn.execute(
                "SELECT r.region, count(*) FROM facts f JOIN reports r ON r.id = f.report_id"
                " WHERE f.indicator = ? AND f.measure = ? AND f.scope = '' GROUP BY r.region ORDER BY 2 DESC, 1 LIMIT ?",
                (indicator, measure, n),
            )
        ]

    return site.cached(("places", indicator, measure, n), compute)


# -- search -------------------------------------------------------------------------------
def run_search(site: Site, q: str, reports: Reports = Reports(), *, limit: int = 20, offset: int = 0) -> search.Page:  # noqa: B008
    """search.search over the store, its refusals as 400s."""
    if not has_search(site):
        raise BadParam("this store has no search index: open it once with `huibian serve --reindex`")
    try:
        return search.search(
            site.store.conn, q, region=reports.region, level=reports.level, year=reports.year, limit=limit, offset=offset
        )
    except search.QueryError as e:
        raise BadParam(str(e)) from e
    except sqlite3.OperationalError as e:  # an FTS syntax the query builder let through
        raise BadParam(f"cannot search for {q!r}: {e}") from e
