"""What an extractor change does across the whole corpus: every rule earns its place here.

Runs read → clean → split → structure → extract over every corpus report (and the book),
writes the facts as JSON Lines, and compares them with an earlier run (or with the same
run with named rules switched off): how many facts were added, removed and changed, in
which fields, and a sample of each to read. It also prints the gold scores (dev gold and
benchmarks/gold) and the name coverage of ../shared/tools/name_coverage.py.

    python benchmarks/rule_impact.py --out /tmp/now.jsonl [--against /tmp/before.jsonl]
    python benchmarks/rule_impact.py --ablate RULE [--ablate RULE2] --out /tmp/off.jsonl --against /tmp/now.jsonl

Reports listed in benchmarks/blind/draw2.tsv are sealed (the second blind draw): they are
extracted and counted, but never shown in the samples.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from huibian import evaluate  # noqa: E402
from huibian.extract import ExtractConfig  # noqa: E402
from huibian.models import HuibianError  # noqa: E402
from huibian.pipeline import Options, process_file  # noqa: E402

SHARED = ROOT.parent / "shared"
FIELDS = ("indicator", "period", "base_period", "kind", "measure", "value", "value_hi", "unit", "cmp", "scope")


def _facts_of(args: tuple[str, tuple[str, ...]]) -> list[dict]:
    path, ablate = args
    try:
        reports = process_file(path, Options(extract=ExtractConfig(disabled=frozenset(ablate))))
    except HuibianError:
        return []
    out = []
    for rep in reports:
        for f in rep.facts:
            d = f.to_dict()
            d.pop("section", None)
            out.append(d)
    return out


def run(paths: list[str], ablate: tuple[str, ...], workers: int) -> list[dict]:
    with ProcessPoolExecutor(workers) as pool:
        chunks = pool.map(_facts_of, [(p, ablate) for p in paths], chunksize=8)
        return [f for chunk in chunks for f in chunk]


def _loc(f: dict) -> tuple:
    v = f["value"]
    return (f["report"], f["end"], float(v) if isinstance(v, int | float) else str(v))


def compare(old: list[dict], new: list[dict], sealed: set[str], sample: int, seed: int) -> None:
    """Facts matched by report, end offset and value; the rest added or removed."""
    old_by: dict[tuple, list[dict]] = {}
    for f in old:
        old_by.setdefault(_loc(f), []).append(f)
    changed: list[tuple[dict, dict, list[str]]] = []
    added: list[dict] = []
    fields: Counter = Counter()
    def same(a: object, b: object) -> bool:
        return a == b or (isinstance(a, int | float) and isinstance(b, int | float) and float(a) == float(b))

    for f in new:
        bucket = old_by.get(_loc(f))
        if not bucket:
            added.append(f)
            continue
        # the old fact most like this one
        best = min(bucket, key=lambda g: sum(not same(g.get(k), f.get(k)) for k in FIELDS))
        bucket.remove(best)
        diff = [k for k in FIELDS if not same(best.get(k), f.get(k))]
        if diff:
            changed.append((best, f, diff))
            fields.update(diff)
    removed = [f for bucket in old_by.values() for f in bucket]
    print(f"\nfacts before {len(old)}, after {len(new)}: added {len(added)}, removed {len(removed)}, "
          f"changed {len(changed)}")
    print("changed fields: " + ", ".join(f"{k} {v}" for k, v in fields.most_common()))
    rng = random.Random(seed)

    def show(title: str, rows: list, fmt) -> None:
        rows = [r for r in rows if (r[0] if isinstance(r, tuple) else r)["report"] not in sealed]
        if not rows:
            return
        print(f"\n-- {title} (sample of {min(sample, len(rows))} of {len(rows)})")
        for r in rng.sample(rows, min(sample, len(rows))):
            print("  " + fmt(r))

    def brief(f: dict) -> str:
        return (f"{f['report']} {f.get('indicator')} {f['period']}/{f.get('base_period')} {f['kind']} {f['measure']} "
                f"{f['value']}{f['unit']} {f['cmp']} scope={f.get('scope')!r} | {f['quote'][-60:]}")

    show("changed", changed, lambda r: f"{r[0]['report']} [{', '.join(r[2])}] "
         + "; ".join(f"{k}: {r[0].get(k)!r}→{r[1].get(k)!r}" for k in r[2]) + f" | {r[1]['quote'][-60:]}")
    show("added", added, brief)
    show("removed", removed, brief)


def scores(facts: list[dict]) -> None:
    for name, path in (("dev gold", SHARED / "gold" / "dev"), ("own gold", ROOT / "benchmarks" / "gold")):
        gold = evaluate.load_gold(path)
        s = evaluate.score(facts, gold.facts, headline_only=gold.headline_only)
        h, a = s["headline_lenient"], s["all_facts"]
        print(f"{name:9s} headline P {h.precision:.3f} R {h.recall:.3f} F1 {h.f1:.3f} | "
              f"all P {a.precision:.3f} R {a.recall:.3f} F1 {a.f1:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="write this run's facts here (.jsonl)")
    ap.add_argument("--against", type=Path, help="an earlier run's facts to compare with")
    ap.add_argument("--ablate", action="append", default=[], help="switch off an extraction rule (repeatable)")
    ap.add_argument("--sample", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    corpus = SHARED / "corpus"
    paths = sorted(str(p) for p in (corpus / "reports").glob("*.txt")) + sorted(
        str(p) for p in (corpus / "books").glob("*.txt"))
    t = time.perf_counter()
    facts = run(paths, tuple(args.ablate), args.workers)
    print(f"{len(paths)} files, {len(facts)} facts in {time.perf_counter() - t:.1f} s"
          + (f" (rules off: {', '.join(args.ablate)})" if args.ablate else ""))
    with args.out.open("w", encoding="utf-8") as fh:
        for f in facts:
            fh.write(json.dumps(f, ensure_ascii=False) + "\n")
    scores(facts)
    cov = subprocess.run([sys.executable, str(SHARED / "tools" / "name_coverage.py"), str(args.out), "--top", "0"],
                         capture_output=True, text=True)
    print("name coverage: " + cov.stdout.strip())
    if args.against:
        old = [json.loads(line) for line in args.against.read_text(encoding="utf-8").splitlines() if line]
        draw2 = ROOT / "benchmarks" / "blind" / "draw2.tsv"
        sealed = {line.split("\t")[-1] for line in draw2.read_text(encoding="utf-8").splitlines() if line}
        compare(old, facts, sealed, args.sample, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
