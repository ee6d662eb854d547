"""Filters, horizons, why unknown, targets beside their parents' and children's, promises.

The store: 山东省 → 聊城市 → 高唐县 GDP growth targets and outcomes, a national range
target, 辽宁's 十四五 target (tests/link_store.py), plus 高唐县's 2021 target, which
its 2022 report answers only with a five-year average (五年来 … 年均增长3.5%).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from huibian import link
from huibian.cli import app
from huibian.db import Database
from huibian.link import horizon
from huibian.models import HuibianError
from huibian.web import create_app
from tests.link_store import Store, sample


@pytest.fixture
def db(tmp_path: Path) -> Store:
    s = sample(tmp_path / "f.db")
    g21 = s.report("山东-高唐县-2021.txt", "高唐县", 2021)
    s.fact(g21, "地区生产总值同比增长7%左右", period=2021, kind="target", value=7, cmp="approx")
    s.fact(
        "高唐县-2022", "地区生产总值年均增长3.5%", period=2021, kind="actual", measure="avg_growth", value=3.5,
        base_period=2016,
    )
    # a target the next report does not state an outcome for
    s.fact(
        "高唐县-2022", "固定资产投资", indicator="fixed_asset_investment", period=2022, kind="target", value=10,
    )
    return s


def _one(df: pd.DataFrame, **where: object) -> pd.Series:
    for k, v in where.items():
        df = df[df[k] == v]
    assert len(df) == 1, df
    return df.iloc[0]


def test_why_unknown(db: Store) -> None:
    df = link.targets(db.conn, region="高唐县")
    assert _one(df, target_report="高唐县-2025")["unknown"] == "no report for the year after"
    assert _one(df, target_report="高唐县-2022", indicator="fixed_asset_investment")["unknown"] == "not stated"
    only = _one(df, target_report="高唐县-2021")
    assert only["unknown"] == "only a multi-year figure" and pd.isna(only["met"])
    assert only["note"] == "the 2022 report states only a multi-year figure for 2021"
    linked = _one(df, target_report="高唐县-2022", indicator="gdp")
    assert pd.isna(linked["unknown"]) and linked["met"] is not pd.NA


def test_horizon_and_span(db: Store) -> None:
    five = _one(link.targets(db.conn, region="辽宁省"), measure="avg_growth")
    assert (five["horizon"], five["span_start"], five["year"]) == ("multi-year", 2021, 2025)
    assert five["outcome_report"] == "辽宁省-2026"  # the outcome stated for the plan's end year
    annual = link.targets(db.conn, horizon="annual")
    assert "avg_growth" not in set(annual["measure"]) and (annual["span_start"] == annual["year"]).all()
    assert list(link.targets(db.conn, horizon="multi-year")["target_report"]) == ["辽宁省-2021"]
    # an average over years stated for the report year itself is still multi-year
    assert horizon.horizon(pd.Series(["avg_growth", "total", "growth"]), pd.Series([2020] * 3),
                           pd.Series([2020] * 3)).tolist() == ["multi-year", "multi-year", "annual"]


def test_horizon_rule_in_sql_agrees(db: Store) -> None:
    rows = db.conn.execute(
        f"SELECT f.measure, f.period, r.year, {horizon.sql_multi_year()} FROM facts f JOIN reports r ON r.id = f.report_id"
    ).fetchall()
    df = pd.DataFrame([tuple(r) for r in rows], columns=["measure", "period", "year", "sql"])
    assert {"avg_growth", "growth"} <= set(df["measure"]) and df["sql"].any() and not df["sql"].all()
    ours = horizon.horizon(df["measure"], df["period"], df["year"]) == horizon.MULTI_YEAR
    assert list(ours) == [bool(v) for v in df["sql"]]


@pytest.mark.parametrize(
    ("filters", "reports"),
    [
        ({"level": "county"}, {"高唐县-2021", "高唐县-2022", "高唐县-2023", "高唐县-2025"}),
        ({"level": "province", "indicator": "gdp"}, {"山东省-2023", "辽宁省-2021"}),
        ({"measure": "range"}, None),  # not a measure: an error
        ({"year": "2022-2023", "region": "高唐县"}, {"高唐县-2022", "高唐县-2023"}),
        ({"year": "2025-", "measure": "growth"}, {"高唐县-2025"}),
        ({"year": "-2016"}, {"全国-2016"}),
        ({"region": "聊城市"}, {"聊城市-2023"}),
        ({"region": "聊城市", "children": True, "year": 2023}, {"聊城市-2023", "高唐县-2023"}),
        ({"region": "高唐县,全国", "year": "2016-2021"}, {"全国-2016", "高唐县-2021"}),
    ],
)
def test_target_filters(db: Store, filters: dict, reports: set[str] | None) -> None:
    if reports is None:
        with pytest.raises(HuibianError, match="measure must be one of"):
            link.targets(db.conn, **filters)
        return
    assert set(link.targets(db.conn, **filters)["target_report"]) == reports
    # the panel and the escalation table take the same filters
    years = link.parse_years(filters.get("year"))
    for table in (link.panel(db.conn, **filters), link.levels(db.conn, **{"children": False, **filters})):
        assert not table.empty
        assert table["year"].between(years[0] or 0, years[1] or 9999).all()
        if "level" in filters:
            assert set(table["level"]) == {filters["level"]}


def test_bad_years() -> None:
    for bad in ("soon", "2020-2019", "20x0"):
        with pytest.raises(HuibianError):
            link.parse_years(bad)
    assert link.parse_years("2016–2020") == (2016, 2020) and link.parse_years(2020) == (2020, 2020)


def test_targets_with_parent_and_children_long(db: Store) -> None:
    df = link.targets(db.conn, indicator="gdp", measure="growth", year=2023, with_="parent,children")
    lc = df[df["region"] == "聊城市"]
    assert list(lc["relation"]) == ["parent", "child"]
    parent, child = lc.iloc[0], lc.iloc[1]
    assert (parent["other_region"], parent["other_target_value"], parent["other_target_unit"]) == ("山东省", 5, "%")
    assert parent["other_target_quote"] == "地区生产总值增长5%以上" and parent["escalation"] == pytest.approx(0.5)
    assert (child["other_region"], child["other_target_value"], child["escalation"]) == ("高唐县", 6, 0.5)
    # a target with no related target keeps its row, without a relation
    sd = df[df["region"] == "山东省"]
    assert list(sd["relation"]) == ["child"] and sd.iloc[0]["other_region"] == "聊城市"
    # every target of the plain table is there, and the columns are the declared ones
    plain = link.targets(db.conn, indicator="gdp", measure="growth", year=2023)
    assert set(plain["target_report"]) == set(df["target_report"])
    assert list(df.columns) == link.schema.PAIRS.names
    # a region's rows link their relatives too: the same rows as the whole table's
    part = link.targets(db.conn, region="聊城市", indicator="gdp", year=2023, with_=["parent", "children"])
    whole = df[df["region"] == "聊城市"]
    assert part.astype(object).where(part.notna(), None).values.tolist() == (
        whole.astype(object).where(whole.notna(), None).values.tolist()
    )
    with pytest.raises(HuibianError, match="with must be"):
        link.targets(db.conn, with_="cousins")


def test_targets_wide(db: Store, tmp_path: Path) -> None:
    df = link.targets(db.conn, indicator="gdp", measure="growth", year=2023, with_="parent,children", wide=True)
    assert len(df) == len(link.targets(db.conn, indicator="gdp", measure="growth", year=2023))
    lc = _one(df, region="聊城市")
    assert (lc["parent_region"], lc["parent_target_value"], lc["parent_target_unit"]) == ("山东省", 5, "%")
    assert (lc["child1_region"], lc["child1_target_value"], lc["children_n"]) == ("高唐县", 6, 1)
    assert "child2_region" not in df.columns


def test_promises_this_year_and_last(db: Store) -> None:
    df = link.promises(db.conn, "高唐县", 2023)
    gdp = _one(df, indicator="gdp")
    assert (gdp["this_target_value"], gdp["this_target_cmp"], gdp["this_year"]) == (6, "ge", 2023)
    assert (gdp["last_target_value"], gdp["last_outcome_value"], gdp["last_outcome_kind"]) == (6.5, 5, "estimate")
    assert not gdp["last_met"] and gdp["last_outcome_report"] == "高唐县-2023"
    fai = _one(df, indicator="fixed_asset_investment")
    assert fai["last_unknown"] == "not stated" and pd.isna(fai["this_target_value"])
    with pytest.raises(HuibianError, match="no place"):
        link.promises(db.conn, "无此县", 2023)


def test_facts_filters(db: Store) -> None:
    db.conn.close()
    with Database(db.path, readonly=True) as database:
        county = database.facts(level="county")
        assert set(county["report"]) == {"高唐县-2021", "高唐县-2022", "高唐县-2023", "高唐县-2024", "高唐县-2025"}
        family = database.facts(region="聊城市", children=True)
        assert set(family["report"]) == {"聊城市-2023"} | set(county["report"])
        multi = database.facts(horizon="multi-year")
        assert set(multi["measure"]) == {"avg_growth"}
        annual = database.facts(horizon="annual", year="2022-2023")
        assert "avg_growth" not in set(annual["measure"]) and set(annual["period"]) == {2022, 2023}
        gdp = database.facts(indicator="gdp")
        assert len(database.facts(indicator="gdp", measure="growth")) == (gdp["measure"] == "growth").sum()


def test_cli_filters_with_and_promises(db: Store, tmp_path: Path) -> None:
    path = str(db.path)
    db.conn.close()
    run = CliRunner().invoke
    out = run(app, ["targets", "--db", path, "--level", "county", "--year", "2022-2023", "--format", "jsonl"])
    assert out.exit_code == 0, out.output
    recs = [json.loads(line) for line in out.output.splitlines()]
    assert {r["target_report"] for r in recs} == {"高唐县-2022", "高唐县-2023"}
    assert all(r["target_unit"] == "%" and r["base_unit"] == "%" for r in recs if r["indicator"] == "gdp")
    out = run(app, ["targets", "--db", path, "--with", "parent,children", "--year", "2023", "--indicator", "gdp"])
    assert out.exit_code == 0 and "escalation" in out.output and "聊城市" in out.output
    for bad in (["--year", "soon"], ["--horizon", "yearly"], ["--level", "town"], ["--measure", "weight"]):
        assert run(app, ["targets", "--db", path, *bad]).exit_code == 2, bad
    assert run(app, ["facts", "--db", path, "--horizon", "yearly"]).exit_code == 2
    out = run(app, ["promises", "--db", path, "--region", "高唐县", "--year", "2023"])
    assert out.exit_code == 0 and "promise 2023" in out.output and "≥6.5%" in out.output
    out = run(app, ["facts", "--db", path, "--region", "聊城市", "--children", "--format", "csv"])
    assert out.exit_code == 0 and "高唐县-2023" in out.output and "山东省" not in out.output


def test_web_twins(db: Store) -> None:
    db.conn.close()
    client = TestClient(create_app(db.path))
    with Database(db.path, readonly=True) as database:
        expect = database.targets(with_="parent,children", year=2023)
    rows = client.get("/api/targets", params={"with": "parent,children", "year": "2023"}).json()
    assert [r["other_region"] for r in rows] == [None if pd.isna(v) else v for v in expect["other_region"]]
    wide = client.get("/api/targets", params={"with": "parent,children", "wide": "true", "year": 2023}).json()
    assert any(r.get("child1_region") == "高唐县" for r in wide)
    county = client.get("/api/targets", params={"level": "county", "year": "2022-2023"}).json()
    assert {r["target_report"] for r in county} == {"高唐县-2022", "高唐县-2023"}
    assert client.get("/api/targets", params={"horizon": "yearly"}).status_code == 400
    assert client.get("/api/targets", params={"with": "cousins"}).status_code == 400
    promised = client.get("/api/promises", params={"region": "高唐县", "year": 2023}).json()
    assert any(r["indicator"] == "gdp" and r["last_status"] == "missed" for r in promised)
    assert client.get("/api/promises", params={"region": "无此县", "year": 2023}).status_code == 400
    page = client.get("/targets", params={"view": "promises", "region": "高唐县", "year": "2023"})
    assert page.status_code == 200 and 'id="promises"' in page.text and "地区生产总值同比增长6.5%以上" in page.text
    page = client.get("/targets", params={"region": "高唐县"}).text
    for text in ("only a multi-year figure", "no report for the year after", "how met is judged", "multi-year"):
        assert text in page, text


def test_old_store_without_stats_still_filters(db: Store) -> None:
    conn = sqlite3.connect(":memory:")
    db.conn.backup(conn)
    conn.execute("DROP TABLE official_stats")
    conn.row_factory = sqlite3.Row
    assert len(link.targets(conn, level="county")) == len(link.targets(db.conn, level="county"))
