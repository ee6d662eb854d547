"""CLI options take their choices from the models (and the writers) and check paths through
typer: a wrong value is a usage error (exit 2) that names the choices, before any store
is opened — never a traceback, never a hand-written check that drifts from the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from huibian.audit import CHECKS
from huibian.cli import app
from huibian.export import FORMATS
from huibian.measures.text import ROLES
from huibian.models import KINDS, LEVELS, MEASURES

CASES = [
    (["facts", "--kind", "guess"], KINDS),
    (["facts", "--format", "xlsx"], FORMATS),
    (["targets", "--measure", "weight"], MEASURES),
    (["measures", "--level", "town"], LEVELS),
    (["measures", "--role", "preface"], ROLES),
    (["measures", "--by", "decade"], ("report", "role")),
    (["audit", "--check", "spelling"], CHECKS),
]


@pytest.mark.parametrize(("args", "choices"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_a_value_outside_the_models_choices_is_a_usage_error_naming_them(
    tmp_path: Path, args: list[str], choices: tuple[str, ...]
) -> None:
    db = tmp_path / "none.db"
    r = CliRunner().invoke(app, [*args, "--db", str(db)])
    assert r.exit_code == 2, r.output
    said = " ".join(r.output.split()).replace("│", "")
    assert "Invalid value" in r.output and all(c in said for c in choices if c), said
    assert not db.exists()  # refused before any store was opened


@pytest.mark.parametrize(
    "args",
    [
        ["kwic", "能耗", "--words", "500"],
        ["targets", "--with", "siblings"],
        ["eval", "--gold", "no/such/gold.jsonl"],
        ["load-stats", "."],  # a folder, not a CSV file
    ],
)
def test_ranges_relations_and_paths_are_checked_by_the_cli(tmp_path: Path, args: list[str]) -> None:
    r = CliRunner().invoke(app, [*args, "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 2 and "Invalid value" in r.output, r.output
