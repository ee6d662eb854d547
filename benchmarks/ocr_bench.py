"""OCR benchmark: character error rate and speed of each engine on scanned test pages, and
the book excerpt ingested from an image-only PDF and scored against the dev gold set.

    .venv/bin/python benchmarks/ocr_bench.py                 # everything (about 15 min on 2 cores)
    .venv/bin/python benchmarks/ocr_bench.py --pages 2 --skip-book

Pages come from benchmarks/ocr_pages.py: the book excerpt and three corpus reports typeset
with a Debian CJK font (one and two columns, running head, page number) at 150/200/300
dpi, clean and degraded (skew ≤ 2°, blur, noise, JPEG, dark border), each set wrapped into
an image-only PDF. Each page goes the way `huibian ingest` takes it: rasterised from the
PDF by pypdfium2, recognised, laid out (running heads dropped, reading order). CER is the
Levenshtein distance (rapidfuzz) between that text and the text drawn, over the drawn
text's length, with whitespace removed and both sides NFKC-normalised (a comma's width
is no error of reading). Speed is CPU seconds per page with the engine on one thread,
so that it is pages per second per core whatever else the machine runs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import ocr_pages  # noqa: E402

SHARED = ROOT.parent / "shared"
BOOK = SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt"
REPORTS = ["国务院-全国-2013.txt", "湖南-常德市-2014.txt", "河北-易县-2018.txt"]
CONDITIONS = [  # name, dpi, columns, degraded
    ("clean 300 dpi", 300, 1, False),
    ("clean 200 dpi", 200, 1, False),
    ("clean 150 dpi", 150, 1, False),
    ("clean 200 dpi, 2 columns", 200, 2, False),
    ("degraded 300 dpi", 300, 1, True),
    ("degraded 200 dpi", 200, 1, True),
    ("degraded 200 dpi, 2 columns", 200, 2, True),
    ("degraded 150 dpi", 150, 1, True),
]


def sources() -> list[list[str]]:
    from huibian.read import read_file

    out = [ocr_pages.paragraphs_of(BOOK)]
    for name in REPORTS:
        text = read_file(SHARED / "corpus" / "reports" / name).text
        out.append([p.strip() for p in text.splitlines() if p.strip()])
    return out


def norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def make_pages(n: int) -> list[tuple[str, bytes, list[str], int]]:
    """Per condition: an image-only PDF of n pages (taken round-robin from the sources) and truths."""
    texts = sources()
    out = []
    for ci, (name, dpi, cols, bad) in enumerate(CONDITIONS):
        images, truths = [], []
        for k in range(n):
            src = texts[k % len(texts)]
            skip = (k // len(texts)) * 60 + ci * 7  # a different stretch of text for each page
            # one running head on every page, so that even two pages show it repeats (a book's many do)
            page = ocr_pages.typeset(src[skip % max(1, len(src) - 40):], dpi=dpi, columns=cols, max_pages=1,
                                     first_page=k + 1, heads=("政府工作报告汇编",))[0]
            img = ocr_pages.degrade(page.image, seed=1000 * ci + k, dpi=dpi) if bad else page.image
            images.append(img)
            truths.append(page.truth)
        out.append((name, ocr_pages.image_pdf(images, dpi), truths, dpi))
    return out


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_engine(args: tuple[str, str, bytes, int]) -> list[dict]:
    """OCR every page of one condition's PDF with one engine, one thread; per page: text, conf, CPU s."""
    engine_name, cond, pdf_bytes, _dpi = args
    import numpy as np  # noqa: F401

    from huibian.ocr.engines import get_engine
    from huibian.ocr.layout import layout_page, running_keys
    from huibian.ocr.raster import deskew, open_pdf, page_dpi, render_pdf_page

    if engine_name == "rapidocr-v4":
        engine = _RapidV4()
    else:
        engine = get_engine(engine_name, 1)
    pdf = open_pdf(pdf_bytes, cond)
    results, cpus, sizes = [], [], []
    for i in range(len(pdf)):
        img = render_pdf_page(pdf, i, page_dpi(pdf, i))
        t0, c0 = time.process_time(), _child_cpu()
        results.append(engine.recognise(deskew(img)))
        cpus.append(time.process_time() - t0 + _child_cpu() - c0)
        sizes.append(int(img.size))
    running = running_keys(results) if len(results) > 1 else set()  # the pages of a condition are one book
    rows = []
    for i, res in enumerate(results):
        pt = layout_page(res, running)
        chars: list[tuple[str, float]] = []
        for s, e, ln in pt.lines:
            chars += list(zip(pt.text[s:e], ln.chars or [ln.conf] * (e - s), strict=False))
        rows.append({"engine": engine_name, "condition": cond, "page": i + 1, "text": pt.text,
                     "chars": chars, "cpu": cpus[i], "pixels": sizes[i]})
    pdf.close()
    return rows


class _RapidV4:
    """rapidocr-onnxruntime 1.4 (PP-OCRv4 mobile models in its wheel), when installed, for comparison."""

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self._ocr = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False)

    def recognise(self, image):
        from huibian.ocr.engines import box_of
        from huibian.ocr.result import OcrLine, PageOCR

        res, _ = self._ocr(image)
        lines = [OcrLine(t, box_of(b), float(s), [float(s)] * len(t)) for b, t, s in (res or [])]
        return PageOCR(image.shape[1], image.shape[0], "rapidocr-onnxruntime-PP-OCRv4", lines)


def cer(ocr: str, truth: str) -> tuple[int, int]:
    from rapidfuzz.distance import Levenshtein

    a, b = norm(ocr), norm(truth)
    return Levenshtein.distance(a, b), len(b)


def calibration(rows: list[dict], truths: dict[tuple[str, int], str], thresholds: list[float]) -> list[dict]:
    """How well low confidence points at errors: per threshold, the share of characters marked
    and of wrong characters among them, and the share of all wrong characters marked."""
    from rapidfuzz.distance import Levenshtein

    out = {t: [0, 0, 0] for t in thresholds}  # marked, marked & wrong, wrong
    for r in rows:
        pairs = [(unicodedata.normalize("NFKC", c), p) for c, p in r["chars"] if not c.isspace()]
        ocr = "".join(c for c, _ in pairs)
        conf = [p for c, p in pairs for _ in c]
        wrong = [False] * len(ocr)
        for op in Levenshtein.editops(ocr, norm(truths[(r["condition"], r["page"])])):
            if op.tag in ("replace", "delete") and op.src_pos < len(wrong):
                wrong[op.src_pos] = True
        for t in thresholds:
            for w, p in zip(wrong, conf, strict=False):
                out[t][0] += p < t
                out[t][1] += p < t and w
                out[t][2] += w
    return [{"threshold": t, "marked": m, "precision": mw / m if m else 0, "recall": mw / w if w else 0}
            for t, (m, mw, w) in out.items()]


def book_ingest(dpi: int, degraded: bool, workers: int, engine: str = "") -> dict:
    """The book excerpt as an image-only PDF through `huibian ingest`, scored on the dev gold."""
    from huibian import evaluate, export
    from huibian.db import Database

    pages = ocr_pages.typeset(ocr_pages.paragraphs_of(BOOK), dpi=dpi)
    images = [ocr_pages.degrade(p.image, seed=77 + i, dpi=dpi) if degraded else p.image for i, p in enumerate(pages)]
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "book-scan.pdf"
        pdf.write_bytes(ocr_pages.image_pdf(images, dpi))
        db = Path(tmp) / "h.db"
        env = dict(os.environ, HUIBIAN_OCR_CACHE=str(Path(tmp) / "cache"))
        cmd = [str(ROOT / ".venv" / "bin" / "huibian"), "ingest", str(pdf), "--db", str(db), "--workers", str(workers)]
        if engine:
            cmd += ["--ocr-engine", engine]
        t0 = time.perf_counter()
        first = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = subprocess.run([*cmd, "--replace"], capture_output=True, text=True, env=env, check=False)
        rerun = time.perf_counter() - t0
        with Database(db, readonly=True) as d:
            reps = d.reports()[["id", "region", "parent", "level", "year", "date", "post", "speaker"]]
            pred = export.fact_records(d.facts())
            low = int(d.facts()["low_confidence"].sum())
        gold = evaluate.load_jsonl(SHARED / "gold" / "dev")
        scores = evaluate.score(pred, gold)
    return {
        "pages": len(pages), "dpi": dpi, "degraded": degraded, "exit": first.returncode, "seconds": round(wall, 1),
        "rerun_seconds": round(rerun, 1), "rerun_from_cache": "0 recognised" in again.stdout,
        "reports": reps.to_dict("records"), "headline_f1": round(scores["headline_lenient"].f1, 3),
        "headline_f1_strict": round(scores["headline_strict"].f1, 3), "all_f1": round(scores["all_facts"].f1, 3),
        "facts": len(pred), "low_confidence_facts": low,
    }


def pool_run(n_pages: int, workers: int) -> dict:
    """An n-page scanned PDF (corpus reports, degraded, 200 dpi) through `huibian ingest`: wall
    time, CPU time of the whole process tree (busy = CPU / wall / workers), a re-run's time."""
    texts = sources()
    images = []
    k = 0
    while len(images) < n_pages:
        for page in ocr_pages.typeset(texts[k % len(texts)], dpi=200, max_pages=n_pages - len(images),
                                      first_page=len(images) + 1):
            images.append(ocr_pages.degrade(page.image, seed=len(images), dpi=200))
        k += 1
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "scan.pdf"
        pdf.write_bytes(ocr_pages.image_pdf(images, 200))
        env = dict(os.environ, HUIBIAN_OCR_CACHE=str(Path(tmp) / "cache"))
        cmd = [str(ROOT / ".venv" / "bin" / "huibian"), "ingest", str(pdf), "--db", str(Path(tmp) / "h.db"),
               "--workers", str(workers), "--max-mb", "1000"]  # a scanned book is large: about 0.7 MB a page
        c0, t0 = _child_cpu(), time.perf_counter()
        first = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        wall, cpu = time.perf_counter() - t0, _child_cpu() - c0
        t0 = time.perf_counter()
        again = subprocess.run([*cmd, "--replace"], capture_output=True, text=True, env=env, check=False)
        rerun = time.perf_counter() - t0
    return {"pages": n_pages, "workers": workers, "exit": first.returncode, "wall_s": round(wall, 1),
            "cpu_s": round(cpu, 1), "busy": round(cpu / wall / workers, 2), "rerun_s": round(rerun, 1),
            "size_mb": round(len(ocr_pages.image_pdf(images[:1], 200)) / 1e6 * n_pages, 1),
            "summary": (first.stdout.strip().splitlines() or [first.stderr])[-1],
            "rerun_summary": (again.stdout.strip().splitlines() or [again.stderr])[-1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=2, help="pages per condition (0: skip the CER part)")
    ap.add_argument("--book-engine", default="", help="engine for the book ingest (default: data/ocr.yaml)")
    ap.add_argument("--engines", default="rapidocr,tesseract", help="also: rapidocr-v4 (rapidocr-onnxruntime)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--skip-book", action="store_true")
    ap.add_argument("--pool-pages", type=int, default=0,
                    help="only ingest an N-page scanned PDF through the page pool and report how busy it was")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "ocr_results.json"))
    args = ap.parse_args()
    if args.pool_pages:
        r = pool_run(args.pool_pages, args.workers)
        print(json.dumps(r, ensure_ascii=False, indent=1))
        return
    engines = []
    for e in args.engines.split(","):
        try:
            if e == "rapidocr-v4":
                import rapidocr_onnxruntime  # noqa: F401
            else:
                from huibian.ocr.engines import engine_id

                engine_id(e)
            engines.append(e)
        except Exception as ex:  # noqa: BLE001
            print(f"skipping {e}: {ex}", file=sys.stderr)
    conds = make_pages(args.pages) if args.pages else []  # --pages 0: the book ingest only
    truths = {(name, i + 1): t for name, _, ts, _ in conds for i, t in enumerate(ts)}
    jobs = [(e, name, pdf, dpi) for name, pdf, _, dpi in conds for e in engines]
    ctx = mp.get_context("fork")
    rows: list[dict] = []
    with ctx.Pool(max(1, args.workers), maxtasksperchild=1) as pool:
        for k, res in enumerate(pool.imap_unordered(run_engine, jobs), start=1):
            rows += res
            print(f"  {k}/{len(jobs)} {res[0]['engine']} · {res[0]['condition']}", file=sys.stderr)
    table = []
    for e in engines:
        for name, *_ in conds:
            rs = [r for r in rows if r["engine"] == e and r["condition"] == name]
            dist = sum(cer(r["text"], truths[(name, r["page"])])[0] for r in rs)
            length = sum(cer(r["text"], truths[(name, r["page"])])[1] for r in rs)
            cpu = sum(r["cpu"] for r in rs) / len(rs)
            table.append({"engine": e, "condition": name, "pages": len(rs), "chars": length,
                          "cer": round(dist / length, 4), "cpu_s_per_page": round(cpu, 2),
                          "pages_per_s_per_core": round(1 / cpu, 3)})
    if table:
        print("\n| engine | condition | pages | chars | CER | CPU s / page | pages / s / core |")
        print("|---|---|---|---|---|---|---|")
    for t in table:
        print(f"| {t['engine']} | {t['condition']} | {t['pages']} | {t['chars']} | {100 * t['cer']:.2f}% "
              f"| {t['cpu_s_per_page']} | {t['pages_per_s_per_core']} |")
    calib = {e: calibration([r for r in rows if r["engine"] == e], truths, [0.5, 0.8, 0.9, 0.95])
             for e in engines if e != "rapidocr-v4" and rows}
    for e, cs in calib.items():
        print(f"\nlow-confidence marks, {e}: " + "; ".join(
            f"< {c['threshold']}: {c['marked']} chars marked, {100 * c['precision']:.0f}% of them wrong, "
            f"{100 * c['recall']:.0f}% of all errors marked" for c in cs))
    book = []
    if not args.skip_book:
        for dpi, bad in ((200, False), (200, True)):
            b = book_ingest(dpi, bad, args.workers, args.book_engine)
            book.append(b)
            print(f"\nbook excerpt ({args.book_engine or 'default engine'}), image-only PDF, {dpi} dpi {'degraded' if bad else 'clean'}: {b['pages']} pages,"
                  f" exit {b['exit']}, {b['seconds']} s ({args.workers} workers), re-run {b['rerun_seconds']} s"
                  f" (from cache: {b['rerun_from_cache']}); reports {[r['id'] for r in b['reports']]};"
                  f" headline F1 {b['headline_f1']} (strict {b['headline_f1_strict']}), all facts F1 {b['all_f1']};"
                  f" {b['low_confidence_facts']} of {b['facts']} facts marked low confidence")
    Path(args.out).write_text(json.dumps({"cer": table, "calibration": calib, "book": book}, ensure_ascii=False,
                                         indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
