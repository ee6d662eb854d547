"""Each report's place: its division as of the report year, its parent, province and today's code.

A place is followed through renames by today's division (徐水县 2014 and 徐水区 2016 are
one place, key `130609`), so links and series span a rename. `region_keys` is the one
reading of a user's `--region`: every table, the web pages and the API go through it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from huibian import resolve
from huibian.link import schema
from huibian.link.frames import records
from huibian.models import ReportMeta


def places(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every report's place (schema.PLACES): division as of its year, parent, province, today's code."""
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
            meta = ReportMeta.stored(r)
            res = resolve.resolve_report(meta)
            if res.status == "ambiguous":
                text = conn.execute("SELECT text FROM reports WHERE id = ?", (r["id"],)).fetchone()[0]
                res = resolve.resolve_report(meta, text)
        out.append(_place_row(r, res, describe))
    return pd.DataFrame(out, columns=schema.PLACES.names)


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


def scopes(conn: sqlite3.Connection) -> pd.DataFrame:
    """Each distinct fact scope of each report, resolved to the divisions it names (schema.SCOPES).

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
    return pd.DataFrame(out, columns=schema.SCOPES.names)


def by_report(pl: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Each report's place row (a dict lookup: `.loc` per row costs more than the linking)."""
    return {r["report"]: r for r in records(pl)}


def region_keys(pl: pd.DataFrame, region: str | Iterable[str]) -> set[str]:
    """Place keys a --region value means: a report's region name, a division name or code as of
    any year, or today's code (several values: any of them)."""
    wanted = {region} if isinstance(region, str) else set(region)
    hit = pl[
        pl["region"].isin(wanted)
        | pl["admin_code"].isin(wanted)
        | pl["current_code"].isin(wanted)
        | pl["name"].isin(wanted)
    ]
    keys = set(hit["place"])
    for value in wanted - set(hit["region"]) - set(hit["admin_code"]) - set(hit["current_code"]) - set(hit["name"]):
        res = resolve.resolve(value)
        if res.status == "ok":
            keys.add(res.current_code or res.code)
    return keys


def children_keys(pl: pd.DataFrame, keys: set[str]) -> set[str]:
    """The places whose parent (as of any of their reports' years) is one of `keys`."""
    return set(pl.loc[pl["parent_place"].isin(keys), "place"])
