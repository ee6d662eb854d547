"""Fact extraction on real sentences from the corpus (docs/facts.md rules).

Each test states the facts a careful reader takes from the sentence; the sentences are
quoted from the book excerpt and the corpus reports (file named beside each).
"""

from __future__ import annotations

import pytest

from huibian.extract import extract
from huibian.models import ReportMeta
from huibian.numbers import parse_number, to_base

REVIEW = "一、2011年工作回顾\n"
PLAN = "二、2012年工作安排\n"


def facts_of(text: str, year: int = 2012, region: str = "锦州市") -> list[dict]:
    # the review and plan headings name the years of the report they stand in (same length: offsets hold)
    text = text.replace(REVIEW, f"一、{year - 1}年工作回顾\n").replace(PLAN, f"二、{year}年工作安排\n")
    meta = ReportMeta(id=f"{region}-{year}", region=region, year=year, start=0, end=len(text))
    return [f.to_dict() for f in extract(text, [], meta)]


def find(facts: list[dict], **want) -> dict:
    hits = [f for f in facts if all(f.get(k) == v for k, v in want.items())]
    assert hits, f"no fact with {want} in {[(f['name'], f['measure'], f['value'], f['unit']) for f in facts]}"
    return hits[0]


def values(facts: list[dict]) -> list:
    return [f["value"] for f in facts]


# -- number forms ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [("1100", 1100), ("103.6", 103.6), ("1,100", 1100), ("一千一百", 1100), ("两千", 2000), ("十三点五", 13.5),
     ("五", 5), ("二十", 20)],
)
def test_number_forms_parse(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_units_convert_to_base() -> None:
    assert to_base(1100, "亿元") == (1.1e11, "元")
    assert to_base(7200, "万吨") == (7.2e7, "吨")
    assert to_base(1.6, "万亿元") == (1.6e12, "元")


def test_level_and_attached_growth_book() -> None:
    # book, 锦州市 2012: the estimate cue governs the whole sentence
    text = REVIEW + "按可比口径初步预计，全市实现地区生产总值1100亿元，增长13.5%；固定资产投资660亿元，增长32%；实际利用外资6亿美元，增长20%。"
    fs = facts_of(text)
    gdp = find(fs, indicator="gdp", measure="level")
    assert (gdp["value"], gdp["unit"], gdp["period"], gdp["kind"]) == (1100, "亿元", 2011, "estimate")
    g = find(fs, indicator="gdp", measure="growth")
    assert g["value"] == 13.5 and g["unit"] == "%" and g["quote"].startswith("地区生产总值")
    assert find(fs, indicator="fixed_asset_investment", measure="growth")["value"] == 32
    fdi = find(fs, indicator="fdi", measure="level")
    assert (fdi["value"], fdi["unit"], fdi["value_base"], fdi["unit_base"]) == (6, "亿美元", 6e8, "美元")
    assert text[fdi["start"] : fdi["end"]] == fdi["quote"]


def test_ratio() -> None:
    fs = facts_of(REVIEW + "经济结构进一步优化，三次产业比重调整为16:49:35。")
    r = find(fs, measure="ratio")
    assert r["value"] == "16:49:35" and r["unit"] == ""


def test_ranges_dash_and_zhi() -> None:
    # book: a size class (10亿元以上企业) is no fact, the count of such firms is
    fs = facts_of(PLAN + "新增主营业务收入10亿元以上企业7-8户，完成并购项目6项。")
    assert 10 not in values(fs)
    r = find(fs, value=7)
    assert (r["value_hi"], r["cmp"], r["unit"], r["kind"], r["period"]) == (8, "range", "户", "target", 2012)
    # 内蒙古自治区 2018-style range with 至
    fs = facts_of(PLAN + "依托城镇和园区，加快培育一批配套物流企业，今年新建2至3个大型物流市场。")
    r = find(fs, value=2)
    assert r["value_hi"] == 3 and r["cmp"] == "range"


def test_chinese_numeral_count() -> None:
    # 古塔区 2012
    fs = facts_of(REVIEW + "积极推进国有企业改制，纳入改制任务的五户国有企业已全部完成改制。", region="古塔区")
    assert find(fs, value=5, unit="户")


def test_percentage_points_and_scope_carried() -> None:
    fs = facts_of(PLAN + "四县(市)城镇化率提高2个百分点。")
    f = find(fs, measure="change_pp")
    assert (f["value"], f["unit"], f["indicator"], f["scope"]) == (2, "个百分点", "urbanization_rate", "四县(市)")


def test_scope_carried_through_sentence_book() -> None:
    text = REVIEW + "四县(市)完成地区生产总值560亿元，增长13.8%；地方财政一般预算收入43.5亿元，增长32.2%。"
    fs = facts_of(text)
    assert {f["scope"] for f in fs} == {"四县(市)"}
    assert find(fs, indicator="general_budget_revenue", measure="growth")["value"] == 32.2


# -- qualifiers --------------------------------------------------------------------


def test_cmp_signed_growth_and_limits() -> None:
    fs = facts_of(PLAN + "规模以上工业增加值能耗下降5%以上，城镇登记失业率控制在3.6%以内。")
    e = find(fs, indicator="industrial_energy_intensity")
    assert (e["measure"], e["value"], e["cmp"]) == ("growth", -5, "le")
    u = find(fs, indicator="unemployment_rate")
    assert (u["measure"], u["value"], u["cmp"]) == ("level", 3.6, "le")


def test_cmp_more_than_and_milestone() -> None:
    # 昆明市: 旅游总收入突破千亿元 — a round milestone, then the exact figure
    fs = facts_of(REVIEW + "旅游总收入突破千亿元，达1073.5亿元、增长48.4%。", region="昆明市")
    m = find(fs, value=1000)
    assert (m["unit"], m["cmp"], m["indicator"]) == ("亿元", "ge", "tourism_revenue")
    assert find(fs, value=1073.5)["indicator"] == "tourism_revenue"
    # 全国 2013: 1800多万套 is at least 1800万套
    fs = facts_of(REVIEW + "新建各类保障性住房1800多万套。", year=2013, region="全国")
    f = find(fs, value=1800)
    assert (f["unit"], f["cmp"]) == ("万套", "ge")


# -- attachment: lists, 分别, 城乡居民 -----------------------------------------------


def test_respectively_maps_values_to_subjects() -> None:
    # 北京市 2012
    text = REVIEW + "城镇居民人均可支配收入32903元，农村居民人均纯收入14736元，分别实际增长7.2%和7.6%。"
    fs = facts_of(text, region="北京市")
    assert find(fs, indicator="urban_income_per_capita", measure="growth")["value"] == 7.2
    assert find(fs, indicator="rural_net_income_per_capita", measure="growth")["value"] == 7.6


def test_urban_rural_income_is_two_facts() -> None:
    text = PLAN + "社会消费品零售总额增长2.8%左右，城乡居民人均可支配收入分别增长4%和6%以上。"
    fs = facts_of(text, year=2023, region="某市")
    u = find(fs, indicator="urban_income_per_capita")
    r = find(fs, indicator="rural_income_per_capita")
    assert (u["value"], u["kind"], r["value"], r["cmp"]) == (4, "target", 6, "ge")


def test_shared_subject_splits() -> None:
    # book: 房地产开发投资和商品房销售额分别增长15%以上 — one value, two subjects
    fs = facts_of(PLAN + "房地产开发投资和商品房销售额分别增长15%以上。")
    names = sorted(f["name"] for f in fs)
    assert names == ["商品房销售额", "房地产开发投资"]
    assert all(f["value"] == 15 and f["cmp"] == "ge" for f in fs)


# -- kind and period ------------------------------------------------------------------


def test_targets_in_plan_part() -> None:
    fs = facts_of(PLAN + "全市地区生产总值增长13.5%，固定资产投资增长30%。")
    assert all(f["kind"] == "target" and f["period"] == 2012 for f in fs)


def test_explicit_years_win() -> None:
    # 甘孜州 2016: from 2010 to 2015
    text = REVIEW + "全州地区生产总值从2010年的517.5亿元增长到2015年的887亿元，年均增长9.8%。"
    fs = facts_of(text, year=2016, region="甘孜藏族自治州")
    assert find(fs, value=517.5)["period"] == 2010
    assert find(fs, value=887)["period"] == 2015
    avg = find(fs, measure="avg_growth")
    assert avg["value"] == 9.8 and avg["indicator"] == "gdp"


def test_multiple_becomes_cumulative_growth() -> None:
    # 上海市 2013-style: 是2007年的2倍 → cum_growth 100 from 2007
    fs = facts_of(REVIEW + "社会消费品零售额达到7702.8亿元，是2007年的2倍。", year=2013, region="上海市")
    c = find(fs, measure="cum_growth")
    assert (c["value"], c["base_period"], c["indicator"]) == (100, 2007, "retail_sales")


def test_doubling() -> None:
    fs = facts_of(PLAN + "人均地区生产总值达到2万美元，到2020年实现地区生产总值比2010年翻一番。", year=2016, region="某市")
    d = find(fs, measure="cum_growth")
    assert (d["value"], d["base_period"], d["period"], d["kind"], d["indicator"]) == (100, 2010, 2020, "target", "gdp")


def test_five_year_plan_targets() -> None:
    text = "三、今后五年的目标任务\n未来五年，全市发展的主要目标是：生产总值年均增长8%以上，人均生产总值年均增长7.5%以上。"
    fs = facts_of(text, year=2017, region="某市")
    g = find(fs, indicator="gdp")
    assert (g["measure"], g["value"], g["cmp"], g["kind"], g["period"]) == ("avg_growth", 8, "ge", "target", 2021)
    assert find(fs, indicator="gdp_per_capita")["value"] == 7.5


def test_estimate_note_applies_to_following_figures() -> None:
    text = REVIEW + "全年完成地区生产总值2255亿元（预计数，下同），比上年增长10.5%；固定资产投资1300亿元，增长15%。"
    fs = facts_of(text)
    assert {f["kind"] for f in fs} == {"estimate"}


# -- not facts ----------------------------------------------------------------------


def test_size_classes_project_names_slogans_ordinals_are_not_facts() -> None:
    text = REVIEW + (
        "防波堤、围堰、2个5万吨级泊位及航道工程建设快速推进。奥克阳光500兆瓦多晶硅片项目开工建设。"
        "实现了全年“两个不低于”的奋斗目标。实现了“十二五”的良好开局。在全省排名第2位。"
    )
    fs = facts_of(text)
    assert values(fs) == [2]
    assert fs[0]["unit"] == "个"


def test_other_places_quoted_for_comparison_are_not_facts() -> None:
    fs = facts_of(REVIEW + "城镇登记失业率为3.1%，低于全国4.1%的水平。")
    assert values(fs) == [3.1]


def test_flat_growth_and_dashed_lists() -> None:
    # 本溪市 2023 and 沈阳市 2013
    fs = facts_of(REVIEW + "全市地区生产总值与上年持平，规上工业增加值下降4.9%，一般公共预算收入同口径增长8.6%。", year=2023)
    flat = find(fs, indicator="gdp")
    assert (flat["measure"], flat["value"], flat["period"]) == ("growth", 0, 2022)
    assert find(fs, indicator="general_budget_revenue")["value"] == 8.6
    fs = facts_of(REVIEW + "——预计2012年全市地区生产总值实现6700亿元，比上年增长11.0%，比2007年翻一番；", year=2013)
    g = find(fs, indicator="gdp", measure="growth")
    assert (g["value"], g["kind"], g["period"]) == (11.0, "estimate", 2012)
    assert find(fs, indicator="gdp", measure="cum_growth")["base_period"] == 2007


def test_per_capita_of_the_previous_subject_and_its_scope() -> None:
    # 阜平县 2017 and 大连市 2005
    text = "三、今后五年目标\n今后五年的奋斗目标是：到2021年，全县地区生产总值达到110亿元以上、人均达到4.6万元以上。"
    pc = find(facts_of(text, year=2017, region="阜平县"), value=4.6)
    assert (pc["indicator"], pc["period"], pc["kind"], pc["cmp"]) == ("gdp_per_capita", 2021, "target", "ge")
    text = REVIEW + "北三市开发取得新成果，投入开发资金6.3亿元，其固定资产投资、财政收入、农民人均纯收入分别平均增长49.7%、18.8%和20%。"
    fs = facts_of(text, year=2005, region="大连市")
    fai = find(fs, indicator="fixed_asset_investment")
    assert (fai["scope"], fai["measure"], fai["value"]) == ("北三市", "growth", 49.7)
    assert find(fs, indicator="rural_net_income_per_capita")["value"] == 20


def test_amount_followed_by_a_verb_or_what_was_built_is_a_fact() -> None:
    # 阜平县 2017: 累计投资17.19亿元完成了533.5公里通村公路、15条138公里三级以上公路
    text = REVIEW + "累计投资17.19亿元完成了533.5公里通村公路、15条138公里三级以上公路。"
    fs = facts_of(text, year=2017, region="阜平县")
    assert [(f["value"], f["unit"]) for f in fs] == [(17.19, "亿元"), (533.5, "公里"), (15, "条"), (138, "公里")]
    # a capacity inside a name stays out: 奥克阳光500兆瓦多晶硅片, 5万吨级泊位
    assert facts_of(REVIEW + "奥克阳光500兆瓦多晶硅片项目开工建设。") == []


def test_december_delivery_reads_this_year_as_the_reviewed_year() -> None:
    # 永州市-2023 was delivered in December 2022: 预计今年 is a 2022 estimate, 明年 plans 2023
    meta = ReportMeta(id="永州市-2023", region="永州市", year=2023, start=0, end=0, date="2022-12-28")
    text = "——主要经济指标增幅高于全省。预计今年地区生产总值增长5.5%左右。明年地区生产总值增长6%左右。"
    fs = [f.to_dict() for f in extract(text, [], meta)]
    est = find(fs, value=5.5)
    assert (est["period"], est["kind"], est["indicator"]) == (2022, "estimate", "gdp")
    plan = find(fs, value=6)
    assert (plan["period"], plan["kind"]) == (2023, "target")


def test_plan_name_alone_is_not_a_multi_year_statement_and_generic_income_pairs() -> None:
    # 西安市 2020: a 2019 paragraph that mentions 十三五 as a goal, not as a period under review
    text = ("一、2019年工作回顾\n（一）全力以赴稳增长。地区生产总值达到9321.19亿元，增长7.0%，经济总量提前一年实现“十三五”目标。"
            "全社会固定资产投资增长1.1%，其中基础设施投资增长11.4%。")
    fai = find(facts_of(text, year=2020, region="西安市"), indicator="fixed_asset_investment")
    assert (fai["measure"], fai["period"]) == ("growth", 2019)
    # 容城县 2019 targets: 城乡居民收入分别增长6% is an urban and a rural fact
    fs = facts_of(PLAN + "社会消费品零售总额增长5%，城乡居民收入分别增长6%。", year=2019, region="容城县")
    assert find(fs, indicator="rural_income_per_capita")["value"] == 6
    assert find(fs, indicator="urban_income_per_capita")["value"] == 6


def test_shared_growth_covers_its_own_group_only_and_county_part_scopes() -> None:
    # 吉林市 2014
    text = REVIEW + ("预计全年实现社会消费品零售总额1062亿元，增长13.5%；地方级财政收入139.9亿元，增长17.6%；"
                     "城镇居民人均可支配收入25598元，农民人均纯收入10413元，均增长16%。县域生产总值、地方级财政收入分别增长10%和19.4%。")
    fs = facts_of(text, year=2014, region="吉林市")
    sixteen = sorted(f["indicator"] for f in fs if f["value"] == 16)
    assert sixteen == ["rural_net_income_per_capita", "urban_income_per_capita"]
    county = find(fs, value=19.4)
    # facts.md lists 地方财政收入 under fiscal_revenue; 地方级财政收入 is its variant
    assert (county["scope"], county["indicator"]) == ("县域", "fiscal_revenue")
