"""Pathological texts of growing size through the per-file pipeline, stage by stage.

    python benchmarks/fuzz_linear.py [--sizes 10,30,100,300,1000] [--kinds list,digits,...]
                                     [--limit 60] [--no-memory] [--cli]

Each generator writes a report (a real head, so split finds 上海市-2018) whose body is
one damaged structure repeated to the size asked (KB of UTF-8): a long list
(地区生产总值增长5%、5%、…), a run of digits thousands long before `%`, nested brackets,
repeated headings, one giant line, many short lines, digits split by single spaces,
a table-like run of numbers. Every (kind, size) runs in its own process with a time
limit, so a quadratic stage shows as a time-out naming that stage, not a hung benchmark.

For each stage (read, clean, split, structure, extract, resolve, store) it prints the
wall time and the stage's peak of Python allocations (tracemalloc, in a second pass so
the timing is not slowed by it), then the time per KB: when a stage is linear that
column stays flat as the size grows; a growing column is the super-linear stage.
`--cli` also runs `huibian ingest --workers 1` on each 1 MB file and reports its wall
time and the peak RSS of the process that did the work (the issue's target: a 1 MB
pathological file in under 10 s and 300 MB).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

HEAD = (
    "上海市政府工作报告\n\n——2018年1月23日在上海市第十五届人民代表大会第一次会议上\n\n"
    "上海市市长 应勇\n\n各位代表：\n\n现在，我代表上海市人民政府，向大会报告工作，请予审议。\n\n"
    "一、过去一年工作回顾\n\n2017年，全市生产总值增长6.9%，一般公共预算收入增长9.1%。\n\n"
)
TAIL = "\n\n二、2018年主要预期目标\n\n全市生产总值增长6.5%左右，居民消费价格涨幅控制在3%左右。\n"
_REAL_PARA = (
    "全年全市生产总值达到30133亿元，比上年增长6.9%；一般公共预算收入6642亿元，增长9.1%；"
    "城乡居民人均可支配收入分别增长8.5%和9%，城镇登记失业率4.1%，居民消费价格上涨1.7%。"
)


def _fill(unit: str, size: int, head: str = HEAD, tail: str = TAIL, sep: str = "") -> str:
    """head + unit repeated until the text is `size` bytes of UTF-8 + tail."""
    fixed = len((head + tail).encode("utf-8"))
    per = max(1, len((unit + sep).encode("utf-8")))
    n = max(1, (size - fixed) // per)
    return head + sep.join([unit] * n) + tail


def gen_list(size: int) -> str:
    """地区生产总值增长5%、5%、5%…: one clause with thousands of numbers (issue #12)."""
    body = _fill("5%、", size - 30, head="", tail="")
    return HEAD + "地区生产总值增长" + body + "。" + TAIL


def gen_lists(size: int) -> str:
    """增长5%、5%…。 sentence after sentence, each with 90 numbers (just under the guard)."""
    return _fill("全市生产总值分别增长" + "5%、" * 89 + "6%。\n", size)


def gen_list_names(size: int) -> str:
    """一般公共预算收入、税收收入、…分别增长5%、6%…: a 分别 list with many subjects and values."""
    half = (size - len((HEAD + TAIL).encode())) // 2
    names = _fill("税收收入、", half, head="", tail="")
    values = "、".join(f"{i % 10}.{i % 7}%" for i in range(max(1, half // 5)))
    return HEAD + names + "分别增长" + values + "。" + TAIL


def gen_digits(size: int) -> str:
    """增长111…1%: a run of digits as long as the file, then a percent sign."""
    n = max(1, size - len((HEAD + TAIL).encode()) - 12)
    return HEAD + "全市生产总值增长" + "1" * n + "%。" + TAIL


def gen_numerals(size: int) -> str:
    """增长一一一…一个: a run of Chinese numerals as long as the file, then a unit."""
    n = max(1, (size - len((HEAD + TAIL).encode()) - 12) // 3)
    return HEAD + "全市新增" + "一" * n + "个。" + TAIL


def gen_spaces(size: int) -> str:
    """A run of spaces as long as the file around one `?` (the lost-space repair's input)."""
    n = max(1, size - len((HEAD + TAIL).encode()) - 20)
    return HEAD + "全市生产总值" + " " * n + "?增长5%。" + TAIL


def gen_spaced_digits(size: int) -> str:
    """增长1 1 1 1 … 1%: digits split by single spaces (the digit-space repair's input)."""
    n = max(1, (size - len((HEAD + TAIL).encode())) // 2)
    return HEAD + "全市生产总值增长" + " ".join("1" * n) + "%。" + TAIL


def gen_brackets(size: int) -> str:
    """（（（…增长5%…）））: brackets nested thousands deep around a figure."""
    n = max(1, (size - len((HEAD + TAIL).encode())) // 6)
    return HEAD + "全市生产总值" + "（" * n + "增长5%" + "）" * n + "。" + TAIL


def gen_headings(size: int) -> str:
    """一、…（一）…1.…（1）… repeated: thousands of headings, their numbers repeating."""
    unit = "一、工作回顾\n（一）经济发展\n1.工业生产\n（1）全市生产总值增长6.9%。\n二、主要目标\n"
    return _fill(unit, size)


def gen_numbered(size: int) -> str:
    """1.…2.…3.… up to thousands: a numbered list that keeps going (每一项 a heading candidate)."""
    fixed = len((HEAD + TAIL).encode())
    parts, total, i = [], fixed, 1
    while total < size:
        line = f"{i}.全市生产总值增长{i % 10}%。\n"
        parts.append(line)
        total += len(line.encode())
        i += 1
    return HEAD + "".join(parts) + TAIL


def gen_giant_line(size: int) -> str:
    """Real report prose with every line break removed: the body is one line."""
    return _fill(_REAL_PARA, size)


def gen_short_lines(size: int) -> str:
    """增\\n长\\n5\\n%\\n…: one or two characters a line (a column OCR read as rows)."""
    return _fill("增长，\n5%\n", size)


def gen_table(size: int) -> str:
    """A table flattened to text: rows of numbers without words, 12.3 45.6 7.8% …"""
    return _fill("12.3 45.6 7.8% 9亿元 10万吨\n", size)


def gen_ocr_noise(size: int) -> str:
    """Every repair at once, over and over: full-width digits, ?? placeholders, stray spaces."""
    return _fill("  ５．３ 增 长?? 1 2 %，收入 36.5 9亿元 ，\n", size)


def gen_real(size: int) -> str:
    """Ordinary report prose repeated (the baseline: what every stage does on real text)."""
    return _fill(_REAL_PARA + "\n", size)


GENERATORS: dict[str, Callable[[int], str]] = {
    "list": gen_list,
    "lists": gen_lists,
    "list_names": gen_list_names,
    "digits": gen_digits,
    "numerals": gen_numerals,
    "spaces": gen_spaces,
    "spaced_digits": gen_spaced_digits,
    "brackets": gen_brackets,
    "headings": gen_headings,
    "numbered": gen_numbered,
    "giant_line": gen_giant_line,
    "short_lines": gen_short_lines,
    "table": gen_table,
    "ocr_noise": gen_ocr_noise,
    "real": gen_real,
}
STAGES = ("read", "clean", "split", "resolve", "structure", "extract", "store")  # the order process_file runs them


def run_stages(path: Path, out: Callable[[dict], None], memory: bool, guard: bool = True) -> None:
    """The pipeline of huibian.pipeline.process_file, stage by stage, each stage timed
    (or, with `memory`, its peak of Python allocations measured)."""
    from huibian import clean, extract, read, resolve, split, store, structure
    from huibian.pipeline import build_report, extract_guarded, report_slices

    def extract_one(text, sections, meta, taxonomy):  # noqa: ANN001, ANN202
        if guard:
            return extract_guarded(text, sections, meta, taxonomy)
        return extract.extract(text, sections, meta, taxonomy)  # the extractor alone, to profile it
    from huibian.taxonomy import Taxonomy

    Taxonomy.load()

    def stage(name: str, fn: Callable[[], object]) -> object:
        if memory:
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
        t0 = time.perf_counter()
        result = fn()
        took = time.perf_counter() - t0
        row = {"stage": name, "s": took}
        if memory:
            row["mb"] = (tracemalloc.get_traced_memory()[1] - base) / 2**20
        out(row)
        return result

    if memory:
        tracemalloc.start()
    doc = stage("read", lambda: read.read_file(path))
    cleaned = stage("clean", lambda: clean.clean(doc.text))
    metas = stage("split", lambda: split.split(cleaned.text, doc))
    slices = list(report_slices(doc, cleaned, metas))
    texts = [cleaned.text[m.start : m.end] for m in metas]
    metas = stage("resolve", lambda: [resolve.annotate(m, t) for m, t in zip(metas, texts, strict=True)])
    sections = stage("structure", lambda: [structure.structure(t) for t in texts])
    taxonomy = Taxonomy.load()
    facts = stage("extract", lambda: [extract_one(t, s, m, taxonomy) for t, s, m in zip(texts, sections, metas, strict=True)])
    with tempfile.TemporaryDirectory() as tmp:
        conn = store.connect(Path(tmp) / "fuzz.db")
        reports = [build_report(doc, cleaned, m, t, s, f, sl) for m, t, s, f, sl in
                   zip(metas, texts, sections, facts, slices, strict=True)]
        writer = store.Writer(conn)
        stage("store", lambda: (writer.write_file(str(path), "0" * 64, 0, reports), writer.commit()))
        conn.close()
    warnings = sum(1 for m in metas for w in m.warnings if w.startswith("damaged text"))
    out({"stage": "done", "facts": sum(map(len, facts)), "warnings": warnings})


def _child(path: str, memory: bool, guard: bool, q: mp.Queue) -> None:
    try:
        run_stages(Path(path), q.put, memory, guard)
    except Exception as e:  # report it as a row: the table shows which stage failed
        q.put({"stage": "error", "error": f"{type(e).__name__}: {e}"[:120]})
    q.put({"stage": "rss", "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def measure(path: Path, memory: bool, limit: float, guard: bool = True) -> tuple[dict[str, dict], str | None]:
    """Run the stages in a child process; rows by stage, and a note if it failed or timed out."""
    ctx = mp.get_context("fork")
    q: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(str(path), memory, guard, q))
    proc.start()
    rows: dict[str, dict] = {}
    deadline = time.monotonic() + limit
    note = None
    while True:
        left = deadline - time.monotonic()
        try:
            row = q.get(timeout=max(0.05, left))
        except Exception:
            if time.monotonic() >= deadline:
                stuck = next((s for s in STAGES if s not in rows), "?")
                note = f"TIMEOUT in {stuck} (> {limit:.0f} s)"
                proc.kill()
                break
            continue
        rows[row["stage"]] = row
        if row["stage"] == "rss":
            break
    proc.join()
    if "error" in rows:
        note = rows["error"]["error"]
    return rows, note


def cli_run(path: Path, limit: float) -> tuple[float, float, int]:
    """`huibian ingest --workers 1 path` into a fresh store: wall time, peak RSS (MB) of the
    largest process, exit code."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cli.db"
        code = (
            "import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "r = subprocess.run([sys.executable, '-m', 'huibian', 'ingest', sys.argv[1], '--db', sys.argv[2],"
            " '--workers', '1', '-q', '--timeout', sys.argv[3]], capture_output=True)\n"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,"
            " r.returncode)\n"
        )
        r = subprocess.run([sys.executable, "-c", code, str(path), str(db), str(limit)], capture_output=True, text=True,
                           cwd=REPO)
        took, rss, rc = r.stdout.split()
        facts = sqlite3.connect(db).execute("SELECT count(*) FROM facts").fetchone()[0] if db.exists() else 0
        return float(took), float(rss), int(rc) if facts >= 0 else int(rc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,30,100,300,1000", help="KB of UTF-8 text, comma-separated")
    ap.add_argument("--kinds", default=",".join(GENERATORS), help="generators, comma-separated")
    ap.add_argument("--limit", type=float, default=60.0, help="seconds one (kind, size) may take")
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    ap.add_argument("--cli", action="store_true", help="also time `huibian ingest` on the largest size")
    ap.add_argument("--no-guard", action="store_true",
                    help="run the extractor without the pipeline's damage guard (to profile the extractor)")
    ap.add_argument("--json", help="write all rows to this file")
    args = ap.parse_args()
    sizes = [int(float(s) * 1000) for s in args.sizes.split(",")]
    kinds = args.kinds.split(",")
    unknown = [k for k in kinds if k not in GENERATORS]
    if unknown:
        ap.error(f"unknown kinds {unknown}; known: {', '.join(GENERATORS)}")
    all_rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            print(f"\n== {kind}: {GENERATORS[kind].__doc__.splitlines()[0]}")
            print(f"{'KB':>6} " + " ".join(f"{s:>10}" for s in STAGES) + f" {'total':>8} {'ms/KB':>7}"
                  f" {'peak MB':>8} {'RSS MB':>7} {'facts':>6}  note")
            for size in sizes:
                path = Path(tmp) / f"上海-上海市-2018-{kind}-{size}.txt"
                path.write_text(GENERATORS[kind](size), encoding="utf-8")
                kb = path.stat().st_size / 1000
                rows, note = measure(path, False, args.limit, not args.no_guard)
                mem_rows: dict[str, dict] = {}
                if not args.no_memory and note is None:
                    mem_rows, _ = measure(path, True, args.limit * 4, not args.no_guard)
                total = sum(rows[s]["s"] for s in STAGES if s in rows)
                peak = max((mem_rows[s]["mb"] for s in STAGES if s in mem_rows), default=float("nan"))
                cells = []
                for s in STAGES:
                    if s in rows:
                        cells.append(f"{rows[s]['s']:>9.3f}s")
                    else:
                        cells.append(f"{'—':>10}")
                facts = rows.get("done", {}).get("facts", "")
                rss = rows.get("rss", {}).get("mb", float("nan"))
                print(f"{kb:>6.0f} " + " ".join(cells) + f" {total:>7.2f}s {1000 * total / kb:>7.2f}"
                      f" {peak:>8.1f} {rss:>7.0f} {facts!s:>6}  {note or ''}", flush=True)
                if mem_rows:
                    print(f"{'MB':>6} " + " ".join(f"{mem_rows[s]['mb']:>9.1f}M" if s in mem_rows else f"{'—':>10}"
                                                   for s in STAGES))
                all_rows.append({"kind": kind, "kb": kb, "rows": rows, "memory": mem_rows, "note": note})
            if args.cli:
                took, rss, rc = cli_run(path, args.limit)
                ok = "OK" if took < 10 and rss < 300 else "OVER TARGET"
                print(f"  huibian ingest --workers 1 ({kb:.0f} KB): {took:.2f} s, peak RSS {rss:.0f} MB, "
                      f"exit {rc}  [{ok}: target < 10 s and < 300 MB]")
                all_rows.append({"kind": kind, "kb": kb, "cli": {"s": took, "rss_mb": rss, "exit": rc}})
    if args.json:
        Path(args.json).write_text(json.dumps(all_rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
