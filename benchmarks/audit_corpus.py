"""`huibian audit` over the whole corpus: flags by check, and a sample of flags to classify.

    python benchmarks/audit_corpus.py                         # ingest the corpus now, audit it
    python benchmarks/audit_corpus.py --facts old.jsonl       # audit facts of another run (JSON Lines)
    python benchmarks/audit_corpus.py --sample 30 --seed 8    # print 30 flags to read against the texts

`--facts` takes what `huibian facts --format jsonl` (or benchmarks/rule_impact.py --out)
wrote, so the extractor of an earlier commit can be audited the same way; the reports
table comes from a store built now (region, level and code do not depend on the extractor).
Flags of the sealed second blind draw are counted but never printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import huibian  # noqa: E402
from huibian import audit  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facts", type=Path, help="audit these facts (JSON Lines) instead of the store's")
    ap.add_argument("--db", type=Path, help="an existing store of the corpus (else one is built in a temp dir)")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--csv", type=Path, help="write every flag here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / "corpus.db"
        t = time.perf_counter()
        db = huibian.open(db_path)
        if args.db is None:
            db.ingest([CORPUS / "reports", CORPUS / "books"], index=False, workers=2)
        reports = db.reports()
        if args.facts:
            rows = [json.loads(line) for line in args.facts.read_text(encoding="utf-8").splitlines() if line]
            facts = pd.DataFrame(rows)
            facts["id"] = range(1, len(facts) + 1)
        else:
            facts = db.facts()
        flags = audit.audit(facts, reports)
        secs = time.perf_counter() - t
    print(f"{len(facts)} facts of {facts['report'].nunique()} reports; {len(flags)} flags ({secs:.1f} s)")
    print(audit.summary(flags).to_string(index=False))
    if args.csv:
        flags.to_csv(args.csv, index=False)
    if args.sample:
        draw2 = ROOT / "benchmarks" / "blind" / "draw2.tsv"
        sealed = {line.split("\t")[-1] for line in draw2.read_text(encoding="utf-8").splitlines() if line}
        shown = flags[~flags["report"].isin(sealed) & (flags["check"] != "unmapped")]
        pick = shown.sample(min(args.sample, len(shown)), random_state=args.seed)
        pd.set_option("display.width", 250)
        pd.set_option("display.max_colwidth", 90)
        print(pick[["check", "report", "indicator", "period", "measure", "value", "unit", "detail", "quote"]].to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
