"""A store built by hand from real corpus texts, for the linking tests.

Reports are real corpus texts stored with the real schema; each fact is a figure its
text states (the quote is looked up in the text, so a fact the text does not state
fails the test set-up).
"""

from __future__ import annotations

from pathlib import Path

from huibian import store
from tests.conftest import SHARED

REPORTS = SHARED / "corpus" / "reports"


class Store:
    def __init__(self, path: Path):
        self.path = path
        self.conn = store.connect(path)
        self.texts: dict[str, str] = {}
        self.seq: dict[str, int] = {}

    def report(self, file: str, region: str, year: int) -> str:
        rid = f"{region}-{year}"
        text = (REPORTS / file).read_text(encoding="utf-8")
        self.texts[rid] = text
        with self.conn:
            self.conn.execute(
                "INSERT INTO reports (id, region, year, source, content_hash, text, source_text, offsets, repairs,"
                " repair_counts, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (rid, region, year, str(REPORTS / file), rid, text, text, "[[0],[0]]", "[]", "{}", "now"),
            )
        return rid

    def section(self, rid: str, idx: int, role: str, quote: str) -> None:
        start = self.texts[rid].index(quote)
        with self.conn:
            self.conn.execute(
                'INSERT INTO sections (report_id, idx, parent, depth, number, title, role, start, "end")'
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (rid, idx, None, 1, f"{idx}、", quote[:10], role, start, start + len(quote)),
            )

    def fact(
        self,
        rid: str,
        quote: str,
        *,
        indicator: str = "gdp",
        period: int,
        kind: str,
        measure: str = "growth",
        value: float,
        cmp: str = "eq",
        unit: str = "%",
        value_hi: float | None = None,
        section: int | None = None,
        scope: str = "",
        base_period: int | None = None,
    ) -> None:
        start = self.texts[rid].index(quote)  # the text must state it
        seq = self.seq.get(rid, 0)
        self.seq[rid] = seq + 1
        with self.conn:
            self.conn.execute(
                "INSERT INTO facts (report_id, seq, indicator, name, scope, period, kind, measure, value, value_text,"
                ' value_hi, unit, cmp, quote, start, "end", section, base_period)'
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    rid,
                    seq,
                    indicator,
                    "生产总值",
                    scope,
                    period,
                    kind,
                    measure,
                    value,
                    str(value),
                    value_hi,
                    unit,
                    cmp,
                    quote,
                    start,
                    start + len(quote),
                    section,
                    base_period,
                ),
            )


def sample(path: Path) -> Store:
    """山东省 → 聊城市 → 高唐县 GDP growth targets and outcomes, a national range target, a five-year target."""
    s = Store(path)
    # 山东省 → 聊城市 → 高唐县, GDP growth targets and outcomes as the reports state them
    sd = s.report("山东-山东省-2023.txt", "山东省", 2023)
    s.fact(sd, "地区生产总值增长5%以上", period=2023, kind="target", value=5, cmp="ge")
    lc = s.report("山东-聊城市-2023.txt", "聊城市", 2023)
    s.fact(lc, "地区生产总值增长5.5%以上", period=2023, kind="target", value=5.5, cmp="ge")
    g22 = s.report("山东-高唐县-2022.txt", "高唐县", 2022)
    s.fact(g22, "地区生产总值同比增长6.5%以上", period=2022, kind="target", value=6.5, cmp="ge")
    g23 = s.report("山东-高唐县-2023.txt", "高唐县", 2023)
    s.fact(g23, "预计生产总值增长5%左右", period=2022, kind="estimate", value=5, cmp="approx")
    s.fact(g23, "生产总值增长6%以上", period=2023, kind="target", value=6, cmp="ge")
    g24 = s.report("山东-高唐县-2024.txt", "高唐县", 2024)
    s.fact(g24, "预计生产总值增长7%", period=2023, kind="estimate", value=7)
    g25 = s.report("山东-高唐县-2025.txt", "高唐县", 2025)
    s.fact(g25, "地区生产总值增长6%以上", period=2025, kind="target", value=6, cmp="ge")
    # a national range target and its outcome
    n16 = s.report("国务院-全国-2016.txt", "全国", 2016)
    s.fact(n16, "国内生产总值增长6.5%—7%", period=2016, kind="target", value=6.5, value_hi=7, cmp="range")
    n17 = s.report("国务院-全国-2017.txt", "全国", 2017)
    s.fact(n17, "国内生产总值达到74.4万亿元，增长6.7%", period=2016, kind="actual", value=6.7)
    # a five-year (十四五) target closed by the 2026 report
    ln21 = s.report("辽宁-辽宁省-2021.txt", "辽宁省", 2021)
    s.fact(
        ln21,
        "地区生产总值年均增长6%左右",
        period=2025,
        kind="target",
        measure="avg_growth",
        value=6,
        cmp="approx",
    )
    ln26 = s.report("辽宁-辽宁省-2026.txt", "辽宁省", 2026)
    s.fact(ln26, "地区生产总值年均增长4.5%", period=2025, kind="actual", measure="avg_growth", value=4.5)
    return s
