"""Units that cannot mislead: a series stated in 亿元 one year and 万亿元 the next.

成都's reports give its GDP as 10800亿元 (2015), 1.2万亿元 (2016) and 13889.4亿元 (2017);
佛山's 2016 plan sets 1.15万亿元 for 2020 and its 2021 report states 10816.47亿元. In the
panel and on /indicators/gdp each series must stay in one unit: the base columns (元)
throughout, the chart in one display unit, and a target compared with its outcome
through the base unit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from huibian import link
from huibian.web import create_app
from tests.link_store import Store


@pytest.fixture
def db(tmp_path: Path) -> Store:
    s = Store(tmp_path / "u.db")
    for year, quote, value, unit, kind in (
        (2016, "预计实现地区生产总值10800亿元左右", 10800, "亿元", "estimate"),
        (2017, "预计全年实现地区生产总值1.2万亿元", 1.2, "万亿元", "estimate"),
        (2018, "全年地区生产总值13889.4亿元", 13889.4, "亿元", "actual"),
    ):
        rid = s.report(f"四川-成都市-{year}.txt", "成都市", year)
        s.fact(rid, quote, period=year - 1, kind=kind, measure="level", value=value, unit=unit)
    # 佛山: a plan's level target for 2020 in 万亿元, its outcome in 亿元
    fs16 = s.report("广东-佛山市-2016.txt", "佛山市", 2016)
    s.fact(
        fs16, "2020年达1.15万亿元", period=2020, kind="target", measure="level", value=1.15, unit="万亿元",
    )
    s.fact(fs16, "地区生产总值8003.92亿元", period=2015, kind="actual", measure="level", value=8003.92, unit="亿元")
    fs21 = s.report("广东-佛山市-2021.txt", "佛山市", 2021)
    s.fact(
        fs21,
        "地区生产总值从2015年的8107.6亿元增加到2020年的10816.47亿元",
        period=2020,
        kind="actual",
        measure="level",
        value=10816.47,
        unit="亿元",
    )
    return s


def _jumps(values: pd.Series) -> float:
    """The largest ratio between one year's value and the next (a naive outlier check)."""
    v = values.to_numpy(float)
    return float(np.max(np.maximum(v[1:] / v[:-1], v[:-1] / v[1:])))


def test_panel_series_keeps_its_unit(db: Store) -> None:
    df = link.panel(db.conn, region="成都市", indicator="gdp", measure="level")
    assert list(df["year"]) == [2015, 2016, 2017]
    # as stated, each beside its unit
    assert list(df["outcome_value"]) == [10800, 1.2, 13889.4]
    assert list(df["outcome_unit"]) == ["亿元", "万亿元", "亿元"]
    # the series to compare: one base unit, no jump
    assert set(df["base_unit"]) == {"元"}
    assert list(df["outcome_base"]) == pytest.approx([1.08e12, 1.2e12, 1.38894e12])
    assert _jumps(df["outcome_base"]) < 1.2
    # no series of the whole panel mixes base units
    whole = link.panel(db.conn)
    assert (whole.groupby(["region", "indicator", "measure"])["base_unit"].nunique() == 1).all()


def test_target_and_outcome_in_different_units(db: Store) -> None:
    row = link.targets(db.conn, region="佛山市").iloc[0]
    assert (row["target_value"], row["target_unit"]) == (1.15, "万亿元")
    assert (row["outcome_value"], row["outcome_unit"]) == (10816.47, "亿元")
    assert row["target_base"] == pytest.approx(1.15e12) and row["outcome_base"] == pytest.approx(1.081647e12)
    assert row["base_unit"] == "元"
    # the gap is in the target's unit: 1.081647 − 1.15 万亿元
    assert row["gap"] == pytest.approx(-0.068353) and not row["met"]
    assert (row["horizon"], row["span_start"], row["year"]) == ("multi-year", 2016, 2020)
    p = link.panel(db.conn, region="佛山市", indicator="gdp")
    plan = p[p["year"] == 2020].iloc[0]
    assert plan["horizon"] == "multi-year" and plan["target_base"] == pytest.approx(1.15e12)


def test_indicator_page_series_in_one_unit(db: Store) -> None:
    db.conn.close()
    client = TestClient(create_app(db.path))
    fig = client.get("/api/indicators/gdp", params={"place": ["成都市", "佛山市"], "measure": "level"}).json()
    assert fig["unit"] == "亿元"
    by_year = {(r["region"], r["period"], r["series"]): r for r in fig["rows"]}
    assert [by_year[("成都市", y, "outcome")]["y"] for y in (2015, 2016, 2017)] == pytest.approx(
        [10800, 12000, 13889.4]
    )
    assert by_year[("成都市", 2016, "outcome")]["unit"] == "万亿元"  # as stated, beside `y`
    # the plan's 2020 target is not drawn as one year's target unless asked
    assert ("佛山市", 2020, "target") not in by_year
    multi = client.get(
        "/api/indicators/gdp", params={"place": "佛山市", "measure": "level", "horizon": "all"}
    ).json()
    target = next(r for r in multi["rows"] if r["series"] == "target")
    assert (target["period"], target["horizon"], target["y"], multi["unit"]) == (2020, "multi-year", 11500, "亿元")
    page = client.get("/indicators/gdp", params={"places": "成都市", "measure": "level"}).text
    assert "value (亿元)" in page and "1.2<span class=\"unit\">万亿元</span>" in page
    assert client.get("/api/indicators/gdp", params={"horizon": "someday"}).status_code == 400
