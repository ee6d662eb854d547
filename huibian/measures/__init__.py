"""Text measures: how much a report talks about something (attention indices) and where.

    measures(conn, ["environment"])  → one row per report and dictionary: length in
                                        characters and jieba words, each term's count,
                                        total, share per word and per 10,000 characters
    kwic(conn, "环保")                → each counted occurrence with its context

The counting rules are in huibian/measures/count.py (and the README); dictionaries
are data (huibian/data/dictionaries/, or a user's file).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from huibian.measures.compute import Filters, Progress, counts, frame, select_reports
from huibian.measures.dictionaries import (
    Dictionary,
    DictionaryError,
    builtin_names,
    builtins,
    from_terms,
    load,
)
from huibian.measures.kwic import kwic as _kwic

DictSpec = str | Path | Dictionary


def dictionaries_of(specs: DictSpec | Sequence[DictSpec] | None) -> list[Dictionary]:
    """Dictionaries from names, files or Dictionary objects (default: environment)."""
    if specs is None:
        specs = ["environment"]
    if isinstance(specs, str | Path | Dictionary):
        specs = [specs]
    out = [load(s) for s in specs]
    names = [d.name for d in out]
    for n in names:
        if names.count(n) > 1:
            raise DictionaryError(f"two dictionaries are named {n!r}; rename one (the `name:` of its YAML, or the file)")
    return out


def measures(
    conn: sqlite3.Connection,
    dicts: DictSpec | Sequence[DictSpec] | None = None,
    *,
    by: str = "report",
    filters: Filters | None = None,
    roles: Sequence[str] = (),
    workers: int | None = None,
    progress: Progress | None = None,
    memo: dict | None = None,
) -> pd.DataFrame:
    """The measures table (compute.frame) of the reports `filters` choose; reports that could
    not be counted are left out and listed in `.attrs["errors"]`."""
    ds = dictionaries_of(dicts)
    reports = select_reports(conn, filters or Filters())
    by = "role" if roles and by == "report" else by
    errors: list[tuple[str, str]] = []
    bases, dc = counts(
        conn, ds, reports, workers=workers, progress=progress, memo=memo, whole=by == "report", errors=errors
    )
    df = frame(reports, ds, bases, dc, by=by)
    df.attrs["errors"] = errors  # (report, problem) of reports left out
    if roles:
        df = df[df["role"].isin(list(roles))].reset_index(drop=True)
    return df


def kwic(
    conn: sqlite3.Connection,
    term: str | None = None,
    *,
    dicts: DictSpec | Sequence[DictSpec] | None = None,
    filters: Filters | None = None,
    roles: Sequence[str] = (),
    words: int = 8,
    limit: int | None = None,
    base_url: str = "",
    excluded: bool = False,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Occurrences of `term` (or of every term of `dicts`) with their context; with
    `excluded`, those the counting rules set aside, with the reason."""
    if term is not None and dicts is not None:
        raise DictionaryError("give a term or a dictionary, not both")
    if term is not None:
        d = from_terms([term], name=term, where=f"term {term!r}")
    else:
        ds = dictionaries_of(dicts)
        if len(ds) != 1:
            raise DictionaryError("kwic takes one dictionary at a time")
        d = ds[0]
    return _kwic(
        conn, d, filters or Filters(), roles=roles, words=words, limit=limit, base_url=base_url, excluded=excluded,
        progress=progress,
    )


__all__ = [
    "Dictionary", "DictionaryError", "Filters", "builtin_names", "builtins", "from_terms", "kwic", "load",
    "measures", "dictionaries_of",
]
