"""Ingest throughput vs jieba segmentation, on the same text, one worker; peak memory.

    python benchmarks/throughput.py [CORPUS_DIR] [--repeat N]

Reads every report in CORPUS_DIR (default: ../shared/corpus/reports), then times
(1) `huibian.ingest.ingest(..., workers=1)` into a fresh SQLite store — the whole
pipeline (read → clean → split → structure → extract → resolve → store, search index
included) in this one process, exactly what `huibian ingest --workers 1` does — and
(2) `jieba.lcut` over the same texts as read. Prints MB/s of text for both, their ratio and the peak RSS.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from huibian import read  # noqa: E402
from huibian.ingest import ingest  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus" / "reports"))
    ap.add_argument("--repeat", type=int, default=1, help="passes over the corpus (best time is kept)")
    args = ap.parse_args()
    files, _ = read.iter_files([Path(args.corpus)])
    texts = [read.read_file(f).text for f in files]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: {len(files)} files, {mb:.2f} MB of UTF-8 text, {sum(map(len, texts)) / 1e6:.2f} M chars")

    best_ingest = float("inf")
    n_facts = 0
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            gc.collect()
            t0 = time.perf_counter()
            summary = ingest([Path(args.corpus)], Path(tmp) / "bench.db", workers=1)
            best_ingest = min(best_ingest, time.perf_counter() - t0)
            n_facts = sum(r.facts for r in summary.results)
    ingest_rss = peak_rss_mb()

    import jieba

    jieba.initialize()
    best_jieba = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for t in texts:
            jieba.lcut(t)
        best_jieba = min(best_jieba, time.perf_counter() - t0)

    ingest_mbs, jieba_mbs = mb / best_ingest, mb / best_jieba
    print(f"ingest (read→…→extract→store, 1 worker): {best_ingest:.2f} s, {ingest_mbs:.2f} MB/s, {n_facts} facts")
    print(f"jieba.lcut on the same text:              {best_jieba:.2f} s, {jieba_mbs:.2f} MB/s")
    print(f"ratio ingest / jieba: {ingest_mbs / jieba_mbs:.2f}x")
    print(f"peak RSS after ingest: {ingest_rss:.0f} MB; after jieba too: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
