"""Rules that explain themselves: `show --facts --explain`, `eval --ablate`, `rules`
(issue #14), through the CLI on the book excerpt and its dev gold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import huibian

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BOOK = SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "huibian", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("explain") / "h.db"
    assert cli("ingest", str(BOOK), "--db", str(db), "--no-index").returncode == 0
    return db


def test_every_stored_fact_records_the_rules_that_decided_it(store: Path) -> None:
    with huibian.open(store, readonly=True) as db:
        facts = db.facts(report="锦州市-2012")
    gdp = facts[(facts["indicator"] == "gdp") & (facts["measure"] == "growth") & (facts["kind"] == "estimate")].iloc[0]
    assert "indicator.name" in gdp["rules"] and "measure.growth" in gdp["rules"]
    assert all(isinstance(r, list) for r in facts["rules"])


def test_show_explain_prints_each_rule_with_what_it_does(store: Path) -> None:
    out = cli("show", "锦州市-2012", "--db", str(store), "--facts", "--explain")
    assert out.returncode == 0
    assert "indicator.name" in out.stdout and "the indicator of the name's head" in out.stdout
    assert "地区生产总值" in out.stdout


def test_rules_lists_the_rules_and_which_can_be_switched_off() -> None:
    out = cli("rules")
    assert out.returncode == 0 and "span.total" in out.stdout and "frame.section" in out.stdout


def test_ablate_scores_the_gold_with_a_rule_off(store: Path) -> None:
    rules = ["frame.paragraph", "frame.section", "period.role", "kind.plan_part"]
    out = cli("eval", "--gold", str(SHARED / "gold" / "dev"), "--db", str(store), "--json",
              *[a for r in rules for a in ("--ablate", r)])
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["run"] for r in rows] == ["all rules on", *[f"without {r}" for r in rules], "without all of them"]
    on = rows[0]
    assert on["headline_f1"] > 0.95
    # each alone is covered by the others on this book; together they are what places its
    # figures in time
    assert all(r["headline_f1"] <= on["headline_f1"] for r in rows[1:])
    assert rows[-1]["headline_f1"] < on["headline_f1"] - 0.1


def test_ablate_refuses_what_it_cannot_switch_off(store: Path) -> None:
    out = cli("eval", "--gold", str(SHARED / "gold" / "dev"), "--db", str(store), "--ablate", "measure.growth")
    assert out.returncode == 1 and "cannot be switched off" in out.stderr
    out = cli("eval", "--gold", str(SHARED / "gold" / "dev"), "--db", str(store), "--ablate", "no.such")
    assert out.returncode == 1 and "is no rule" in out.stderr
