"""Reading a quantity's name by its structure (huibian/taxonomy.py, data/name_grammar.yaml).

Each name is one a corpus report writes (issue #8 lists the commonest that a closed list
missed); the expected indicator is what facts.md's table gives its head.
"""

from __future__ import annotations

import pytest

from huibian.models import HuibianError
from huibian.taxonomy import Taxonomy

TAX = Taxonomy.load()


@pytest.mark.parametrize(
    "name,measure,unit,expected",
    [
        ("进出口总值", "level", "亿美元", "trade_total"),  # tail 总值
        ("外贸进出口额", "level", "亿元", "trade_total"),  # not 外贸进|出口额
        ("居民消费价格上涨", "growth", "%", "cpi"),
        ("居民消费价格总水平上涨", "growth", "%", "cpi"),
        ("实际直接利用外资", "level", "亿美元", "fdi"),  # 直接 before the head does not block it
        ("外商直接投资", "growth", "%", "fdi"),
        ("城镇居民人均可支配收入预计", "level", "元", "urban_income_per_capita"),
        ("市财政一般预算收入", "level", "亿元", "general_budget_revenue"),  # 市 before the head
        ("地区生产总值预计", "level", "亿元", "gdp"),
        ("年末城镇登记失业率", "level", "%", "unemployment_rate"),
        ("来源于东莞的财政收入", "level", "亿元", "fiscal_revenue"),
        ("锦州市生产总值", "level", "亿元", "gdp"),  # led by the place's own name
        ("实现地区生产总值", "level", "亿元", "gdp"),  # a lead-in verb
        ("限额以上工业增加值", "level", "亿元", "industrial_value_added"),
        ("城镇居民家庭人均可支配收入", "level", "元", "urban_income_per_capita"),  # qualifier refines the head
        ("农村常住居民人均可支配收入", "level", "元", "rural_income_per_capita"),
        ("万元GDP综合能耗", "growth", "%", "energy_intensity"),  # a name pattern
        ("社会消费品零售总额居全国第六位", "growth", "%", "retail_sales"),  # a predicate ends the name
        ("社 会消费品零售总额", "level", "亿元", "retail_sales"),  # a scanner's space
        ("服务业增加值占地区生产总值的比重", "share", "%", "services_share"),  # A占B: A's share
        ("全社会研发投入占地区生产总值比重", "share", "%", "rd_intensity"),
        ("全社会研究与试验发展经费投入与地区生产总值之比", "share", "%", "rd_intensity"),  # A与B之比
        ("进出口总额占全省", "share", "%", "trade_total"),  # a share of the province's total
        ("经济", "growth", "%", "gdp"),  # a strict name, alone
        ("全市经济", "growth", "%", "gdp"),  # after a place word
    ],
)
def test_heads_decide_the_indicator(name: str, measure: str, unit: str, expected: str) -> None:
    assert TAX.indicator_for(name, measure, unit) == expected


@pytest.mark.parametrize(
    "name,measure,unit",
    [
        ("工业固定资产投资", "level", "亿元"),  # a sector's investment is not all of it …
        ("机电产品出口", "level", "亿美元"),  # … nor a product's exports
        ("外资企业出口", "level", "亿美元"),
        ("合同利用外资", "level", "亿美元"),  # contracted, not paid in
        ("网络零售额", "level", "亿元"),
        ("出口企业", "level", "家"),  # the head is not what is counted
        ("人均财政收入", "level", "元"),  # per head, not the total
        ("数字经济", "growth", "%"),  # 经济 after a sector word is not GDP
        ("海洋经济生产总值", "level", "亿元"),
        ("战略性新兴产业增加值占规模以上工业比重", "share", "%"),  # a share of another whole
    ],
)
def test_narrowed_names_do_not_pass_for_the_whole(name: str, measure: str, unit: str) -> None:
    headline = TAX.headline_ids()
    assert TAX.indicator_for(name, measure, unit) not in headline


def test_narrowed_names_get_their_own_ids() -> None:
    assert TAX.indicator_for("工业固定资产投资", "level", "亿元") == "industrial_investment"
    assert TAX.indicator_for("合同利用外资", "level", "亿美元") == "fdi_contracted"
    assert TAX.indicator_for("海洋生产总值", "level", "亿元") == "marine_gdp"


def test_unit_must_fit() -> None:
    assert TAX.indicator_for("城镇居民人均可支配收入", "level", "元") == "urban_income_per_capita"
    assert TAX.indicator_for("城镇居民人均可支配收入", "level", "吨") is None
    assert TAX.indicator_for("地区生产总值", "level", "%") is None  # GDP in percent is no level


def test_parse_says_how_it_read_the_name() -> None:
    p = TAX.parse("来源于东莞的财政收入")
    assert (p.head, p.prefix, p.indicator) == ("财政收入", "来源于东莞的", "fiscal_revenue")


def test_user_taxonomy_extends_names_and_grammar_without_changing_the_default(tmp_path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text("indicators:\n  - id: gdp\n    names: [经济盘子]\nname_grammar:\n  tail: [规模数]\n",
                     encoding="utf-8")
    mine = Taxonomy.load(extra)
    assert mine.indicator_for("全市经济盘子规模数", "level", "亿元") == "gdp"
    assert TAX.indicator_for("全市经济盘子规模数", "level", "亿元") is None  # the default is untouched
    assert "经济盘子" in mine.names and "经济盘子" not in TAX.names


def test_bad_taxonomy_file_is_a_clear_error(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("indicators:\n  - id: x\n    patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(HuibianError, match="bad name pattern"):
        Taxonomy.load(bad)
