"""Character bigrams or a word segmenter for Chinese full-text search? Measured on the corpus.

    .venv/bin/python benchmarks/search_index.py --db /tmp/corpus.db

For each query the truth is the set of reports whose cleaned text contains it, both
folded alike (full-width = half-width, case and whitespace ignored: 13.5％ is 13.5%). Three FTS5 indexes over the same texts are compared:

- bigram: huibian.search (every overlapping character pair; a query is the phrase
  of its bigrams);
- jieba: words from jieba's search-engine mode (cut_for_search), query the phrase
  of the query's words;
- unigram: every character a token, a query the phrase of its characters.

Reported: recall and precision against the truth, index size, build time and the
median query time (count of matching reports).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from huibian import search  # noqa: E402

QUERIES = [
    "光伏",
    "低保",
    "13.5%",
    "供给侧结构性改革",
    "新能源汽车",
    "营商环境",
    "养老",
    "棚户区改造",
    "乡村振兴",
    "脱贫攻坚",
    "一带一路",
    "雾霾",
    "港口",
    "大数据",
    "城镇登记失业率",
    "地区生产总值",
    "7%左右",
    "GDP",
    "粮食",
    "民生",
    "冬奥",
    "自贸区",
    "煤改气",
    "双创",
    "放管服",
    "河长制",
    "新基建",
    "数字经济",
    "碳达峰",
    "人才",
    "高铁",
    "保障性住房",
    "义务教育",
    "医保",
    "稀土",
    "光伏发电",
    "风电",
    "新冠",
    "疫情防控",
    "锦州",
]


def tokens_jieba(text: str) -> str:
    import jieba

    return " ".join(search.fold(w) for w in jieba.cut_for_search(text) if search.fold(w))


def tokens_unigram(text: str) -> str:
    return " ".join(search.fold(text))


def query_bigram(q: str) -> str:
    return search.match_expression(q)


def query_jieba(q: str) -> str:
    import jieba

    words = [search.fold(w) for w in jieba.cut(q) if search.fold(w)]
    return '"' + " ".join(words) + '"'


def query_unigram(q: str) -> str:
    return '"' + " ".join(search.fold(q)) + '"'


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True, help="an ingested store")
    args = ap.parse_args()
    src = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    docs = src.execute("SELECT rowid, text FROM reports").fetchall()
    print(f"{len(docs)} reports, {sum(len(t) for _, t in docs) / 1e6:.1f} M characters\n")
    schemes = {
        "bigram": (search.bigrams, query_bigram),
        "jieba": (tokens_jieba, query_jieba),
        "unigram": (tokens_unigram, query_unigram),
    }
    folded = [(rid, search.fold(t)) for rid, t in docs]
    truth = {q: {rid for rid, t in folded if search.fold(q) in t} for q in QUERIES}
    print("| index | recall | precision | queries fully right | index MiB | build s | median query ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (tok, qry) in schemes.items():
        tmp = sqlite3.connect(":memory:")
        tmp.execute("CREATE VIRTUAL TABLE f USING fts5(bi, content='', tokenize='unicode61')")
        t0 = time.perf_counter()
        with tmp:
            tmp.executemany("INSERT INTO f (rowid, bi) VALUES (?, ?)", ((rid, tok(t)) for rid, t in docs))
            tmp.execute("INSERT INTO f (f) VALUES ('optimize')")
        build = time.perf_counter() - t0
        size = tmp.execute("SELECT sum(length(block)) FROM f_data").fetchone()[0] / 2**20
        tp = fn = fp = right = 0
        times = []
        for q in QUERIES:
            t = time.perf_counter()
            got = {r[0] for r in tmp.execute("SELECT rowid FROM f WHERE f MATCH ?", (qry(q),))}
            times.append((time.perf_counter() - t) * 1000)
            want = truth[q]
            tp += len(got & want)
            fn += len(want - got)
            fp += len(got - want)
            right += got == want
        recall = tp / (tp + fn) if tp + fn else 1.0
        precision = tp / (tp + fp) if tp + fp else 1.0
        print(
            f"| {name} | {recall:.3f} | {precision:.3f} | {right}/{len(QUERIES)} | {size:.1f} | {build:.1f} | "
            f"{statistics.median(times):.2f} |"
        )
        tmp.close()


if __name__ == "__main__":
    main()
