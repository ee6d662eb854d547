"""`targets --with parent,children`: each target beside its parent's and its children's targets.

Long (one row per place-pair; a target with no related target keeps one row, its
`relation` empty) or wide (one row per target, the parent's and the children's targets
in columns parent_…, child1_… childN_…, for Stata users).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from huibian.link import related, schema, units


def pairs_table(targets: pd.DataFrame, rows: pd.DataFrame, with_: tuple[str, ...]) -> pd.DataFrame:
    """The long table (schema.PAIRS) of `rows` (a part of the targets table) against every target
    of `targets` (the rows' parents and children must be among them)."""
    rel = related.one_per_place(targets)
    parts = []
    if "parent" in with_:
        par = related.parents(rows, rel)
        par = par[par["target_report"].notna()].assign(_row=lambda d: d.index, relation="parent")
        parts.append(par)
    if "child" in with_ or "children" in with_:
        parts.append(related.children(rows, rel).assign(relation="child"))
    other = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["_row", "relation"])
    other = other.rename(columns={c: f"other_{c}" for c in other.columns if c not in ("_row", "relation")})
    order = {"parent": 0, "child": 1}
    other = other.assign(_o=other["relation"].map(order)).sort_values(["_row", "_o"], kind="stable")
    base = rows.reset_index(names="_row")
    out = base.merge(other.drop(columns="_o"), on="_row", how="left")
    mine = units.convert(
        out["other_target_value"], out["other_target_unit"], out["target_unit"].tolist()
    )
    upper_minus = np.where(out["relation"] == "parent", out["target_value"] - mine, mine - out["target_value"])
    out["escalation"] = np.round(upper_minus, 6)
    out["other_target_base"] = np.where(
        units.scales(out["other_target_unit"])[1] == out["base_unit"].to_numpy(dtype=object),
        out["other_target_base"].to_numpy(float),
        np.nan,
    )
    return schema.PAIRS.typed(out[[*schema.PAIRS.names, "_place"]])


def wide_table(targets: pd.DataFrame, rows: pd.DataFrame, with_: tuple[str, ...]) -> pd.DataFrame:
    """The wide table (schema.wide) of `rows`: parent_… and child1_… childN_… columns."""
    rel = related.one_per_place(targets)
    out = rows.copy()
    parts = ["region", "admin_code", "level", "target_value", "target_value_hi", "target_unit", "target_base",
             "target_cmp", "target_report"]
    if "parent" in with_:
        par = related.parents(rows, rel)
        for p in parts:
            out[f"parent_{p}"] = par[p]
        out["parent_target_base"] = related.base_in(par, rows)
    kids = related.children(rows, rel) if ("child" in with_ or "children" in with_) else None
    n = 0
    if kids is not None and not kids.empty:
        kids = kids.assign(_i=kids.groupby("_row").cumcount() + 1)
        n = int(kids["_i"].max())
        kids["target_base"] = related.base_in(kids, rows, kids["_row"])
        for i in range(1, n + 1):
            k = kids[kids["_i"] == i].set_index("_row")
            for p in parts:
                out[f"child{i}_{p}"] = k[p].reindex(out.index)
    out["children_n"] = kids.groupby("_row").size().reindex(out.index).fillna(0) if kids is not None else 0
    table = schema.wide(n)
    return table.typed(out.reindex(columns=[*table.names, "_place"]))
