"""The search index (huibian/search.py) on real report text: exact matching, folding,
and an index that follows the store when reports are replaced or deleted."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from huibian import search, store
from huibian.models import OffsetMap, ProcessedReport, ReportMeta
from tests.conftest import SHARED

FILES = ["辽宁-锦州市-2014.txt", "辽宁-锦州市-2020.txt", "辽宁-辽宁省-2012.txt", "辽宁-辽宁省-2017.txt"]


def report(rid: str, text: str, source: str) -> ProcessedReport:
    region, year = rid.rsplit("-", 1)
    meta = ReportMeta(
        id=rid, region=region, year=int(year), start=0, end=len(text), level="city", source=source
    )
    return ProcessedReport(
        meta=meta,
        text=text,
        source_text=text,
        offsets=OffsetMap(),
        sections=[],
        facts=[],
        repairs=[],
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    c = store.connect(tmp_path / "s.db")
    for name in FILES:
        _, region, year = name.removesuffix(".txt").split("-")
        text = (SHARED / "corpus" / "reports" / name).read_text(encoding="utf-8")
        store.write_report(c, report(f"{region}-{year}", text, name))
    return c


def found(conn: sqlite3.Connection, q: str) -> set[str]:
    return {r.report for r in search.search(conn, q, limit=100).results}


def truth(conn: sqlite3.Connection, q: str) -> set[str]:
    f = search.fold(q)
    return {rid for rid, t in conn.execute("SELECT id, text FROM reports") if f in search.fold(t)}


@pytest.mark.parametrize("q", ["光伏", "低保", "13.5%", "供给侧结构性改革", "锦州", "养老", "2020年", "港"])
def test_matches_exactly_the_reports_containing_the_string(conn: sqlite3.Connection, q: str) -> None:
    want = truth(conn, q)
    assert found(conn, q) == want
    assert search.search(conn, q).total == len(want)


def test_a_two_character_word_is_not_its_characters_apart(conn: sqlite3.Connection) -> None:
    texts = dict(conn.execute("SELECT id, text FROM reports"))
    apart = {rid for rid, t in texts.items() if "光" in t and "伏" in t}
    together = {rid for rid, t in texts.items() if "光伏" in t}
    assert found(conn, "光伏") == together
    assert found(conn, "伏光") == {rid for rid, t in texts.items() if "伏光" in t}
    assert apart >= together


def test_width_case_and_spaces_fold() -> None:
    assert search.fold("ＧＤＰ增长１３．５％") == search.fold("gdp增长13.5%")
    assert search.fold("7200 万吨") == search.fold("7200万吨")
    assert search.bigrams("光伏发电") == "光伏 伏发 发电 电"
    text = "锦州港实现货物吞吐量 7200 万吨，ＧＤＰ增长１３．５％。"
    hits = search.find_hits(text, "7200万吨 GDP 13.5%")
    assert [text[h.start : h.end] for h in hits] == ["7200 万吨", "ＧＤＰ", "１３．５％"]


def test_replacing_and_deleting_reports_keeps_the_index_true(conn: sqlite3.Connection) -> None:
    rid = "锦州市-2014"
    assert rid in found(conn, "光伏")
    store.write_report(conn, report(rid, "锦州市2014年政府工作报告：只谈风电与海港。", "x.txt"), replace=True)
    assert rid not in found(conn, "光伏")
    assert found(conn, "风电与海港") == {rid}
    assert conn.execute("SELECT count(*) FROM search_trash").fetchone()[0] == 0
    with conn:
        conn.execute("DELETE FROM reports WHERE id = ?", ("辽宁省-2012",))
    assert "辽宁省-2012" not in found(conn, "辽宁")  # hidden at once, tokens purged on the next write
    assert search.purge(conn) == 1
    conn.commit()
    conn.execute("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 0)")
    for q in ("光伏", "辽宁", "风电"):
        assert found(conn, q) == truth(conn, q)


def test_update_indexes_reports_stored_before_the_index(conn: sqlite3.Connection) -> None:
    before = {q: found(conn, q) for q in ("光伏", "低保", "13.5%")}
    with conn:
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
        conn.execute("DELETE FROM search_docs")
    assert search.missing(conn) == len(FILES)
    assert found(conn, "光伏") == set()
    assert search.update(conn) == len(FILES)
    assert search.missing(conn) == 0
    assert {q: found(conn, q) for q in before} == before
    assert search.update(conn, rebuild=True) == len(FILES)
    assert {q: found(conn, q) for q in before} == before


@pytest.mark.parametrize("q", ["", "   ", '""', "a b c d e f g h i", "字" * 65])
def test_unsearchable_queries_say_why(q: str) -> None:
    with pytest.raises(search.QueryError):
        search.match_expression(q)
