"""`huibian audit`: each check on facts built the way the store holds them, and the
command and API on a store of real reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import huibian
from huibian import audit

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORTS = [SHARED / "corpus" / "reports" / f for f in ("吉林-吉林省-2015.txt", "吉林-吉林省-2016.txt")]
BOOK = SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt"


def fact(i: int, report: str, indicator: str | None, period: int, measure: str, value: float, unit: str,
         name: str = "", kind: str = "actual", scope: str = "", value_base: float | None = None,
         unit_base: str | None = None) -> dict:
    return {"id": i, "report": report, "indicator": indicator, "name": name or (indicator or "x"), "scope": scope,
            "period": period, "kind": kind, "measure": measure, "value": value, "unit": unit, "quote": f"q{i}", "cmp": "eq",
            "value_base": value_base if value_base is not None else value, "unit_base": unit_base or unit}


REPORTS_DF = pd.DataFrame([
    {"id": "辽宁省-2012", "region": "辽宁省", "level": "province", "admin_code": "210000", "year": 2012},
    {"id": "锦州市-2012", "region": "锦州市", "level": "city", "admin_code": "210700", "year": 2012},
    {"id": "锦州市-2013", "region": "锦州市", "level": "city", "admin_code": "210700", "year": 2013},
])


def run(facts: list[dict], check: str) -> pd.DataFrame:
    return audit.audit(pd.DataFrame(facts), REPORTS_DF, checks=(check,))


def test_unmapped_names_holding_a_headline_head() -> None:
    flags = run([fact(1, "锦州市-2012", None, 2011, "level", 5, "亿美元", name="外贸进出口货物值总规模数"),
                 fact(2, "锦州市-2012", None, 2011, "level", 5, "个", name="出口企业")], "unmapped")
    assert list(flags["fact_id"]) == [1]  # 出口企业 counted in 个 cannot be the indicator's figure
    assert "trade_total" in flags["detail"][0]


def test_restated_differently_by_two_reports() -> None:
    flags = run([fact(1, "锦州市-2012", "gdp", 2011, "level", 1100, "亿元", kind="estimate", value_base=1.1e11, unit_base="元"),
                 fact(2, "锦州市-2013", "gdp", 2011, "level", 1010, "亿元", value_base=1.01e11, unit_base="元"),
                 fact(3, "锦州市-2013", "gdp", 2012, "growth", 9.8, "%"),
                 fact(4, "锦州市-2012", "gdp", 2012, "growth", 13, "%", kind="target")], "restated")
    assert len(flags) == 1 and flags["other_report"][0] == "锦州市-2013"  # a target is no statement of the year


def test_series_break_the_growth_does_not_explain() -> None:
    flags = run([fact(1, "锦州市-2012", "gdp", 2011, "level", 1100, "亿元", value_base=1.1e11, unit_base="元"),
                 fact(2, "锦州市-2013", "gdp", 2012, "level", 12.4, "万亿元", value_base=1.24e13, unit_base="元"),
                 fact(3, "锦州市-2013", "gdp", 2012, "growth", 9.8, "%")], "series")
    assert list(flags["fact_id"]) == [2] and "9.8" in flags["detail"][0]


def test_part_larger_than_its_whole() -> None:
    flags = run([fact(1, "锦州市-2012", "gdp", 2011, "level", 1100, "亿元", value_base=1.1e11, unit_base="元"),
                 fact(2, "辽宁省-2012", "gdp", 2011, "level", 1000, "亿元", value_base=1.0e11, unit_base="元"),
                 fact(3, "锦州市-2012", "gdp", 2011, "level", 1200, "亿元", scope="四县(市)", value_base=1.2e11,
                      unit_base="元")], "part_whole")
    assert sorted(flags["fact_id"]) == [1, 3]


def test_implausible_values() -> None:
    flags = run([fact(1, "锦州市-2012", "gdp", 2011, "growth", 135, "%"),
                 fact(2, "锦州市-2012", "unemployment_rate", 2011, "level", 36, "%"),
                 fact(3, "锦州市-2012", "gdp", 2011, "level", 1100, "亿元", value_base=1.1e11, unit_base="元"),
                 fact(4, "锦州市-2012", "gdp", 2011, "level", 1100, "万亿元", value_base=1.1e15, unit_base="元")],
                "implausible")
    assert sorted(flags["fact_id"]) == [1, 2, 4]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("audit") / "h.db"
    huibian.open(db).ingest([*REPORTS, BOOK], workers=1, index=False)
    return db


def test_api_and_cli_on_real_reports(store: Path) -> None:
    with huibian.open(store, readonly=True) as db:
        flags = db.audit()
        facts = db.facts()
    assert list(flags.columns) == audit.FLAG_COLUMNS
    assert set(flags["check"]) <= set(audit.CHECKS)
    # every flag points at a fact of the store, with its quote
    joined = flags.merge(facts[["id", "quote"]], left_on="fact_id", right_on="id", suffixes=("", "_f"))
    assert len(joined) == len(flags) and (joined["quote"] == joined["quote_f"]).all()
    cli = [sys.executable, "-m", "huibian", "audit", "--db", str(store), "--format", "json"]
    out = subprocess.run(cli, capture_output=True, text=True, check=True).stdout
    assert len(json.loads(out)) == len(flags)
    table = subprocess.run([sys.executable, "-m", "huibian", "audit", "--db", str(store)], capture_output=True,
                           text=True, check=True).stdout
    assert "flags" in table
    bad = subprocess.run([sys.executable, "-m", "huibian", "audit", "--db", str(store), "--check", "nonsense"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "'nonsense' is not one of" in bad.stderr  # a usage error, the choices named
