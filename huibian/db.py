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
from huibian.models import HuibianError
from huibian.pipeline import Options

REPORT_COLUMNS = [
    "id", "region", "parent", "level", "year", "date", "meeting", "speaker", "post", "title", "source",
    "source_start", "source_end", "admin_code", "content_hash",
]
FACT_COLUMNS = [
    "report", "indicator", "name", "scope", "period", "base_period", "kind", "measure", "value", "value_hi",
    "unit", "cmp", "quote", "start", "end", "section", "value_base", "unit_base", "confidence", "low_confidence",
]


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
        low_confidence: bool | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> pd.DataFrame:
        """Facts in the facts.md format (plus start/end/section/value_base/unit_base and `id`).

        `value` is numeric (NaN for ratios); `value_text` holds the value as a string,
        which for a ratio is the ratio itself (16:49:35). From scanned pages, `confidence`
        is the OCR confidence of the fact's number and `low_confidence` marks one to check
        on the page (`low_confidence=True` selects them).
        """
        sql = (
            "SELECT id, report_id AS report, indicator, name, scope, period, base_period, kind, measure, value,"
            ' value_text, value_hi, unit, cmp, quote, start, "end", section, value_base, unit_base, confidence,'
            " low_confidence = 1 AS low_confidence FROM facts WHERE 1=1"
        )
        params: list[Any] = []
        if low_confidence is not None:
            sql += " AND low_confidence = ?"
            params.append(int(bool(low_confidence)))
        for col, val in (("report_id", report), ("indicator", indicator), ("kind", kind), ("period", period),
                         ("measure", measure)):
            if val is not None:
                sql += f" AND {col} = ?"
                params.append(val)
        sql += " ORDER BY report_id, seq"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        df = pd.read_sql_query(sql, self.conn, params=params)
        df["low_confidence"] = df["low_confidence"].astype(bool)
        return df

    # -- accountability (huibian/accountability.py) ------------------------------------
    def _links(self):  # -> accountability.LinkCache
        """Linked tables kept for this Database until its store changes (freed with it)."""
        from huibian import accountability

        cache = self.__dict__.get("_link_cache")
        if cache is None:
            cache = self._link_cache = accountability.LinkCache()
        return cache

    def targets(self, *, region: str | None = None, indicator: str | None = None, year: int | None = None) -> pd.DataFrame:
        """Each target beside the outcome the next year's report states for it (met, gap, quotes)."""
        from huibian import accountability

        return accountability.targets(self.conn, region=region, indicator=indicator, year=year, cache=self._links())

    def levels(self, *, region: str | None = None, indicator: str | None = None, year: int | None = None) -> pd.DataFrame:
        """The escalation table: each place's target beside its parent's and children's."""
        from huibian import accountability

        return accountability.levels(self.conn, region=region, indicator=indicator, year=year, cache=self._links())

    def panel(self, *, region: str | None = None, indicator: str | None = None, year: int | None = None) -> pd.DataFrame:
        """Tidy place × year × indicator panel of targets and outcomes."""
        from huibian import accountability

        return accountability.panel(self.conn, region=region, indicator=indicator, year=year, cache=self._links())

    def places(self) -> pd.DataFrame:
        """Every report's division (code, level, parent) as of its year, and today's code."""
        from huibian import accountability

        return accountability.places(self.conn)

    def scopes(self) -> pd.DataFrame:
        """Each report's fact scopes resolved to the divisions they name (四县(市) → four counties)."""
        from huibian import accountability

        return accountability.scopes(self.conn)

    def load_stats(self, path: str | Path) -> int:
        """Load official statistics (CSV: admin_code, year, indicator, measure, value)."""
        from huibian import accountability

        return accountability.load_stats(self.conn, path)

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


def open(path: str | Path = store.DEFAULT_DB, *, readonly: bool = False) -> Database:  # noqa: A001
    """Open a store (created on first use unless readonly)."""
    return Database(path, readonly=readonly)


__all__ = ["Database", "open", "Options", "FACT_COLUMNS", "REPORT_COLUMNS"]
