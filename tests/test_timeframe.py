"""Which years a figure is about: time frames from headings, paragraphs and sentences.

The passages are quoted from corpus reports (named beside each); the expected facts are
what docs/facts.md gives them (period, base_period, kind, measure).
"""

from __future__ import annotations

from huibian.extract import ExtractConfig, extract
from huibian.extract.timeframe import Timeline, plan_years, scan
from huibian.models import ReportMeta
from huibian.structure import structure


def facts_of(text: str, year: int, region: str = "某市", date: str | None = None, **config) -> list[dict]:
    meta = ReportMeta(id=f"{region}-{year}", region=region, year=year, start=0, end=len(text), date=date)
    cfg = ExtractConfig(disabled=frozenset(config.get("off", ())))
    return [f.to_dict() for f in extract(text, structure(text), meta, config=cfg)]


def one(facts: list[dict], **want) -> dict:
    hits = [f for f in facts if all(f.get(k) == v for k, v in want.items())]
    assert len(hits) == 1, f"{len(hits)} facts with {want}: {[(f['name'], f['value'], f['period']) for f in facts]}"
    return hits[0]


def test_plan_years_by_rule() -> None:
    assert plan_years("九") == (1996, 2000)
    assert plan_years("十") == (2001, 2005)
    assert plan_years("十二") == (2011, 2015)
    assert plan_years("十四") == (2021, 2025)
    assert plan_years("一") == (1953, 1957)  # an exception listed in cues.yaml


def test_plan_names_with_quotes_and_campaigns_that_are_not_plans() -> None:
    frames, _ = scan("“九五”期间年均增长10%，“十五”末期的2005年，“五五”普法全面完成，十五届五中全会", 2001, 2001)
    assert [(f.source, f.start, f.end) for f in frames] == [("plan", 1996, 2000), ("plan_end", None, 2005),
                                                         ("year", None, 2005)]


def test_a_plan_section_governs_its_targets() -> None:
    # 沈阳市-2001: the 十五 targets stand under a heading and a paragraph that name the plan once
    text = ("一、“九五”时期及2000年工作回顾\n2000年，全市国内生产总值达到1116亿元。\n"
            "二、“十五”时期政府工作的目标和任务\n"
            "“十五”时期，沈阳市经济发展和社会进步的主要目标是：到“十五”末期的2005年，国内生产总值达到1799亿元，"
            "年均增长10%，人均2.5万元，年均增长9%；地方财政收入97亿元，年均增长10%；固定资产投资累计1864亿元，年均增长12%；"
            "社会消费品零售额954亿元，年均增长12%。\n三、今年的政府工作\n今年国内生产总值增长9%。\n")
    fs = facts_of(text, 2001, "沈阳市")
    assert one(fs, value=1116)["period"] == 2000
    gdp = one(fs, value=1799)
    assert (gdp["indicator"], gdp["period"], gdp["kind"], gdp["measure"]) == ("gdp", 2005, "target", "level")
    g = one(fs, value=9, measure="avg_growth")
    assert (g["period"], g["base_period"], g["kind"]) == (2005, 2000, "target")
    fai = one(fs, value=1864)
    assert (fai["measure"], fai["period"], fai["base_period"]) == ("total", 2005, 2000)  # 累计 over the plan
    retail = one(fs, value=954)
    assert retail["measure"] == "level"  # 累计 governs up to its semicolon only
    this_year = one(fs, value=9, measure="growth")
    assert (this_year["period"], this_year["kind"]) == (2001, "target")


def test_a_past_plan_in_a_review_gives_span_end_and_base() -> None:
    # 沈阳市-2001
    text = "一、“九五”时期及2000年工作回顾\n——国民经济实力显著增强。“九五”期间全社会固定资产投资累计997亿元，年均增长12.8%。\n"
    fs = facts_of(text, 2001, "沈阳市")
    total = one(fs, value=997)
    assert (total["indicator"], total["measure"], total["period"], total["base_period"]) == (
        "fixed_asset_investment", "total", 2000, 1995)
    avg = one(fs, value=12.8)
    assert (avg["measure"], avg["period"], avg["base_period"], avg["kind"]) == ("avg_growth", 2000, 1995, "actual")


def test_a_sum_over_five_years_is_a_total_never_a_level() -> None:
    # 大连市-2006
    fs = facts_of("一、“十五”时期工作回顾\n五年间，全市累计实现地区生产总值8526亿元，年均增长14.3％。\n", 2006, "大连市")
    gdp = one(fs, value=8526)
    assert (gdp["indicator"], gdp["measure"], gdp["period"], gdp["base_period"]) == ("gdp", "total", 2005, 2000)


def test_what_was_done_over_a_five_year_review_is_a_total_a_stock_a_level() -> None:
    # 高阳县-2017: a five-year review section
    text = ("一、过去五年主要工作\n（三）县城建设深入推进。\n新改建迎宾园、朝阳园等街头游园20个，淘汰黄标车694辆，"
            "县城建成区面积达到18平方公里。\n二、2017年工作安排\n")
    fs = facts_of(text, 2017, "高阳县")
    assert (one(fs, value=694)["measure"], one(fs, value=694)["base_period"]) == ("total", 2011)
    assert one(fs, value=18)["measure"] == "level"  # 达到: where it stands at the end


def test_a_year_opening_a_part_of_a_five_year_section_is_that_year() -> None:
    # 常德市-2016: 2015 reviewed inside the 十二五 part
    text = ("一、“十二五”——创新创业、稳中求进的五年\n五年来，经济实力大为增强。地区生产总值年均增长11.3%。\n"
            "2015年是实施“十二五”规划的最后一年。主要经济指标较快增长，地区生产总值增长9%，城乡居民人均可支配收入分别增长7.9%、9%。\n"
            "1、下大力引进产业项目。全年引进内外资总额610亿元。\n")
    fs = facts_of(text, 2016, "常德市")
    assert (one(fs, value=11.3)["measure"], one(fs, value=11.3)["base_period"]) == ("avg_growth", 2010)
    g = one(fs, value=9, indicator="gdp")
    assert (g["measure"], g["period"]) == ("growth", 2015)  # not cumulative: the paragraph is about 2015
    assert one(fs, value=9, indicator="rural_income_per_capita")["measure"] == "growth"
    assert one(fs, value=610)["measure"] == "level"  # 全年: that one year


def test_this_years_targets_named_after_the_plan() -> None:
    # 吉林市-2016: 按照“十三五”发展总体部署，今年主要预期目标安排是：…
    text = "三、2016年工作安排\n按照“十三五”发展总体部署，今年主要预期目标安排是：地区生产总值增长7%，固定资产投资增长11%。\n"
    fs = facts_of(text, 2016, "吉林市")
    g = one(fs, indicator="gdp")
    assert (g["measure"], g["period"], g["kind"]) == ("growth", 2016, "target")


def test_growth_from_a_named_year_is_cumulative() -> None:
    # 阜平县-2017
    fs = facts_of("一、过去五年工作回顾\n2016年非正常进京访件次、人次比2011年分别下降84.21%和81.11%。\n", 2017, "阜平县")
    f = one(fs, value=-84.21)
    assert (f["measure"], f["base_period"], f["period"]) == ("cum_growth", 2011, 2016)


def test_from_a_to_b_takes_the_years_of_the_span() -> None:
    # 浙江省-2006: 城市化水平由48.7%提高到55%左右 in the 十五 review
    text = "一、“十五”计划执行情况和2005年政府工作回顾\n城市化水平由48.7%提高到55%左右。\n"
    fs = facts_of(text, 2006, "浙江省")
    assert (one(fs, value=48.7)["period"], one(fs, value=55)["period"]) == (2000, 2005)
    assert one(fs, value=55)["indicator"] == "urbanization_rate"


def test_a_named_year_wins() -> None:
    # facts.md: 从2015年的48.3亿元增长到2020年的70.6亿元
    fs = facts_of("一、过去五年工作回顾\n一般公共预算收入从2015年的48.3亿元增长到2020年的70.6亿元。\n", 2021)
    assert (one(fs, value=48.3)["period"], one(fs, value=70.6)["period"]) == (2015, 2020)


def test_next_year_in_a_clause_does_not_govern_the_rest_of_the_sentence() -> None:
    # 古塔区-2012 (delivered 2011-12-27): 预计明年5月1日前开业；太阳广场…总投资30亿元
    text = ("一、2011年工作回顾\n地下商城项目总投资5000万美元，预计明年5月1日前开业；"
            "太阳广场城市综合体项目总投资30亿元，建筑面积47.7万平方米。\n")
    fs = facts_of(text, 2012, "古塔区", date="2011-12-27")
    f = one(fs, value=30)
    assert f["period"] == 2011 and f["kind"] != "target"  # (预计 governs to 。, facts.md: an estimate)


def test_whole_year_is_the_passage_year() -> None:
    text = "一、2011年工作回顾\n全年累计发放低保资金3840万元。\n二、2012年工作安排\n全年地区生产总值增长12%。\n"
    fs = facts_of(text, 2012, "古塔区", date="2011-12-27")
    assert (one(fs, value=3840)["period"], one(fs, value=3840)["measure"]) == (2011, "level")
    assert (one(fs, value=12)["period"], one(fs, value=12)["kind"]) == (2012, "target")


def test_rules_can_be_switched_off_and_say_that_they_fired() -> None:
    text = "一、“九五”时期及2000年工作回顾\n“九五”期间全社会固定资产投资累计997亿元，年均增长12.8%。\n"
    on = one(facts_of(text, 2001), value=997)
    assert "span.total" in on["rules"] and "frame.sentence" in on["rules"]
    off = one(facts_of(text, 2001, off=["span.total", "span.flow_total"]), value=997)
    assert off["measure"] == "level" and "span.total" not in off["rules"]


def test_timeline_levels() -> None:
    text = "一、过去五年工作回顾\n五年来，新建学校12所。\n2016年，新建学校3所。\n"
    tl = Timeline(text, structure(text), 2017, 2017)
    assert tl.paragraph(text.index("12所")).span
    assert not tl.paragraph(text.index("3所")).span
    assert tl.section(text.index("3所")).source == "back"
