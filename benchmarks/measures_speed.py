"""Speed of the text measures: first run (jieba over every report) and cached runs.

    # the corpus store (ingested once) and the 10,000-report store of web_latency.py:
    .venv/bin/huibian ingest ../shared/corpus --db /tmp/corpus.db -q
    .venv/bin/python benchmarks/measures_speed.py --store /tmp/corpus.db
    .venv/bin/python benchmarks/measures_speed.py --store /tmp/big.db --source /tmp/corpus.db --reports 10000

Each store is first emptied of cached counts (tables measure_words and measure_counts),
then timed through the Python API (`Database.measures`, what the CLI calls):
  1. first run, environment dictionary: jieba's cut of every report + the dictionary pass;
  2. the same query again: read from the cache;
  3. a second dictionary (innovation) on the cached word counts: only the dictionary pass;
  4. all six built-in dictionaries at once, cached;
  5. `huibian measures` as a command (Python start-up included), cached;
  6. kwic of 碳达峰 over the whole store (the full-text index picks the reports to read).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import huibian  # noqa: E402
from huibian import store  # noqa: E402


def _timed(label: str, fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    print(f"  {label}: {dt:.1f} s", file=sys.stderr)
    return dt, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, required=True, help="an ingested store (its cached counts are cleared)")
    ap.add_argument("--source", type=Path, help="build --store from this store first (web_latency.build)")
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", type=Path, help="write the figures here too")
    ap.add_argument(
        "--cached-only", action="store_true",
        help="keep the store's cached counts and time only the cached queries (steps 2, 4, 5, 6)",
    )
    args = ap.parse_args()
    if args.source:
        from web_latency import build

        build(args.source, args.store, args.reports)
    conn = store.connect(args.store)  # migrates: the cache tables exist
    if not args.cached_only:
        with conn:
            conn.execute("DELETE FROM measure_words")
            conn.execute("DELETE FROM measure_counts")
    n, chars = conn.execute("SELECT count(*), sum(length(text)) FROM reports").fetchone()
    conn.close()
    print(f"{args.store}: {n} reports, {chars / 1e6:.1f} M characters, {args.workers} worker(s)", file=sys.stderr)
    figures: dict[str, object] = {"store": str(args.store), "reports": n, "chars": chars, "workers": args.workers}
    if not args.cached_only:
        with huibian.open(args.store) as db:
            t, df = _timed("first run, environment", lambda: db.measures("environment", workers=args.workers))
            figures["first_environment_s"] = round(t, 2)
            figures["rows"] = len(df)
    with huibian.open(args.store) as db:  # a new Database: nothing in memory, only the store's cache
        t, df = _timed("cached, environment", lambda: db.measures("environment"))
        figures["cached_environment_s"] = round(t, 2)
        figures["rows"] = len(df)
        if not args.cached_only:
            t, _ = _timed(
                "new dictionary on cached words (innovation)", lambda: db.measures("innovation", workers=args.workers)
            )
            figures["new_dictionary_s"] = round(t, 2)
            rest = ["digital", "employment", "livelihood", "debt_risk"]
            db.measures(rest, workers=args.workers)
    with huibian.open(args.store) as db:
        six = ["environment", "innovation", "digital", "employment", "livelihood", "debt_risk"]
        t, df6 = _timed("cached, all six dictionaries", lambda: db.measures(six))
        figures["cached_six_s"] = round(t, 2)
        figures["rows_six"] = len(df6)
        t, _ = _timed("cached, by role", lambda: db.measures("environment", by="role"))
        figures["cached_by_role_s"] = round(t, 2)
    cmd = [str(Path(sys.executable).parent / "huibian"), "measures", "--db", str(args.store), "-f", "csv", "-o", os.devnull, "-q"]
    t, _ = _timed("`huibian measures -f csv` (cached, with start-up)", lambda: subprocess.run(cmd, check=True))
    figures["cli_cached_s"] = round(t, 2)
    with huibian.open(args.store) as db:
        t, k = _timed("kwic 碳达峰, whole store", lambda: db.kwic("碳达峰"))
        figures["kwic_s"] = round(t, 2)
        figures["kwic_rows"] = len(k)
    print(json.dumps(figures, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
