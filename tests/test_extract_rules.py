"""Extraction rules added for reports nobody here had read (issue #8), each on the corpus
sentence that showed it (report named beside each)."""

from __future__ import annotations

from huibian.extract import extract
from huibian.models import ReportMeta
from huibian.structure import structure


def facts_of(text: str, year: int, region: str = "某市", level: str | None = None) -> list[dict]:
    meta = ReportMeta(id=f"{region}-{year}", region=region, year=year, start=0, end=len(text), level=level)
    return [f.to_dict() for f in extract(text, structure(text), meta)]


def one(facts: list[dict], **want) -> dict:
    hits = [f for f in facts if all(f.get(k) == v for k, v in want.items())]
    assert len(hits) == 1, f"{len(hits)} facts with {want}: {[(f['name'], f['value'], f['indicator']) for f in facts]}"
    return hits[0]


def test_a_ceiling_for_targets_what_was_achieved_in_a_review() -> None:
    # 山东省-2000 (target) and 乌海市-2021 (review)
    plan = facts_of("二、2000年工作安排\n城镇登记失业率控制在3.5%。\n", 2000, "山东省")
    assert one(plan, indicator="unemployment_rate")["cmp"] == "le"
    review = facts_of("一、2020年工作回顾\n登记失业率控制在3.89%。\n", 2021, "乌海市")
    assert one(review, indicator="unemployment_rate")["cmp"] == "eq"


def test_the_local_part_of_a_stated_revenue_total() -> None:
    # 浙江省-2006: 财政总收入…，其中地方财政收入… — and the same name later in the report
    text = ("一、“十五”计划执行情况和2005年政府工作回顾\n财政总收入突破两千亿元，其中地方财政收入突破千亿元，"
            "分别达到2115亿元和1067亿元。\n三、2006年政府工作的主要安排\n地方财政收入增长12%。\n")
    fs = facts_of(text, 2006, "浙江省")
    assert one(fs, value=2115)["indicator"] == "fiscal_revenue"
    assert one(fs, value=1067)["indicator"] == "general_budget_revenue"
    assert one(fs, value=12)["indicator"] == "general_budget_revenue"
    # without a wider total, facts.md lists 地方财政收入 under fiscal_revenue
    alone = facts_of("二、2006年工作安排\n地方财政收入增长12%。\n", 2006)
    assert one(alone, value=12)["indicator"] == "fiscal_revenue"


def test_one_level_for_urban_and_rural_residents_is_the_all_resident_figure() -> None:
    # 阜平县-2017: 城乡居民人均可支配收入达到20000元以上 (a level); a growth is two facts
    fs = facts_of("二、今后五年的主要目标\n到2021年，城乡居民人均可支配收入达到20000元以上。\n", 2017, "阜平县")
    assert one(fs, value=20000)["indicator"] == "resident_income_per_capita"
    g = facts_of("二、2012年工作安排\n城乡居民人均可支配收入增长10%。\n", 2012)
    assert sorted(f["indicator"] for f in g) == ["rural_net_income_per_capita", "urban_income_per_capita"]  # ≤ 2013
    g = facts_of("二、2016年工作安排\n城乡居民人均可支配收入增长8%。\n", 2016)
    assert sorted(f["indicator"] for f in g) == ["rural_income_per_capita", "urban_income_per_capita"]


def test_a_threshold_is_no_fact_the_count_of_what_it_sorts_is() -> None:
    # 辽宁省-2012
    fs = facts_of("一、2011年工作回顾\n公共财政预算收入超20亿元的县达到13个，比上年增加7个。\n", 2012, "辽宁省")
    assert [f["value"] for f in fs if f["unit"] == "亿元"] == []
    assert one(fs, value=13)["unit"] == "个"
    assert one(fs, value=7)["measure"] == "change"


def test_an_amount_after_a_count_is_the_counted_things() -> None:
    # 辽宁省-2004: …GDP增长率连续两年超过20%，23个重点转型项目进展顺利，完成投资22亿元
    fs = facts_of("一、2003年工作回顾\n全市GDP增长率连续两年超过20%，23个重点转型项目进展顺利，完成投资22亿元。\n", 2004, "辽宁省")
    assert one(fs, value=22)["indicator"] is None


def test_on_top_of_last_years_growth() -> None:
    # 天津市-2006
    text = "一、2005年工作回顾\n全市生产总值在上年增长15.7%的基础上又增长14.5%。\n"
    fs = facts_of(text, 2006, "天津市")
    assert (one(fs, value=15.7)["period"], one(fs, value=14.5)["period"]) == (2004, 2005)
    assert one(fs, value=14.5)["indicator"] == "gdp"


def test_the_year_of_a_list_of_parts_of_the_year() -> None:
    # 吉林省-2016
    text = "一、2015年工作回顾\n全省地区生产总值增速呈现“前低后高”态势，一季度、上半年、前三季度和全年分别增长5.8%、6.1%、6.3%、6.5%。\n"
    fs = facts_of(text, 2016, "吉林省")
    assert [(f["value"], f["period"], f["indicator"]) for f in fs] == [(6.5, 2015, "gdp")]


def test_a_zone_the_paragraph_is_about_scopes_its_aggregates() -> None:
    # 大连市-2017
    text = ("一、2016年工作回顾\n二是抓金普新区开放型经济新体制综合试点试验。我们全力推进体制机制创新，新区开发开放步伐明显加快。"
            "新引进亿元以上重大项目50多个，经济总量达到2296亿元、增长7%。\n")
    fs = facts_of(text, 2017, "大连市")
    gdp = one(fs, value=2296)
    assert (gdp["indicator"], gdp["scope"]) == ("gdp", "金普新区")


def test_a_share_of_the_citys_total_keeps_what_is_counted_and_its_part() -> None:
    # 沈阳市-2001
    fs = facts_of("一、2000年工作回顾\n非农产业持续发展，农村GDP已占全市的47.3%。\n", 2001, "沈阳市")
    f = one(fs, value=47.3)
    assert (f["indicator"], f["measure"], f["scope"]) == ("gdp", "share", "农村")


def test_the_higher_figure_a_target_adds() -> None:
    # 葫芦岛市-2025 / 甘孜藏族自治州-2021
    fs = facts_of("二、2025年工作安排\n地区生产总值增长5.5%左右，力争实现6%。\n", 2025)
    assert [(f["measure"], f["value"]) for f in fs] == [("growth", 5.5), ("growth", 6.0)]
    fs = facts_of("二、今后五年目标\n到2025年，地区生产总值达到650亿元，年均增长7%、力争7.5%。\n", 2021)
    assert one(fs, value=7.5)["measure"] == "avg_growth"


def test_a_swallowed_heading_starts_the_plan() -> None:
    # 沈阳市-2004: …认真加以解决。二、2004年政府工作安排
    text = ("一、2003年政府工作回顾\n外贸出口14亿美元。上述这些问题，有待于我们认真加以解决。二、2004年政府工作安排\n"
            "继续扩大友好交往的途径；全年要实现外贸出口22亿美元。\n")
    fs = facts_of(text, 2004, "沈阳市")
    assert (one(fs, value=22)["period"], one(fs, value=22)["kind"]) == (2004, "target")
    assert one(fs, value=14)["kind"] == "actual"


def test_flat_after_a_list_member_is_growth_zero() -> None:
    # 抚顺市-2020: …社会消费品零售总额627.6亿元、与上年持平
    fs = facts_of("一、2019年工作回顾\n全年预计规上工业增加值279.1亿元、下降6.8%；社会消费品零售总额627.6亿元、与上年持平。\n",
                  2020, "抚顺市")
    flat = one(fs, value=0.0)
    assert (flat["indicator"], flat["measure"]) == ("retail_sales", "growth")


def test_urban_and_rural_without_the_word_residents() -> None:
    # 安国市-2022: 城乡人均可支配收入分别达到34068元、23756元，分别同比增长8.5%、11.5%
    fs = facts_of("一、2021年工作回顾\n社会消费品零售总额完成42.6亿元，同比增长9.6%；城乡人均可支配收入分别达到34068元、"
                  "23756元，分别同比增长8.5%、11.5%。\n", 2022, "安国市")
    assert one(fs, value=34068)["indicator"] == "urban_income_per_capita"
    assert one(fs, value=23756)["indicator"] == "rural_income_per_capita"
    assert one(fs, value=11.5)["indicator"] == "rural_income_per_capita"


def test_a_figure_lost_to_a_scrapers_substitution_residue_is_no_fact() -> None:
    # 合肥市-2008: the source's digits became $1.$2 (an unexpanded regex back-reference)
    from huibian.pipeline import extract_guarded
    from huibian.taxonomy import Taxonomy

    text = "一、2007年工作回顾\n地区生产总值增长$1.$2倍；实际利用外资1$1.$22亿美元，财政收入增长25%。\n"
    meta = ReportMeta(id="合肥市-2008", region="合肥市", year=2008, start=0, end=len(text))
    fs = [f.to_dict() for f in extract_guarded(text, structure(text), meta, Taxonomy.load())]
    assert [f["value"] for f in fs] == [25.0]
    assert any("substitution residue" in w for w in meta.warnings)


def test_trade_with_a_partner_is_not_the_places_trade() -> None:
    # 辽宁省-2024 对俄进出口增长53%; 乌海市-2020: 对 as a topic marker before the names is no partner
    fs = facts_of("一、2023年工作回顾\n对俄进出口增长53%，进出口总额增长2.5%。\n", 2024, "辽宁省")
    assert one(fs, value=53)["indicator"] is None
    assert one(fs, value=2.5)["indicator"] == "trade_total"
    topic = facts_of("二、2020年工作安排\n对规模以上工业增加值、固定资产投资指标，分别按增长8%、7%掌握。\n", 2020, "乌海市")
    assert one(topic, value=8)["indicator"] == "industrial_value_added"
    assert one(topic, value=7)["indicator"] == "fixed_asset_investment"


def test_a_gap_to_another_figure_is_no_fact() -> None:
    # 浙江省-2007 服务业增加值增幅高出生产总值增幅1.5个百分点; 内蒙古自治区-2021 低于控制目标0.7个百分点
    fs = facts_of("一、2006年工作回顾\n服务业增加值增长13.9%，增幅高出生产总值增幅1.5个百分点；单位生产总值能耗下降3%，"
                  "低于控制目标0.7个百分点；城镇化率比上年提高1.2个百分点。\n", 2007, "浙江省")
    assert [f["value"] for f in fs if f["measure"] == "change_pp"] == [1.2]


def test_a_shared_modifier_makes_each_name() -> None:
    # 北京市-2010 万元地区生产总值能耗、水耗均下降4%; 岳阳市-2023 GDP、…社会消费品零售总额分别增长…
    fs = facts_of("二、2010年工作安排\n万元地区生产总值能耗、水耗均下降4%。\n", 2010, "北京市")
    assert sorted(f["indicator"] for f in fs) == ["energy_intensity", "water_intensity"]
    fs = facts_of("一、2022年工作回顾\nGDP、固定资产投资、社会消费品零售总额分别增长5.4%、7.1%、3.2%。\n", 2023, "岳阳市")
    assert [f["indicator"] for f in fs] == ["gdp", "fixed_asset_investment", "retail_sales"]


def test_negative_growth_written_with_a_minus_sign() -> None:
    # 固原市-2025: 地方一般公共预算收入增长-16.8%、支出增长1.8%
    fs = facts_of("一、2024年工作回顾\n全年地区生产总值增长6.1%，地方一般公共预算收入增长-16.8%、支出增长1.8%。\n", 2025, "固原市")
    assert one(fs, indicator="general_budget_revenue")["value"] == -16.8
    assert one(fs, value=1.8)["indicator"] is None


def test_names_beyond_the_headline_list() -> None:
    # 鄂尔多斯市-2016 三产占地区生产总值的比重; 安国市-2022 限额以上消费品零售额; 徐水区-2018 地方生产总值[1]
    fs = facts_of("一、2015年工作回顾\n三产占地区生产总值的比重达到40%，限额以上消费品零售额完成4.4亿元，"
                  "地方生产总值[1]202亿元。\n", 2016)
    assert one(fs, value=40)["indicator"] == "services_share"
    assert one(fs, value=4.4)["indicator"] == "retail_sales_above_quota"
    assert one(fs, value=202)["indicator"] == "gdp"


def test_an_aside_between_the_cue_and_the_figure() -> None:
    # 甘孜藏族自治州-2019 增长（同比，下同）9%; 绵阳市-2024 同比增长（以下简称增长）8%
    fs = facts_of("一、2018年工作回顾\n预计全年实现地区生产总值293.08亿元，增长（同比，下同）9%。\n", 2019, "甘孜藏族自治州")
    g = one(fs, value=9)
    assert (g["indicator"], g["measure"], g["kind"]) == ("gdp", "growth", "estimate")
    fs = facts_of("一、2023年工作回顾\n全年实现地区生产总值4038.73亿元、同比增长（以下简称增长）8%。\n", 2024, "绵阳市")
    assert one(fs, value=8)["indicator"] == "gdp"


def test_a_plan_that_describes_the_year_dates_nothing() -> None:
    # 本溪市-2022: 今年是…实施“十四五”规划承上启下的关键一年，…主要预期目标为：地区生产总值增长6.5%
    fs = facts_of("三、2022年工作安排\n今年是新一届政府的开局之年，是实施“十四五”规划承上启下的关键一年，全市主要预期目标为："
                  "地区生产总值增长6.5%。\n", 2022, "本溪市")
    g = one(fs, indicator="gdp")
    assert (g["period"], g["measure"], g["kind"]) == (2022, "growth", "target")


def test_a_title_saying_goals_were_met_is_a_review() -> None:
    # 常德市-2015: 一、奋力稳增长进一步巩固在省内的位置，发展目标较好实现。…全年完成地区生产总值2520亿元，增长10%
    text = ("一、奋力稳增长进一步巩固在省内的位置，发展目标较好实现\n全年完成地区生产总值2520亿元，增长10%（预计数，下同）。\n"
            "二、2015年工作安排\n地区生产总值增长9%。\n")
    fs = facts_of(text, 2015, "常德市")
    assert (one(fs, value=10)["period"], one(fs, value=10)["kind"]) == (2014, "estimate")
    assert (one(fs, value=9)["period"], one(fs, value=9)["kind"]) == (2015, "target")


def test_the_year_of_a_from_value_is_not_the_to_values() -> None:
    # 阜平县-2020 居民储蓄存款余额由2012年的44.45亿元增长到103.75亿元 (a review of the years since 2012);
    # 上海市-2018 PM2.5年平均浓度从2013年的62微克/立方米下降到39微克/立方米: where it stood, not a sum
    fs = facts_of("一、2019年工作回顾\n七年来，居民储蓄存款余额由2012年的44.45亿元增长到103.75亿元。\n", 2020, "阜平县")
    assert one(fs, value=44.45)["period"] == 2012
    assert one(fs, value=103.75)["period"] == 2019
    fs = facts_of("一、过去五年工作回顾\n五年来，累计完成投资1万亿元，PM2.5年平均浓度从2013年的62微克/立方米下降到39微克/立方米。\n",
                  2018, "上海市")
    assert one(fs, value=39)["measure"] == "level"


def test_a_net_increase_is_a_change_and_new_after_a_total_is_not_the_total() -> None:
    # 绵阳市-2023 市场主体净增6.2万户; 河南省-2023 粮食总产量1357.8亿斤，新增49亿斤
    fs = facts_of("一、2022年工作回顾\n市场主体净增6.2万户。粮食总产量1357.8亿斤，新增49亿斤。\n", 2023, "河南省")
    assert one(fs, value=6.2)["measure"] == "change"
    assert one(fs, value=1357.8)["indicator"] == "grain_output"
    assert one(fs, value=49)["indicator"] is None


def test_a_flow_in_a_five_year_review_is_the_sum_unless_its_sentence_speaks_of_one_year() -> None:
    # 河南省-2023 (一、过去五年工作回顾) 城镇新增就业640万人: five years' jobs; 武汉市-2012 全社会固定资产投资
    # 4250亿元，是2006年的3.2倍 and 沈阳市-2008 实际利用外资实现50.4亿美元，…比上年增长66%: the last year's
    fs = facts_of("一、过去五年工作回顾\n五年来，我们砥砺奋进。\n市场主体突破1000万户。城镇新增就业640万人。"
                  "全社会固定资产投资4250亿元，是2006年的3.2倍。实际利用外资实现50.4亿美元，比上年增长66%。\n", 2023, "河南省")
    assert (one(fs, value=640)["measure"], one(fs, value=640)["base_period"]) == ("total", 2017)
    assert one(fs, value=4250)["measure"] == "level"
    assert one(fs, value=50.4)["measure"] == "level"
