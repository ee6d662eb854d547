"""The escalation table: each place's target beside its parent's and a summary of its children's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from huibian.link import related, schema
from huibian.link.frames import columns
from huibian.link.places import by_report

_ORDER = {"national": 0, "province": 1, "city": 2, "district": 3, "county": 3}
_MARK = {"ge": "≥", "le": "≤", "approx": "~"}


def levels_table(pl: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The levels table (schema.LEVELS, with `_place` and `_parent_place`) of a targets table."""
    t = related.one_per_place(targets)
    par = related.parents(t, t)
    kids = related.children(t, t)
    kids["_v"] = related.in_unit_of(kids, t, kids["_row"])
    stats = kids.groupby("_row")["_v"].agg(["count", "mean", "min", "max"])
    listed = kids.assign(_s=[f"{r} {_MARK.get(c, '')}{_show(v)}{'' if u == '%' else u}"
                             for r, c, v, u in columns(kids, "region", "target_cmp", "target_value", "target_unit")])
    listed = listed.groupby("_row")["_s"].agg("; ".join)
    n = kids.groupby("_row").size()
    info = by_report(pl)
    value = t["target_value"].to_numpy(float)
    parent_value = related.in_unit_of(par, t)
    mean = np.round(stats["mean"].reindex(t.index).to_numpy(float), 6)
    df = pd.DataFrame(
        {
            **{c: t[c] for c in ("year", "indicator", "measure", "horizon", "span_start", "region", "admin_code",
                                 "level", "target_value", "target_value_hi", "target_unit", "target_base",
                                 "target_hi_base", "base_unit", "target_cmp", "target_report")},
            "parent_region": par["region"].where(
                par["region"].notna(), pd.Series([info[r]["parent_region"] for r in t["target_report"]], index=t.index)
            ),
            "parent_code": [info[r]["parent_code"] for r in t["target_report"]],
            "parent_target": parent_value,
            "parent_unit": par["target_unit"],
            "parent_base": related.base_in(par, t),
            "parent_cmp": par["target_cmp"],
            "diff_parent": np.round(value - parent_value, 6),
            "children_n": n.reindex(t.index).fillna(0),
            "children_mean": mean,
            "children_min": stats["min"].reindex(t.index),
            "children_max": stats["max"].reindex(t.index),
            "diff_children_mean": np.round(mean - value, 6),
            "children": listed.reindex(t.index),
            "_place": t["_place"],
            "_parent_place": t["_parent_place"],
        },
        index=t.index,
    )
    df = schema.LEVELS.typed(df)
    df = df.assign(_lv=df["level"].map(_ORDER).fillna(4))
    df = df.sort_values(["indicator", "measure", "horizon", "year", "_lv", "admin_code"], kind="stable")
    return df.drop(columns="_lv")


def _show(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.12g}"
