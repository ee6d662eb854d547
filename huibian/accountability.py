"""Targets held against outcomes: across years (t's target ↔ t+1's outcome) and levels.

All functions take a sqlite3 connection to a store and return DataFrames; the CLI
(huibian/cli/accountability.py) and the Python API (Database.targets / levels /
panel / places) are thin layers over them.

Linking rule. A target is a fact of kind `target`, scope "" (the region's own), with
an indicator, stated in the report of (place P, year t) for period t (annual) or a
later period p (a five-year plan's 年均增长 …, period = the plan's last year). Its
outcome is the fact of kind actual/estimate, scope "", same indicator and measure,
period p, stated in P's report of year p + 1 — the report that closes the period.
A place is followed through renames by today's division (徐水县 2014 and 徐水区 2016
are one place), so the pair spans a rename.

One fact per report. When a report states the same indicator/measure/period more
than once, the target taken is the first one inside a section whose role is
`targets` (the summary of the year's goals), else the first in the text; the
outcome taken is the first inside a `review` section, else the first in the text.
The rule is deterministic (ties broken by report id and position).

`met` is judged on the signed values by the target's cmp (huibian/data/accountability.yaml)
with the indicator's direction from the taxonomy; it is null when the outcome is
missing or in a unit that cannot be converted.

Cost. Linking reads the candidate facts in one query and works on whole columns (a
10,000-report store links in seconds); a call filtered by region, indicator or year
reads only its part of the store. A Database keeps the tables it computed in a
LinkCache until `store_version` says the store changed (a commit by any connection).
"""

from __future__ import annotations

import csv
import functools
import math
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from huibian import resolve
from huibian.models import HuibianError, ReportMeta
from huibian.taxonomy import Taxonomy

PLACE_COLUMNS = [
    "report",
    "region",
    "year",
    "admin_code",
    "name",
    "kind",
    "level",
    "parent_code",
    "parent_region",
    "province_code",
    "province",
    "current_code",
    "current_name",
    "place",
    "parent_place",
    "status",
    "reason",
]
TARGET_COLUMNS = [
    "region",
    "admin_code",
    "current_code",
    "level",
    "indicator",
    "year",
    "measure",
    "horizon",
    "unit",
    "target_value",
    "target_value_hi",
    "target_cmp",
    "target_quote",
    "target_report",
    "outcome_value",
    "outcome_unit",
    "outcome_kind",
    "outcome_quote",
    "outcome_report",
    "met",
    "gap",
    "official_value",
    "official_met",
    "official_gap",
    "claim_gap",
    "note",
    "target_start",
    "target_end",
    "outcome_start",
    "outcome_end",
]
LEVEL_COLUMNS = [
    "year",
    "indicator",
    "measure",
    "horizon",
    "region",
    "admin_code",
    "level",
    "target_value",
    "target_value_hi",
    "target_cmp",
    "target_report",
    "parent_region",
    "parent_code",
    "parent_target",
    "parent_cmp",
    "diff_parent",
    "children_n",
    "children_mean",
    "children_min",
    "children_max",
    "diff_children_mean",
    "children",
]
# a panel row's place: copied from its report's row in `places`
_PANEL_PLACE_COLUMNS = [
    "admin_code",
    "current_code",
    "region",
    "level",
    "kind",
    "parent_code",
    "parent_region",
    "province_code",
    "province",
]
PANEL_COLUMNS = [
    *_PANEL_PLACE_COLUMNS,
    "year",
    "indicator",
    "measure",
    "horizon",
    "unit",
    "target_value",
    "target_value_hi",
    "target_cmp",
    "target_report",
    "outcome_value",
    "outcome_kind",
    "outcome_report",
    "met",
    "gap",
    "official_value",
]
STATS_COLUMNS = ["admin_code", "year", "indicator", "measure", "value"]

# Stata variable labels (<= 80 chars) for the columns these tables add
LABELS: dict[str, str] = {
    "current_code": "today's GB/T 2260 code of the place",
    "current_name": "today's name of the place",
    "name": "official division name in that year",
    "kind": "division kind (county_city, district, banner ...)",
    "parent_code": "parent division code in that year",
    "parent_region": "parent division name in that year",
    "province_code": "province code",
    "province": "province name",
    "place": "place key (today's code)",
    "parent_place": "parent place key",
    "status": "resolution status ok/ambiguous/unknown",
    "reason": "how the place was resolved, or why not",
    "horizon": "annual or multi-year target",
    "target_value": "target as stated",
    "target_value_hi": "upper end of a target range",
    "target_cmp": "target qualifier eq/ge/le/approx/range",
    "target_quote": "sentence stating the target",
    "target_report": "report stating the target",
    "outcome_value": "outcome for the year, stated in the next report",
    "outcome_unit": "unit of the outcome",
    "outcome_kind": "actual or estimate",
    "outcome_quote": "sentence stating the outcome",
    "outcome_report": "report stating the outcome",
    "met": "target met (1) / missed (0) / unknown (.)",
    "gap": "outcome minus target, in the target's unit",
    "official_value": "official statistic loaded by the user",
    "official_met": "target met by the official statistic",
    "official_gap": "official statistic minus target",
    "claim_gap": "outcome claimed minus official statistic",
    "note": "why met is unknown",
    "target_start": "target quote start offset in its report",
    "target_end": "target quote end offset in its report",
    "outcome_start": "outcome quote start offset in its report",
    "outcome_end": "outcome quote end offset in its report",
    "parent_target": "parent's target, same year/indicator/measure",
    "parent_cmp": "parent's target qualifier",
    "diff_parent": "target minus parent's target",
    "children_n": "children with a target in the store",
    "children_mean": "mean of the children's targets",
    "children_min": "lowest child target",
    "children_max": "highest child target",
    "diff_children_mean": "children's mean target minus this target",
    "children": "children's targets (name value)",
}


@functools.cache
def _rules() -> dict[str, Any]:
    text = resources.files("huibian").joinpath("data/accountability.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


# -- places -----------------------------------------------------------------------------


def places(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every report's place: its division as of the report year, parent, province and today's code."""
    rows = conn.execute(
        "SELECT id, region, year, level, parent, date, source, admin_code FROM reports ORDER BY year, region, id"
    ).fetchall()
    # many reports share a (code, year): describe each once (a pure function of the two)
    memo: dict[tuple[str, int], resolve.Resolution] = {}

    def describe(code: str, year: int) -> resolve.Resolution:
        res = memo.get((code, year))
        if res is None:
            res = memo[(code, year)] = resolve.describe(code, year)
        return res

    out = []
    for r in rows:
        r = dict(r)
        if r["admin_code"]:
            res = describe(r["admin_code"], r["year"])
        else:
            meta = ReportMeta(
                id=r["id"],
                region=r["region"],
                year=r["year"],
                start=0,
                end=0,
                parent=r["parent"],
                level=r["level"],
                date=r["date"],
                source=r["source"],
            )
            res = resolve.resolve_report(meta)
            if res.status == "ambiguous":
                text = conn.execute("SELECT text FROM reports WHERE id = ?", (r["id"],)).fetchone()[0]
                res = resolve.resolve_report(meta, text)
        out.append(_place_row(r, res, describe))
    return pd.DataFrame(out, columns=PLACE_COLUMNS)


def _place_row(
    r: dict[str, Any], res: resolve.Resolution, describe: Callable[[str, int], resolve.Resolution]
) -> dict[str, Any]:
    parent = res.parent
    prov = next((a for a in res.chain if a.level == "province"), None)
    if res.level == "province":
        prov = resolve.Division(res.code or "", res.name or "", res.kind or "", "province")
    place = res.current_code or res.code or f"?{r['region']}"
    parent_place = None
    if parent is not None:
        parent_place = describe(parent.code, r["year"]).current_code or parent.code
    return {
        "report": r["id"],
        "region": r["region"],
        "year": r["year"],
        "admin_code": res.code,
        "name": res.name,
        "kind": res.kind,
        "level": res.level or r.get("level"),
        "parent_code": parent.code if parent else None,
        "parent_region": parent.name if parent else None,
        "province_code": prov.code if prov else None,
        "province": prov.name if prov else None,
        "current_code": res.current_code,
        "current_name": "、".join(c.name for c in res.current) or None,
        "place": place,
        "parent_place": parent_place,
        "status": res.status,
        "reason": res.reason,
    }


SCOPE_COLUMNS = ["report", "region", "year", "scope", "facts", "status", "admin_codes", "names", "reason"]


def scopes(conn: sqlite3.Connection) -> pd.DataFrame:
    """Each distinct fact scope of each report, resolved to the divisions it names.

    `四县(市)` in 锦州市-2012 → the four county-level divisions of 锦州 in 2012;
    `锦州港` → none (a port, not a division). Status: place / group / partial / none.
    """
    pl = places(conn).set_index("report")
    rows = conn.execute(
        "SELECT report_id, scope, COUNT(*) AS n FROM facts WHERE scope != '' GROUP BY report_id, scope"
        " ORDER BY report_id, scope"
    ).fetchall()
    out = []
    for rep, scope, n in rows:
        p = pl.loc[rep] if rep in pl.index else None
        code = p["admin_code"] if p is not None else None
        year = int(p["year"]) if p is not None else None
        sp = resolve.resolve_scope(scope, year, code)
        out.append(
            {
                "report": rep,
                "region": p["region"] if p is not None else None,
                "year": year,
                "scope": scope,
                "facts": n,
                "status": sp.status,
                "admin_codes": " ".join(d.code for d in sp.divisions) or None,
                "names": "、".join(d.name for d in sp.divisions) or None,
                "reason": sp.reason,
            }
        )
    return pd.DataFrame(out, columns=SCOPE_COLUMNS)


# -- official statistics ------------------------------------------------------------------


def load_stats(conn: sqlite3.Connection, path: str | Path) -> int:
    """Load official statistics from a CSV with columns admin_code, year, indicator, measure, value.

    An optional `unit` column is kept. Rows replace earlier ones with the same key.
    Returns the number of rows loaded. Raises HuibianError naming the line at fault.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise HuibianError(f"{path}: cannot read ({e.strerror})") from e
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in STATS_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise HuibianError(f"{path}: missing column(s) {', '.join(missing)}; need {', '.join(STATS_COLUMNS)}")
    rows = []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for line, rec in enumerate(reader, start=2):
        code = (rec["admin_code"] or "").strip()
        if len(code) != 6 or not code.isdigit():
            raise HuibianError(f"{path}:{line}: admin_code {code!r} is not a 6-digit GB/T 2260 code")
        try:
            year, value = int(rec["year"]), float(rec["value"])
        except (TypeError, ValueError) as e:
            raise HuibianError(
                f"{path}:{line}: year and value must be numbers ({rec['year']!r}, {rec['value']!r})"
            ) from e
        if not rec["indicator"] or not rec["measure"]:
            raise HuibianError(f"{path}:{line}: indicator and measure are required")
        rows.append(
            (
                code,
                year,
                rec["indicator"].strip(),
                rec["measure"].strip(),
                value,
                (rec.get("unit") or None),
                str(path),
                now,
            )
        )
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO official_stats (admin_code, year, indicator, measure, value, unit, source,"
            " loaded_at) VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
    return len(rows)


def stats(conn: sqlite3.Connection) -> pd.DataFrame:
    return pd.read_sql_query(
        "SELECT admin_code, year, indicator, measure, value, unit, source FROM official_stats"
        " ORDER BY admin_code, year, indicator, measure",
        conn,
    )


# -- the store's version: what a kept result depends on ------------------------------------


def store_version(conn: sqlite3.Connection) -> tuple[int, int, int] | None:
    """A key that changes whenever the store seen through `conn` may have changed.

    `PRAGMA data_version` moves when another connection (this process or another)
    commits, `schema_version` on any schema change, `total_changes` when this connection
    writes. None inside an open write transaction: what it reads may yet be rolled back.
    The three are exact for one connection, and cost three calls to SQLite.
    """
    if conn.in_transaction:
        return None
    data = conn.execute("PRAGMA data_version").fetchone()[0]
    schema = conn.execute("PRAGMA schema_version").fetchone()[0]
    return (data, schema, conn.total_changes)


class LinkCache:
    """Linked tables of one connection's store, kept until the store changes.

    A Database holds one for its connection (never a module-wide cache: a connection
    and its tables live only as long as their Database). Every value is dropped when
    `store_version` moves, so an ingest through the same Database, or a commit by
    another process, is seen by the next call.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._version: tuple[int, int, int] | None = None
        self._values: dict[str, Any] = {}

    def get(self, conn: sqlite3.Connection, name: str, compute: Callable[[], Any]) -> Any:
        """The kept value `name`, computed (and kept) when the store changed since."""
        with self._lock:
            version = store_version(conn)
            if version is None:
                return compute()
            if version != self._version:
                self._version, self._values = version, {}
            if name in self._values:
                return self._values[name]
            value = compute()
            # kept under the version read before computing (a commit meanwhile makes it stale),
            # unless a nested call saw the store move on: then it is not kept at all
            if self._version == version:
                self._values[name] = value
            return value

    def peek(self, conn: sqlite3.Connection, name: str) -> Any:
        """The kept value `name` if the store is unchanged since it was computed, else None."""
        with self._lock:
            version = store_version(conn)
            if version is None or version != self._version:
                return None
            return self._values.get(name)


def _kept(
    cache: LinkCache | None, conn: sqlite3.Connection, name: str, whole: bool, compute: Callable[[], Any]
) -> Any:
    """A whole table from the cache: computed and kept on a whole-store call; on a filtered
    call only taken if already there (None: the call computes just its part)."""
    if cache is None:
        return None
    return cache.get(conn, name, compute) if whole else cache.peek(conn, name)


def _places(conn: sqlite3.Connection, cache: LinkCache | None) -> pd.DataFrame:
    return cache.get(conn, "places", lambda: places(conn)) if cache is not None else places(conn)


# -- choosing facts -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Only:
    """The part of the store a filtered call needs: facts of these places / indicator / period.

    Every choice of a fact is made within one (place or report, period, indicator, measure)
    group, so dropping whole places, indicators or periods first changes no other choice.
    """

    places: frozenset[str] | None = None
    indicator: str | None = None
    period: int | None = None

    @property
    def whole(self) -> bool:
        return self.places is None and self.indicator is None and self.period is None


_WHOLE = _Only()

# beyond this many reports a place filter is applied after reading (SQL parameters are bounded)
_MAX_IN = 900
# numeric columns of _facts that may be null: float whatever part of the store is read
_FACT_DTYPES = {
    "base_period": "float64",
    "value_hi": "float64",
    "section": "float64",
    "value_base": "float64",
}
# sections nest a few deep; the bound stops a cycle of parents in a damaged store
_MAX_DEPTH = 64


def _facts(conn: sqlite3.Connection, pl: pd.DataFrame, only: _Only = _WHOLE) -> pd.DataFrame:
    """Facts that may be a target or an outcome, each with its report's year and place, and
    whether its section (or an ancestor) has a target role (`in_targets`) / an outcome role
    (`in_review`)."""
    rules = _rules()
    kinds = ["target", *rules["outcome_kinds"]]
    sql = (
        "SELECT id, report_id AS report, indicator, period, base_period, kind, measure, value, value_hi,"
        " unit, cmp, quote, start, section, value_base, unit_base FROM facts"
        " WHERE indicator IS NOT NULL AND scope = '' AND value IS NOT NULL"
        f" AND kind IN ({','.join('?' * len(kinds))})"
    )
    params: list[Any] = kinds
    if only.indicator is not None:
        sql += " AND indicator = ?"
        params.append(only.indicator)
    if only.period is not None:
        sql += " AND period = ?"
        params.append(int(only.period))
    reports: list[str] | None = None
    if only.places is not None:
        reports = list(pl.loc[pl["place"].isin(only.places), "report"])
        if len(reports) > _MAX_IN:
            reports = None  # read all, keep the places' rows below
        else:
            sql += f" AND report_id IN ({','.join('?' * len(reports))})"
            params += reports
    df = _query(conn, sql, params, _FACT_DTYPES)
    df = df.merge(pl[["report", "year", "place"]], on="report", how="inner")
    if only.places is not None:
        df = df[df["place"].isin(only.places)]
    flags = _section_flags(
        conn, reports, {"in_targets": rules["target_roles"], "in_review": rules["outcome_roles"]}
    )
    at = flags.index.get_indexer(pd.MultiIndex.from_arrays([df["report"], df["section"].astype("Int64")]))
    for name in flags.columns:
        flag = np.zeros(len(df), dtype=bool)
        flag[at >= 0] = flags[name].to_numpy()[at[at >= 0]]
        df[name] = flag
    return df


def _query(conn: sqlite3.Connection, sql: str, params: list[Any], dtypes: dict[str, str]) -> pd.DataFrame:
    """A query as a DataFrame, read as plain tuples (sqlite3.Row costs more than the query)."""
    cur = conn.cursor()
    cur.row_factory = None
    try:
        cur.execute(sql, params)
        columns = [d[0] for d in cur.description]
        df = pd.DataFrame.from_records(cur.fetchall(), columns=columns, coerce_float=True)
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
        sql += f" WHERE report_id IN ({','.join('?' * len(reports))})"
        params = list(reports)
    sec = _query(conn, sql, params, {"parent": "float64"})
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


def _pick(df: pd.DataFrame, keys: list[str], in_role: str) -> pd.DataFrame:
    """One row per key: first inside a section with the role (column `in_role`), else first in the text."""
    if df.empty:
        return df
    df = df.assign(_off=np.where(df[in_role].to_numpy(), 0, 1))
    df = df.sort_values(["_off", "report", "start", "id"], kind="stable")
    return df.drop_duplicates(keys, keep="first").drop(columns="_off")


def _link(conn: sqlite3.Connection, pl: pd.DataFrame, only: _Only) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(picked targets, picked outcomes) of the part `only` of the store, each with its place."""
    facts = _facts(conn, pl, only)
    rules = _rules()
    t = facts[(facts["kind"] == "target") & (facts["period"] >= facts["year"])]
    t = _pick(t, ["report", "period", "indicator", "measure"], "in_targets")
    o = facts[facts["kind"].isin(rules["outcome_kinds"]) & (facts["year"] == facts["period"] + 1)]
    o = _pick(o, ["place", "period", "indicator", "measure"], "in_review")
    return t, o


def _linked(
    conn: sqlite3.Connection, pl: pd.DataFrame, only: _Only = _WHOLE, cache: LinkCache | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`_link`, through the cache: the whole store's links are kept and a part is cut from them."""
    whole = _kept(cache, conn, "linked", only.whole, lambda: _link(conn, pl, _WHOLE))
    if whole is None:
        return _link(conn, pl, only)
    return tuple(_cut(df, only) for df in whole)  # type: ignore[return-value]


def _cut(df: pd.DataFrame, only: _Only) -> pd.DataFrame:
    if only.places is not None:
        df = df[df["place"].isin(only.places)]
    if only.indicator is not None:
        df = df[df["indicator"] == only.indicator]
    if only.period is not None:
        df = df[df["period"] == int(only.period)]
    return df


# -- judging -----------------------------------------------------------------------------------


def judge(
    cmp: str, target: float, target_hi: float | None, outcome: float | None, direction: str, percent: bool
) -> bool | None:
    """Whether `outcome` meets the target (None when it cannot be told)."""
    if outcome is None or target is None or _nan(outcome) or _nan(target):
        return None
    eps = 1e-9
    if cmp == "ge":
        return outcome >= target - eps
    if cmp == "le":
        return outcome <= target + eps
    if cmp == "approx":
        a = _rules()["approx"]
        tol = a["percent_tolerance_pp"] if percent else abs(target) * a["level_tolerance_share"]
        return abs(outcome - target) <= tol + eps
    if cmp == "range" and target_hi is not None and not _nan(target_hi):
        lo, hi = min(target, target_hi), max(target, target_hi)
        if lo - eps <= outcome <= hi + eps:
            return True
        return outcome > hi if direction == "higher" else outcome < lo
    if direction == "lower":
        return outcome <= target + eps
    return outcome >= target - eps


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _num(v: Any) -> float | None:
    return None if _nan(v) else float(v)


# -- the tables ------------------------------------------------------------------------------------


def targets(
    conn: sqlite3.Connection,
    *,
    region: str | None = None,
    indicator: str | None = None,
    year: int | None = None,
    taxonomy: Taxonomy | None = None,
    cache: LinkCache | None = None,
) -> pd.DataFrame:
    """Each target beside the outcome the next report states for it (TARGET_COLUMNS).

    With a `cache` (Database.targets passes its own) the whole table is kept until the
    store changes; a filtered call with nothing kept links only the part it needs.
    """
    pl = _places(conn, cache)
    only = _only(pl, region, indicator, year)
    whole = _kept(
        cache if taxonomy is None else None,
        conn,
        "targets",
        only.whole,
        lambda: _targets_table(conn, pl, *_linked(conn, pl, _WHOLE, cache), None),
    )
    df = whole if whole is not None else _targets_table(conn, pl, *_linked(conn, pl, only, cache), taxonomy)
    return _finish(_filter(df, pl, region=region, indicator=indicator, year=year), _TARGET_FLOATS)


def _only(pl: pd.DataFrame, region: str | None, indicator: str | None, year: int | None) -> _Only:
    return _Only(
        places=frozenset(_region_keys(pl, region)) if region else None,
        indicator=indicator or None,
        period=int(year) if year is not None else None,
    )


def _targets_table(
    conn: sqlite3.Connection, pl: pd.DataFrame, t: pd.DataFrame, o: pd.DataFrame, taxonomy: Taxonomy | None
) -> pd.DataFrame:
    """The targets table of the picked targets `t` and outcomes `o`, in its order.

    Column-wise: each target is joined to its outcome by (place, period, indicator, measure),
    then met and gap are computed on whole columns (a row loop costs seconds on a big store).
    """
    tax = taxonomy or Taxonomy.load()
    rules = _rules()
    keys = ["place", "period", "indicator", "measure"]
    ocols = ["report", "value", "unit", "kind", "quote", "start", "base_period", "value_base", "unit_base"]
    m = t.merge(o[keys + ocols].rename(columns={c: f"o_{c}" for c in ocols}), on=keys, how="left")
    m = m.merge(pl[["report", "region", "admin_code", "current_code", "level"]], on="report", how="left")
    linked = m["o_report"].notna().to_numpy()
    # an outcome counted from another base year (比2010年翻一番) is not this target's outcome
    clash = linked & (m["base_period"].notna() & m["o_base_period"].notna()).to_numpy()
    clash = clash & (m["base_period"] != m["o_base_period"]).to_numpy()
    linked = linked & ~clash
    # the outcome in the target's unit: as stated, or through the base unit (亿元 ↔ 万元)
    value, o_value = m["value"].to_numpy(float), m["o_value"].to_numpy(float)
    same_unit = (m["unit"] == m["o_unit"]).to_numpy(bool)
    base = (
        (m["unit_base"].notna() & (m["unit_base"] != "") & (m["unit_base"] == m["o_unit_base"])).to_numpy(
            bool
        )
        & m["value_base"].notna().to_numpy()
        & m["o_value_base"].notna().to_numpy()
        & (value != 0)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        via_base = m["o_value_base"].to_numpy(float) / (m["value_base"].to_numpy(float) / value)
    ov = np.where(linked & same_unit, o_value, np.where(linked & ~same_unit & base, via_base, np.nan))
    units_differ = linked & ~same_unit & ~base
    # why there is no outcome (or met cannot be told)
    note = np.full(len(m), None, dtype=object)
    has_next = pd.MultiIndex.from_arrays([m["place"], m["period"] + 1]).isin(
        pd.MultiIndex.from_arrays([pl["place"], pl["year"]])
    )
    note[~linked & ~clash & has_next] = "no outcome stated"
    at = np.flatnonzero(~linked & ~clash & ~has_next)
    note[at] = [f"no report for {p + 1} in the store" for p in m["period"].iloc[at].tolist()]
    at = np.flatnonzero(units_differ)
    note[at] = [f"units differ ({u} / {ou})" for u, ou in _columns(m.iloc[at], "unit", "o_unit")]
    at = np.flatnonzero(clash)
    note[at] = [
        f"outcome counts from {ob}, target from {b}"
        for b, ob in _columns(m.iloc[at], "base_period", "o_base_period")
    ]
    direction = m["indicator"].map({i: tax.direction(i) for i in m["indicator"].unique()})
    percent = m["unit"].isin(rules["percent_units"]) | m["measure"].isin(_PERCENT_MEASURES)
    official = _official(conn)
    off = np.array(
        [
            official.get(
                (code, period, ind, meas),
                official.get((cur, period, ind, meas)) if cur == cur and cur else None,
            )
            for code, cur, period, ind, meas in _columns(
                m, "admin_code", "current_code", "period", "indicator", "measure"
            )
        ],
        dtype=float,
    )
    judged = functools.partial(
        _judge_all, m["cmp"], value, m["value_hi"].to_numpy(float), direction=direction, percent=percent
    )
    start = m["start"].to_numpy()
    o_start = np.where(linked, m["o_start"].to_numpy(float), np.nan)
    keep = pd.Series(linked, index=m.index)
    df = pd.DataFrame(
        {
            "region": m["region"],
            "admin_code": m["admin_code"],
            "current_code": m["current_code"],
            "level": m["level"],
            "indicator": m["indicator"],
            "year": m["period"].astype("int64"),
            "measure": m["measure"],
            "horizon": np.where(m["period"] == m["year"], "annual", "multi-year"),
            "unit": m["unit"],
            "target_value": value,
            "target_value_hi": m["value_hi"],
            "target_cmp": m["cmp"],
            "target_quote": m["quote"],
            "target_report": m["report"],
            "outcome_value": np.where(linked, o_value, np.nan),
            "outcome_unit": m["o_unit"].where(keep),
            "outcome_kind": m["o_kind"].where(keep),
            "outcome_quote": m["o_quote"].where(keep),
            "outcome_report": m["o_report"].where(keep),
            "met": judged(ov),
            "gap": np.round(ov - value, 6),
            "official_value": off,
            "official_met": judged(off),
            "official_gap": np.round(off - value, 6),
            "claim_gap": np.round(ov - off, 6),
            "note": note,
            "target_start": start.astype("int64"),
            "target_end": start + m["quote"].str.len().to_numpy(),
            "outcome_start": o_start,
            "outcome_end": o_start + m["o_quote"].str.len().to_numpy(float),
        },
        columns=TARGET_COLUMNS,
    )
    df = _typed(df, ["met", "official_met"], _TARGET_FLOATS, ["year", "target_start", "target_end"])
    return df.sort_values(["region", "year", "indicator", "measure", "target_report"], kind="stable")


_PERCENT_MEASURES = ("growth", "avg_growth", "cum_growth", "share", "change_pp")


def _judge_all(
    cmp: pd.Series,
    target: np.ndarray,
    target_hi: np.ndarray,
    outcome: np.ndarray,
    *,
    direction: pd.Series,
    percent: pd.Series,
) -> pd.arrays.BooleanArray:
    """`judge` on whole columns (NaN outcome → NA)."""
    cmp, higher, lower = (
        cmp.to_numpy(object),
        (direction == "higher").to_numpy(bool),
        (direction == "lower").to_numpy(bool),
    )
    a, eps = _rules()["approx"], 1e-9
    tol = np.where(
        percent.to_numpy(bool), a["percent_tolerance_pp"], np.abs(target) * a["level_tolerance_share"]
    )
    lo, hi = np.fmin(target, target_hi), np.fmax(target, target_hi)
    with np.errstate(invalid="ignore"):
        met = np.select(
            [cmp == "ge", cmp == "le", cmp == "approx", (cmp == "range") & ~np.isnan(target_hi)],
            [
                outcome >= target - eps,
                outcome <= target + eps,
                np.abs(outcome - target) <= tol + eps,
                ((lo - eps <= outcome) & (outcome <= hi + eps))
                | np.where(higher, outcome > hi, outcome < lo),
            ],
            default=np.where(lower, outcome <= target + eps, outcome >= target - eps),
        )
    return pd.array(np.where(np.isnan(outcome) | np.isnan(target), None, met), dtype="boolean")


def _official(conn: sqlite3.Connection) -> dict[tuple[str, int, str, str], float]:
    try:
        rows = conn.execute(
            "SELECT admin_code, year, indicator, measure, value FROM official_stats"
        ).fetchall()
    except sqlite3.OperationalError:  # a store from before migration 3, opened read-only
        return {}
    return {(r[0], int(r[1]), r[2], r[3]): float(r[4]) for r in rows}


def levels(
    conn: sqlite3.Connection,
    *,
    region: str | None = None,
    indicator: str | None = None,
    year: int | None = None,
    cache: LinkCache | None = None,
) -> pd.DataFrame:
    """Each place's target beside its parent's and its children's (the escalation table).

    One row per (place, year, indicator, measure, horizon) target. `--region R` keeps R's
    row and its children's rows (each with R as parent), so R's whole step down shows.
    `cache` as in `targets`.
    """
    pl = _places(conn, cache)
    # a row needs its parent's and children's targets: only indicator and year narrow the linking
    only = _Only(indicator=indicator or None, period=int(year) if year is not None else None)
    whole = _kept(
        cache,
        conn,
        "levels",
        only.whole,  # with --region alone the whole table is computed anyway: keep it
        lambda: _levels_table(pl, _linked(conn, pl, _WHOLE, cache)[0]),
    )
    df = whole if whole is not None else _levels_table(pl, _linked(conn, pl, only, cache)[0])
    if region:
        keys = _region_keys(pl, region)
        df = df[df["_place"].isin(keys) | df["_parent_place"].isin(keys)]
    return _finish(
        _indicator_year(df, indicator, year).drop(columns=["_place", "_parent_place", "_lv"]), _LEVEL_FLOATS
    )


def _levels_table(pl: pd.DataFrame, t: pd.DataFrame) -> pd.DataFrame:
    """The escalation table of the picked targets `t`, in its order, with the place keys."""
    info = _by_report(pl)
    t = t.assign(
        horizon=["annual" if p == y else "multi-year" for p, y in zip(t["period"], t["year"], strict=True)],
        parent_place=[info[r]["parent_place"] for r in t["report"]],
    )
    # one target per place and key: the earliest report (a plan's own report for multi-year targets)
    t = t.sort_values(["year", "report"], kind="stable").drop_duplicates(
        ["place", "period", "indicator", "measure", "horizon"]
    )
    rows = _records(t)
    by_place = {(r["place"], r["period"], r["indicator"], r["measure"], r["horizon"]): r for r in rows}
    kids: dict[tuple, list] = {}
    for r in rows:
        if r["parent_place"]:
            key = (r["parent_place"], r["period"], r["indicator"], r["measure"], r["horizon"])
            kids.setdefault(key, []).append(r)
    out = []
    for r in rows:
        p = info[r["report"]]
        key = (r["place"], r["period"], r["indicator"], r["measure"], r["horizon"])
        par = by_place.get((r["parent_place"], *key[1:])) if r["parent_place"] else None
        ch = sorted(kids.get(key, []), key=lambda x: x["place"])
        vals = [float(c["value"]) for c in ch]
        mean = round(sum(vals) / len(vals), 6) if vals else None
        out.append(
            {
                "year": int(r["period"]),
                "indicator": r["indicator"],
                "measure": r["measure"],
                "horizon": r["horizon"],
                "region": p["region"],
                "admin_code": p["admin_code"],
                "level": p["level"],
                "target_value": r["value"],
                "target_value_hi": _num(r["value_hi"]),
                "target_cmp": r["cmp"],
                "target_report": r["report"],
                "parent_region": info[par["report"]]["region"] if par is not None else p["parent_region"],
                "parent_code": p["parent_code"],
                "parent_target": par["value"] if par is not None else None,
                "parent_cmp": par["cmp"] if par is not None else None,
                "diff_parent": round(r["value"] - par["value"], 6) if par is not None else None,
                "children_n": len(ch),
                "children_mean": mean,
                "children_min": min(vals) if vals else None,
                "children_max": max(vals) if vals else None,
                "diff_children_mean": round(mean - r["value"], 6) if mean is not None else None,
                "children": "; ".join(
                    f"{info[c['report']]['region']} {_cmp_mark(c['cmp'])}{_show(c['value'])}" for c in ch
                )
                or None,
                "_place": r["place"],
                "_parent_place": r["parent_place"],
            }
        )
    df = pd.DataFrame(out, columns=[*LEVEL_COLUMNS, "_place", "_parent_place"])
    df = _typed(df, [], _LEVEL_FLOATS, ["year", "children_n"])
    order = {"national": 0, "province": 1, "city": 2, "district": 3, "county": 3}
    df = df.assign(_lv=df["level"].map(order).fillna(4))
    return df.sort_values(["indicator", "measure", "horizon", "year", "_lv", "admin_code"], kind="stable")


def _show(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _cmp_mark(cmp: str) -> str:
    return {"ge": "≥", "le": "≤", "approx": "~"}.get(cmp, "")


def panel(
    conn: sqlite3.Connection,
    *,
    region: str | None = None,
    indicator: str | None = None,
    year: int | None = None,
    cache: LinkCache | None = None,
) -> pd.DataFrame:
    """Tidy place × year × indicator × measure panel of targets and outcomes (PANEL_COLUMNS).

    Rows: every linked target (as in `targets`), plus every outcome no target claims.
    Multi-year targets restated in later reports keep the earliest report's target.
    `cache` as in `targets`.
    """
    pl = _places(conn, cache)
    only = _only(pl, region, indicator, year)  # a place's rows need only that place's facts
    whole = _kept(cache, conn, "panel", only.whole, lambda: _panel_table(conn, pl, _WHOLE, cache))
    df = whole if whole is not None else _panel_table(conn, pl, only, cache)
    if region:
        df = df[df["_place"].isin(_region_keys(pl, region))]
    return _finish(_indicator_year(df, indicator, year).drop(columns="_place"), _PANEL_FLOATS)


def _panel_table(
    conn: sqlite3.Connection, pl: pd.DataFrame, only: _Only, cache: LinkCache | None
) -> pd.DataFrame:
    """The panel of the part `only` of the store, in its order, with the place key."""
    t, o = _linked(conn, pl, only, cache)

    def build() -> pd.DataFrame:
        return _targets_table(conn, pl, t, o, None)

    tg = cache.get(conn, "targets", build) if cache is not None and only.whole else build()
    tg = tg.reset_index(drop=True)
    info = _by_report(pl)
    tg = tg.assign(
        _order=[int(r.split("-")[-1]) if r.split("-")[-1].isdigit() else 0 for r in tg["target_report"]]
    )
    tg = tg.sort_values(["_order", "target_report"], kind="stable")
    tg = tg.assign(_place=[info[r]["place"] for r in tg["target_report"]])
    tg = tg.drop_duplicates(["_place", "year", "indicator", "measure", "horizon"]).drop(columns="_order")
    claimed = tg[tg["outcome_report"].notna()]
    used = set(
        zip(claimed["outcome_report"], claimed["year"], claimed["indicator"], claimed["measure"], strict=True)
    )
    official = _official(conn)
    rows = []
    for r in _records(tg):
        rows.append(_panel_row(info[r["target_report"]], r))
    for orow in _records(o):
        if (orow["report"], orow["period"], orow["indicator"], orow["measure"]) in used:
            continue
        p = info[orow["report"]]
        off = official.get((p["admin_code"], int(orow["period"]), orow["indicator"], orow["measure"]))
        rows.append(
            _panel_row(
                p,
                {
                    "year": int(orow["period"]),
                    "indicator": orow["indicator"],
                    "measure": orow["measure"],
                    "horizon": "multi-year" if orow["measure"] in ("avg_growth", "cum_growth") else "annual",
                    "unit": orow["unit"],
                    "outcome_value": orow["value"],
                    "outcome_kind": orow["kind"],
                    "outcome_report": orow["report"],
                    "official_value": off,
                    "_place": orow["place"],
                },
            )
        )
    df = pd.DataFrame(rows, columns=[*PANEL_COLUMNS, "_place"])
    df = _typed(df, ["met"], _PANEL_FLOATS, ["year"])
    return df.sort_values(["region", "year", "indicator", "measure", "horizon"], kind="stable")


def _panel_row(p: dict[str, Any], r: dict[str, Any]) -> dict[str, Any]:
    row = {c: r.get(c) for c in PANEL_COLUMNS}
    for c in _PANEL_PLACE_COLUMNS:
        row[c] = p[c]
    row["_place"] = r.get("_place", p["place"])
    return row


def for_output(df: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """Nullable booleans as the format wants them: 1/0/missing for Stata, true/false/null elsewhere."""
    df = df.copy()
    for col in df.columns:
        if str(df[col].dtype) == "boolean":
            if fmt == "dta":
                df[col] = df[col].astype("float")
            elif fmt != "parquet":
                df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


# -- helpers -----------------------------------------------------------------------------------------


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (much faster than DataFrame.to_dict)."""
    cols = list(df.columns)
    return [dict(zip(cols, row, strict=True)) for row in zip(*(df[c].tolist() for c in cols), strict=True)]


def _columns(df: pd.DataFrame, *cols: str) -> zip:
    """Rows of some columns as tuples of plain Python values (iterating a Series costs more)."""
    return zip(*(df[c].tolist() for c in cols), strict=True)


def _by_report(pl: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Each report's place row (a dict lookup: `.loc` per row costs more than the linking)."""
    return {r["report"]: r for r in _records(pl)}


def _typed(df: pd.DataFrame, bools: list[str], floats: list[str], ints: list[str]) -> pd.DataFrame:
    """Fixed dtypes, so a part of a table (a filter) has the whole table's: a column that is
    all null (or empty) in the part would otherwise come out as object."""
    for c in bools:
        df[c] = df[c].astype("boolean")
    for c in floats:
        df[c] = df[c].astype("float64")
    for c in ints:
        df[c] = df[c].astype("int64")
    return df


def _finish(df: pd.DataFrame, floats: list[str]) -> pd.DataFrame:
    """The rows numbered from 0, and a text column with no value at all as None (object), as a
    table built row by row has it, whether the rows were cut from the whole table or linked
    alone (Stata export refuses an all-missing `str` column)."""
    df = df.reset_index(drop=True)
    for c in df.columns:
        if c not in floats and str(df[c].dtype) in ("str", "object", "float64") and df[c].isna().all():
            df[c] = pd.Series([None] * len(df), index=df.index, dtype=object)
    return df


# numeric columns that may be null (met and official_met are nullable booleans)
_TARGET_FLOATS = [
    "target_value",
    "target_value_hi",
    "outcome_value",
    "gap",
    "official_value",
    "official_gap",
    "claim_gap",
    "outcome_start",
    "outcome_end",
]
_LEVEL_FLOATS = [
    "target_value",
    "target_value_hi",
    "parent_target",
    "diff_parent",
    "children_mean",
    "children_min",
    "children_max",
    "diff_children_mean",
]
_PANEL_FLOATS = ["target_value", "target_value_hi", "outcome_value", "gap", "official_value"]


def _region_keys(pl: pd.DataFrame, region: str) -> set[str]:
    """Place keys a --region value means: a report's region name, a code as of any year, or today's code."""
    hit = pl[
        (pl["region"] == region)
        | (pl["admin_code"] == region)
        | (pl["current_code"] == region)
        | (pl["name"] == region)
    ]
    keys = set(hit["place"])
    if not keys:
        res = resolve.resolve(region)
        if res.status == "ok":
            keys = {res.current_code or res.code}
    return keys


def _filter(
    df: pd.DataFrame, pl: pd.DataFrame, *, region: str | None, indicator: str | None, year: int | None
) -> pd.DataFrame:
    if region:
        keys = _region_keys(pl, region)
        places_of = dict(zip(pl["report"], pl["place"], strict=True))
        df = df[np.array([places_of.get(r) in keys for r in df["target_report"]], dtype=bool)]
    return _indicator_year(df, indicator, year)


def _indicator_year(df: pd.DataFrame, indicator: str | None, year: int | None) -> pd.DataFrame:
    """The rows of one indicator and of one year, when given: the filters all three tables take."""
    if indicator:
        df = df[df["indicator"] == indicator]
    if year is not None:
        df = df[df["year"] == int(year)]
    return df


__all__ = [
    "for_output",
    "judge",
    "levels",
    "load_stats",
    "panel",
    "places",
    "scopes",
    "stats",
    "targets",
    "store_version",
    "LinkCache",
    "LABELS",
]
