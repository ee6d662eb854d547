"""Compare extracted GDP growth targets with a published, hand-coded table of targets.

    .venv/bin/python benchmarks/target_compare.py --db huibian.db --reference targets.csv

The reference CSV (e.g. a research data set of provincial or city growth targets,
transcribed) needs `year`, `target` and either `admin_code` or `region` (with an
optional `province` to settle shared names); `target_hi` (for a range) is optional.
Only rows whose place and year have a report in the store are scored, so the same
command checks a held-out store against held-out reference data.

Prints: rows scored, extracted (a target found), agreement (value, and upper end
for ranges, equal within 0.05), and each disagreement with the quote.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from huibian import link, resolve  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--indicator", default="gdp")
    args = ap.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    pl = link.places(conn)
    in_store = {(p, y) for p, y in zip(pl["place"], pl["year"], strict=True)}
    df = link.targets(conn, indicator=args.indicator)
    df = df[(df["measure"] == "growth") & (df["horizon"] == "annual")]
    got = {
        (c if c == c and c else a, y): r
        for c, a, y, r in zip(
            df["current_code"], df["admin_code"], df["year"], df.itertuples(index=False), strict=True
        )
    }
    with open(args.reference, encoding="utf-8-sig") as f:
        ref = list(csv.DictReader(f))
    scored = found = agree = 0
    unresolved, diffs = [], []
    for row in ref:
        year = int(row["year"])
        if row.get("admin_code"):
            res = resolve.describe(row["admin_code"].strip(), year)
        else:
            res = resolve.resolve(row["region"], year, parent=row.get("province") or None)
        if res.status != "ok":
            unresolved.append((row.get("region") or row.get("admin_code"), year, res.reason))
            continue
        place = res.current_code or res.code
        if (place, year) not in in_store:
            continue
        scored += 1
        r = got.get((place, year))
        if r is None:
            diffs.append((res.name, year, row["target"], "not extracted", ""))
            continue
        found += 1
        want_hi = float(row["target_hi"]) if row.get("target_hi") else None
        ok = abs(r.target_value - float(row["target"])) < 0.05 and (
            want_hi is None
            or (r.target_value_hi == r.target_value_hi and abs(r.target_value_hi - want_hi) < 0.05)
        )
        if ok:
            agree += 1
        else:
            hi = "" if r.target_value_hi != r.target_value_hi else f"–{r.target_value_hi:g}"
            diffs.append(
                (
                    res.name,
                    year,
                    row["target"] + (f"–{want_hi:g}" if want_hi else ""),
                    f"{r.target_value:g}{hi} {r.target_cmp}",
                    r.target_quote,
                )
            )
    print(
        f"reference rows: {len(ref)}; with a report in the store: {scored}; target extracted: {found}; "
        f"agree: {agree} ({agree / max(scored, 1):.1%} of scored, {agree / max(found, 1):.1%} of extracted)"
    )
    for name, year, want, have, quote in diffs:
        print(f"  {name} {year}: reference {want}, extracted {have}  {quote}")
    for name, year, why in unresolved:
        print(f"  unresolved: {name} {year}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
