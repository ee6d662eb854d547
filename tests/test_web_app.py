"""The web app object: everything it keeps (query results, the linked target tables, the
audit flags) is kept under one key, the store version, so an ingest that runs beside the
app is seen on the next request — never a stale page."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

import huibian
from huibian.web import create_app
from tests.conftest import SHARED

REPORTS = SHARED / "corpus" / "reports"


def _indicator(client: TestClient, name: str) -> dict:
    return next(i for i in client.get("/api/indicators").json() if i["id"] == name)


def test_an_ingest_beside_the_running_app_is_seen_on_the_next_request(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with huibian.open(db) as store:
        assert store.ingest([REPORTS / "辽宁-锦州市-2020.txt"], workers=1, index=False).ok
    client = TestClient(create_app(db))
    assert [r["id"] for r in client.get("/api/reports").json()] == ["锦州市-2020"]
    assert _indicator(client, "gdp")["reports"] == 1  # cached until the store moves
    before = client.get("/api/targets", params={"region": "锦州市"}).json()
    assert before and all(t["outcome_report"] is None for t in before)  # 2021's report is not in yet
    assert client.get("/api/checks").headers["X-Total-Count"] == "0"

    with huibian.open(db) as store:  # another connection writes while the app serves
        assert store.ingest([REPORTS / "辽宁-锦州市-2021.txt"], workers=1, index=False).ok

    assert sorted(r["id"] for r in client.get("/api/reports").json()) == ["锦州市-2020", "锦州市-2021"]
    assert _indicator(client, "gdp")["reports"] == 2
    after = client.get("/api/targets", params={"region": "锦州市"}).json()
    linked = [t for t in after if t["target_report"] == "锦州市-2020" and t["outcome_report"] == "锦州市-2021"]
    assert linked and any(t["indicator"] == "gdp" for t in linked)  # 2020's targets now meet their outcomes
    with huibian.open(db, readonly=True) as store:
        flags = store.audit()
    assert len(flags) > 0  # the two reports state 2020's figures differently
    assert int(client.get("/api/checks").headers["X-Total-Count"]) == len(flags)  # the audit ran again
    page = client.get("/reports/锦州市-2020").text
    assert "锦州市-2021" in page  # the reader's target marks carry the new outcome
