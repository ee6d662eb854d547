"""The schema is declared once: a Fact's fields give the store's columns, the facts query,
`huibian facts` and the export labels; each linked table's columns give its order, types
and labels.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest

from huibian import export, store
from huibian.db import FACT_COLUMNS, Database
from huibian.link import schema
from huibian.models import FACT_FIELDS, FACT_SCHEMA, Fact, OffsetMap, ProcessedReport, ReportMeta

TEXT = "某县2013年政府工作报告\n一、2012年工作回顾\n全县地区生产总值比2010年增长16:49:35和88.8亿元以上，力争7-8户。\n"


def _report() -> ProcessedReport:
    """A report whose facts set every field of a Fact (none left at its default)."""
    q = "地区生产总值比2010年增长16:49:35和88.8亿元以上"
    s = TEXT.index(q)
    facts = [
        Fact(
            "某县-2013", "gdp", "地区生产总值", "", 2012, "actual", "level", 88.8, "亿元", "ge", q, s, s + len(q),
            base_period=2010, value_hi=99.9, section=0, value_base=8.88e9, unit_base="元",
        ),
        Fact("某县-2013", None, "结构", "城区", 2012, "estimate", "ratio", "16:49:35", "", "eq", q, s, s + 20),
    ]
    meta = ReportMeta(id="某县-2013", region="某县", year=2013, start=0, end=len(TEXT), level="county")
    return ProcessedReport(
        meta=meta, text=TEXT, source_text=TEXT, offsets=OffsetMap(), sections=[], facts=facts, repairs=[],
        content_hash=hashlib.sha256(TEXT.encode()).hexdigest(),
    )


def test_fact_fields_are_the_exchange_format() -> None:
    assert FACT_COLUMNS == list(FACT_FIELDS) == [f.name for f in FACT_SCHEMA]
    assert FACT_FIELDS[:5] == ("report", "indicator", "name", "scope", "period")  # docs/facts.md order
    assert {f.name for f in fields(Fact)} >= set(FACT_FIELDS)  # a plain field stays in memory
    for f in FACT_SCHEMA:
        assert 0 < len(f.metadata["label"]) <= 80, f.name
        assert export.LABELS[f.name] == f.metadata["label"]


def test_every_field_is_stored_and_read_back(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "s.db")
    columns = {r[1] for r in conn.execute("PRAGMA table_info(facts)")}
    stored = {f.metadata.get("column") or f.name for f in FACT_SCHEMA}
    assert stored <= columns, f"a migration is missing the column(s) {stored - columns}"
    rep = _report()
    store.write_report(conn, rep)
    conn.close()
    with Database(tmp_path / "s.db", readonly=True) as db:
        back = db.facts()
    assert list(back.columns) == ["id", *FACT_FIELDS[: FACT_FIELDS.index("value") + 1], "value_text",
                                  *FACT_FIELDS[FACT_FIELDS.index("value") + 1 :]]
    for fact, row in zip(rep.facts, back.to_dict("records"), strict=True):
        for name in FACT_FIELDS:
            want, got = getattr(fact, name), row[name]
            if name == "value" and isinstance(want, str):
                assert math.isnan(got) and row["value_text"] == want
            elif want is None:
                assert got is None or (isinstance(got, float) and math.isnan(got)), name
            elif isinstance(want, tuple):  # several values: JSON text in the store, a list back
                assert got == list(want), name
            else:
                assert got == want, name


def test_fact_select_refuses_an_unknown_field() -> None:
    with pytest.raises(KeyError, match="no field"):
        store.fact_select(["report", "colour"])


@pytest.mark.parametrize("table", [schema.PLACES, schema.SCOPES, schema.STATS, schema.TARGETS, schema.LEVELS,
                                   schema.PANEL, schema.PAIRS, schema.wide(3)])
def test_linked_tables_are_declared(table: schema.Table) -> None:
    assert len(set(table.names)) == len(table.names)
    for c in table.columns:
        assert c.dtype in ("str", "int", "float", "bool") and 0 < len(c.label) <= 80, c
    for name, values in table.categories().items():
        assert table.columns[table.names.index(name)].dtype == "str" and values


def test_facts_in_stata_carry_value_labels(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {"report": ["某县-2013"] * 3, "kind": ["target", "actual", None], "measure": ["growth", "level", "total"],
         "value": [7.0, 88.8, None]}
    )
    out = tmp_path / "f.dta"
    export.write(df, "dta", out, title="某县 facts")
    with pd.io.stata.StataReader(out) as reader:
        assert reader.data_label == "某县 facts"
        values = reader.value_labels()
        assert reader.variable_labels()["kind"] == export.LABELS["kind"]
    assert values["kind"] == {1: "actual", 2: "estimate", 3: "target"}
    assert values["measure"][2] == "total"
    back = pd.read_stata(out)
    assert list(back["kind"].astype(object).where(back["kind"].notna(), None)) == ["target", "actual", None]
