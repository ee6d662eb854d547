"""Check GDP-growth target ↔ outcome links against the report texts.

    .venv/bin/python benchmarks/link_check.py --db huibian.db            # coverage + 30-link sample
    .venv/bin/python benchmarks/link_check.py --db huibian.db --n 40 --seed 7

1. Coverage: every place with reports for consecutive years t, t+1 should have its
   GDP growth target of t linked to the outcome for t stated in the report of t+1.
   Lists the pairs where that fails and why (no target found in t, no outcome in t+1).
   Then the same rate for every headline indicator (docs/facts.md), each with the
   measure its annual targets are most often stated in: of the consecutive-year pairs,
   how many have a target of t, how many of those are linked to an outcome, and why
   the others are unknown (the `unknown` column of `huibian targets`).
2. A deterministic sample of links, each printed with both quotes in their context,
   so a person can check them against the texts.
3. Verdicts: benchmarks/link_check_verdicts.tsv (run, target_report, indicator, measure,
   year, verdict, comment) holds a person's verdict for sampled links of a run (the
   store and commit the sample was drawn from) — `ok` or what is
   wrong (`wrong_target`, `wrong_outcome`, `wrong_year`, `wrong_measure`). The error
   rate over the links with a verdict is printed at the end.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from huibian import link  # noqa: E402
from huibian.taxonomy import Taxonomy  # noqa: E402

VERDICTS = Path(__file__).with_name("link_check_verdicts.tsv")


def context(conn: sqlite3.Connection, report: str, quote: str, start: int, width: int = 40) -> str:
    text = conn.execute("SELECT text FROM reports WHERE id = ?", (report,)).fetchone()[0]
    i = int(start)
    if text[i : i + len(quote)] != quote:
        return f"[quote not at its offset in {report}] {quote}"
    return (
        text[max(0, i - width) : i] + "【" + quote + "】" + text[i + len(quote) : i + len(quote) + width]
    ).replace("\n", " ")


def coverage(conn: sqlite3.Connection, df) -> list[tuple[str, int, str]]:
    pl = link.places(conn)
    years = pl.groupby("place")["year"].apply(set).to_dict()
    names = dict(zip(pl["place"], pl["region"], strict=False))
    gdp = df[(df["indicator"] == "gdp") & (df["measure"] == "growth") & (df["horizon"] == "annual")]
    have_t = {(p, y) for p, y in zip(gdp["current_code"].fillna(gdp["admin_code"]), gdp["year"], strict=True)}
    linked = {
        (p, y)
        for p, y, o in zip(
            gdp["current_code"].fillna(gdp["admin_code"]), gdp["year"], gdp["outcome_value"], strict=True
        )
        if o == o and o is not None
    }
    missing = []
    n = 0
    for place, ys in years.items():
        for y in sorted(ys):
            if y + 1 not in ys:
                continue
            n += 1
            if (place, y) in linked:
                continue
            why = (
                "no outcome found in the next report"
                if (place, y) in have_t
                else "no GDP growth target found"
            )
            missing.append((names.get(place, place), y, why))
    print(
        f"consecutive-year pairs: {n}; GDP growth target linked to an outcome: {n - len(missing)} "
        f"({(n - len(missing)) / max(n, 1):.1%})"
    )
    return missing


def headline(conn: sqlite3.Connection, df) -> None:
    """The coverage rate of every headline indicator, with its most common annual target measure."""
    pl = link.places(conn)
    years = pl.groupby("place")["year"].apply(set).to_dict()
    pairs = {(p, y) for p, ys in years.items() for y in ys if y + 1 in ys}
    annual = df[df["horizon"] == "annual"].assign(place=df["current_code"].fillna(df["admin_code"]))
    print(f"\nheadline indicators over the {len(pairs)} consecutive-year pairs (annual targets of t, outcome in t+1):")
    print(f"  {'indicator':30} {'measure':8} {'targets':>8} {'linked':>8} {'of pairs':>9} {'of targets':>10}  unknown because")
    for ind in sorted(Taxonomy.load().headline_ids()):
        mine = annual[annual["indicator"] == ind]
        if mine.empty:
            print(f"  {ind:30} {'—':8} {0:>8}")
            continue
        measure = mine["measure"].value_counts().index[0]
        in_pairs = [(p, y) in pairs for p, y in zip(mine["place"], mine["year"], strict=True)]
        mine = mine[(mine["measure"] == measure).to_numpy() & np.array(in_pairs, dtype=bool)]
        targeted = {(p, y) for p, y in zip(mine["place"], mine["year"], strict=True)}
        linked = {(p, y) for p, y, o in zip(mine["place"], mine["year"], mine["outcome_value"], strict=True) if o == o}
        why = mine.loc[mine["outcome_value"].isna(), "unknown"].value_counts()
        print(
            f"  {ind:30} {measure:8} {len(targeted):>8} {len(linked):>8} {len(linked) / max(len(pairs), 1):>9.1%}"
            f" {len(linked) / max(len(targeted), 1):>10.1%}  " + ", ".join(f"{k} {v}" for k, v in why.items())
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--all-missing", action="store_true", help="list every unlinked pair")
    args = ap.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    df = link.targets(conn)
    missing = coverage(conn, df)
    for name, y, why in missing if args.all_missing else missing[:40]:
        print(f"  {name} {y}→{y + 1}: {why}")
    headline(conn, df)
    links = df[(df["indicator"] == "gdp") & (df["measure"] == "growth") & df["outcome_value"].notna()]
    links = links.sort_values(["target_report"]).reset_index(drop=True)
    # the sealed second blind draw is never shown (benchmarks/blind/README.md)
    draw2 = Path(__file__).with_name("blind") / "draw2.tsv"
    sealed = {line.split("\t")[-1] for line in draw2.read_text(encoding="utf-8").splitlines() if line}
    links = links[~links["target_report"].isin(sealed) & ~links["outcome_report"].isin(sealed)].reset_index(drop=True)
    rng = random.Random(args.seed)
    idx = sorted(rng.sample(range(len(links)), min(args.n, len(links))))
    print(f"\n{len(links)} GDP growth links; sample of {len(idx)} (seed {args.seed}):")
    for k, i in enumerate(idx, 1):
        r = links.iloc[i]
        print(
            f"\n#{k} {r['region']} {r['year']}: target {r['target_value']:g} {r['target_cmp']}"
            f"{'' if r['target_value_hi'] != r['target_value_hi'] else '–' + format(r['target_value_hi'], 'g')}"
            f" → outcome {r['outcome_value']:g} ({r['outcome_kind']}); met {r['met']}, gap {r['gap']:g}"
        )
        print(
            f"   T {r['target_report']}: {context(conn, r['target_report'], r['target_quote'], r['target_start'])}"
        )
        print(
            f"   O {r['outcome_report']}: {context(conn, r['outcome_report'], r['outcome_quote'], r['outcome_start'])}"
        )
    if VERDICTS.exists():
        with VERDICTS.open(encoding="utf-8") as f:
            verdicts = list(csv.DictReader(f, delimiter="\t"))
        for run in dict.fromkeys(v["run"] for v in verdicts):
            vs = [v for v in verdicts if v["run"] == run]
            bad = [v for v in vs if v["verdict"] != "ok"]
            print(
                f"\nverdicts ({run}): {len(vs)} links checked by hand against the texts; wrong: {len(bad)} "
                f"(error rate {len(bad) / max(len(vs), 1):.1%})"
            )
            for v in bad:
                print(f"  {v['target_report']} {v['year']}: {v['verdict']} — {v['comment']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
