"""The Python API: `huibian.open(path)` → Database, whose methods return DataFrames.

Every CLI command has a twin here; the CLI is a thin layer over these methods.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd

from huibian import store
from huibian.ingest import IngestSummary, ingest
from huibian.models import FACT_FIELDS, HuibianError
from huibian.pipeline import Options

REPORT_COLUMNS = [
    "id", "region", "parent", "level", "year", "date", "meeting", "speaker", "post", "title", "source",
    "source_start", "source_end", "admin_code", "content_hash",
]
FACT_COLUMNS = list(FACT_FIELDS)  # the exchange format's fields (models.Fact), in its order


class Database:
    """A huibian store. Read methods never write; `ingest` is the one writer."""

    def __init__(self, path: str | Path = store.DEFAULT_DB, *, readonly: bool = False):
        self.path = Path(path)
        self.conn: sqlite3.Connection = store.connect(self.path, readonly=readonly)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------
    def ingest(self, paths: list[str | Path], **kwargs: Any) -> IngestSummary:
        """Ingest files or directories (see huibian.ingest.ingest for the options)."""
        return ingest(paths, self.conn, **kwargs)

    def index(self, *, rebuild: bool = False) -> int:
        """Add reports missing from the search index (all of them with `rebuild`); returns how many."""
        from huibian import search

        return search.update(self.conn, rebuild=rebuild)

    def unindexed(self) -> int | None:
        """How many reports the search index lacks; None when the store has no index at all."""
        from huibian import search

        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_docs'").fetchone() is None:
            return None
        return search.missing(self.conn)

    def version(self) -> tuple[int, int, int] | None:
        """A key that moves whenever the store may have changed (a commit through any connection,
        in any process): what caches over the store are kept under. Comparable only between
        calls on the same Database; None inside an open write transaction."""
        from huibian.link.cache import store_version

        return store_version(self.conn)

    # -- reading -------------------------------------------------------------------
    def reports(self, *, region: str | None = None, year: int | None = None, level: str | None = None) -> pd.DataFrame:
        sql = f"SELECT {', '.join(REPORT_COLUMNS)} FROM reports WHERE 1=1"
        params: list[Any] = []
        for col, val in (("region", region), ("year", year), ("level", level)):
            if val is not None:
                sql += f" AND {col} = ?"
                params.append(val)
        sql += " ORDER BY year, region, id"
        return pd.read_sql_query(sql, self.conn, params=params)

    def report(self, report_id: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
        if row is None:
            raise HuibianError(f"no report {report_id!r} in {self.path} — `huibian reports` lists them")
        out = dict(row)
        for key in ("offsets", "pages", "repairs", "repair_counts", "warnings", "ocr"):
            out[key] = json.loads(out[key]) if out[key] else None
        return out

    def text(self, report_id: str) -> str:
        return self.report(report_id)["text"]

    def sections(self, report_id: str) -> pd.DataFrame:
        self.report(report_id)
        return pd.read_sql_query(
            'SELECT idx, parent, depth, number, title, role, start, "end" FROM sections WHERE report_id = ? ORDER BY idx',
            self.conn,
            params=[report_id],
        )

    def facts(
        self,
        *,
        report: str | None = None,
        indicator: str | None = None,
        kind: str | None = None,
        period: int | None = None,
        measure: str | None = None,
        region: str | list[str] | None = None,
        children: bool = False,
        level: str | None = None,
        horizon: str | None = None,
        year: Any = None,
        low_confidence: bool | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> pd.DataFrame:
        """Facts in the facts.md format (plus start/end/section/value_base/unit_base and `id`).

        `value` is numeric (NaN for ratios); `value_text` holds the value as a string,
        which for a ratio is the ratio itself (16:49:35). `region` (with `children`) and
        `level` select reports by their place (huibian.link.places), `horizon` annual or
        multi-year figures (huibian.link.horizon), `year` the period: 2015 or 2015-2020.
        From scanned pages, `confidence` is the OCR confidence of the fact's number and
        `low_confidence` marks one to check on the page (`low_confidence=True` selects them).
        """
        from huibian.link import horizon as horizons
        from huibian.link.filters import Filters

        f = Filters.of(region=region, children=children, level=level, measure=measure, horizon=horizon, year=year)
        sql = f"SELECT f.id AS id, {store.fact_select()} FROM facts f WHERE 1=1"
        params: list[Any] = []
        if low_confidence is not None:
            sql += " AND f.low_confidence = ?"
            params.append(int(bool(low_confidence)))
        for col, val in (("report_id", report), ("indicator", indicator), ("kind", kind), ("period", period),
                         ("measure", f.measure)):
            if val is not None:
                sql += f" AND f.{col} = ?"
                params.append(val)
        if f.first is not None:
            sql += " AND f.period >= ?"
            params.append(f.first)
        if f.last is not None:
            sql += " AND f.period <= ?"
            params.append(f.last)
        if f.horizon is not None:
            rule = horizons.sql_multi_year()
            sql += f" AND {'' if f.horizon == horizons.MULTI_YEAR else 'NOT '}(SELECT {rule} FROM reports r WHERE r.id = f.report_id)"
        if f.region or f.level:
            pl = self.places()
            keys = f.places(pl)
            pl = pl if keys is None else pl[pl["place"].isin(keys)]
            pl = pl if f.level is None else pl[pl["level"] == f.level]
            sql += " AND f.report_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(pl["report"]), ensure_ascii=False))
        sql += " ORDER BY f.report_id, f.seq"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        df = pd.read_sql_query(sql, self.conn, params=params)
        for name in store.SEQUENCE_FIELDS:  # stored as JSON text
            df[name] = [json.loads(v) if isinstance(v, str) else [] for v in df[name]]
        df["low_confidence"] = df["low_confidence"].fillna(0).astype(bool)
        return df

    def audit(self, *, checks: tuple[str, ...] | None = None) -> pd.DataFrame:
        """Flags on facts that are probably wrong (huibian/audit.py): one row per flag."""
        from huibian import audit

        return audit.audit(self.facts(), self.reports(), checks=checks or audit.CHECKS)

    # -- accountability (huibian/link/) ------------------------------------------------
    def link_cache(self):  # -> link.LinkCache
        """Linked tables kept for this Database until its store changes (freed with it)."""
        from huibian import link

        cache = self.__dict__.get("_link_cache")
        if cache is None:
            cache = self._link_cache = link.LinkCache()
        return cache

    def targets(self, **filters: Any) -> pd.DataFrame:
        """Each target beside the outcome the next year's report states for it (met, gap, units, quotes).

        Filters: region (with children), level, indicator, measure, horizon, year (2015 or
        2015-2020); `with_=("parent", "children")` pairs each target with its parent's and
        children's (long; `wide=True` for one row per target). See huibian.link.targets.
        """
        from huibian import link

        return link.targets(self.conn, **filters, cache=self.link_cache())

    def levels(self, **filters: Any) -> pd.DataFrame:
        """The escalation table: each place's target beside its parent's and children's (huibian.link.levels)."""
        from huibian import link

        return link.levels(self.conn, **filters, cache=self.link_cache())

    def panel(self, **filters: Any) -> pd.DataFrame:
        """Tidy place × year × indicator panel of targets and outcomes (huibian.link.panel)."""
        from huibian import link

        return link.panel(self.conn, **filters, cache=self.link_cache())

    def promises(self, region: str, year: int) -> pd.DataFrame:
        """A place's promises of `year` beside its results for the year before (huibian.link.promises)."""
        from huibian import link

        return link.promises(self.conn, region, year, cache=self.link_cache())

    def places(self) -> pd.DataFrame:
        """Every report's division (code, level, parent) as of its year, and today's code."""
        from huibian import link

        return link.place_table(self.conn, self.link_cache())

    def scopes(self) -> pd.DataFrame:
        """Each report's fact scopes resolved to the divisions they name (四县(市) → four counties)."""
        from huibian import link

        return link.scopes(self.conn)

    def load_stats(self, path: str | Path) -> int:
        """Load official statistics (CSV: admin_code, year, indicator, measure, value)."""
        from huibian import link

        return link.load_stats(self.conn, path)

    # -- search (huibian/search.py) ------------------------------------------------------
    def search(
        self,
        q: str,
        *,
        region: str | None = None,
        level: str | None = None,
        year: int | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> pd.DataFrame:
        """Reports containing every term of `q` (exact character match), best first: one row per
        report with its number of hits and the first in context; `.attrs["total"]` counts them all."""
        from huibian import search

        page = search.search(
            self.conn, q, region=region, level=level, year=year, limit=limit, offset=offset, snippets=1
        )
        rows = [
            {
                "report": r.report, "region": r.region, "level": r.level, "year": r.year, "title": r.title,
                "score": r.score, "hits": r.n_hits, "first": r.hits[0].start if r.hits else None,
                "snippet": search.plain_snippet(self.text(r.report), r.hits[0]) if r.hits else "",
            }
            for r in page.results
        ]
        columns = ["report", "region", "level", "year", "title", "score", "hits", "first", "snippet"]
        df = pd.DataFrame(rows, columns=columns)
        df.attrs["total"] = page.total
        return df

    # -- text measures (huibian/measures/) ------------------------------------------------
    def measures(
        self,
        dicts: Any = None,
        *,
        by: str = "report",
        region: str | list[str] | None = None,
        level: str | None = None,
        year: int | str | tuple[int, int] | None = None,
        report: str | list[str] | None = None,
        roles: list[str] | tuple[str, ...] = (),
        workers: int | None = None,
        progress: Any = None,
    ) -> pd.DataFrame:
        """Attention measures: one row per report (per role with by="role") and dictionary —
        region, admin_code, level, year, chars, words, total, per_word, per_10k_chars and a
        column per term. `dicts`: built-in names, dictionary files, or Dictionary objects
        (default: environment). Counts are kept in the store, so a second call is fast;
        joins `panel()` on region and year."""
        from huibian import measures

        filters = measures.Filters.make(region=region, level=level, year=year, report=report)
        return measures.measures(
            self.conn, dicts, by=by, filters=filters, roles=roles, workers=workers, progress=progress,
            memo=self.__dict__.setdefault("_measure_memo", {}),
        )

    def kwic(
        self,
        term: str | None = None,
        *,
        dicts: Any = None,
        region: str | list[str] | None = None,
        level: str | None = None,
        year: int | str | tuple[int, int] | None = None,
        report: str | list[str] | None = None,
        roles: list[str] | tuple[str, ...] = (),
        words: int = 8,
        limit: int | None = None,
        base_url: str = "",
        excluded: bool = False,
        progress: Any = None,
    ) -> pd.DataFrame:
        """Each counted occurrence of `term` (or of a dictionary's terms): report, role,
        offsets, `words` jieba words either side, and a link into the web reader. With
        `excluded`: the occurrences the counting rules set aside, and why."""
        from huibian import measures

        filters = measures.Filters.make(region=region, level=level, year=year, report=report)
        return measures.kwic(
            self.conn, term, dicts=dicts, filters=filters, roles=roles, words=words, limit=limit, base_url=base_url,
            excluded=excluded, progress=progress,
        )

    @staticmethod
    def dictionaries() -> pd.DataFrame:
        """The built-in dictionaries: name, terms, source, and whether the list is a paper's."""
        from huibian import measures

        rows = [
            {
                "name": d.name, "title": d.title, "terms": len(d.terms), "terms_from": "paper" if not d.own else "project",
                "source": d.source.get("citation", ""), "version": d.version, "list": " ".join(d.terms),
            }
            for d in measures.builtins()
        ]
        return pd.DataFrame(rows, columns=["name", "title", "terms", "terms_from", "source", "version", "list"])


def open(path: str | Path = store.DEFAULT_DB, *, readonly: bool = False) -> Database:  # noqa: A001
    """Open a store (created on first use unless readonly)."""
    return Database(path, readonly=readonly)


__all__ = ["Database", "open", "Options", "FACT_COLUMNS", "REPORT_COLUMNS"]
