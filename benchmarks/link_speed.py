"""Time target linking (huibian/link/) on a store of N reports.

    # 1. a store of the real corpus (book + ~500 reports), once:
    .venv/bin/huibian ingest ../shared/corpus --db /tmp/corpus.db -q
    # 2. grow it to N reports (the corpus copied under varied ids, as web_latency.py does) and time:
    .venv/bin/python benchmarks/link_speed.py --source /tmp/corpus.db --big /tmp/big.db --reports 10000
    # later runs reuse the big store:
    .venv/bin/python benchmarks/link_speed.py --big /tmp/big.db

Each table is computed on a fresh read-only connection, so nothing is cached: the
time is what `huibian targets` / `levels` / `panel` pay. A second `targets()` on the
same Database shows what a cached call costs (the store unchanged). Filtered calls
(`--region`, `--indicator`, `--year`) are timed too. Wall time, best of `--repeat`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from huibian import link, store  # noqa: E402
from huibian.db import Database  # noqa: E402


def best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, help="an ingested store to grow the big store from")
    ap.add_argument(
        "--big", type=Path, required=True, help="the store to time (built when --source is given)"
    )
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--region", default="高唐县", help="region for the filtered call")
    args = ap.parse_args()
    if args.source:
        from web_latency import build

        build(args.source, args.big, args.reports)
    conn = store.connect(args.big, readonly=True)
    n_reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    n_facts = conn.execute("SELECT count(*) FROM facts").fetchone()[0]
    conn.close()

    def fresh(fn: Callable[[Database], object]) -> Callable[[], object]:
        def run() -> object:
            with Database(args.big, readonly=True) as db:
                return fn(db)

        return run

    calls: list[tuple[str, Callable[[], object]]] = [
        ("places", fresh(lambda db: link.places(db.conn))),
        ("targets", fresh(lambda db: db.targets())),
        ("levels", fresh(lambda db: db.levels())),
        ("panel", fresh(lambda db: db.panel())),
        (f"targets --region {args.region}", fresh(lambda db: db.targets(region=args.region))),
        ("targets --indicator gdp", fresh(lambda db: db.targets(indicator="gdp"))),
        ("targets --year 2020", fresh(lambda db: db.targets(year=2020))),
        (
            "targets --level province --indicator gdp --with children (the province panel)",
            fresh(lambda db: db.targets(level="province", indicator="gdp", with_="children")),
        ),
    ]
    print(f"store: {args.big} — {n_reports} reports, {n_facts} facts\n")
    print("| call | rows | seconds |")
    print("|---|---:|---:|")
    for name, fn in calls:
        secs, df = best(fn, args.repeat)
        print(f"| {name} | {len(df)} | {secs:.2f} |", flush=True)
    with Database(args.big, readonly=True) as db:
        db.targets()
        secs, df = best(db.targets, args.repeat)
    print(f"| targets again, same Database | {len(df)} | {secs:.2f} |")


if __name__ == "__main__":
    main()
