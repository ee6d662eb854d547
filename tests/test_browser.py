"""Browser tests: the web app in real headless Chromium (Debian's), driven by Playwright.

`huibian serve` runs in a subprocess over a store built by the real ingest
(tests/web_store.py); every request to a host other than the server is blocked and
recorded, so the tests also prove the pages need no network. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse

import httpx
import pytest

from tests import web_store

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)"
    ),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_store.build(tmp_path_factory.mktemp("browser") / "web.db")


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from huibian.cli import main; main()",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
        ],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            httpx.get(base + "/api/indicators", timeout=5)
            break
        except httpx.HTTPError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"huibian serve did not start: {proc.communicate()[0]}")
            time.sleep(0.2)
    httpx.get(base + "/api/targets?limit=1", timeout=120)  # let the background target linking finish
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str) -> Iterator:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    outside: list[str] = []

    def guard(route) -> None:
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.base = server
    yield pg
    context.close()
    assert outside == [], f"requests to other hosts: {outside}"
    assert errors == [], f"JavaScript errors: {errors}"


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_library_reader_and_fact_popover(page, db: Path) -> None:
    from huibian.db import Database

    with Database(db, readonly=True) as database:
        facts = database.facts(report="锦州市-2012", indicator="gdp")
    gdp = facts[
        (facts["measure"] == "level") & (facts["period"] == 2011) & facts["quote"].str.contains("1100")
    ]
    assert not gdp.empty
    fact = gdp.iloc[0]

    page.goto(page.base + "/")
    assert page.locator("#reports tbody tr").count() >= 7
    shot(page, "01-library")
    page.get_by_role("link", name="锦州市-2012", exact=True).click()
    page.wait_for_url(re.compile(r"/reports/"))
    assert page.locator("h1").inner_text().strip()
    marks = page.locator("article mark[data-fact]")
    assert marks.count() >= 20
    mark = page.locator(f"mark#f-{int(fact['id'])}")
    assert mark.inner_text() == fact["quote"]
    mark.click()
    pop = page.locator("#popover")
    pop.wait_for(state="visible")
    card = pop.locator(f'[data-card="{int(fact["id"])}"]')
    text = card.inner_text()
    for expected in ("gdp", "1100", "亿元", "2011", fact["kind"], fact["cmp"], "level"):
        assert expected in text, (expected, text)
    shot(page, "02-reader-fact-popover")
    page.keyboard.press("Escape")
    assert pop.is_hidden()


def test_target_popover_shows_its_outcome(page, server: str) -> None:
    rows = [r for r in httpx.get(server + "/api/targets?limit=10000").json() if r["outcome_report"]]
    assert rows
    t = rows[0]
    facts = httpx.get(server + f"/api/reports/{quote(t['target_report'])}").json()
    assert facts
    page.goto(page.base + f"/reports/{quote(t['target_report'])}")
    target_marks = page.locator("article mark.k-target[data-fact]")
    assert target_marks.count() > 0
    # the mark of this target: the one whose text is its quote
    found = None
    for i in range(target_marks.count()):
        m = target_marks.nth(i)
        if m.inner_text() == t["target_quote"]:
            found = m
            break
    assert found is not None, t["target_quote"]
    found.click()
    pop = page.locator("#popover")
    pop.wait_for(state="visible")
    text = pop.inner_text()
    assert "outcome" in text and t["status"] in text and t["outcome_report"] in text
    shot(page, "03-reader-target-outcome")


def test_search_and_follow_a_result(page) -> None:
    page.goto(page.base + "/")
    box = page.locator("header input[name=q]")
    box.fill("光伏")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    n = int(page.locator("#n-results").inner_text())
    assert n >= 1
    assert page.locator("ol.results > li").count() == min(n, 20)
    assert page.locator(".snippets mark", has_text="光伏").count() >= 1
    shot(page, "04-search")
    link = page.locator(".snippets a").first
    href = link.get_attribute("href")
    k = href.rsplit("#hit-", 1)[1]
    link.click()
    page.wait_for_url(re.compile(r"/reports/.*#hit-"))
    hit = page.locator(f"#hit-{k}")
    assert hit.inner_text() == "光伏"
    assert hit.is_visible()
    box_ = hit.bounding_box()
    assert box_ is not None and 0 <= box_["y"] < 900  # scrolled to the place
    shot(page, "05-search-result-in-reader")


def test_indicator_chart_renders(page) -> None:
    page.goto(page.base + "/indicators/gdp?places=" + quote("锦州市, 辽宁省") + "&measure=growth")
    page.locator('#chart[data-rendered="1"]').wait_for(timeout=20000)
    assert page.locator("#chart .main-svg").count() >= 1
    traces = page.locator("#chart .scatterlayer .trace")
    assert traces.count() >= 2  # outcomes of two places at least
    assert page.locator("#chart .legendtext", has_text="锦州市").count() >= 1
    shot(page, "06-indicator-chart")


def test_facts_table_sorts_and_source_toggle(page) -> None:
    page.goto(page.base + "/reports/" + quote("锦州市-2012"))
    header = page.locator("#facts-table thead th", has_text="value")
    header.click()

    def values() -> list[float]:
        cells = page.locator("#facts-table tbody tr td:nth-child(8)")
        out = []
        for v in cells.evaluate_all("cs => cs.map(c => c.getAttribute('data-v'))"):
            try:
                out.append(float(v))
            except (TypeError, ValueError):
                out.append(float("-inf"))
        return out

    asc = values()
    assert asc == sorted(asc) and len(asc) > 10
    header.click()
    assert values() == sorted(asc, reverse=True)
    page.locator("#toggle-source").click()
    page.wait_for_url(re.compile(r"view=source"))
    assert page.locator("article.text.source").count() == 1
    shot(page, "07-source-with-repairs")


def test_api_docs_work_offline(page) -> None:
    page.goto(page.base + "/docs")
    page.locator(".swagger-ui .info .title").wait_for(timeout=20000)
    assert "huibian" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-summary-path", has_text="/api/facts").first.wait_for()
    shot(page, "08-api-docs")
    page.goto(page.base + "/redoc")
    page.get_by_text("/api/search").first.wait_for(timeout=20000)


def test_targets_page_reads_without_a_click(page, server: str) -> None:
    """A journalist's view: units, horizon, why an outcome is unknown and both quotes, all on the page."""
    rows = httpx.get(server + "/api/targets", params={"region": "锦州市", "limit": 10000}).json()
    plan = next(r for r in rows if r["horizon"] == "multi-year" and r["target_unit"] == "亿元")
    page.goto(page.base + "/targets?" + urlencode({"region": "锦州市", "horizon": "multi-year"}))
    target_cell = page.locator("td.num", has_text=f"{plan['target_value']:g}亿元")
    row = page.locator("#targets tbody tr").filter(has=target_cell).first
    assert row.locator("td.horizon").inner_text() == "multi-year"
    assert row.locator("td").nth(2).inner_text() == f"{int(plan['span_start'])}–{plan['year']}"
    unit = row.locator("td.num span.unit").first
    assert unit.is_visible() and unit.inner_text() == "亿元"
    why = row.locator("span.why")
    assert why.is_visible() and why.inner_text() == plan["unknown"] == "no report for the year after"
    quote = row.locator("q.said").first
    assert quote.is_visible() and quote.inner_text() == plan["target_quote"]
    box = quote.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280  # on the screen, not folded away
    shot(page, "09-targets-multi-year")
    # a linked target: the outcome's unit and quote are as readable
    page.goto(page.base + "/targets?" + urlencode({"region": "锦州市", "year": "2020-2021", "status": "met"}))
    linked = page.locator("#targets tbody tr").first
    said = linked.locator("td.quote q.said")
    assert said.count() == 2 and all(said.nth(i).is_visible() and said.nth(i).inner_text() for i in range(2))
    assert linked.locator("span.unit").first.inner_text()
    assert page.locator("#met-rules").is_visible() and "左右" in page.locator("#met-rules").inner_text()
    shot(page, "10-targets-linked")
