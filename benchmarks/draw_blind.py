"""Draw reports for blind scoring: a seeded, recorded draw from the corpus.

Issue #8 asks for 8 reports that are in no gold set — 2 national or provincial,
3 city, 3 county (or district), at least 3 from before 2010 — drawn at random with a
seed that is written down, so anyone can redraw the same 8. The draw reads only
MANIFEST.tsv; the annotators then see only docs/facts.md and each report's text.

    python benchmarks/draw_blind.py --seed 20261129 [--exclude benchmarks/gold ...]

Prints one line per drawn report: file, region, level, year, report id.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
GROUPS = {"top": ("national", "province"), "city": ("city",), "county": ("county", "district")}
QUOTA = {"top": 2, "city": 3, "county": 3}
MIN_BEFORE_2010 = 3


def gold_reports(paths: list[Path]) -> set[str]:
    """Report ids already taken: the stem of every .jsonl under the paths, and the last
    column of an earlier draw's .tsv (so a second draw never repeats the first)."""
    out: set[str] = set()
    for p in paths:
        if p.suffix == ".tsv":
            out.update(line.split("\t")[-1] for line in p.read_text(encoding="utf-8").splitlines() if line)
            continue
        files = p.rglob("*.jsonl") if p.is_dir() else [p]
        out.update(f.stem for f in files)
    return out


def draw(rows: list[dict[str, str]], seed: int, exclude: set[str]) -> list[dict[str, str]]:
    """Redraw with the same generator until the quota of early reports holds: the
    result depends on the seed and the manifest only."""
    rng = random.Random(seed)
    pools = {g: sorted((r for r in rows if r["level"] in levels and report_id(r) not in exclude),
                       key=lambda r: r["file"]) for g, levels in GROUPS.items()}
    for _ in range(10_000):
        picked = [r for g, n in QUOTA.items() for r in rng.sample(pools[g], n)]
        if sum(int(r["report_year"]) < 2010 for r in picked) >= MIN_BEFORE_2010:
            return picked
    raise SystemExit("no draw meets the quota of early reports")


def report_id(row: dict[str, str]) -> str:
    return f"{row['region']}-{row['report_year']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[ROOT / "benchmarks" / "gold"],
                        help="gold files or folders, or earlier draws (.tsv), whose reports are not drawn")
    args = parser.parse_args(argv)
    with open(args.corpus / "MANIFEST.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    exclude = gold_reports(args.exclude) | gold_reports([args.corpus.parent / "gold"])
    for r in draw(rows, args.seed, exclude):
        print("\t".join([r["file"], r["region"], r["level"], r["report_year"], report_id(r)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
