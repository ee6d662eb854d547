"""The checks page, its JSON twin and the marks on flagged facts in the reader, over a
store of real reports whose audit flags something (吉林省 2015 and 2016 state 2014's
grain output differently)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

import huibian
from huibian.web import create_app

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORTS = [SHARED / "corpus" / "reports" / f for f in ("吉林-吉林省-2015.txt", "吉林-吉林省-2016.txt")]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("checks") / "h.db"
    out = subprocess.run([sys.executable, "-m", "huibian", "ingest", *map(str, REPORTS), "--db", str(db), "--no-index"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return db


@pytest.fixture(scope="module")
def client(store: Path) -> TestClient:
    return TestClient(create_app(store))


def test_api_checks_are_the_audit(client: TestClient, store: Path) -> None:
    with huibian.open(store, readonly=True) as db:
        flags = db.audit()
    r = client.get("/api/checks")
    assert r.status_code == 200 and int(r.headers["X-Total-Count"]) == len(flags) > 0
    restated = client.get("/api/checks", params={"check": "restated"}).json()
    assert restated and all(x["check"] == "restated" for x in restated)
    assert client.get("/api/checks", params={"check": "nonsense"}).status_code == 400


def test_checks_page_lists_flags_with_links_to_the_reader(client: TestClient) -> None:
    r = client.get("/checks", params={"check": "restated"})
    assert r.status_code == 200
    assert "restated" in r.text and "/reports/" in r.text and "#f-" in r.text
    assert client.get("/checks", params={"check": "nonsense"}).status_code == 400


def test_reader_marks_flagged_facts(client: TestClient) -> None:
    flag = client.get("/api/checks", params={"check": "restated"}).json()[0]
    page = ""
    for _ in range(50):  # the audit runs in the background when the app starts
        page = client.get(f"/reports/{quote(flag['report'])}").text
        if "flagged" in page:
            break
        time.sleep(0.1)
    assert f'id="f-{flag["fact_id"]}"' in page
    mark = page[page.index(f'id="f-{flag["fact_id"]}"') - 120 : page.index(f'id="f-{flag["fact_id"]}"')]
    assert "flagged" in mark
    assert "⚑ restated" in page  # the flag's reason in the mark's title
