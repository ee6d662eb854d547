"""The store the web tests run against: the book and a few corpus reports, ingested for real.

Shared by tests/test_web.py (HTTP) and tests/test_browser.py (Chromium). One report is
added through the store API with markup in its title, text and facts, to prove that
every page escapes what it shows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from huibian import store
from huibian.models import Fact, OffsetMap, ProcessedReport, ReportMeta, Section
from tests.conftest import SHARED

BOOK = SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt"
REPORTS = [
    SHARED / "corpus" / "reports" / name
    for name in (
        "辽宁-辽宁省-2012.txt",
        "辽宁-辽宁省-2013.txt",
        "辽宁-锦州市-2020.txt",
        "辽宁-锦州市-2021.txt",
        "辽宁-锦州市-2022.txt",
    )
]
EVIL_ID = "注入县-2013"
EVIL_TEXT = (
    "注入县2013年政府工作报告\n"
    "一、2012年工作回顾\n"
    "<script>alert('text')</script>全县地区生产总值达到<b>88.8</b>亿元，增长11%。"
    '光伏扶贫 & 低保 "quoted" <img src=x onerror=alert(1)>\n'
)


def evil_report() -> ProcessedReport:
    """A report whose text, title and facts carry markup that a page must show as text."""
    text = EVIL_TEXT
    q1 = "地区生产总值达到<b>88.8</b>亿元"
    s1 = text.index(q1)
    q2 = q1 + "，增长11%"
    facts = [
        Fact(
            EVIL_ID,
            "gdp",
            "<b>地区生产总值</b>",
            "",
            2012,
            "actual",
            "level",
            88.8,
            "亿元",
            "eq",
            q1,
            s1,
            s1 + len(q1),
        ),
        Fact(
            EVIL_ID,
            "gdp",
            "地区生产总值",
            "",
            2012,
            "actual",
            "growth",
            11.0,
            "%",
            "eq",
            q2,
            s1,
            s1 + len(q2),
        ),
    ]
    head = text.index("一、")
    sections = [Section(0, None, 1, "一、", "2012年工作回顾<i>", head, len(text), "review")]
    meta = ReportMeta(
        id=EVIL_ID,
        region="注入县",
        year=2013,
        start=0,
        end=len(text),
        level="county",
        title="<script>alert('title')</script>注入县政府工作报告",
        meeting="<b>会议</b>",
        source="tests/evil.txt",
    )
    return ProcessedReport(
        meta=meta,
        text=text,
        source_text=text,
        offsets=OffsetMap(),
        sections=sections,
        facts=facts,
        repairs=[],
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def build(db: Path) -> Path:
    """Ingest the book and the reports with the real pipeline, then add the markup report."""
    from huibian.db import Database

    with Database(db) as database:
        summary = database.ingest([BOOK, *REPORTS], workers=1)
        assert summary.ok, [(r.path, r.error) for r in summary.failed]
    conn = store.connect(db)
    store.write_report(conn, evil_report())
    conn.close()
    return db
