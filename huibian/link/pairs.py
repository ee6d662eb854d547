"""`targets --with parent,children`: each target beside its parent's and its children's targets.

Long (one row per place-pair; a target with no related target keeps one row, its
`relation` empty) or wide (one row per target, the parent's and the children's targets
in columns parent_…, child1_… childN_…, for Stata users).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from huibian.link import related, schema


def pairs_table(targets: pd.DataFrame, rows: pd.DataFrame, with_: tuple[str, ...]) -> pd.DataFrame:
    """The long table (schema.PAIRS) of `rows` (a part of the targets table) against every target
    of `targets` (the rows' parents and children must be among them)."""
    rel = related.one_per_place(targets)
    parts = []
    if "parent" in with_:
        par = related.parents(rows, rel)
        par = par[par["target_report"].notna()].assign(_row=lambda d: d.index, relation="parent")
        parts.append(par)
    if "children" in with_:
        parts.append(related.children(rows, rel).assign(relation="child"))
    other = pd.concat(parts, ignore_index=True)
    # the other's target in this row's unit (for escalation) and in this row's base unit
    mine = related.in_unit_of(other, rows, other["_row"])
    other["target_base"] = related.base_in(other, rows, other["_row"])
    other = other.rename(columns={c: f"other_{c}" for c in other.columns if c not in ("_row", "relation")})
    other = other.assign(_mine=mine, _o=other["relation"].map({"parent": 0, "child": 1}))
    other = other.sort_values(["_row", "_o"], kind="stable").drop(columns="_o")
    out = rows.reset_index(names="_row").merge(other, on="_row", how="left")
    lower_minus_upper = np.where(
        out["relation"] == "parent", out["target_value"] - out["_mine"], out["_mine"] - out["target_value"]
    )
    out["escalation"] = np.round(lower_minus_upper, 6)
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
    kids = related.children(rows, rel) if "children" in with_ else None
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
