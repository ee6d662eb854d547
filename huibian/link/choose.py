"""Choosing the facts to link: one target per report and key, one outcome per place and key.

A target is a fact of kind `target`, scope "" (the region's own), with an indicator,
stated in the report of (place P, year t) for period t (annual) or a later period p (a
five-year plan's 年均增长 …, period = the plan's last year). Its outcome is a fact of
kind actual/estimate, scope "", same indicator and measure, period p, stated in P's
report of year p + 1 — the report that closes the period.

One fact per report. When a report states the same indicator/measure/period more than
once, the target taken is the first one inside a section whose role is `targets` (the
summary of the year's goals), else the first in the text; the outcome taken is the
first inside a `review` section, else the first in the text — and, among those, a figure
(10800亿元左右) before a bound (突破万亿元大关, 过万亿: a milestone, not the year's figure).
The rule is deterministic (ties broken by report id and position).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from huibian.link.cache import LinkCache, kept
from huibian.link.rules import rules
from huibian.models import MULTI_YEAR_MEASURES
from huibian.store import fact_select


@dataclass(frozen=True)
class Only:
    """The part of the store a filtered call needs: facts of these places / indicator / periods.

    Every choice of a fact is made within one (place or report, period, indicator, measure)
    group, and every reason for a missing outcome within one (place, period, indicator), so
    dropping whole places, indicators or periods first changes no other choice.
    """

    places: frozenset[str] | None = None
    indicator: str | None = None
    first: int | None = None  # periods first … last
    last: int | None = None

    @property
    def whole(self) -> bool:
        return self.places is None and self.indicator is None and self.first is None and self.last is None


WHOLE = Only()

# the fields of a fact that linking reads
_FIELDS = ["id", "report", "indicator", "period", "base_period", "kind", "measure", "value", "value_hi",
           "unit", "cmp", "quote", "start", "section"]
# numeric columns that may be null: float whatever part of the store is read
_DTYPES = {"base_period": "float64", "value_hi": "float64", "section": "float64"}
# sections nest a few deep; the bound stops a cycle of parents in a damaged store
_MAX_DEPTH = 64


def candidates(conn: sqlite3.Connection, pl: pd.DataFrame, only: Only = WHOLE) -> pd.DataFrame:
    """Facts that may be a target or an outcome, each with its report's year and place, and
    whether its section (or an ancestor) has a target role (`in_targets`) / an outcome role
    (`in_review`)."""
    kinds = ["target", *rules()["outcome_kinds"]]
    sql = (
        f"SELECT {fact_select(_FIELDS)} FROM facts"
        " WHERE indicator IS NOT NULL AND scope = '' AND value IS NOT NULL"
        f" AND kind IN ({','.join('?' * len(kinds))})"
    )
    params: list[Any] = list(kinds)
    if only.indicator is not None:
        sql += " AND indicator = ?"
        params.append(only.indicator)
    if only.first is not None:
        sql += " AND period >= ?"
        params.append(int(only.first))
    if only.last is not None:
        sql += " AND period <= ?"
        params.append(int(only.last))
    reports: list[str] | None = None
    if only.places is not None:
        reports = list(pl.loc[pl["place"].isin(only.places), "report"])
        sql += " AND report_id IN (SELECT value FROM json_each(?))"
        params.append(_json(reports))
    df = query(conn, sql, params, _DTYPES)
    df = df.merge(pl[["report", "year", "place"]], on="report", how="inner")
    flags = _section_flags(
        conn, reports, {"in_targets": rules()["target_roles"], "in_review": rules()["outcome_roles"]}
    )
    at = flags.index.get_indexer(pd.MultiIndex.from_arrays([df["report"], df["section"].astype("Int64")]))
    for name in flags.columns:
        flag = np.zeros(len(df), dtype=bool)
        flag[at >= 0] = flags[name].to_numpy()[at[at >= 0]]
        df[name] = flag
    return df


def _json(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)


def query(conn: sqlite3.Connection, sql: str, params: list[Any], dtypes: dict[str, str]) -> pd.DataFrame:
    """A query as a DataFrame, read as plain tuples (sqlite3.Row costs more than the query)."""
    cur = conn.cursor()
    cur.row_factory = None
    try:
        cur.execute(sql, params)
        names = [d[0] for d in cur.description]
        df = pd.DataFrame.from_records(cur.fetchall(), columns=names, coerce_float=True)
    finally:
        cur.close()
    return df.astype(dtypes)


def _section_flags(
    conn: sqlite3.Connection, reports: list[str] | None, wanted: dict[str, list[str]]
) -> pd.DataFrame:
    """Per (report, section idx), for each name in `wanted`: whether the section or one of its
    ancestors has one of the name's roles (sections of `reports`, or of all reports)."""
    sql, params = "SELECT report_id AS report, idx, parent, role FROM sections", []
    if reports is not None:
        sql += " WHERE report_id IN (SELECT value FROM json_each(?))"
        params = [_json(reports)]
    sec = query(conn, sql, params, {"parent": "float64"})
    index = pd.MultiIndex.from_arrays([sec["report"], sec["idx"].astype("Int64")])
    # each section's parent as a row number (-1: none, or not in the table), then walk up
    up = index.get_indexer(pd.MultiIndex.from_arrays([sec["report"], sec["parent"].astype("Int64")]))
    up[sec["parent"].isna().to_numpy()] = -1
    out = {}
    for name, roles in wanted.items():
        has = sec["role"].isin(roles).to_numpy()
        flag, cur = has.copy(), up.copy()
        for _ in range(_MAX_DEPTH):
            live = cur >= 0
            if not live.any():
                break
            flag[live] |= has[cur[live]]
            cur[live] = up[cur[live]]
        out[name] = flag
    return pd.DataFrame(out, index=index)


def _pick(df: pd.DataFrame, keys: list[str], in_role: str, *, figures_first: bool = False) -> pd.DataFrame:
    """One row per key: first inside a section with the role (column `in_role`), else first in the
    text; with `figures_first`, a stated figure before a bound (cmp ge / le)."""
    if df.empty:
        return df
    bound = df["cmp"].isin(("ge", "le")).to_numpy() if figures_first else np.zeros(len(df), dtype=bool)
    df = df.assign(_off=np.where(df[in_role].to_numpy(), 0, 2) + bound)
    df = df.sort_values(["_off", "report", "start", "id"], kind="stable")
    return df.drop_duplicates(keys, keep="first").drop(columns="_off")


@dataclass(frozen=True)
class Linked:
    """The facts chosen from a part of the store: targets (one per report and key), outcomes
    (one per place and key), and the (place, period, indicator) of every multi-year figure
    the closing reports state (for `only a multi-year figure`)."""

    targets: pd.DataFrame
    outcomes: pd.DataFrame
    multi_year: pd.DataFrame

    def cut(self, only: Only) -> Linked:
        return Linked(_cut(self.targets, only), _cut(self.outcomes, only), _cut(self.multi_year, only))


def choose(conn: sqlite3.Connection, pl: pd.DataFrame, only: Only) -> Linked:
    """The chosen targets and outcomes of the part `only` of the store, each with its place."""
    facts = candidates(conn, pl, only)
    t = facts[(facts["kind"] == "target") & (facts["period"] >= facts["year"])]
    t = _pick(t, ["report", "period", "indicator", "measure"], "in_targets")
    closing = facts[facts["kind"].isin(rules()["outcome_kinds"]) & (facts["year"] == facts["period"] + 1)]
    o = _pick(closing, ["place", "period", "indicator", "measure"], "in_review", figures_first=True)
    multi = closing.loc[closing["measure"].isin(MULTI_YEAR_MEASURES), ["place", "period", "indicator"]]
    return Linked(t, o, multi.drop_duplicates())


def linked(conn: sqlite3.Connection, pl: pd.DataFrame, only: Only = WHOLE, cache: LinkCache | None = None) -> Linked:
    """`choose`, through the cache: the whole store's choice is kept and a part is cut from it."""
    whole = kept(cache, conn, "linked", only.whole, lambda: choose(conn, pl, WHOLE))
    return choose(conn, pl, only) if whole is None else whole.cut(only)


def _cut(df: pd.DataFrame, only: Only) -> pd.DataFrame:
    if only.places is not None:
        df = df[df["place"].isin(only.places)]
    if only.indicator is not None:
        df = df[df["indicator"] == only.indicator]
    if only.first is not None:
        df = df[df["period"] >= int(only.first)]
    if only.last is not None:
        df = df[df["period"] <= int(only.last)]
    return df
