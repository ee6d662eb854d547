"""The reader in real headless Chromium shows what OCR was unsure of: a fact whose number was
read with low confidence is marked and says so in its popover, and the source view marks
the low-confidence characters. The store comes from a real OCR'd page (tests/test_ocr.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_browser import browser, page, pytestmark, server, shot  # noqa: F401 - fixtures
from tests.test_ocr import ROOT, blurred_number_page


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("ocr-browser")
    blurred_number_page(tmp / "scan.png")
    out = tmp / "h.db"
    env = {**os.environ, "HUIBIAN_OCR_CACHE": str(tmp / "cache")}
    r = subprocess.run([sys.executable, "-m", "huibian", "ingest", str(tmp / "scan.png"), "--db", str(out),
                        "--region", "锦州市", "--year", "2012"], cwd=ROOT, env=env, capture_output=True, text=True,
                       check=False, timeout=600)
    assert r.returncode == 0, r.stderr
    return out


def test_reader_marks_low_confidence_facts_and_spans(page, db: Path) -> None:  # noqa: F811
    import huibian

    facts = huibian.open(db, readonly=True).facts()
    low = facts[facts["low_confidence"]]
    growth = low[(low["indicator"] == "gdp") & (low["measure"] == "growth")].iloc[0]
    page.goto(page.base + f"/reports/{growth['report']}")
    mark = page.locator(f"mark#f-{int(growth['id'])}")
    assert "low-conf" in (mark.get_attribute("class") or "")
    assert page.locator("article mark.fact.low-conf").count() == len(low)
    assert page.locator("#ocr-note").inner_text().count("to check") == 1
    assert page.locator("#facts-table tr.low-conf .check").count() == len(low)
    mark.click()
    card = page.locator(f'#popover [data-card="{int(growth["id"])}"]')
    card.wait_for(state="visible")
    assert "low: check this number on the page" in card.inner_text() and "13.5" in card.inner_text()
    shot(page, "ocr-01-low-confidence-fact")
    page.locator("#toggle-source").click()
    page.wait_for_url("**view=source")
    spans = page.locator("article mark.ocr-low")
    assert spans.count() >= 1 and "OCR confidence" in (spans.first.get_attribute("title") or "")
    shot(page, "ocr-02-source-low-confidence-spans")
