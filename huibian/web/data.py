"""What the pages and the JSON API read: one place for every query the web app runs.

Pages and API routes call the same functions, so the HTML and the JSON at a parallel
URL always agree (as in Datasette). The store is opened read-only, one connection per
worker thread. SQL takes values only as parameters; the few column names that vary
come from fixed whitelists in this module, never from a request.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from huibian import export, search
from huibian.models import KINDS, LEVELS, MEASURES

OUTCOME_KINDS = ("actual", "estimate")
TARGET_STATUSES = ("met", "missed", "unknown")
MAX_PLACES = 12


class NotFound(LookupError):
    """A report, indicator... that the store does not have (→ 404)."""


class BadParam(ValueError):
    """A request parameter outside what the store can answer (→ 400)."""


class Store:
    """A read-only store shared by the app's worker threads."""

    def __init__(self, path: str | Path):
        from huibian.db import Database  # the Python API is the only way in

        self.path = Path(path)
        self._Database = Database
        self._local = threading.local()
        self._cache: dict[Any, Any] = {}
        self._cache_key: tuple | None = None
        self.targets = Targets(self)
        self.db  # noqa: B018 - open once now, so a missing store fails at start, not on first request

    @property
    def db(self):  # -> huibian.db.Database
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._Database(self.path, readonly=True)
            self._local.db = db
        return db

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def open(self):  # -> huibian.db.Database
        """A new read-only connection (for work that must not share a thread's one)."""
        return self._Database(self.path, readonly=True)

    def stamp(self) -> tuple:
        """Changes whenever the store file does (an ingest may run beside the app)."""
        return tuple(
            (p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None
            for p in (self.path, self.path.with_name(self.path.name + "-wal"))
        )

    def cached(self, key: Any, compute) -> Any:
        """Memoise a result until the store file changes."""
        stamp = self.stamp()
        with _cache_lock:
            if stamp != self._cache_key:
                self._cache, self._cache_key = {}, stamp
            if key in self._cache:
                return self._cache[key]
        value = compute()
        with _cache_lock:
            self._cache[key] = value
        return value

    # -- capabilities ------------------------------------------------------------------
    def has_search(self) -> bool:
        return self.cached(
            "has_search",
            lambda: (
                self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_fts'").fetchone()
                is not None
            ),
        )

    def has_targets(self) -> bool:
        return hasattr(self.db, "targets")


_cache_lock = threading.Lock()


def clean(v: Any) -> Any:
    """JSON-safe scalar: NaN / NA → None, numpy → Python, whole floats → int."""
    if v is pd.NA or v is pd.NaT:
        return None
    return export._clean_value(v)


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


def _report_filters(region: str | None, level: str | None, year: int | None) -> tuple[str, list[Any]]:
    sql, params = "", []
    if region:
        sql += " AND (region LIKE ? ESCAPE '\\' OR id = ?)"
        params += ["%" + region.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", region]
    if level:
        if level not in LEVELS:
            raise BadParam(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        sql += " AND level = ?"
        params.append(level)
    if year is not None:
        sql += " AND year = ?"
        params.append(year)
    return sql, params


def library(
    store: Store,
    *,
    region: str | None = None,
    level: str | None = None,
    year: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Library:
    """Reports matching the filters (a page of them), with counts for the filter menus."""
    where, params = _report_filters(region, level, year)
    conn = store.conn
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
        store.cached("nfacts", lambda: conn.execute("SELECT count(*) FROM facts").fetchone()[0])
        if not where
        else conn.execute(
            "SELECT count(*) FROM facts WHERE report_id IN (SELECT id FROM reports WHERE 1=1" + where + ")",
            params,
        ).fetchone()[0]
    )
    levels = store.cached(
        "levels",
        lambda: [
            tuple(r)
            for r in conn.execute(
                "SELECT level, count(*) FROM reports WHERE level IS NOT NULL GROUP BY level ORDER BY 2 DESC"
            )
        ],
    )
    years = store.cached(
        "years",
        lambda: [
            tuple(r)
            for r in conn.execute("SELECT year, count(*) FROM reports GROUP BY year ORDER BY year DESC")
        ],
    )
    regions = store.cached(
        "regions", lambda: [r[0] for r in conn.execute("SELECT DISTINCT region FROM reports ORDER BY region")]
    )
    return Library(total, nfacts, rows, levels, years, regions, limit, offset)


# -- reports and facts -------------------------------------------------------------------
def report(store: Store, report_id: str) -> dict[str, Any]:
    if store.conn.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone() is None:
        raise NotFound(f"no report {report_id!r} in this store")
    return store.db.report(report_id)


def sections(store: Store, report_id: str) -> list[dict[str, Any]]:
    return export.records(store.db.sections(report_id))


FACT_FILTERS = ("report", "indicator", "kind", "period", "measure", "low_confidence")


def check_fact_filters(kind: str | None, measure: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise BadParam(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if measure is not None and measure not in MEASURES:
        raise BadParam(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")


def facts_frame(store: Store, **filters: Any) -> pd.DataFrame:
    """Facts with their store id (Database.facts), filters as in the API."""
    check_fact_filters(filters.get("kind"), filters.get("measure"))
    return store.db.facts(**filters)


def count_facts(store: Store, **filters: Any) -> int:
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
    return store.conn.execute(sql, params).fetchone()[0]


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


# -- targets (accountability) -----------------------------------------------------------
def status_of(met: Any) -> str:
    met = clean(met)
    if met is None or (isinstance(met, str) and met == ""):
        return "unknown"
    if isinstance(met, str):
        return met if met in TARGET_STATUSES else "unknown"
    return "met" if bool(met) else "missed"


class Targets:
    """The store's targets table (Database.targets), computed once per store version.

    Linking reads the whole store, which takes seconds on a big one, so the table is
    computed in a background thread when the app starts, on a connection of its own,
    and shared by every worker thread. The reader does not wait for it (a target's
    outcome appears once it is ready); the targets page and API do.
    """

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._value: tuple[Any, list[dict[str, Any]], dict[str, list[dict[str, Any]]]] | None = None
        self._thread: threading.Thread | None = None
        self.error: str | None = None

    def start(self) -> None:
        if self.store.has_targets() and (self._thread is None or not self._thread.is_alive()):
            self._thread = threading.Thread(target=self.rows, name="huibian-targets", daemon=True)
            self._thread.start()

    def _current(self) -> tuple[Any, list[dict[str, Any]], dict[str, list[dict[str, Any]]]] | None:
        v = self._value
        return v if v is not None and v[0] == self.store.stamp() else None

    def rows(self) -> list[dict[str, Any]]:
        v = self._current()
        if v is not None:
            return v[1]
        with self._lock:
            v = self._current()
            if v is not None:
                return v[1]
            stamp = self.store.stamp()
            try:
                with self.store.open() as db:  # its own connection: this runs in the background thread
                    df = db.targets()
                self.error = None
            except Exception as e:  # noqa: BLE001 - a linking bug must not take the pages down
                self.error = f"target linking failed: {type(e).__name__}: {e}"
                return []
            cols = list(df.columns)  # column-wise: DataFrame.to_dict costs seconds on a big store
            rows = [
                {k: clean(v) for k, v in zip(cols, vals, strict=True)}
                for vals in zip(*(df[c].tolist() for c in cols), strict=True)
            ]
            by_report: dict[str, list[dict[str, Any]]] = {}
            for r in rows:
                r["status"] = status_of(r.get("met"))
                by_report.setdefault(r.get("target_report"), []).append(r)
            self._value = (stamp, rows, by_report)
            return rows

    def for_report(self, report_id: str) -> list[dict[str, Any]] | None:
        """The report's targets with outcomes, or None while the table is being computed."""
        v = self._current()
        if v is None:
            self.start()
            return None
        return v[2].get(report_id, [])


def targets(
    store: Store,
    *,
    region: str | None = None,
    indicator: str | None = None,
    year: int | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """Targets beside their outcomes (huibian.accountability), filtered.

    `region` matches the region name or a division code (as of the report year or today's).
    """
    if status is not None and status not in TARGET_STATUSES:
        raise BadParam(f"status must be one of {', '.join(TARGET_STATUSES)}, not {status!r}")
    if not store.has_targets():
        return []
    rows = store.targets.rows()
    if region:
        rows = [r for r in rows if region in (r.get("region"), r.get("admin_code"), r.get("current_code"))]
    if indicator:
        rows = [r for r in rows if r.get("indicator") == indicator]
    if year is not None:
        rows = [r for r in rows if r.get("year") == year]
    if status:
        rows = [r for r in rows if r["status"] == status]
    return rows


def outcomes_for_report(store: Store, rep: dict[str, Any]) -> dict[tuple, dict[str, Any]] | None:
    """Linked outcomes of a report's targets, keyed by (indicator, period, measure, quote);
    None while linking is still being computed."""
    if not store.has_targets():
        return {}
    rows = store.targets.for_report(rep["id"])
    if rows is None:
        return None
    return {(r.get("indicator"), r.get("year"), r.get("measure"), r.get("target_quote")): r for r in rows}


# -- indicators ---------------------------------------------------------------------------
def indicators(store: Store) -> list[dict[str, Any]]:
    def compute() -> list[dict[str, Any]]:
        rows = store.conn.execute(
            "SELECT indicator, count(*), count(DISTINCT report_id), min(period), max(period) FROM facts"
            " WHERE indicator IS NOT NULL GROUP BY indicator ORDER BY 2 DESC"
        ).fetchall()
        return [dict(zip(("id", "facts", "reports", "first", "last"), r, strict=True)) for r in rows]

    return store.cached("indicators", compute)


@dataclass
class Panel:
    indicator: str
    measure: str
    measures: list[str]
    places: list[str]
    unit: str
    rows: list[dict[str, Any]]  # one row per fact used: series outcome / target


def indicator_measures(store: Store, indicator: str) -> list[tuple[str, int]]:
    def compute() -> list[tuple[str, int]]:
        return [
            tuple(r)
            for r in store.conn.execute(
                "SELECT measure, count(*) FROM facts WHERE indicator = ? GROUP BY measure ORDER BY 2 DESC",
                (indicator,),
            )
        ]

    found = store.cached(("measures", indicator), compute)
    if not found:
        raise NotFound(f"no facts for indicator {indicator!r} in this store")
    return found


def default_places(store: Store, indicator: str, measure: str, n: int = 5) -> list[str]:
    def compute() -> list[str]:
        return [
            r[0]
            for r in store.conn.execute(
                "SELECT r.region, count(*) FROM facts f JOIN reports r ON r.id = f.report_id"
                " WHERE f.indicator = ? AND f.measure = ? AND f.scope = '' GROUP BY r.region ORDER BY 2 DESC, 1 LIMIT ?",
                (indicator, measure, n),
            )
        ]

    return store.cached(("places", indicator, measure, n), compute)


def related_places(store: Store, places: list[str], *, parent: bool, children: bool) -> list[str]:
    """The places plus, on request, each one's parent and children (from reports.parent)."""
    out = list(places)
    conn = store.conn
    for p in places:
        if parent:
            row = conn.execute(
                "SELECT parent FROM reports WHERE region = ? AND parent IS NOT NULL AND parent != '' LIMIT 1",
                (p,),
            ).fetchone()
            if row and row[0] not in out:
                out.append(row[0])
        if children:
            for (c,) in conn.execute(
                "SELECT DISTINCT region FROM reports WHERE parent = ? ORDER BY region", (p,)
            ):
                if c not in out:
                    out.append(c)
    return out[: MAX_PLACES * 3]


def panel(
    store: Store,
    indicator: str,
    *,
    places: list[str] | None = None,
    measure: str | None = None,
    parent: bool = False,
    children: bool = False,
) -> Panel:
    """One indicator over time for chosen places: the outcome of each year and the targets set."""
    measures = indicator_measures(store, indicator)
    names = [m for m, _ in measures]
    if measure is None:
        measure = "level" if "level" in names else names[0]
    elif measure not in MEASURES:
        raise BadParam(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    places = [p for p in (places or []) if p][:MAX_PLACES] or default_places(store, indicator, measure)
    places = related_places(store, places, parent=parent, children=children)
    if not places:
        return Panel(indicator, measure, names, [], "", [])
    marks = ",".join("?" * len(places))
    # reports first (region index), then each report's facts: fast however common the indicator
    rows = store.conn.execute(
        "SELECT f.id, r.region, f.report_id, r.year, f.period, f.kind, f.value, f.value_text, f.value_hi, f.unit,"
        " f.cmp, f.quote, f.value_base, f.unit_base FROM reports r CROSS JOIN facts f ON f.report_id = r.id"
        f" WHERE r.region IN ({marks}) AND f.indicator = ? AND f.measure = ? AND f.scope = ''"
        " ORDER BY r.region, f.period, r.year",
        [*places, indicator, measure],
    ).fetchall()
    facts = [dict(r) for r in rows]
    unit = _display_unit(facts)
    out: list[dict[str, Any]] = []
    best: dict[tuple[str, int], dict[str, Any]] = {}
    for f in facts:
        y = _convert(f, unit)
        if y is None:
            continue
        f["y"] = y
        if f["kind"] == "target":
            out.append({**f, "series": "target"})
        elif f["kind"] in OUTCOME_KINDS:
            key = (f["region"], f["period"])
            if key not in best or _outcome_rank(f) < _outcome_rank(best[key]):
                best[key] = f
    out += [{**f, "series": "outcome"} for f in best.values()]
    out.sort(key=lambda r: (r["region"], r["period"], r["series"] != "outcome", r["year"]))
    return Panel(indicator, measure, names, places, unit, out)


def _outcome_rank(f: dict[str, Any]) -> tuple:
    """Which statement of a year's outcome wins: the next year's report, actual over estimate."""
    return (f["year"] != f["period"] + 1, f["kind"] != "actual", -f["year"], f["id"])


def _display_unit(facts: list[dict[str, Any]]) -> str:
    units = Counter(f["unit"] for f in facts if f["unit"] is not None)
    return units.most_common(1)[0][0] if units else ""


def _convert(f: dict[str, Any], unit: str) -> float | None:
    """The fact's value in `unit` (through value_base when the units differ), or None."""
    v = f["value"]
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if f["unit"] == unit:
        return float(v)
    scale = _UNIT_SCALE.get(unit)
    if f["value_base"] is not None and scale:
        return float(f["value_base"]) / scale
    src = _UNIT_SCALE.get(f["unit"])
    if src and scale and _UNIT_BASE.get(f["unit"]) == _UNIT_BASE.get(unit):
        return float(v) * src / scale
    return None


_UNIT_SCALE = {
    "元": 1,
    "万元": 1e4,
    "亿元": 1e8,
    "万亿元": 1e12,
    "美元": 1,
    "万美元": 1e4,
    "亿美元": 1e8,
    "吨": 1,
    "万吨": 1e4,
    "亿吨": 1e8,
    "人": 1,
    "万人": 1e4,
    "户": 1,
    "万户": 1e4,
}
_UNIT_BASE = {u: ("美元" if "美元" in u else u[-1]) for u in _UNIT_SCALE}


# what the CSV download and the JSON API give of a panel row, in this order
PANEL_FIELDS = (
    "region",
    "period",
    "series",
    "kind",
    "y",
    "value",
    "value_hi",
    "unit",
    "cmp",
    "report_id",
    "id",
    "quote",
)


def panel_csv(p: Panel) -> str:
    cols = list(PANEL_FIELDS)
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in p.rows], columns=cols)
    df = df.rename(columns={"y": f"value_{p.unit or 'unit'}", "report_id": "report", "id": "fact_id"})
    df.insert(0, "measure", p.measure)
    df.insert(0, "indicator", p.indicator)
    return df.to_csv(index=False)


# -- search -------------------------------------------------------------------------------
def run_search(
    store: Store,
    q: str,
    *,
    region: str | None = None,
    level: str | None = None,
    year: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> search.Page:
    if level and level not in LEVELS:
        raise BadParam(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if not store.has_search():
        raise BadParam("this store has no search index: open it once with `huibian serve --reindex`")
    try:
        return search.search(
            store.conn, q, region=region or None, level=level or None, year=year, limit=limit, offset=offset
        )
    except search.QueryError as e:
        raise BadParam(str(e)) from e
    except sqlite3.OperationalError as e:  # an FTS syntax the query builder let through
        raise BadParam(f"cannot search for {q!r}: {e}") from e
