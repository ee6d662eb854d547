"""Latency of the web app on a big store: reader p95 < 150 ms, search p95 < 300 ms (issue #5).

    # 1. a store of the real corpus (book + ~500 reports), once:
    .venv/bin/huibian ingest ../shared/corpus --db /tmp/corpus.db -q
    # 2. grow it to 10,000 reports (copies under varied ids) and measure:
    .venv/bin/python benchmarks/web_latency.py --source /tmp/corpus.db --big /tmp/big.db --reports 10000
    # later runs reuse /tmp/big.db:
    .venv/bin/python benchmarks/web_latency.py --big /tmp/big.db

The big store is the corpus copied with SQL under ids `<id>~b<k>` (content hash made
unique, sections and facts copied, every copy put through the search indexer), so
each report is real text with real facts. The app runs as `huibian serve` would run
it: uvicorn in a subprocess on 127.0.0.1, the store read-only; requests are sent one
at a time from this process with httpx (a bounded number, on loopback only), and the
latency is the client-side wall time of each request, response body included.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from huibian import search, store  # noqa: E402

QUERIES = [
    "光伏",
    "低保",
    "13.5%",
    "经济发展",
    "供给侧结构性改革",
    "乡村振兴",
    "GDP",
    "脱贫攻坚",
    "地区生产总值",
    "城镇化率",
    "新能源汽车",
    "营商环境",
    "棚户区改造",
    "养老",
    "一带一路",
    "高质量发展",
    "7%",
    "港口",
    "雾霾",
    "大数据",
    "光伏 低保",
    '"民生 实事"',
    "城镇登记失业率",
    "粮食",
    "增长8%左右",
]
LIMITS = {"reader": 150.0, "search": 300.0}


def build(source: Path, big: Path, n_reports: int) -> None:
    """Copy `source` to `big` and add copies of its reports until there are n_reports."""
    t0 = time.perf_counter()
    if big.exists():
        big.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(big) + suffix).unlink(missing_ok=True)
    src = store.connect(source)
    src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    src.close()
    shutil.copyfile(source, big)
    conn = store.connect(big)  # migrates, so the search tables exist
    search.update(conn)
    base = conn.execute("SELECT id FROM reports ORDER BY id").fetchall()
    ids = [r[0] for r in base]
    have = len(ids)
    rep_cols = [r[1] for r in conn.execute("PRAGMA table_info(reports)")]
    sec_cols = [r[1] for r in conn.execute("PRAGMA table_info(sections)")]
    fact_cols = [r[1] for r in conn.execute("PRAGMA table_info(facts)") if r[1] != "id"]
    k = 0
    while have < n_reports:
        k += 1
        with conn:
            for rid in ids:
                if have >= n_reports:
                    break
                new = f"{rid}~b{k}"
                sel = ", ".join(
                    "?" if c == "id" else "content_hash || ?" if c == "content_hash" else f'"{c}"'
                    for c in rep_cols
                )
                conn.execute(
                    f"INSERT INTO reports ({', '.join(map(_q, rep_cols))}) SELECT {sel} FROM reports WHERE id = ?",
                    [new, f"~b{k}", rid],
                )
                conn.execute(
                    f"INSERT INTO sections ({', '.join(map(_q, sec_cols))}) SELECT "
                    + ", ".join("?" if c == "report_id" else _q(c) for c in sec_cols)
                    + " FROM sections WHERE report_id = ?",
                    [new, rid],
                )
                conn.execute(
                    f"INSERT INTO facts ({', '.join(map(_q, fact_cols))}) SELECT "
                    + ", ".join("?" if c == "report_id" else _q(c) for c in fact_cols)
                    + " FROM facts WHERE report_id = ?",
                    [new, rid],
                )
                text = conn.execute("SELECT text FROM reports WHERE id = ?", (new,)).fetchone()[0]
                search.index_report(conn, new, text)
                have += 1
        print(f"  {have} reports ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    conn.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()
    print(
        f"built {big}: {have} reports in {time.perf_counter() - t0:.0f} s, {big.stat().st_size / 2**20:.0f} MiB",
        file=sys.stderr,
    )


def _q(col: str) -> str:
    return f'"{col}"'  # column names come from PRAGMA table_info, not from input


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, port: int) -> subprocess.Popen:
    code = (
        "import sys, uvicorn; from huibian.web import create_app; "
        "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), str(port)], cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/indicators", timeout=30)
            return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start")


def measure(client: httpx.Client, urls: list[str]) -> list[float]:
    out = []
    for url in urls:
        t = time.perf_counter()
        r = client.get(url)
        out.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            raise SystemExit(f"{url}: HTTP {r.status_code}: {r.text[:200]}")
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, help="an ingested store to grow the big store from")
    ap.add_argument("--big", type=Path, required=True, help="the big store (built when --source is given)")
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--n", type=int, default=200, help="requests per route")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args()
    if args.source:
        build(args.source, args.big, args.reports)
    conn = sqlite3.connect(f"file:{args.big}?mode=ro", uri=True)
    ids = [r[0] for r in conn.execute("SELECT id FROM reports")]
    regions = [r[0] for r in conn.execute("SELECT DISTINCT region FROM reports")]
    years = [r[0] for r in conn.execute("SELECT DISTINCT year FROM reports")]
    nfacts = conn.execute("SELECT count(*) FROM facts").fetchone()[0]
    conn.close()
    rng = random.Random(args.seed)
    routes = {
        "reader": [f"/reports/{quote(rng.choice(ids))}" for _ in range(args.n)],
        "search": [],
        "library": [f"/?year={rng.choice(years)}" if i % 2 else "/" for i in range(args.n // 4)],
        "api_facts": [f"/api/facts?report={quote(rng.choice(ids))}" for _ in range(args.n // 4)],
        "indicator": [f"/indicators/gdp?places={quote(rng.choice(regions))}" for _ in range(args.n // 4)],
        "targets": [
            f"/targets?region={quote(rng.choice(regions))}" if i % 2 else "/targets"
            for i in range(args.n // 4)
        ],
    }
    for i in range(args.n):
        q = QUERIES[i % len(QUERIES)]
        extra = ""
        if i % 5 == 3:
            extra = f"&year={rng.choice(years)}"
        elif i % 5 == 4:
            extra = f"&region={quote(rng.choice(regions))}"
        routes["search"].append(f"/search?q={quote(q)}{extra}")
    rng.shuffle(routes["search"])
    port = _free_port()
    proc = serve(args.big, port)
    results = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            t = time.perf_counter()  # steady state: wait for the background target linking
            client.get("/api/targets?limit=1", timeout=900)
            print(f"target linking ready after {time.perf_counter() - t:.1f} s", file=sys.stderr)
            for name, urls in routes.items():
                measure(client, urls[:3])  # warm-up: first connection, caches
                times = measure(client, urls)
                results[name] = {
                    "n": len(times),
                    "p50": statistics.median(times),
                    "p95": pct(times, 95),
                    "max": max(times),
                }
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"store: {len(ids)} reports, {nfacts} facts, {args.big.stat().st_size / 2**20:.0f} MiB\n")
    print("| route | requests | p50 ms | p95 ms | max ms | limit (p95) |")
    print("|---|---:|---:|---:|---:|---|")
    ok = True
    for name, r in results.items():
        limit = LIMITS.get(name)
        flag = "" if limit is None else (f"< {limit:.0f} ✓" if r["p95"] < limit else f"< {limit:.0f} ✗")
        ok &= limit is None or r["p95"] < limit
        print(f"| {name} | {r['n']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {flag} |")
    if args.json:
        args.json.write_text(json.dumps({"reports": len(ids), "facts": nfacts, "routes": results}, indent=1))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
