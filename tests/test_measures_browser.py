"""The measures page in real headless Chromium (Debian's), as tests/test_browser.py runs it:
`huibian serve` in a subprocess over a store built by the real ingest, requests to any
other host blocked and recorded, JavaScript errors failing the test."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.test_browser import CHROMIUM, browser, db, page, server, shot  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def test_measures_chart_for_places_and_children(page) -> None:  # noqa: F811
    page.goto(page.base + "/measures?dict=environment&places=" + quote("辽宁省, 锦州市"))
    page.locator('#chart[data-rendered="1"]').wait_for(timeout=30000)
    assert page.locator("#chart .scatterlayer .trace").count() == 2
    for place in ("辽宁省", "锦州市"):
        assert page.locator("#chart .legendtext", has_text=place).count() == 1
    rows = page.locator("#measures tbody tr")
    assert rows.count() >= 4  # 辽宁省 2012, 2013; 锦州市 2012, 2020-2022
    assert "陈诗一" in page.locator("#dictionary-source").inner_text()
    shot(page, "20-measures-chart")
    # with children: 锦州市's district (古塔区, from the book) joins the chart
    page.goto(page.base + "/measures?dict=environment&children=1&places=" + quote("锦州市"))
    page.locator('#chart[data-rendered="1"]').wait_for(timeout=30000)
    assert page.locator("#chart .legendtext", has_text="古塔区").count() == 1


def test_user_dictionary_file_on_the_measures_page(page, tmp_path: Path) -> None:  # noqa: F811
    page.goto(page.base + "/measures?places=" + quote("锦州市"))
    page.locator('#chart[data-rendered="1"]').wait_for(timeout=30000)
    page.locator("details.own-terms summary").click()
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("生态\n蓝天\n".encode("gb18030"))
    page.locator("#terms-file").set_input_files(str(bad))
    page.locator("#terms-file-error", has_text="not UTF-8").wait_for()
    good = tmp_path / "mine.txt"
    good.write_text("# my words\n生态\n蓝天\n\n", encoding="utf-8")
    page.locator("#terms-file").set_input_files(str(good))
    page.wait_for_function("document.getElementById('terms').value === '生态\\n蓝天'")
    page.locator("#measures-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"terms="))
    page.locator('#chart[data-rendered="1"]').wait_for(timeout=30000)
    assert "Your terms" in page.locator("#dictionary-source").inner_text()
    shot(page, "21-measures-own-terms")
    href = page.locator("#measures-csv").get_attribute("href")
    csv = httpx.get(page.base + href, timeout=60).text
    header = csv.splitlines()[0].split(",")
    assert header[-2:] == ["生态", "蓝天"] and "custom" in csv
    api = httpx.get(page.base + "/api/measures?places=" + quote("锦州市") + "&terms=" + quote("生态\n生态"), timeout=60)
    assert api.status_code == 400 and "appears twice" in api.json()["detail"]


def test_kwic_link_opens_the_reader_at_the_occurrence(page, db: Path) -> None:  # noqa: F811
    from huibian.db import Database

    with Database(db, readonly=True) as database:
        k = database.kwic("生态", report="锦州市-2021")
    assert len(k) >= 3
    last = k.iloc[-1]  # far down the report: the page must scroll to it
    page.goto(page.base + last["link"])
    at = page.locator("#at")
    assert at.inner_text() == "生态"
    box = at.bounding_box()
    assert box is not None and 0 <= box["y"] < 900
    shot(page, "22-kwic-link-in-reader")
