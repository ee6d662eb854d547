"""Over-long query parameters answer 400 with a message, on the API and on the pages,
before they reach SQLite (a long `region` used to give a 500: LIKE pattern too complex)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import huibian
from huibian.web import create_app
from huibian.web.app import MAX_PARAM_CHARS
from tests.conftest import SHARED


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    db = tmp_path_factory.mktemp("params") / "p.db"
    with huibian.open(db) as store:
        assert store.ingest([SHARED / "corpus" / "reports" / "辽宁-辽宁省-2013.txt"], workers=1).ok
    return TestClient(create_app(Path(db)))


@pytest.mark.parametrize("url", ["/api/reports", "/", "/api/targets", "/api/search?q=光伏&"])
def test_a_60_kb_parameter_is_a_400_with_a_message(client: TestClient, url: str) -> None:
    # 60,000 characters: over SQLite's 50,000-byte LIKE pattern limit, under httpx's URL limit
    sep = "" if url.endswith("&") else "?"
    r = client.get(f"{url}{sep}region=" + "x" * 60_000)
    assert r.status_code == 400
    text = r.json()["detail"] if url.startswith("/api/") else r.text
    assert f"region: 60000 characters, at most {MAX_PARAM_CHARS} are accepted" in text
    assert len(r.content) < 20_000  # the message does not echo the parameter back


def test_ordinary_parameters_still_work_and_a_long_search_says_why(client: TestClient) -> None:
    r = client.get("/api/reports", params={"region": "辽宁"})
    assert r.status_code == 200 and [x["id"] for x in r.json()] == ["辽宁省-2013"]
    assert client.get("/", params={"region": "辽宁省"}).status_code == 200
    long_q = client.get("/api/search", params={"q": "光伏" * 300})  # over the search's own 500
    assert long_q.status_code == 400 and "q:" in long_q.json()["detail"] and len(long_q.content) < 2000
