"""Scanned input: OCR of image-only and mixed PDFs, garbage text layers, png and multi-page
tif, corrupt images; layout, OCR-digit repairs and confidence marks carried to the facts.

The pages are made from the corpus text (benchmarks/ocr_pages.py typesets it with a
Debian CJK font), small and few: OCR costs seconds a page. Each test has its own cache.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import huibian
from huibian import clean, confidence
from huibian.models import Fact, OffsetMap, ReadError
from huibian.ocr import OcrSettings, assemble, text_layer_ok
from huibian.ocr.layout import layout_page
from huibian.ocr.result import OcrLine, PageOCR
from huibian.read import read_file
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import ocr_pages  # noqa: E402

BOOK = SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt"
SMALL = (5.8, 4.2)  # inches: a few lines a page keeps OCR fast


def paragraphs() -> list[str]:
    return ocr_pages.paragraphs_of(BOOK)


def report_start() -> list[str]:
    """The first report of the book: title, date line, speaker, its first paragraphs."""
    paras = paragraphs()
    i = paras.index("锦州市政府工作报告")
    return paras[i : i + 8]


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HUIBIAN_OCR_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-m", "huibian", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, check=False, timeout=600)


def settings(tmp_path: Path, mode: str = "auto") -> OcrSettings:
    return OcrSettings(mode=mode, cache_dir=str(tmp_path / "cache"))


# --- no engine: judgement, layout, repairs, marks ------------------------------------------------


def test_text_layer_judgement_on_real_text_and_garbage() -> None:
    para = next(p for p in paragraphs() if "地区生产总值1100亿元" in p)
    assert text_layer_ok(para)
    assert not text_layer_ok(para.encode("gbk").decode("latin-1"))  # GBK read as Latin-1: Õþ¸®¹¤×÷
    assert not text_layer_ok("".join(chr(0xE000 + ord(c) % 4000) for c in para))  # glyph codes, no Unicode map
    assert not text_layer_ok("  \n ")
    assert not text_layer_ok("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEF" * 3)  # a font's codes read as ASCII


def _line(text: str, x0: float, y0: float, x1: float, conf: float = 0.99) -> OcrLine:
    return OcrLine(text, (x0, y0, x1, y0 + 30), conf, [conf] * len(text))


def test_layout_reads_two_columns_and_drops_running_heads_and_page_numbers() -> None:
    """Boxes as an engine returns them (shuffled), over two pages of a two-column book."""
    paras = report_start()
    long = [p for p in paragraphs() if len(p) >= 100]
    pages = []
    for n, (a, b) in enumerate(((long[0], long[1]), (long[2], long[3])), start=1):
        left = [a[i : i + 20] for i in range(0, 100, 20)]
        right = [b[i : i + 20] for i in range(0, 100, 20)]
        lines = [_line("政府工作报告汇编", 500, 40, 820), _line(str(n), 640, 1700, 660)]
        lines += [_line(t, 100 + (60 if i == 0 else 0), 400 + 45 * i, 700) for i, t in enumerate(left)]
        lines += [_line(t, 760 + (60 if i == 0 else 0), 400 + 45 * i, 1360) for i, t in enumerate(right)]
        if n == 1:
            lines.append(_line(paras[0], 500, 300, 820))  # a title over both columns
        pages.append(PageOCR(1460, 1800, "test", list(reversed(lines))))
    doc = assemble(pages)
    page1 = doc.text[: doc.pages[1]]
    assert "政府工作报告汇编" not in doc.text and doc.dropped == {"running_head": 16, "page_number": 2}
    a, b = long[0], long[1]
    assert page1.index(paras[0]) < page1.index(a[:20]) < page1.index(a[80:100]) < page1.index(b[:20])
    cleaned = clean.clean(doc.text, clean.CleanConfig(), doc.line_wraps)
    assert all(p[:100].replace(" ", "") in cleaned.text for p in long[:4]), cleaned.text  # wrapped lines joined
    joins = [r for r in cleaned.repairs if r.kind == "layout_line_join"]
    assert [r.source_start for r in joins] == doc.line_wraps and all(r.before == "\n" for r in joins)
    # each kept line knows its page and box; a single page keeps its head (nothing shows it repeats)
    s, e, page, x0, y0, x1, y1, conf = doc.ocr_lines[0]
    assert doc.text[s:e] == paras[0] and page == 1 and (x0, y0) == (342, 167) and conf == 0.99
    assert "政府工作报告汇编" in layout_page(pages[0]).text


def test_skew_is_found_on_a_typeset_page() -> None:
    import numpy as np

    from huibian.ocr.raster import skew_angle

    page = ocr_pages.typeset(report_start(), dpi=100, size=SMALL, max_pages=1)[0].image
    for tilt in (1.6, -0.9):
        turned = np.asarray(page.rotate(tilt, resample=Image.Resampling.BICUBIC, fillcolor=255))
        assert abs(skew_angle(turned) + tilt) <= 0.15
    assert abs(skew_angle(np.asarray(page))) <= 0.1


def test_ocr_digit_repairs_are_careful_and_recorded() -> None:
    para = next(p for p in paragraphs() if "地区生产总值1100亿元" in p)
    damaged = para.replace("1100亿元", "1l00亿元").replace("13.5%", "13。5%").replace("660亿元", "66O亿元")
    out = clean.clean(damaged, clean.CleanConfig(ocr_digits=True))
    assert out.text == para
    fixes = sorted((r.before, r.after) for r in out.repairs if r.kind == "ocr_digits")
    assert fixes == [("1l00", "1100"), ("66O", "660"), ("。", ".")]
    for r in out.repairs:
        assert damaged[r.source_start : r.source_end] == r.before
    for keep in ("PM2.5浓度下降", "IT产业", "第l期", "完成2011。5月", "O2O平台"):
        assert clean.clean(keep, clean.CleanConfig(ocr_digits=True)).text == keep
    assert clean.clean(damaged).text == damaged.replace("13。5%", "13。5%")  # off unless the text was OCR'd


def test_confidence_marks_the_fact_whose_number_was_unsure() -> None:
    text = "全市实现地区生产总值1100亿元，增长13.5%；固定资产投资660亿元。"
    lines = [(0, len(text), 1, 0, 0, 1000, 30, 0.97)]
    low = [(text.index("13.5") + 2, text.index("13.5") + 3, 0.62)]  # the decimal point
    q = "地区生产总值1100亿元，增长13.5%"
    facts = [
        Fact("r", "gdp", "地区生产总值", "", 2011, "actual", "growth", 13.5, "%", "eq", q, text.index(q),
             text.index(q) + len(q)),
        Fact("r", "gdp", "地区生产总值", "", 2011, "actual", "level", 1100, "亿元", "eq", q[:12], text.index(q),
             text.index(q) + 12),
    ]
    confidence.mark(facts, text, OffsetMap(), lines, low)
    assert (facts[0].low_confidence, facts[0].confidence) == (True, 0.62)
    assert (facts[1].low_confidence, facts[1].confidence) == (False, 0.97)


# --- with the engine: real pages ------------------------------------------------------------------


def pages_of(paras: list[str], n: int, dpi: int = 150, heads: tuple[str, ...] = ("政府工作报告汇编",)) -> list:
    return ocr_pages.typeset(paras, dpi=dpi, size=SMALL, max_pages=n, heads=heads)


def test_image_only_pdf_ingests_page_by_page_and_reruns_from_the_cache(tmp_path: Path) -> None:
    pages = pages_of(report_start(), 2)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(ocr_pages.image_pdf([p.image for p in pages], 150))
    db, cache = tmp_path / "h.db", tmp_path / "cache"
    r = run("ingest", str(pdf), "--db", str(db), "--workers", "2", cache=cache)
    assert r.returncode == 0, r.stderr
    assert "OCR: 2 page(s) in 1 file(s): 2 recognised" in r.stdout
    d = huibian.open(db, readonly=True)
    reps = d.reports()
    assert list(reps["id"]) == ["锦州市-2012"] and reps.iloc[0]["date"] == "2012-01-06"
    rep = d.report("锦州市-2012")
    assert rep["ocr"]["lines"] and "政府工作报告汇编" not in rep["text"]
    f = d.facts(indicator="gdp")
    assert {(x.measure, x.value) for x in f.itertuples()} >= {("level", 1100.0), ("growth", 13.5)}
    assert f["confidence"].notna().all()
    again = run("ingest", str(pdf), "--db", str(db), "--replace", cache=cache)
    assert again.returncode == 0 and "0 recognised, 2 from the cache" in again.stdout
    off = run("ingest", str(pdf), "--db", str(tmp_path / "never.db"), "--ocr", "never", cache=cache)
    assert off.returncode == 1 and "no text layer (scanned?)" in off.stderr


def test_mixed_pdf_and_garbage_text_layer(tmp_path: Path) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    paras = report_start()
    scan = pages_of(paras[5:], 1, heads=())[0]
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(SMALL[0] * 72, SMALL[1] * 72))
    c.setFont("STSong-Light", 10)
    for i, line in enumerate(paras[:4]):  # page 1: a real text layer
        c.drawString(30, SMALL[1] * 72 - 40 - 16 * i, line[:30])
    c.showPage()
    c.drawImage(ImageReader(scan.image), 0, 0, SMALL[0] * 72, SMALL[1] * 72)  # page 2: a scan
    c.showPage()
    c.drawImage(ImageReader(scan.image), 0, 0, SMALL[0] * 72, SMALL[1] * 72)  # page 3: the scan under an
    t = c.beginText(30, 100)  # invisible text layer of mojibake, as a bad OCR program leaves it
    t.setTextRenderMode(3)
    t.setFont("Helvetica", 8)
    t.textLine(paras[5][:40].encode("gbk").decode("latin-1"))
    c.drawText(t)
    c.showPage()
    c.save()
    pdf = tmp_path / "mixed.pdf"
    pdf.write_bytes(buf.getvalue())
    doc = read_file(pdf, ocr=settings(tmp_path))
    assert doc.meta["ocr_pages"] == [2, 3] and doc.meta["ocr_recognised"] == 1 and doc.meta["ocr_cached"] == 1
    assert doc.text.startswith(paras[0]) and doc.page_at(doc.text.index(paras[0])) == 1
    ocr_text = doc.text[doc.pages[1] : doc.pages[2]]
    body = "".join(scan.truth.split())
    from rapidfuzz.distance import Levenshtein

    assert Levenshtein.distance("".join(ocr_text.split()), body) / len(body) < 0.03
    assert all(doc.page_at(s) in (2, 3) for s, *_ in doc.ocr_lines)
    assert doc.text[doc.pages[2] :] == ocr_text.rstrip("\n")  # page 3 as page 2: the layer was set aside
    every = read_file(pdf, ocr=settings(tmp_path, "always"))  # always: the text page is OCR'd too
    assert every.meta["ocr_pages"] == [1, 2, 3] and every.text.startswith(paras[0][:8])
    kept = read_file(pdf, ocr=settings(tmp_path, "never"))  # never: the garbage layer as it is
    assert paras[5][:40].encode("gbk").decode("latin-1") in kept.text and not kept.ocr_lines


def test_png_and_multipage_tif(tmp_path: Path) -> None:
    pages = pages_of(report_start(), 2)
    png = tmp_path / "page.png"
    pages[0].image.save(png)
    doc = read_file(png, ocr=settings(tmp_path))
    assert doc.format == "image" and doc.meta["ocr_pages"] == [1]
    # one page alone keeps its running head: nothing shows that the line repeats
    assert doc.text.startswith("政府工作报告汇编\n锦州市政府工作报告\n——2012年1月6日")
    tif = tmp_path / "book.tif"
    tif.write_bytes(ocr_pages.tiff([p.image for p in pages], 150))
    both = read_file(tif, ocr=settings(tmp_path))
    assert both.meta["page_count"] == 2 and both.meta["ocr_cached"] == 1  # page 1 was the png's
    assert len(both.pages) == 2 and both.text[: both.pages[1]].strip() == doc.text.removeprefix("政府工作报告汇编\n")
    assert both.dropped.get("running_head") and "政府工作报告汇编" not in both.text


def test_corrupt_and_hostile_images_are_one_line_errors(tmp_path: Path) -> None:
    good = io.BytesIO()
    pages_of(report_start(), 1)[0].image.save(good, "PNG")
    cases = {
        "truncated.png": (good.getvalue()[: len(good.getvalue()) // 3], "corrupt or truncated image"),
        "random.jpg": (os.urandom(4000), "corrupt or unsupported image"),
        "text.tif": ("各位代表：".encode() * 50, "corrupt or unsupported image"),
    }
    for name, (data, problem) in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(ReadError) as e:
            read_file(p, ocr=settings(tmp_path))
        assert e.value.path == str(p) and problem in e.value.problem
    bomb = tmp_path / "bomb.png"  # 20000 × 20000 pixels declared: refused before decoding
    Image.new("1", (20000, 20000)).save(bomb)
    with pytest.raises(ReadError, match="too large an image"):
        read_file(bomb, ocr=settings(tmp_path))
    r = run("ingest", str(tmp_path), "--db", str(tmp_path / "h.db"), cache=tmp_path / "cache")
    assert r.returncode == 1 and r.stderr.count("failed:") == 4 and "Traceback" not in r.stderr


def blurred_number_page(path: Path) -> str:
    """A page whose growth figure 13.5 is blurred past sure reading; returns the sentence drawn."""
    paras = report_start()
    font = ImageFont.truetype(ocr_pages.font_path(), 30)
    img = Image.new("L", (1500, 420), 255)
    d = ImageDraw.Draw(img)
    y = 20
    for line in (paras[0], paras[1][:40]):
        d.text((20, y), line, font=font, fill=0)
        y += 55
    before = "按可比口径初步预计，全市实现地区生产总值1100亿元，增长"
    d.text((20, y), before, font=font, fill=0)
    x = 20 + font.getlength(before)
    w = font.getlength("13.5")
    d.text((x, y), "13.5", font=font, fill=0)
    d.text((x + w, y), "%；固定资产投资660亿元。", font=font, fill=0)
    box = (int(x), y - 5, int(x + w), y + 45)
    img.paste(img.crop(box).filter(ImageFilter.GaussianBlur(3)), box[:2])
    img.save(path)
    return before


@pytest.fixture(scope="module")
def low_conf_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("lowconf")
    blurred_number_page(tmp / "scan.png")
    db = tmp / "h.db"
    r = run("ingest", str(tmp / "scan.png"), "--db", str(db), "--region", "锦州市", "--year", "2012",
            cache=tmp / "cache")
    assert r.returncode == 0, r.stderr
    return db


def test_low_confidence_marks_reach_the_store_the_api_and_the_reader(low_conf_store: Path) -> None:
    from fastapi.testclient import TestClient

    from huibian.web import create_app

    d = huibian.open(low_conf_store, readonly=True)
    facts = d.facts()
    growth = facts[(facts["indicator"] == "gdp") & (facts["measure"] == "growth")]
    assert list(growth["value"]) == [13.5] and bool(growth.iloc[0]["low_confidence"])
    assert growth.iloc[0]["confidence"] < 0.9
    sharp = facts[facts["indicator"] == "fixed_asset_investment"]  # 660亿元, not blurred
    assert not sharp.iloc[0]["low_confidence"] and sharp.iloc[0]["confidence"] > 0.9
    rid = growth.iloc[0]["report"]
    client = TestClient(create_app(low_conf_store))
    api = client.get("/api/facts", params={"report": rid, "low_confidence": "true"})
    assert api.status_code == 200 and api.headers["X-Total-Count"] == str(int(facts["low_confidence"].sum()))
    assert any(f["value"] == 13.5 and f["low_confidence"] is True for f in api.json())
    assert all(f["low_confidence"] for f in api.json())
    text_view = client.get(f"/reports/{rid}").text
    fid = int(growth.iloc[0]["id"])
    assert f'class="fact k-{growth.iloc[0]["kind"]} low-conf" id="f-{fid}"' in text_view
    assert 'class="check"' in text_view and "to check" in text_view
    source = client.get(f"/reports/{rid}", params={"view": "source"}).text
    assert '<mark class="ocr-low"' in source
