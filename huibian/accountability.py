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
"""

from __future__ import annotations

import csv
import functools
import math
import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

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
PANEL_COLUMNS = [
    "admin_code",
    "current_code",
    "region",
    "level",
    "kind",
    "parent_code",
    "parent_region",
    "province_code",
    "province",
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
    out = []
    for r in rows:
        r = dict(r)
        if r["admin_code"]:
            res = resolve.describe(r["admin_code"], r["year"])
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
        out.append(_place_row(r, res))
    return pd.DataFrame(out, columns=PLACE_COLUMNS)


def _place_row(r: dict[str, Any], res: resolve.Resolution) -> dict[str, Any]:
    parent = res.parent
    prov = next((a for a in res.chain if a.level == "province"), None)
    if res.level == "province":
        prov = resolve.Division(res.code or "", res.name or "", res.kind or "", "province")
    place = res.current_code or res.code or f"?{r['region']}"
    parent_place = None
    if parent is not None:
        parent_place = resolve.describe(parent.code, r["year"]).current_code or parent.code
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


# -- choosing facts -------------------------------------------------------------------------


def _facts(conn: sqlite3.Connection) -> pd.DataFrame:
    df = pd.read_sql_query(
        "SELECT f.id, f.report_id AS report, f.indicator, f.period, f.base_period, f.kind, f.measure, f.value,"
        " f.value_hi, f.unit, f.cmp, f.quote, f.start, f.section, f.value_base, f.unit_base, r.year"
        " FROM facts f JOIN reports r ON r.id = f.report_id"
        " WHERE f.indicator IS NOT NULL AND f.scope = '' AND f.value IS NOT NULL",
        conn,
    )
    roles = _section_roles(conn)
    df["roles"] = [
        roles.get((r, s), frozenset()) if s == s and s is not None else frozenset()
        for r, s in zip(df["report"], df["section"], strict=True)
    ]
    return df


def _section_roles(conn: sqlite3.Connection) -> dict[tuple[str, int], frozenset[str]]:
    """(report, section idx) → the roles of the section and its ancestors."""
    secs: dict[tuple[str, int], tuple[int | None, str]] = {
        (r, i): (p, role)
        for r, i, p, role in conn.execute("SELECT report_id, idx, parent, role FROM sections")
    }
    out: dict[tuple[str, int], frozenset[str]] = {}
    for rep, idx in secs:
        roles, cur, seen = set(), idx, set()
        while cur is not None and (rep, cur) in secs and cur not in seen:
            seen.add(cur)
            parent, role = secs[(rep, cur)]
            roles.add(role)
            cur = parent
        out[(rep, int(idx))] = frozenset(roles)
    return out


def _pick(df: pd.DataFrame, keys: list[str], roles: list[str]) -> pd.DataFrame:
    """One row per key: first inside a section with one of `roles`, else first in the text."""
    if df.empty:
        return df
    df = df.assign(_off=[0 if r & set(roles) else 1 for r in df["roles"]])
    df = df.sort_values(["_off", "report", "start", "id"], kind="stable")
    return df.drop_duplicates(keys, keep="first").drop(columns="_off")


def _linked(conn: sqlite3.Connection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(picked targets, picked outcomes, places), each fact with its report's place."""
    pl = places(conn)
    facts = _facts(conn).merge(pl[["report", "place"]], on="report", how="left")
    rules = _rules()
    t = facts[(facts["kind"] == "target") & (facts["period"] >= facts["year"])]
    t = _pick(t, ["report", "period", "indicator", "measure"], rules["target_roles"])
    o = facts[facts["kind"].isin(rules["outcome_kinds"]) & (facts["year"] == facts["period"] + 1)]
    o = _pick(o, ["place", "period", "indicator", "measure"], rules["outcome_roles"])
    return t, o, pl


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


def _in_target_unit(t: pd.Series, o: pd.Series) -> tuple[float | None, str]:
    """The outcome expressed in the target's unit, or None with the reason."""
    if o is None:
        return None, ""
    if t["unit"] == o["unit"]:
        return _num(o["value"]), ""
    tb, ob = t["unit_base"], o["unit_base"]
    if tb and tb == ob and not _nan(t["value_base"]) and not _nan(o["value_base"]) and t["value"]:
        factor = t["value_base"] / t["value"]
        return o["value_base"] / factor, ""
    return None, f"units differ ({t['unit']} / {o['unit']})"


# -- the tables ------------------------------------------------------------------------------------


def targets(
    conn: sqlite3.Connection,
    *,
    region: str | None = None,
    indicator: str | None = None,
    year: int | None = None,
    taxonomy: Taxonomy | None = None,
) -> pd.DataFrame:
    """Each target beside the outcome the next report states for it (TARGET_COLUMNS)."""
    t, o, pl = _linked(conn)
    tax = taxonomy or Taxonomy.load()
    pct_units = set(_rules()["percent_units"])
    outcomes = {(r.place, r.period, r.indicator, r.measure): r for r in _rows(o)}
    info = pl.set_index("report")
    official = _official(conn)
    out = []
    for tr in _rows(t):
        orow = outcomes.get((tr.place, tr.period, tr.indicator, tr.measure))
        note = ""
        if orow is not None and _base_clash(tr, orow):
            orow, note = None, f"outcome counts from {orow.base_period}, target from {tr.base_period}"
        ov, why = _in_target_unit(
            pd.Series(tr._asdict()), pd.Series(orow._asdict()) if orow is not None else None
        )
        note = note or why
        if orow is None and not note:
            has_next = (pl["place"] == tr.place) & (pl["year"] == tr.period + 1)
            note = "no outcome stated" if has_next.any() else f"no report for {tr.period + 1} in the store"
        direction = tax.direction(tr.indicator)
        percent = tr.unit in pct_units or tr.measure in (
            "growth",
            "avg_growth",
            "cum_growth",
            "share",
            "change_pp",
        )
        p = info.loc[tr.report]
        met = judge(tr.cmp, tr.value, _num(tr.value_hi), ov, direction, percent)
        off = official.get((p["admin_code"], tr.period, tr.indicator, tr.measure))
        if off is None and p["current_code"]:
            off = official.get((p["current_code"], tr.period, tr.indicator, tr.measure))
        out.append(
            {
                "region": p["region"],
                "admin_code": p["admin_code"],
                "current_code": p["current_code"],
                "level": p["level"],
                "indicator": tr.indicator,
                "year": int(tr.period),
                "measure": tr.measure,
                "horizon": "annual" if tr.period == tr.year else "multi-year",
                "unit": tr.unit,
                "target_value": tr.value,
                "target_value_hi": _num(tr.value_hi),
                "target_cmp": tr.cmp,
                "target_quote": tr.quote,
                "target_report": tr.report,
                "outcome_value": _num(orow.value) if orow is not None else None,
                "outcome_unit": orow.unit if orow is not None else None,
                "outcome_kind": orow.kind if orow is not None else None,
                "outcome_quote": orow.quote if orow is not None else None,
                "outcome_report": orow.report if orow is not None else None,
                "met": met,
                "gap": None if ov is None else round(ov - tr.value, 6),
                "official_value": off,
                "official_met": judge(tr.cmp, tr.value, _num(tr.value_hi), off, direction, percent),
                "official_gap": None if off is None else round(off - tr.value, 6),
                "claim_gap": None if off is None or ov is None else round(ov - off, 6),
                "note": note or None,
                "target_start": int(tr.start),
                "target_end": int(tr.start) + len(tr.quote),
                "outcome_start": int(orow.start) if orow is not None else None,
                "outcome_end": int(orow.start) + len(orow.quote) if orow is not None else None,
            }
        )
    df = _typed(pd.DataFrame(out, columns=TARGET_COLUMNS), ["met", "official_met"])
    df = _filter(df, pl, region=region, indicator=indicator, year=year)
    return df.sort_values(
        ["region", "year", "indicator", "measure", "target_report"], kind="stable"
    ).reset_index(drop=True)


def _base_clash(t: Any, o: Any) -> bool:
    return not _nan(t.base_period) and not _nan(o.base_period) and int(t.base_period) != int(o.base_period)


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
) -> pd.DataFrame:
    """Each place's target beside its parent's and its children's (the escalation table).

    One row per (place, year, indicator, measure, horizon) target. `--region R` keeps R's
    row and its children's rows (each with R as parent), so R's whole step down shows.
    """
    t, _o, pl = _linked(conn)
    info = pl.set_index("report")
    t = t.assign(
        horizon=["annual" if p == y else "multi-year" for p, y in zip(t["period"], t["year"], strict=True)],
        parent_place=[info.loc[r, "parent_place"] for r in t["report"]],
    )
    # one target per place and key: the earliest report (a plan's own report for multi-year targets)
    t = t.sort_values(["year", "report"], kind="stable").drop_duplicates(
        ["place", "period", "indicator", "measure", "horizon"]
    )
    by_place = {(r.place, r.period, r.indicator, r.measure, r.horizon): r for r in _rows(t)}
    kids: dict[tuple, list] = {}
    for r in _rows(t):
        if r.parent_place:
            kids.setdefault((r.parent_place, r.period, r.indicator, r.measure, r.horizon), []).append(r)
    out = []
    for r in _rows(t):
        p = info.loc[r.report]
        par = (
            by_place.get((r.parent_place, r.period, r.indicator, r.measure, r.horizon))
            if r.parent_place
            else None
        )
        ch = sorted(
            kids.get((r.place, r.period, r.indicator, r.measure, r.horizon), []), key=lambda x: x.place
        )
        vals = [float(c.value) for c in ch]
        mean = round(sum(vals) / len(vals), 6) if vals else None
        out.append(
            {
                "year": int(r.period),
                "indicator": r.indicator,
                "measure": r.measure,
                "horizon": r.horizon,
                "region": p["region"],
                "admin_code": p["admin_code"],
                "level": p["level"],
                "target_value": r.value,
                "target_value_hi": _num(r.value_hi),
                "target_cmp": r.cmp,
                "target_report": r.report,
                "parent_region": info.loc[par.report, "region"] if par is not None else p["parent_region"],
                "parent_code": p["parent_code"],
                "parent_target": par.value if par is not None else None,
                "parent_cmp": par.cmp if par is not None else None,
                "diff_parent": round(r.value - par.value, 6) if par is not None else None,
                "children_n": len(ch),
                "children_mean": mean,
                "children_min": min(vals) if vals else None,
                "children_max": max(vals) if vals else None,
                "diff_children_mean": round(mean - r.value, 6) if mean is not None else None,
                "children": "; ".join(
                    f"{info.loc[c.report, 'region']} {_cmp_mark(c.cmp)}{_show(c.value)}" for c in ch
                )
                or None,
                "_place": r.place,
                "_parent_place": r.parent_place,
            }
        )
    df = pd.DataFrame(out, columns=[*LEVEL_COLUMNS, "_place", "_parent_place"])
    if region:
        keys = _region_keys(pl, region)
        df = df[df["_place"].isin(keys) | df["_parent_place"].isin(keys)]
    if indicator:
        df = df[df["indicator"] == indicator]
    if year is not None:
        df = df[df["year"] == int(year)]
    order = {"national": 0, "province": 1, "city": 2, "district": 3, "county": 3}
    df = df.assign(_lv=df["level"].map(order).fillna(4))
    df = df.sort_values(["indicator", "measure", "horizon", "year", "_lv", "admin_code"], kind="stable")
    return df.drop(columns=["_place", "_parent_place", "_lv"]).reset_index(drop=True)


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
) -> pd.DataFrame:
    """Tidy place × year × indicator × measure panel of targets and outcomes (PANEL_COLUMNS).

    Rows: every linked target (as in `targets`), plus every outcome no target claims.
    Multi-year targets restated in later reports keep the earliest report's target.
    """
    tg = targets(conn)
    _t, o, pl = _linked(conn)
    info = pl.set_index("report")
    tg = tg.assign(
        _order=[int(r.split("-")[-1]) if r.split("-")[-1].isdigit() else 0 for r in tg["target_report"]]
    )
    tg = tg.sort_values(["_order", "target_report"], kind="stable")
    tg = tg.assign(_place=[info.loc[r, "place"] for r in tg["target_report"]])
    tg = tg.drop_duplicates(["_place", "year", "indicator", "measure", "horizon"]).drop(columns="_order")
    used = set(zip(tg["outcome_report"].dropna(), tg["year"], tg["indicator"], tg["measure"], strict=False))
    official = _official(conn)
    rows = []
    for r in _rows(tg):
        p = info.loc[r.target_report]
        rows.append(_panel_row(p, r._asdict()))
    for orow in _rows(o):
        if (orow.report, orow.period, orow.indicator, orow.measure) in used:
            continue
        p = info.loc[orow.report]
        off = official.get((p["admin_code"], int(orow.period), orow.indicator, orow.measure))
        rows.append(
            _panel_row(
                p,
                {
                    "year": int(orow.period),
                    "indicator": orow.indicator,
                    "measure": orow.measure,
                    "horizon": "multi-year" if orow.measure in ("avg_growth", "cum_growth") else "annual",
                    "unit": orow.unit,
                    "outcome_value": orow.value,
                    "outcome_kind": orow.kind,
                    "outcome_report": orow.report,
                    "official_value": off,
                    "_place": orow.place,
                },
            )
        )
    df = pd.DataFrame(rows, columns=[*PANEL_COLUMNS, "_place"])
    df = _typed(df, ["met"])
    if region:
        df = df[df["_place"].isin(_region_keys(pl, region))]
    if indicator:
        df = df[df["indicator"] == indicator]
    if year is not None:
        df = df[df["year"] == int(year)]
    df = df.sort_values(["region", "year", "indicator", "measure", "horizon"], kind="stable")
    return df.drop(columns="_place").reset_index(drop=True)


def _panel_row(p: pd.Series, r: dict[str, Any]) -> dict[str, Any]:
    row = {c: r.get(c) for c in PANEL_COLUMNS}
    for c in (
        "admin_code",
        "current_code",
        "region",
        "level",
        "kind",
        "parent_code",
        "parent_region",
        "province_code",
        "province",
    ):
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


def _rows(df: pd.DataFrame) -> list[Any]:
    return list(df.itertuples(index=False))


def _typed(df: pd.DataFrame, bools: list[str]) -> pd.DataFrame:
    for c in bools:
        df[c] = df[c].astype("boolean")
    return df


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
        df = df[[places_of.get(r) in keys for r in df["target_report"]]]
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
    "LABELS",
]
