"""How many reports resolve to a GB/T 2260 division, and which do not (with the reason).

    .venv/bin/python benchmarks/resolve_rate.py                 # MANIFEST regions + report texts
    .venv/bin/python benchmarks/resolve_rate.py --db huibian.db  # what ingest stored

MANIFEST mode resolves each corpus file's region as the file names it (region, report
year, the 省 in the file name as parent hint, the text for shared names) and checks the
level against MANIFEST's level (which calls a 县级市 `county`). Store mode reads the
regions the split stage found and the admin_code ingest stored, and checks the level
against MANIFEST's for corpus files.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from huibian.models import ReportMeta  # noqa: E402
from huibian.resolve import resolve_report  # noqa: E402

SHARED = ROOT.parent / "shared"


def from_manifest() -> list[tuple[ReportMeta, str, str]]:
    rows = []
    corpus = SHARED / "corpus"
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            path = corpus / r["file"]
            meta = ReportMeta(
                id=f"{r['region']}-{r['report_year']}",
                region=r["region"],
                year=int(r["report_year"]),
                start=0,
                end=0,
                source=str(path),
            )
            rows.append((meta, path.read_text(encoding="utf-8", errors="replace"), r["level"]))
    return rows


def from_store(db: str) -> list[tuple[ReportMeta, str, str]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    rows = []
    with (SHARED / "corpus" / "MANIFEST.tsv").open(encoding="utf-8") as f:
        manifest = {Path(m["file"]).name: m["level"] for m in csv.DictReader(f, delimiter="\t")}
    for r in conn.execute(
        "SELECT id, region, year, level, parent, date, source, admin_code, text FROM reports"
    ):
        meta = replace(ReportMeta.stored(r), parent=None, level=None)  # the region resolved without the stored hints
        # check the level against MANIFEST's for corpus files (a 县级市 is county there), else the stored one
        rows.append((meta, r["text"], manifest.get(Path(r["source"] or "").name, r["level"] or "")))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="a huibian store; default: the corpus MANIFEST")
    args = ap.parse_args()
    rows = from_store(args.db) if args.db else from_manifest()
    status: Counter[str] = Counter()
    level_bad, failures, changed = [], [], []
    for meta, text, level in rows:
        res = resolve_report(meta, text)
        status[res.status] += 1
        if res.status != "ok":
            failures.append((meta.id, res.status, res.reason))
            continue
        if args.db and meta.admin_code and meta.admin_code != res.code:
            level_bad.append((meta.id, f"stored admin_code {meta.admin_code}, resolver {res.code}"))
        if level and res.level != level:
            level_bad.append((meta.id, f"level {level} given, resolver {res.level} ({res.kind})"))
        if [c.code for c in res.current] != [res.code]:
            changed.append(
                (
                    meta.id,
                    f"{res.name} {res.code} → today {', '.join(c.name + ' ' + c.code for c in res.current)}",
                )
            )
    n = len(rows)
    print(
        f"reports: {n}; resolved: {status['ok']} ({status['ok'] / max(n, 1):.1%}); "
        f"ambiguous: {status['ambiguous']}; unknown: {status['unknown']}"
    )
    for rid, st, why in failures:
        print(f"  {st}: {rid}: {why}")
    print(f"level disagreements: {len(level_bad)}")
    for rid, why in level_bad:
        print(f"  {rid}: {why}")
    print(
        f"places that changed since the report (resolved as of the report year, linked to today): {len(changed)}"
    )
    for rid, why in changed:
        print(f"  {rid}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
