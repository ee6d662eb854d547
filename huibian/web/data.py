"""What the pages and the JSON API read: one place for every query the web app runs.

Pages and API routes call the same functions, so the HTML and the JSON at a parallel
URL always agree (as in Datasette). The store is opened read-only, one connection per
worker thread. SQL takes values only as parameters; the few column names that vary
come from fixed whitelists in this module, never from a request.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from huibian import export, link, search
from huibian.link.frames import records
from huibian.models import KINDS, LEVELS, MEASURES


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


_cache_lock = threading.Lock()


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


# -- targets (huibian.link) ----------------------------------------------------------------
@dataclass(frozen=True)
class Tables:
    """The whole linked tables the pages select from (with their key columns), and the places."""

    targets: pd.DataFrame
    panel: pd.DataFrame
    places: pd.DataFrame


class Targets:
    """The store's whole targets table and panel (huibian.link), computed once per store version.

    Linking reads the whole store, which takes seconds on a big one, so the tables are
    computed in a background thread when the app starts, on a connection of its own,
    and shared by every worker thread; pages select from them with huibian.link.select
    and select_panel, the functions `huibian targets` and `huibian panel` use. The reader
    does not wait for them (a target's outcome appears once they are ready); the targets
    page, the indicator page and their API twins do.
    """

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._value: tuple[Any, Tables] | None = None
        self._thread: threading.Thread | None = None
        self.error: str | None = None

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self.tables, name="huibian-targets", daemon=True)
            self._thread.start()

    def _current(self) -> Tables | None:
        v = self._value
        return v[1] if v is not None and v[0] == self.store.stamp() else None

    def tables(self) -> Tables | None:
        """The linked tables, or None when linking failed (`error` says why)."""
        v = self._current()
        if v is not None:
            return v
        with self._lock:
            v = self._current()
            if v is None:
                stamp = self.store.stamp()
                try:
                    with self.store.open() as db:  # its own connection: this runs in the background thread
                        cache = link.LinkCache()  # the panel reuses the targets' linking
                        df, pl = link.targets_frame(db.conn, cache)
                        v = Tables(df, link.panel_frame(db.conn, cache), pl)
                    self.error = None
                except Exception as e:  # noqa: BLE001 - a linking bug must not take the pages down
                    self.error = f"target linking failed: {type(e).__name__}: {e}"
                    return None
                self._value = (stamp, v)
        return v

    def for_report(self, report_id: str) -> list[dict[str, Any]] | None:
        """The report's targets with outcomes (rows of the targets table), or None while the
        tables are being computed."""
        v = self._current()
        if v is None:
            self.start()
            return None
        df = v.targets
        return rows_of(link.select(df[df["target_report"] == report_id], v.places, link.Filters()))


def rows_of(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Table rows as JSON-ready dicts (column-wise: DataFrame.to_dict costs seconds on a big store)."""
    return [{k: clean(v) for k, v in r.items()} for r in records(df)]


# -- indicators ---------------------------------------------------------------------------
def indicators(store: Store) -> list[dict[str, Any]]:
    def compute() -> list[dict[str, Any]]:
        rows = store.conn.execute(
            "SELECT indicator, count(*), count(DISTINCT report_id), min(period), max(period) FROM facts"
            " WHERE indicator IS NOT NULL GROUP BY indicator ORDER BY 2 DESC"
        ).fetchall()
        return [dict(zip(("id", "facts", "reports", "first", "last"), r, strict=True)) for r in rows]

    return store.cached("indicators", compute)


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


# -- text measures (huibian/measures/) ------------------------------------------------------------
MEASURE_SCALES = ("per_10k_chars", "per_word")
MEASURE_ROLES = ("", "front", "review", "problems", "targets", "tasks", "other")


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
    from huibian import measures

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


def default_measure_places(store: Store, n: int = 3) -> list[str]:
    def compute() -> list[str]:
        return [
            r[0]
            for r in store.conn.execute(
                "SELECT region, count(*) FROM reports GROUP BY region ORDER BY 2 DESC, 1 LIMIT ?", (n,)
            )
        ]

    return store.cached(("measure_places", n), compute)


def measure_panel(
    store: Store,
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
    from huibian import measures
    from huibian.web.linked import MAX_PLACES, related_places  # linked builds on this module

    places = [p for p in (places or []) if p][:MAX_PLACES] or default_measure_places(store)
    places = related_places(store, places, parent=parent, children=children)
    memo = store.cached("measures_memo", dict)
    todo = [0]

    def progress(done: int, total: int) -> None:
        todo[0] = total

    df = measures.measures(
        store.conn,
        [dictionary],
        by="role" if role else "report",
        filters=measures.Filters.make(region=places),
        roles=[role] if role else (),
        workers=1,
        memo=memo,
        progress=progress,
    )
    return MeasurePanel(dictionary, places, role, scale, df, todo[0])
