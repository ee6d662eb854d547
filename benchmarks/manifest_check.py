"""Check read → clean → split on every corpus report against MANIFEST.tsv.

Each file must give exactly one report whose region and year match the manifest.
Prints the match rate, every mismatch with its reason, the throughput, and the
metadata fields found (date, meeting, speaker, level) as rates.

    python benchmarks/manifest_check.py [--corpus /work/shared/corpus] [--verbose]

The check reads only the text and what the file says about itself; the manifest is
used for scoring, never as input.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from huibian.clean import clean  # noqa: E402
from huibian.models import HuibianError  # noqa: E402
from huibian.read import read_file  # noqa: E402
from huibian.split import split  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--verbose", action="store_true", help="print every report's metadata")
    args = parser.parse_args(argv)

    with open(args.corpus / "MANIFEST.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    ok = 0
    problems: list[str] = []
    found = Counter()
    level_ok = 0
    chars = 0
    seconds = 0.0
    for row in rows:
        path = args.corpus / row["file"]
        want_region, want_year = row["region"], int(row["report_year"])
        doc = read_file(path)
        t0 = time.perf_counter()
        try:
            cleaned = clean(doc.text)
            metas = split(cleaned.text, doc)
        except HuibianError as e:
            problems.append(f"{row['file']}: error: {e}")
            continue
        finally:
            seconds += time.perf_counter() - t0
            chars += len(doc.text)
        if len(metas) != 1:
            ids = ", ".join(m.id for m in metas)
            problems.append(
                f"{row['file']}: {len(metas)} reports ({ids}), want 1 ({want_region}-{want_year})"
            )
            continue
        meta = metas[0]
        for name in ("date", "meeting", "speaker", "post", "level", "parent"):
            if getattr(meta, name):
                found[name] += 1
        level_ok += meta.level == row["level"]
        if args.verbose:
            print(
                f"{row['file']}\t{meta.id}\t{meta.level}\t{meta.parent}\t{meta.date}\t{meta.meeting}\t"
                f"{meta.post}\t{meta.speaker}\t{'; '.join(meta.warnings)}"
            )
        reasons = []
        if meta.region != want_region:
            reasons.append(f"region {meta.region!r} != {want_region!r}")
        if meta.year != want_year:
            reasons.append(f"year {meta.year} != {want_year}")
        if reasons:
            problems.append(f"{row['file']}: {'; '.join(reasons)} [{'; '.join(meta.warnings)}]")
        else:
            ok += 1

    n = len(rows)
    for p in problems:
        print("MISMATCH", p)
    print(f"region+year match: {ok}/{n} = {ok / n:.1%}")
    print(f"level matches MANIFEST: {level_ok}/{n} = {level_ok / n:.1%}")
    print("fields found: " + ", ".join(f"{k} {v}/{n}" for k, v in sorted(found.items())))
    print(
        f"clean+split: {chars / 1e6:.1f} M chars in {seconds:.2f} s = {chars / seconds / 1e6:.1f} M chars/s"
    )
    return 0 if ok == n else 1


if __name__ == "__main__":
    raise SystemExit(main())
