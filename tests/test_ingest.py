"""Ingest as a user runs it: the real `huibian` command on real files, exit codes,
bad files beside good ones, re-runs, --replace, listings and the Python API."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import huibian
from tests.conftest import SHARED

BOOK = SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt"
REPORTS = SHARED / "corpus" / "reports"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "huibian", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with the book, two real reports, bad files and an unsupported file."""
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    shutil.copy(BOOK, d / "book.txt")
    shutil.copy(REPORTS / "辽宁-辽宁省-2012.txt", d / "sub" / "辽宁-辽宁省-2012.txt")
    shutil.copy(REPORTS / "辽宁-辽宁省-2013.txt", d / "辽宁-辽宁省-2013.txt")
    (d / "empty.txt").write_bytes(b"")
    (d / "noise.txt").write_bytes(os.urandom(4096))
    (d / "fake.pdf").write_text("这不是PDF文件", encoding="utf-8")
    (d / "table.xlsx").write_bytes(b"PK\x03\x04")
    return d


def test_ingest_folder_keeps_good_files_and_names_bad_ones(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    r = run("ingest", str(folder), "--db", str(db), "--workers", "2")
    assert r.returncode == 1, r.stderr  # some files failed, the rest stored
    for name in ("empty.txt", "noise.txt", "fake.pdf"):
        line = next(line for line in r.stderr.splitlines() if name in line and "failed" in line)
        assert "Traceback" not in r.stderr and len(line) < 300
    assert "table.xlsx" in r.stderr and "skipped" in r.stderr
    ids = set(huibian.open(db, readonly=True).reports()["id"])
    assert ids == {"锦州市-2012", "古塔区-2012", "辽宁省-2012", "辽宁省-2013"}


def test_rerun_changes_nothing_and_replace_reprocesses(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    good = [str(folder / "book.txt"), str(folder / "辽宁-辽宁省-2013.txt")]
    assert run("ingest", *good, "--db", str(db)).returncode == 0
    before = huibian.open(db, readonly=True).facts()
    again = run("ingest", *good, "--db", str(db))
    assert again.returncode == 0 and "unchanged: 2" in again.stdout
    after = huibian.open(db, readonly=True).facts()
    assert before["id"].tolist() == after["id"].tolist()  # same rows, not re-inserted
    hits = huibian.open(db, readonly=True).search("光伏")
    replaced = run("ingest", *good, "--db", str(db), "--replace")
    assert replaced.returncode == 0 and "replaced: 2" in replaced.stdout
    store = huibian.open(db, readonly=True)
    assert len(store.facts()) == len(before)
    again_hits = store.search("光伏")  # the search index follows replaced reports exactly
    assert list(again_hits["report"]) == list(hits["report"]) and again_hits.attrs["total"] == hits.attrs["total"] > 0


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    r = run("ingest", str(tmp_path / "missing.txt"), "--db", str(tmp_path / "h.db"))
    assert r.returncode == 2 and "missing.txt" in r.stderr
    assert run("facts", "--kind", "guess", "--db", str(tmp_path / "h.db")).returncode == 2


def test_book_reports_as_json_and_show(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    assert run("ingest", str(BOOK), "--db", str(db)).returncode == 0
    rows = json.loads(run("reports", "--db", str(db), "--format", "json").stdout)
    by_id = {r["id"]: r for r in rows}
    keys = {"id", "region", "parent", "level", "year", "date", "meeting", "speaker", "post", "title", "source"}
    assert keys <= set(rows[0])
    jz, gt = by_id["锦州市-2012"], by_id["古塔区-2012"]
    assert (jz["date"], jz["post"], jz["speaker"], jz["level"]) == ("2012-01-06", "市长", "刘凤海", "city")
    assert (gt["date"], gt["post"], gt["speaker"], gt["parent"], gt["year"]) == (
        "2011-12-27", "代区长", "张东群", "锦州市", 2012)
    shown = run("show", "锦州市-2012", "--db", str(db)).stdout
    assert "2011年工作回顾" in shown and "2012年工作安排" in shown and "review" in shown
    text = run("show", "锦州市-2012", "--db", str(db), "--text").stdout
    assert "微地形" in text and "辽宁人民出版社" not in text
    missing = run("show", "沈阳市-2012", "--db", str(db))
    assert missing.returncode == 1 and "沈阳市-2012" in missing.stderr


def test_facts_export_formats_load_in_one_line(tmp_path: Path) -> None:
    import pandas as pd

    db = tmp_path / "h.db"
    assert run("ingest", str(BOOK), "--db", str(db)).returncode == 0
    out = run("facts", "--db", str(db), "--report", "锦州市-2012", "--format", "jsonl").stdout.splitlines()
    first = json.loads(out[0])
    contract = ["report", "indicator", "name", "scope", "period", "base_period", "kind", "measure", "value",
                "value_hi", "unit", "cmp", "quote", "start", "end", "section", "value_base", "unit_base", "rules",
                "confidence", "low_confidence"]  # OCR confidence of the number: null / false for typed text
    assert list(first) == contract
    ratio = next(json.loads(x) for x in out if json.loads(x)["measure"] == "ratio")
    assert ratio["value"] == "16:49:35"
    assert run("facts", "--db", str(db), "--indicator", "gdp", "--format", "dta", "-o", str(tmp_path / "f.dta")).returncode == 0
    dta = pd.read_stata(tmp_path / "f.dta")
    assert "地区生产总值" in set(dta["name"]) and set(dta["indicator"]) == {"gdp"}
    with pd.io.stata.StataReader(tmp_path / "f.dta") as reader:
        assert reader.variable_labels()["period"] == "year the figure describes"
    assert run("facts", "--db", str(db), "--format", "parquet", "-o", str(tmp_path / "f.parquet")).returncode == 0
    assert len(pd.read_parquet(tmp_path / "f.parquet")) == len(out) + len(
        huibian.open(db, readonly=True).facts(report="古塔区-2012"))
    assert run("facts", "--db", str(db), "--format", "parquet").returncode == 1  # binary needs -o


def test_python_api_mirrors_the_cli(tmp_path: Path) -> None:
    db = huibian.open(tmp_path / "api.db")
    summary = db.ingest([BOOK], workers=1)
    assert summary.ok and [r.status for r in summary.results] == ["added"]
    reports = db.reports()
    assert list(reports["id"]) == ["古塔区-2012", "锦州市-2012"]
    gdp = db.facts(report="锦州市-2012", indicator="gdp", kind="target")
    assert list(gdp["value"]) == [13.5]
    sections = db.sections("锦州市-2012")
    assert (sections["depth"] == 1).sum() == 2 and (sections["depth"] == 2).sum() == 16


def test_eval_scores_the_store_against_gold(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    assert run("ingest", str(BOOK), "--db", str(db)).returncode == 0
    r = run("eval", "--gold", str(SHARED / "gold" / "dev"), "--db", str(db), "--json")
    scores = json.loads(r.stdout)
    assert set(scores) == {"headline_strict", "headline_lenient", "all_facts"}
    assert scores["all_facts"]["gold"] == 275 and 0 < scores["all_facts"]["f1"] <= 1


def test_taxonomy_extension_from_a_user_file(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text("indicators:\n  - id: heating_coverage\n    units: ['%']\n    names: [城市集中供热率]\n",
                     encoding="utf-8")
    db = tmp_path / "h.db"
    assert run("ingest", str(BOOK), "--db", str(db), "--taxonomy", str(extra)).returncode == 0
    f = huibian.open(db, readonly=True).facts(indicator="heating_coverage")
    assert list(f["value"]) == [85.0]


def test_bulk_load_without_index_then_index(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    r = run("ingest", str(BOOK), "--db", str(db), "--no-index")
    assert r.returncode == 0 and "huibian index" in r.stderr
    assert huibian.open(db, readonly=True).search("光伏").attrs["total"] == 0  # nothing indexed yet
    r = run("index", "--db", str(db))
    assert r.returncode == 0 and "2 report(s) indexed" in r.stdout
    hits = huibian.open(db, readonly=True).search("光伏")
    assert set(hits["report"]) == {"锦州市-2012"} and hits.attrs["total"] == 1
    assert "0 report(s) indexed" in run("index", "--db", str(db)).stdout  # nothing left to do


def test_book_as_pdf_gives_the_same_headline_facts_as_the_text(tmp_path: Path) -> None:
    """The book typeset into a real PDF (reportlab, a built-in CJK font, 40 characters a
    line) goes through the same pipeline: wrapped lines are rejoined before extraction."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = tmp_path / "book.pdf"
    c = canvas.Canvas(str(pdf))
    y = 800
    c.setFont("STSong-Light", 10)
    for para in BOOK.read_text(encoding="utf-8").split("\n"):
        for i in range(0, max(len(para), 1), 40):
            c.drawString(30, y, para[i : i + 40])
            y -= 14
            if y < 40:
                c.showPage()
                c.setFont("STSong-Light", 10)
                y = 800
    c.save()
    key = ["report", "indicator", "period", "kind", "measure", "value", "cmp"]
    got = {}
    for name, path in (("pdf", pdf), ("txt", BOOK)):
        db = tmp_path / f"{name}.db"
        assert run("ingest", str(path), "--db", str(db)).returncode == 0
        f = huibian.open(db, readonly=True).facts()
        got[name] = sorted(map(tuple, f[f["indicator"].notna()][key].astype(str).values.tolist()))
    assert got["pdf"] == got["txt"] and len(got["txt"]) > 60


def test_stata_export_handles_empty_text_and_numbers_held_as_objects(tmp_path: Path) -> None:
    import pandas as pd

    from huibian import export

    df = pd.DataFrame({"region": ["锦州市", None], "scope": pd.Series([None, None], dtype="str"),
                       "value": pd.Series([13.5, None], dtype=object), "met": pd.Series([True, None], dtype="boolean")})
    export.write(df, "dta", tmp_path / "t.dta")
    back = pd.read_stata(tmp_path / "t.dta")
    assert list(back["region"]) == ["锦州市", ""] and list(back["scope"]) == ["", ""]
    assert back["value"].iloc[0] == 13.5 and back["met"].iloc[0] == "met"  # 1, value-labelled
    assert pd.read_stata(tmp_path / "t.dta", convert_categoricals=False)["met"].iloc[0] == 1.0
