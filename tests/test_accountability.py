"""Targets ↔ outcomes, official statistics, the escalation table and the panel.

The store is built with the real schema; its reports are real corpus texts and its
facts are the figures those texts state (each quote is looked up in its text, so a
fact that the text does not state fails the test set-up).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from huibian import link as acc
from huibian.models import HuibianError
from tests.conftest import SHARED
from tests.link_store import Store, sample


@pytest.fixture
def db(tmp_path: Path) -> Store:
    return sample(tmp_path / "t.db")


def _row(df: pd.DataFrame, report: str, indicator: str = "gdp", measure: str = "growth") -> pd.Series:
    hit = df[(df["target_report"] == report) & (df["indicator"] == indicator) & (df["measure"] == measure)]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def test_target_linked_to_next_reports_outcome(db: Store) -> None:
    df = acc.targets(db.conn)
    r = _row(df, "高唐县-2022")
    assert (r["year"], r["target_value"], r["target_cmp"]) == (2022, 6.5, "ge")
    assert (r["outcome_value"], r["outcome_kind"], r["outcome_report"]) == (5, "estimate", "高唐县-2023")
    assert (
        r["target_quote"] == "地区生产总值同比增长6.5%以上" and r["outcome_quote"] == "预计生产总值增长5%左右"
    )
    assert not r["met"] and r["gap"] == pytest.approx(-1.5)
    assert (r["admin_code"], r["level"]) == ("371526", "county")
    r23 = _row(df, "高唐县-2023")
    assert r23["met"] and r23["gap"] == pytest.approx(1.0) and r23["outcome_report"] == "高唐县-2024"


def test_target_without_outcome_stays_unknown(db: Store) -> None:
    r = _row(acc.targets(db.conn), "高唐县-2025")
    assert pd.isna(r["met"]) and pd.isna(r["outcome_value"])
    assert r["note"] == "no report for 2026 in the store"


def test_range_and_multi_year_targets(db: Store) -> None:
    df = acc.targets(db.conn)
    nat = _row(df, "全国-2016")
    assert nat["target_value_hi"] == 7 and nat["outcome_value"] == 6.7 and nat["met"]
    five = _row(df, "辽宁省-2021", measure="avg_growth")
    assert (five["year"], five["horizon"], five["outcome_report"]) == (2025, "multi-year", "辽宁省-2026")
    assert not five["met"] and five["gap"] == pytest.approx(-1.5)  # 4.5 is not 6 ± 0.5


def test_filters_and_jsonl_fields(db: Store, capsys: pytest.CaptureFixture[str]) -> None:
    from huibian import export

    df = acc.targets(db.conn, region="高唐县", indicator="gdp", year=2023)
    assert list(df["target_report"]) == ["高唐县-2023"]
    assert list(acc.targets(db.conn, region="371526")["target_report"]) == [
        "高唐县-2022",
        "高唐县-2023",
        "高唐县-2025",
    ]
    export.write(_jsonable(df), "jsonl")
    rec = json.loads(capsys.readouterr().out.splitlines()[0])
    for key in (
        "region",
        "admin_code",
        "indicator",
        "year",
        "measure",
        "target_value",
        "target_value_hi",
        "target_cmp",
        "target_quote",
        "target_report",
        "outcome_value",
        "outcome_kind",
        "outcome_quote",
        "outcome_report",
        "met",
        "gap",
    ):
        assert key in rec
    assert rec["met"] is True and rec["outcome_value"] == 7


def _jsonable(df: pd.DataFrame) -> pd.DataFrame:
    from huibian import export

    return export.for_output(df, "jsonl")


def test_picks_the_target_stated_in_the_targets_section(db: Store) -> None:
    rid = "聊城市-2023"
    db.section(rid, 0, "review", "预计全年生产总值突破2800亿元，增长4.3%")
    db.section(rid, 1, "targets", "地区生产总值增长5.5%以上")
    # the review's 4.3 mislabelled as a target sits earlier in the text; the targets section wins
    db.fact(rid, "预计全年生产总值突破2800亿元，增长4.3%", period=2023, kind="target", value=4.3, section=0)
    db.conn.execute("UPDATE facts SET section = 1 WHERE report_id = ? AND value = 5.5", (rid,))
    assert _row(acc.targets(db.conn), rid)["target_value"] == 5.5


JUDGE_CASES = [
    ("ge", 6.5, None, 6.5, "higher", True, True),
    ("ge", 6.5, None, 6.4, "higher", True, False),
    ("le", 4.5, None, 3.8, "lower", True, True),  # 城镇登记失业率控制在4.5%以内
    ("approx", 7, None, 7.5, "higher", True, True),
    ("approx", 7, None, 7.6, "higher", True, False),  # beyond ±0.5 pp, even if above
    ("approx", 1100, None, 1108, "higher", False, True),  # amount: ±1 %
    ("range", 6.5, 7, 7.3, "higher", True, True),
    ("range", 6.5, 7, 6.2, "higher", True, False),
    ("eq", -3, None, -3.5, "lower", True, True),  # 单位GDP能耗下降3% → fell 3.5%
    ("eq", -3, None, -2.5, "lower", True, False),
    ("eq", 10, None, 9, "higher", True, False),
    ("eq", 10, None, None, "higher", True, None),
]


@pytest.mark.parametrize(("cmp", "target", "hi", "outcome", "direction", "percent", "met"), JUDGE_CASES)
def test_judge(
    cmp: str,
    target: float,
    hi: float | None,
    outcome: float | None,
    direction: str,
    percent: bool,
    met: bool | None,
) -> None:
    assert acc.judge(cmp, target, hi, outcome, direction, percent) is met


def test_judge_on_whole_columns() -> None:
    """`judge` is `judge_all` on one row: the rule exists once, and holds on whole columns too."""
    cmp, target, hi, outcome, direction, percent, met = zip(*JUDGE_CASES, strict=True)
    got = acc.judge_all(
        pd.Series(cmp),
        np.array(target, dtype=float),
        np.array(hi, dtype=float),
        np.array(outcome, dtype=float),
        direction=pd.Series(direction),
        percent=pd.Series(percent),
    )
    assert [None if v is pd.NA else bool(v) for v in got] == list(met)


def test_rate_ceiling_target(db: Store) -> None:
    _unemployment(db)
    row = _row(acc.targets(db.conn), "全国-2016", indicator="unemployment_rate", measure="level")
    assert bool(row["met"]) is True and row["gap"] == pytest.approx(-0.48)


def _unemployment(db: Store) -> None:
    db.fact(
        "全国-2016",
        "城镇登记失业率4.5%以内",
        indicator="unemployment_rate",
        period=2016,
        kind="target",
        measure="level",
        value=4.5,
        cmp="le",
    )
    db.fact(
        "全国-2017",
        "年末城镇登记失业率4.02%",
        indicator="unemployment_rate",
        period=2016,
        kind="actual",
        measure="level",
        value=4.02,
    )


def test_official_statistics(db: Store, tmp_path: Path) -> None:
    csv_path = tmp_path / "stats.csv"
    csv_path.write_text(
        "admin_code,year,indicator,measure,value\n371526,2022,gdp,growth,4.6\n", encoding="utf-8"
    )
    assert acc.load_stats(db.conn, csv_path) == 1
    r = _row(acc.targets(db.conn), "高唐县-2022")
    assert r["official_value"] == 4.6 and not r["official_met"]
    assert r["official_gap"] == pytest.approx(-1.9) and r["claim_gap"] == pytest.approx(0.4)
    bad = tmp_path / "bad.csv"
    bad.write_text("admin_code,year,indicator,measure,value\n3715,2022,gdp,growth,4.6\n", encoding="utf-8")
    with pytest.raises(HuibianError, match=r"bad.csv:2: admin_code"):
        acc.load_stats(db.conn, bad)
    missing = tmp_path / "missing.csv"
    missing.write_text("code,year\n", encoding="utf-8")
    with pytest.raises(HuibianError, match="missing column"):
        acc.load_stats(db.conn, missing)


def test_escalation_province_city_county(db: Store) -> None:
    df = acc.levels(db.conn, indicator="gdp", year=2023)
    lc = df[df["region"] == "聊城市"].iloc[0]
    assert (lc["parent_region"], lc["parent_target"], lc["diff_parent"]) == ("山东省", 5, 0.5)
    assert (lc["children_n"], lc["children_mean"], lc["diff_children_mean"]) == (1, 6, 0.5)
    assert lc["children"] == "高唐县 ≥6"
    gt = df[df["region"] == "高唐县"].iloc[0]
    assert (gt["parent_region"], gt["parent_target"], gt["level"]) == ("聊城市", 5.5, "county")
    sd = df[df["region"] == "山东省"].iloc[0]
    assert sd["children"] == "聊城市 ≥5.5" and sd["parent_region"] == "全国"
    only = acc.levels(db.conn, region="聊城市", year=2023)
    assert set(only["region"]) == {"聊城市", "高唐县"}


def test_places_follow_renames(tmp_path: Path) -> None:
    s = Store(tmp_path / "p.db")
    s.report("河北-清苑县-2013.txt", "清苑县", 2013)
    s.report("河北-清苑区-2020.txt", "清苑区", 2020)
    pl = acc.places(s.conn).set_index("report")
    assert pl.loc["清苑县-2013", "admin_code"] == "130622" and pl.loc["清苑区-2020", "admin_code"] == "130608"
    assert pl.loc["清苑县-2013", "place"] == pl.loc["清苑区-2020", "place"] == "130608"
    assert pl.loc["清苑县-2013", "parent_region"] == "保定市"


def test_scopes_name_divisions(tmp_path: Path) -> None:
    s = Store(tmp_path / "s.db")
    book = SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt"
    rid = s.report(str(book), "锦州市", 2012)  # REPORTS / an absolute path is that path
    s.fact(
        rid,
        "四县(市)新上规模以上项目100个",
        indicator="projects",
        period=2012,
        kind="target",
        measure="level",
        value=100,
        unit="个",
        scope="四县(市)",
    )
    row = acc.scopes(s.conn).iloc[0]
    assert (row["status"], row["facts"]) == ("group", 1)
    assert set(row["names"].split("、")) == {"黑山县", "义县", "凌海市", "北镇市"}


def test_panel_loads_in_one_line(db: Store, tmp_path: Path) -> None:
    from huibian import export

    df = acc.panel(db.conn)
    assert not df.duplicated(["admin_code", "year", "indicator", "measure", "horizon"]).any()
    g = df[(df["region"] == "高唐县") & (df["year"] == 2022)].iloc[0]
    assert (g["target_value"], g["outcome_value"], g["parent_region"], g["province"]) == (
        6.5,
        5,
        "聊城市",
        "山东省",
    )
    out = tmp_path / "panel.dta"
    table = acc.schema.PANEL
    export.write(df, "dta", out, labels=table.labels(), categories=table.categories())
    back = pd.read_stata(out)
    assert len(back) == len(df) and "高唐县" in set(back["region"])
    with pd.io.stata.StataReader(out) as reader:
        labels = reader.variable_labels()
    assert labels["met"].startswith("target met") and labels["admin_code"] == table.labels()["admin_code"]
    csv_out = tmp_path / "panel.csv"
    export.write(df, "csv", csv_out)
    assert len(pd.read_csv(csv_out, dtype={"admin_code": str})) == len(df)


def test_old_store_without_stats_table_still_links(db: Store, tmp_path: Path) -> None:
    conn = sqlite3.connect(":memory:")
    db.conn.backup(conn)
    conn.execute("DROP TABLE official_stats")
    conn.row_factory = sqlite3.Row
    assert len(acc.targets(conn)) == len(acc.targets(db.conn))


def test_cli_commands(db: Store, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from huibian.cli import app

    path = str(tmp_path / "t.db")
    db.conn.close()
    run = CliRunner().invoke
    out = run(app, ["targets", "--db", path, "--region", "高唐县", "--year", "2022", "--format", "jsonl"])
    assert out.exit_code == 0, out.output
    rec = json.loads(out.output.splitlines()[0])
    assert (rec["target_value"], rec["outcome_value"], rec["met"]) == (6.5, 5, False)
    out = run(app, ["levels", "--db", path, "--region", "聊城市", "--year", "2023", "--format", "csv"])
    assert out.exit_code == 0 and "高唐县" in out.output and "山东省" in out.output
    dta = tmp_path / "p.dta"
    assert run(app, ["panel", "--db", path, "--format", "dta", "-o", str(dta)]).exit_code == 0
    assert len(pd.read_stata(dta)) > 0
    assert run(app, ["load-stats", str(tmp_path / "nope.csv"), "--db", path]).exit_code == 2
    out = run(app, ["targets", "--db", path, "--region", "高唐县", "--year", "1990", "--format", "csv"])
    assert out.exit_code == 0 and out.output.startswith("region,admin_code,"), out.output
    out = run(app, ["places", "--db", path, "--format", "csv"])
    assert out.exit_code == 0 and "371526" in out.output


# -- a changing store, filtered calls, the panel's unclaimed outcomes ---------------------------------------


def test_database_sees_the_store_change_after_a_first_call(db: Store, tmp_path: Path) -> None:
    from huibian.db import Database

    with Database(tmp_path / "t.db") as database:
        before = _row(database.targets(), "山东省-2023")
        assert pd.isna(before["outcome_value"]) and before["note"] == "no report for 2024 in the store"
        assert database.targets() is not None and database.link_cache().peek(database.conn, "targets") is not None
        # another connection commits the next year's report (as an ingest in another process would)
        sd24 = db.report("山东-山东省-2024.txt", "山东省", 2024)
        db.fact(sd24, "地区生产总值达到9.2万亿元，增长6%", period=2023, kind="actual", value=6)
        after = _row(database.targets(), "山东省-2023")
        assert (after["outcome_value"], after["outcome_report"], bool(after["met"])) == (
            6,
            "山东省-2024",
            True,
        )
        assert list(database.targets(region="山东省")["outcome_report"]) == ["山东省-2024"]
        sd = database.panel(region="山东省")
        assert list(sd["outcome_value"]) == [6]
        # a write through the Database's own connection
        stats = tmp_path / "stats.csv"
        stats.write_text(
            "admin_code,year,indicator,measure,value\n370000,2023,gdp,growth,6.0\n", encoding="utf-8"
        )
        database.load_stats(stats)
        assert _row(database.targets(), "山东省-2023")["official_value"] == 6.0
        # an uncommitted write is seen while it lasts, and not kept once rolled back
        database.conn.execute("UPDATE facts SET value = 4 WHERE report_id = ?", (sd24,))
        assert not _row(database.targets(), "山东省-2023")["met"]
        database.conn.rollback()
        assert _row(database.targets(), "山东省-2023")["met"]
        assert database.levels(region="聊城市", year=2023)["parent_target"].tolist() == [5, 5.5]


FILTERS = [
    {"region": "高唐县"},
    {"region": "371526"},
    {"region": "山东省"},
    {"indicator": "gdp"},
    {"year": 2023},
    {"region": "聊城市", "year": 2023},
    {"region": "辽宁省", "indicator": "gdp"},
    {"indicator": "unemployment_rate"},
    {"region": "高唐县", "year": 1990},  # nothing: an empty table with all its columns
]


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("table", [acc.targets, acc.levels, acc.panel])
def test_a_filtered_call_equals_the_whole_table_filtered(db: Store, table, filters: dict) -> None:
    """A filtered call links only its part of the store; it must give the whole table's rows."""
    _unemployment(db)
    cache = acc.LinkCache()
    whole = table(db.conn, cache=cache)  # kept: the filtered call below cuts it
    from_whole = table(db.conn, cache=cache, **filters)
    linked_part = table(db.conn, **filters)  # no cache: links only the part
    assert len(from_whole) < len(whole)
    assert list(linked_part.columns) == list(whole.columns)
    pd.testing.assert_frame_equal(linked_part, from_whole, check_dtype=False)
    numeric = [c for c in whole.columns if str(whole[c].dtype) in ("float64", "int64", "boolean")]
    assert all(linked_part[c].dtype == whole[c].dtype for c in numeric)


def test_panel_lists_an_outcome_once_when_a_target_claims_it(db: Store) -> None:
    # a target with no outcome, listed before 高唐县's 2022 GDP target (fixed_asset_investment < gdp)
    db.fact(
        "高唐县-2022",
        "固定资产投资增长10%以上",
        indicator="fixed_asset_investment",
        period=2022,
        kind="target",
        value=10,
        cmp="ge",
    )
    df = acc.panel(db.conn)
    g = df[(df["region"] == "高唐县") & (df["year"] == 2022) & (df["indicator"] == "gdp")]
    assert len(g) == 1 and (g.iloc[0]["target_value"], g.iloc[0]["outcome_value"]) == (6.5, 5)
    assert not df.duplicated(["admin_code", "year", "indicator", "measure", "horizon"]).any()
