"""The province panel of issue #11 in one command: 辽宁's GDP growth targets, the outcome its
next report states, and the targets its cities set for the same year.

    huibian targets --level province --indicator gdp --measure growth --horizon annual \\
        --with children --format dta -o panel.dta

The store is built by the real ingest of 辽宁省's reports of 2020–2023 and four of its
cities' of 2020–2022. The file must load in pandas and as Stata 118 with its labels, and
every row must be what the report texts say: each quote at its offsets in its report,
each value in its quote, each report of the place and year it claims.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from huibian.cli import app
from huibian.db import Database
from huibian.link import schema
from tests.conftest import SHARED

REPORTS = SHARED / "corpus" / "reports"
CITIES = ("沈阳市", "大连市", "锦州市", "鞍山市")
COMMAND = [
    "targets", "--level", "province", "--indicator", "gdp", "--measure", "growth", "--horizon", "annual",
    "--with", "children",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("panel") / "liaoning.db"
    files = [REPORTS / f"辽宁-辽宁省-{y}.txt" for y in range(2020, 2024)]
    files += [REPORTS / f"辽宁-{c}-{y}.txt" for c in CITIES for y in range(2020, 2023)]
    with Database(path) as database:
        summary = database.ingest(files, workers=1)
        assert summary.ok, [(r.path, r.error) for r in summary.failed]
    return path


@pytest.fixture(scope="module")
def texts(db: Path) -> dict[str, str]:
    with Database(db, readonly=True) as database:
        return {rid: database.text(rid) for rid in database.reports()["id"]}


@pytest.fixture(scope="module")
def dta(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "panel.dta"
    result = CliRunner().invoke(app, [*COMMAND, "--db", str(db), "--format", "dta", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _number(v: float) -> str:
    """A value as the text writes it: unsigned (下降5% is growth -5)."""
    v = abs(float(v))
    return str(int(v)) if v.is_integer() else f"{v:g}"


def _stated(text: str, quote: str, start: float, value: float) -> None:
    """The quote stands at its offsets in the report's text and states the value."""
    i = int(start)
    assert text[i : i + len(quote)] == quote
    assert re.search(rf"(?<![\d.]){re.escape(_number(value))}(?![\d.])", quote), (value, quote)


def test_panel_loads_in_pandas_and_stata(dta: Path, db: Path, tmp_path: Path) -> None:
    df = pd.read_stata(dta, convert_categoricals=False)
    assert list(df.columns) == schema.PAIRS.names
    with pd.io.stata.StataReader(dta) as reader:
        assert reader.data_label == f"{len(df)} rows: targets, outcomes, the children's targets"
        labels = reader.variable_labels()
        values = reader.value_labels()
    assert labels == {c: schema.PAIRS.labels()[c][:80] for c in df.columns}
    assert values["met"] == {0: "missed", 1: "met"}
    assert values["relation"] == {1: "parent", 2: "child"}
    assert values["horizon"] == {1: "annual", 2: "multi-year"}
    for column, value in (("level", "province"), ("measure", "growth"), ("other_level", "city"),
                          ("unknown", "no report for the year after"), ("outcome_kind", "estimate")):
        assert value in values[column].values(), column
    labelled = pd.read_stata(dta)
    assert set(labelled["met"].dropna()) <= {"met", "missed"} and set(labelled["relation"].dropna()) == {"child"}
    assert set(labelled["region"]) == {"辽宁省"} and set(labelled["other_region"]) - {""} == set(CITIES)
    # the same command writes CSV that loads in one line, the same rows
    csv = tmp_path / "panel.csv"
    result = CliRunner().invoke(app, [*COMMAND, "--db", str(db), "--format", "csv", "-o", str(csv)])
    assert result.exit_code == 0, result.output
    back = pd.read_csv(csv, dtype={"admin_code": str, "other_admin_code": str})
    assert list(back.columns) == schema.PAIRS.names and len(back) == len(df)
    assert list(back["other_region"].fillna("")) == list(labelled["other_region"])


def test_panel_rows_are_what_the_texts_say(dta: Path, texts: dict[str, str]) -> None:
    df = pd.read_stata(dta)
    assert len(df) >= 12
    # every value has its unit beside it, and the same unit in base: percent throughout
    assert set(df["target_unit"]) == {"%"} and set(df["base_unit"]) == {"%"}
    assert set(df["outcome_unit"]) - {""} == {"%"} and set(df["other_target_unit"]) - {""} == {"%"}
    for r in df.itertuples():
        assert (r.region, r.level, r.indicator, r.measure, r.horizon) == ("辽宁省", "province", "gdp", "growth", "annual")
        assert r.target_report == f"辽宁省-{r.year}"
        _stated(texts[r.target_report], r.target_quote, r.target_start, r.target_value)
        if r.outcome_report:
            assert r.outcome_report == f"辽宁省-{r.year + 1}"
            _stated(texts[r.outcome_report], r.outcome_quote, r.outcome_start, r.outcome_value)
            assert r.met == ("met" if r.outcome_value >= r.target_value else "missed")  # all ≥ targets here
        else:
            assert r.unknown == "no report for the year after" and f"辽宁省-{r.year + 1}" not in texts
        if r.relation == "child":
            assert r.other_target_report == f"{r.other_region}-{r.year}" and r.other_level == "city"
            other = texts[r.other_target_report]
            assert r.other_target_quote in other and re.search(_number(r.other_target_value), r.other_target_quote)
            assert r.escalation == pytest.approx(r.other_target_value - r.target_value)
    # the figures of the texts (辽宁省-2021: 地区生产总值增长6%以上; 辽宁省-2022: 增长5.8%; 沈阳 2022: 增长8%左右 …)
    head = df.drop_duplicates("year").set_index("year")
    assert (head.loc[2021, "target_value"], head.loc[2021, "target_cmp"], head.loc[2021, "outcome_value"]) == (
        6, "ge", 5.8,
    )
    assert (head.loc[2022, "target_value"], head.loc[2022, "outcome_value"]) == (5.5, 2.1)
    kids = df[df["year"] == 2022].set_index("other_region")
    assert kids.loc["沈阳市", "other_target_value"] == 8 and kids.loc["沈阳市", "other_target_cmp"] == "approx"
    assert kids.loc["鞍山市", "other_target_value"] == 6 and kids.loc["鞍山市", "other_target_cmp"] == "ge"
    assert set(df.loc[df["year"] == 2021, "other_region"]) == set(CITIES)


def test_wide_variant_for_stata(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "wide.dta"
    result = CliRunner().invoke(app, [*COMMAND, "--wide", "--db", str(db), "--format", "dta", "-o", str(out)])
    assert result.exit_code == 0, result.output
    df = pd.read_stata(out)
    assert df["year"].is_unique and set(df["children_n"]) >= {4}
    row = df[df["year"] == 2022].iloc[0]
    kids = {row[f"child{i}_region"]: row[f"child{i}_target_value"] for i in range(1, 5)}
    assert set(kids) == set(CITIES) and kids["沈阳市"] == 8
    with pd.io.stata.StataReader(out) as reader:
        assert reader.variable_labels()["child1_region"] == "child 1: region name"
