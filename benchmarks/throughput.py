"""Ingest throughput vs jieba segmentation, on the same text, one worker; peak memory.

    python benchmarks/throughput.py [CORPUS_DIR] [--repeat N]

Reads every report in CORPUS_DIR (default: ../shared/corpus/reports), then times, in
this one process: (1) `huibian.ingest.ingest(..., workers=1)` into a fresh SQLite store —
the whole pipeline (read → clean → split → structure → extract → resolve → store) with
the full-text search index built in the same pass, exactly `huibian ingest --workers 1`;
(2) the same with the index left out (`--no-index`), and then the index built in one
bulk pass (`huibian index`); (3) `jieba.lcut` over the same texts as read. Prints MB/s
of text, the ratios to jieba and the peak RSS.
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

    def timed_ingest(index: bool) -> tuple[float, float, int]:
        """Best wall time of ingest (and of `huibian index` after it when index=False)."""
        best, best_index, n = float("inf"), 0.0, 0
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                gc.collect()
                t0 = time.perf_counter()
                summary = ingest([Path(args.corpus)], Path(tmp) / "bench.db", workers=1, index=index)
                took = time.perf_counter() - t0
                idx = 0.0
                if not index:
                    from huibian import search, store

                    conn = store.connect(Path(tmp) / "bench.db")
                    t1 = time.perf_counter()
                    search.update(conn)
                    idx = time.perf_counter() - t1
                    conn.close()
                if took < best:
                    best, best_index = took, idx
                n = sum(r.facts for r in summary.results)
        return best, best_index, n

    full, _, n_facts = timed_ingest(index=True)
    bare, index_after, _ = timed_ingest(index=False)
    ingest_rss = peak_rss_mb()

    import jieba

    jieba.initialize()
    best_jieba = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for t in texts:
            jieba.lcut(t)
        best_jieba = min(best_jieba, time.perf_counter() - t0)

    jieba_mbs = mb / best_jieba
    print(f"jieba.lcut on the same text:                       {best_jieba:6.2f} s, {jieba_mbs:.2f} MB/s")
    print(f"ingest, search index built in the same pass:       {full:6.2f} s, {mb / full:.2f} MB/s, "
          f"{mb / full / jieba_mbs:.2f}x jieba, {n_facts} facts")
    print(f"ingest --no-index (read→…→extract→store):          {bare:6.2f} s, {mb / bare:.2f} MB/s, "
          f"{mb / bare / jieba_mbs:.2f}x jieba")
    print(f"  then `huibian index` (one bulk pass):            {index_after:6.2f} s")
    print(f"peak RSS after ingest: {ingest_rss:.0f} MB; after jieba too: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
