"""The store checks itself: facts that are probably wrong, each flag naming its evidence.

Five checks, each a pure function of the facts and reports tables (thresholds and bounds
in data/audit.yaml):

  unmapped      a name holding a headline indicator's head that got no indicator
  restated      the same place, indicator, period and measure stated differently by two
                reports (an estimate in t+1 against the actual in t+2 or a five-year review)
  series        a level series whose step from one year to the next its stated growth does
                not explain (or, with no growth stated, a jump by a large factor)
  part_whole    a part larger than its whole for an indicator that adds up over places (a
                city's GDP above its province's; a zone's figure above its report's own)
  implausible   a value outside the plausible bounds for its indicator and measure

A flag is a row: check, report, fact id, indicator, period, measure, value, unit, quote, a
one-line detail, and the other report and fact it was held against where there is one.
The checks do not change the facts; they tell a user (and us) where to look.
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from huibian import datafiles
from huibian.taxonomy import Taxonomy

CHECKS = ("unmapped", "restated", "series", "part_whole", "implausible")
FLAG_COLUMNS = ["check", "report", "fact_id", "indicator", "period", "measure", "value", "unit", "quote", "detail",
                "other_report", "other_fact_id"]
_SPREAD = ("growth", "avg_growth", "cum_growth", "share", "change_pp")  # compared in points, not ratios


@functools.cache
def settings() -> dict[str, Any]:
    return datafiles.load("audit.yaml")


def audit(facts: pd.DataFrame, reports: pd.DataFrame, taxonomy: Taxonomy | None = None,
          checks: tuple[str, ...] = CHECKS) -> pd.DataFrame:
    """All flags of the chosen checks. `facts` needs the columns of Database.facts() (with
    `id`); `reports` those of Database.reports()."""
    taxonomy = taxonomy or Taxonomy.load()
    f = facts.merge(reports[["id", "region", "level", "admin_code", "year"]].rename(columns={"id": "report"}),
                    on="report", how="left")
    f = f[f["measure"] != "ratio"].copy()
    f["value"] = pd.to_numeric(f["value"], errors="coerce")
    out = []
    for check in checks:
        rows = _CHECKS[check](f, taxonomy)
        if len(rows):
            rows = rows.assign(check=check)
            out.append(rows)
    if not out:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    flags = pd.concat(out, ignore_index=True)
    for col in FLAG_COLUMNS:
        if col not in flags.columns:
            flags[col] = None
    return flags[FLAG_COLUMNS].sort_values(["check", "report", "fact_id"], kind="stable").reset_index(drop=True)


def _rows(df: pd.DataFrame, detail: pd.Series | list[str] | str) -> pd.DataFrame:
    out = pd.DataFrame({
        "report": df["report"].values, "fact_id": df["id"].values, "indicator": df["indicator"].values,
        "period": df["period"].values, "measure": df["measure"].values, "value": df["value"].values,
        "unit": df["unit"].values, "quote": df["quote"].values,
    })
    out["detail"] = list(detail) if not isinstance(detail, str) else detail
    return out


def unmapped(f: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Names that hold a headline head and got no indicator: a name the taxonomy does not
    read yet, or one it rightly refuses (工业固定资产投资) — the list says which."""
    headline = taxonomy.headline_ids()
    cand = f[f["indicator"].isna()]
    heads = pd.Series([[h for h in taxonomy.heads_in(str(n), headline) if taxonomy.unit_fits(h, str(u))]
                       for n, u in zip(cand["name"], cand["unit"], strict=True)], index=cand.index, dtype=object)
    hit = cand[heads.map(bool)]
    return _rows(hit, [f"name holds {', '.join(h)} but got no indicator" for h in heads[heads.map(bool)]])


def _own(f: pd.DataFrame) -> pd.DataFrame:
    """The place's own stated figures: not targets, not parts."""
    return f[f["indicator"].notna() & (f["scope"].fillna("") == "") & f["kind"].isin(["actual", "estimate"])
             & f["value"].notna()]


def restated(f: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    s = settings()["restated"]
    own = _own(f)
    own = own.assign(v=own["value_base"].where(own["value_base"].notna(), own["value"]))
    key = ["region", "indicator", "period", "measure"]
    pairs = own.merge(own, on=key, suffixes=("", "_o"))
    pairs = pairs[pairs["report"] < pairs["report_o"]]
    spread = pairs["measure"].isin(_SPREAD)
    diff = (pairs["v"] - pairs["v_o"]).abs()
    big = pd.concat([pairs["v"].abs(), pairs["v_o"].abs()], axis=1).max(axis=1)
    rel = diff / big.where(big > 0, 1)
    far = (spread & (diff > s["points"])) | (~spread & (rel > s["relative"]))
    # a bound (突破1万亿元, 增长8%以上) disagrees only with a figure on its wrong side

    hi_ok = ~((pairs["cmp"] == "ge") & (pairs["v_o"] < pairs["v"])) & ~((pairs["cmp_o"] == "ge") & (pairs["v"] < pairs["v_o"]))
    le_ok = ~((pairs["cmp"] == "le") & (pairs["v_o"] > pairs["v"])) & ~((pairs["cmp_o"] == "le") & (pairs["v"] > pairs["v_o"]))
    bounded = pairs["cmp"].isin(["ge", "le"]) | pairs["cmp_o"].isin(["ge", "le"])
    bad = pairs[far & ~(bounded & hi_ok & le_ok)]

    bad = bad.drop_duplicates(["id", "report_o"])
    rows = _rows(bad, [f"{r.report} states {r.value:g}{r.unit}, {r.report_o} states {r.value_o:g}{r.unit_o}"
                       for r in bad.itertuples()])
    rows["other_report"] = bad["report_o"].values
    rows["other_fact_id"] = bad["id_o"].values
    return rows


def _latest(own: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One figure per place, indicator and year: the one stated latest (actual over estimate)."""
    sub = own[own["measure"] == measure].copy()
    # an exact figure over a bound (突破1万亿元), an actual over an estimate, a later report over an earlier
    sub["rank"] = (sub["cmp"].isin(["eq", "approx"])).astype(int) * 2 + (sub["kind"] == "actual").astype(int)
    sub = sub.sort_values(["rank", "year"]).drop_duplicates(["region", "indicator", "period"], keep="last")
    return sub


def series(f: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    s = settings()["series"]
    own = _own(f)
    lv = _latest(own[own["cmp"].isin(["eq", "approx"])], "level")  # a bound (突破1万亿元) makes no series
    lv = lv[lv["value_base"].notna() & (lv["value_base"] > 0)]
    gr = _latest(own, "growth")[["region", "indicator", "period", "value"]].rename(columns={"value": "g"})
    prev = lv[["region", "indicator", "period", "value_base", "report", "id", "unit_base"]].assign(period=lambda d: d["period"] + 1)
    m = lv.merge(prev, on=["region", "indicator", "period"], suffixes=("", "_p"))
    m = m[m["unit_base"] == m["unit_base_p"]].merge(gr, on=["region", "indicator", "period"], how="left")
    step = (m["value_base"] / m["value_base_p"] - 1) * 100
    stated = m["g"].notna()
    off = stated & ((step - m["g"]).abs() > s["points"])
    jump = ~stated & ((m["value_base"] / m["value_base_p"] > s["factor"]) | (m["value_base_p"] / m["value_base"] > s["factor"]))
    bad = m[off | jump]
    step = step[off | jump]
    detail = [(f"level went from {p:g} to {v:g} {u} ({st:+.1f}%), the stated growth is {g:g}%" if pd.notna(g)
               else f"level went from {p:g} to {v:g} {u} ({st:+.1f}%) with no growth stated")
              for p, v, u, st, g in zip(bad["value_base_p"], bad["value_base"], bad["unit_base"], step, bad["g"], strict=True)]
    rows = _rows(bad, detail)
    rows["other_report"] = bad["report_p"].values
    rows["other_fact_id"] = bad["id_p"].values
    return rows


def part_whole(f: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    from huibian.resolve import chain_of

    additive = set(settings()["additive"])
    own = _own(f)
    lv = _latest(own[own["indicator"].isin(additive)], "level")
    lv = lv[lv["value_base"].notna()]
    out = []
    # a place above the place that contains it
    by_code = {(c, i, p): r for c, i, p, r in zip(lv["admin_code"], lv["indicator"], lv["period"], lv.itertuples(), strict=True)
               if isinstance(c, str)}
    for (code, ind, period), row in by_code.items():
        try:
            ancestors = [d.code for d in chain_of(code, int(period))[1:]]
        except Exception:  # a code the division tables do not know as of that year
            continue
        for anc in ancestors:
            whole = by_code.get((anc, ind, period))
            if whole is not None and whole.unit_base == row.unit_base and row.value_base > whole.value_base * 1.0001:
                out.append((row, f"{row.region} {row.value_base:g} {row.unit_base} is above {whole.region}'s "
                                 f"{whole.value_base:g}", whole.report, whole.id))
                break
    # a part within one report above the report's own figure
    scoped = f[f["indicator"].isin(additive) & (f["scope"].fillna("") != "") & (f["measure"] == "level")
               & f["value_base"].notna()]
    whole_in = f[f["indicator"].isin(additive) & (f["scope"].fillna("") == "") & (f["measure"] == "level")
                 & f["value_base"].notna()]
    m = scoped.merge(whole_in[["report", "indicator", "period", "kind", "value_base", "unit_base", "id"]],
                     on=["report", "indicator", "period", "kind", "unit_base"], suffixes=("", "_w"))
    m = m[m["value_base"] > m["value_base_w"] * 1.0001].drop_duplicates("id")
    for row in m.itertuples():
        out.append((row, f"part {row.scope} {row.value_base:g} {row.unit_base} is above the whole's {row.value_base_w:g}",
                    row.report, row.id_w))
    if not out:
        return pd.DataFrame()
    keep = ("report", "id", "indicator", "period", "measure", "value", "unit", "quote")
    df = pd.DataFrame([{k: getattr(r, k) for k in keep} for r, *_ in out])
    rows = _rows(df, [d for _, d, *_ in out])
    rows["other_report"] = [o for *_, o, _ in out]
    rows["other_fact_id"] = [i for *_, i in out]
    return rows


def implausible(f: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    bounds = settings()["plausible"]
    # a share of a target or a plan (为市下达指标的168%) may pass 100; a share of a whole may not
    of_target = f["measure"].eq("share") & f["quote"].fillna("").str.contains(settings()["share_of_target"])
    f = f[~of_target]
    flagged = []
    for measure, table in bounds.items():
        sub = f[(f["measure"] == measure) & f["value"].notna()]
        for ind, rng in table.items():
            part = sub if ind == "default" else sub[sub["indicator"] == ind]
            if ind == "default":
                part = part[~part["indicator"].isin([k for k in table if k != "default"])]
                if measure == "level":
                    continue
            if isinstance(rng, dict):  # bounds by administrative level, on base units
                for level, (lo, hi) in rng.items():
                    lo, hi = float(lo), float(hi)
                    p = part[(part["level"] == level) & part["value_base"].notna()]
                    bad = p[(p["value_base"] < lo) | (p["value_base"] > hi)]
                    flagged.append(_rows(bad, [f"{v:g} {u} is outside {lo:g}–{hi:g} for a {level}'s {ind}"
                                               for v, u in zip(bad["value_base"], bad["unit_base"], strict=True)]))
                continue
            lo, hi = float(rng[0]), float(rng[1])
            value = part["value_base"].where(part["value_base"].notna(), part["value"]) if measure == "level" \
                else part["value"]
            bad = part[(value < lo) | (value > hi)]
            flagged.append(_rows(bad, [f"{v:g} is outside {lo:g}–{hi:g} for {ind if ind != 'default' else measure}"
                                       for v in value[(value < lo) | (value > hi)]]))
    flagged = [x for x in flagged if len(x)]
    return pd.concat(flagged, ignore_index=True) if flagged else pd.DataFrame()


_CHECKS = {"unmapped": unmapped, "restated": restated, "series": series, "part_whole": part_whole,
           "implausible": implausible}


def summary(flags: pd.DataFrame) -> pd.DataFrame:
    """Flags counted by check, and for `unmapped` the names most often left without an id."""
    return flags.groupby("check").size().rename("flags").reset_index()
