"""CLEAN stage: OCR and layout repair on real text, each repair exact and traceable."""

from __future__ import annotations

import re

import pytest

from huibian.clean import CleanConfig, clean
from tests.conftest import SHARED

BOOK = SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt"
REPORTS = SHARED / "corpus" / "reports"

# Every place in the book where a page break cuts a paragraph, read off the book by
# hand: (end of the line before the break, start of the line after it).
PAGE_BREAKS = [
    ("土石方回填、微", "地形、园区基础设施建设"),
    ("组建省级工程技", "术研究中心 2 家"),
    ("紫荆圣泉度假山庄等 3 个温泉旅", "游项目取得实质性进展"),
    ("520 套经济适用住房、9926", "套棚改房及 1060 套农垦危房改造任务"),
    ("向给予政", "府工作大力支持的人大代表"),
    ("突出抓好产业转移承接地示范园", "区建设,引领和带动其他工业园区"),
    ("全面完成省年度任务。加强现代畜", "牧业示范区建设"),
    ("切实抓好面向长三角、珠三角的", "主题概念招商和产业集群招商。"),
    ("推进创业培训、创业服务，实施", "普惠制培训3万人以上"),
    ("进入挂牌公示阶段项目地块9块，规划占地面积", "19.65 万平方米,建筑面积"),
    ("北京华城国际建设有限公司、大", "连才华集团等国内外知名大企业"),
]

# What the joined text reads after the other repairs (spaces next to numbers dropped).
JOINED = [
    "土石方回填、微地形、园区基础设施建设",
    "组建省级工程技术研究中心2家",
    "紫荆圣泉度假山庄等3个温泉旅游项目取得实质性进展",
    "520套经济适用住房、9926套棚改房及1060套农垦危房改造任务",
    "向给予政府工作大力支持的人大代表",
    "突出抓好产业转移承接地示范园区建设,引领和带动其他工业园区",
    "全面完成省年度任务。加强现代畜牧业示范区建设",
    "切实抓好面向长三角、珠三角的主题概念招商和产业集群招商。",
    "推进创业培训、创业服务，实施普惠制培训3万人以上",
    "进入挂牌公示阶段项目地块9块，规划占地面积19.65万平方米,建筑面积",
    "北京华城国际建设有限公司、大连才华集团等国内外知名大企业",
]

# Lines of the book that end without sentence punctuation and must stay lines of their
# own: front matter, titles, date and speaker lines, headings.
_KEEP_LINE = re.compile(
    r"^(?:政府工作报告汇编|辽宁·2012年|辽宁人民出版社|\(下册\)|辽宁省政府工作报告编辑委员会 编"
    r"|锦州市(?:古塔区)?政府工作报告|——\d{4}年\d{1,2}月\d{1,2}日在.*会议上|代?[市区]长 \S+"
    r"|[一二]、.*|[（(][一二三四五六七八][）)].*)$"
)


@pytest.fixture(scope="module")
def book() -> str:
    return BOOK.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cleaned(book: str):
    return clean(book)


def test_every_page_break_in_the_book_is_joined(book, cleaned):
    joins = [r for r in cleaned.repairs if r.kind == "page_break_join"]
    assert len(joins) == len(PAGE_BREAKS)
    for (before, after), joined in zip(PAGE_BREAKS, JOINED, strict=True):
        assert f"{before}\n\n{after}" in book  # the break is really in the source
        assert joined in cleaned.text
    for r in joins:
        assert r.before == "\n\n" and r.after == ""
        assert book[r.source_start : r.source_end] == "\n\n"


def test_no_real_paragraph_or_heading_boundary_is_joined(cleaned):
    lines = [ln for ln in cleaned.text.split("\n") if ln]
    for line in lines[:-1]:  # the excerpt's last line is cut off by the excerpt itself
        assert line[-1] in "。！？!?：:；;”)）" or _KEEP_LINE.match(line), line
    text = cleaned.text
    for boundary in [
        "政府工作报告汇编\n\n辽宁·2012年",
        "(下册)\n\n辽宁省政府工作报告编辑委员会 编\n\n锦州市政府工作报告\n\n——2012年1月6日",
        "第五次会议上\n\n市长 刘凤海\n\n各位代表：",
        "一、2011年工作回顾\n\n2011年，在省委",
        "（一）沿海经济带建设实现新突破\n\n抢抓实施",
        "二、2012年工作安排\n\n今年是实施",
        "锦州市古塔区政府工作报告\n\n——2011年12月27日",
        "代区长 张东群\n\n各位代表：",
    ]:
        assert boundary in text


def test_spaces_between_numbers_and_chinese_are_removed(cleaned):
    text = cleaned.text
    assert "锦州港实现货物吞吐量7200万吨，增长19.9%；集装箱运输80万标箱，增长14.2%。" in text
    assert "龙栖湾港区规划调整全部完成，防波堤、围堰、2个5万吨级泊位及航道工程建设快速推进。" in text
    assert "二、2012年工作安排" in text
    assert "分别增长15%以上。" in text  # 增长 15% 以上
    assert "(五)改革开放取得新进展" in text  # (五) 改革开放
    spaces = [r for r in cleaned.repairs if r.kind == "space_removed"]
    assert spaces and all(r.before.strip(" ") == "" and r.after == "" for r in spaces)


def test_spaces_between_chinese_words_stay(cleaned):
    assert "\n市长 刘凤海\n" in cleaned.text
    assert "\n代区长 张东群\n" in cleaned.text
    assert "辽宁省政府工作报告编辑委员会 编" in cleaned.text


def test_fullwidth_digits_letters_and_percent_become_ascii():
    text = (REPORTS / "天津-天津市-2008.txt").read_text(encoding="utf-8")
    assert "农业科技进步贡献率达到５８％" in text
    out = clean(text)
    assert "农业科技进步贡献率达到58%" in out.text
    assert "启动12个现代农业设施示范区项目" in out.text
    hefei = clean((REPORTS / "安徽-合肥市-2008.txt").read_text(encoding="utf-8"))
    assert "单位GDP能耗降幅" in hefei.text
    widths = [r for r in out.repairs if r.kind == "fullwidth"]
    assert any(r.before == "５８％" and r.after == "58%" for r in widths)


def test_fullwidth_typeset_sentence_reads_as_the_original(cleaned):
    """A book sentence typeset in full-width forms (digits, ％, ． as decimal point)."""
    original = "全市实现地区生产总值1100亿元，增长13.5%；固定资产投资660亿元，增长32%；"
    assert original in cleaned.text
    wide = original.translate({c: c + 0xFEE0 for c in map(ord, "0123456789.%")})
    assert wide != original and "，" in wide and "；" in wide
    out = clean(wide)
    assert out.text == original  # Chinese punctuation stays full-width
    assert {r.kind for r in out.repairs} == {"fullwidth"}


def test_a_fullwidth_stop_that_is_not_a_decimal_point_stays():
    line = "2．“六路一江”景观亮化"  # 云南-昆明市-2014: an item number, not a number
    assert line in (REPORTS / "云南-昆明市-2014.txt").read_text(encoding="utf-8")
    assert clean(line).text == line


def test_crlf_line_ends_are_normalised_with_exact_offsets(book, cleaned):
    crlf = book.replace("\n", "\r\n")
    out = clean(crlf)
    assert out.text == cleaned.text
    pos = out.text.index("地形、园区基础设施")
    assert crlf[out.offsets.to_source(pos) :].startswith("地形、园区基础设施")
    assert sum(r.kind == "line_ending" for r in out.repairs) == book.count("\n")


def test_lost_whitespace_placeholders_of_scraped_pages():
    raw = (REPORTS / "四川-米易县-2022.txt").read_text(encoding="utf-8")
    assert "米易县人民政府县长?? 代坤宏" in raw
    out = clean(raw)
    assert "\n米易县人民政府县长 代坤宏\n" in out.text
    assert "请县政协委员和列席会议的同志提出意见。????2021年工作回顾" in raw
    assert "请县政协委员和列席会议的同志提出意见。2021年工作回顾" in out.text
    assert "info_show.asp?" not in raw or "info_show.asp?" in out.text


def test_line_trim_removes_edge_spaces(book, cleaned):
    assert book.startswith(" \n")
    assert cleaned.text.startswith("\n")
    trims = [r for r in cleaned.repairs if r.kind == "line_trim"]
    assert trims[0].source_start == 0 and trims[0].before == " "


def test_offsets_map_every_kept_character_to_the_same_source_character(book, cleaned):
    changed = set()
    for r in cleaned.repairs:
        changed.update(range(r.source_start, r.source_end))
    for i, ch in enumerate(cleaned.text):
        s = cleaned.offsets.to_source(i)
        if s not in changed:
            assert book[s] == ch, (i, s)
    for quote in ["微地形", "7200万吨", "9926套棚改房", "大连才华集团", "规划占地面积19.65万平方米"]:
        i = cleaned.text.index(quote)
        s, e = cleaned.offsets.to_source(i), cleaned.offsets.to_source(i + len(quote) - 1) + 1
        assert re.sub(r"\s", "", book[s:e]) == quote


def test_every_repair_records_its_source_text(book, cleaned):
    assert cleaned.repairs
    for r in cleaned.repairs:
        assert book[r.source_start : r.source_end] == r.before
        assert r.kind in {f for f in CleanConfig.__dataclass_fields__}


def test_each_fix_can_be_switched_off(book):
    out = clean(book, CleanConfig(page_break_join=False))
    assert "微\n\n地形" in out.text
    assert "page_break_join" not in out.repair_counts()
    out = clean(book, CleanConfig(space_removed=False))
    assert "货物吞吐量 7200 万吨" in out.text
    assert "微地形" in out.text
    nothing = clean(book, CleanConfig(**{f: False for f in CleanConfig.__dataclass_fields__}))
    assert nothing.text == book and nothing.repairs == []


def test_clean_text_has_no_page_breaks_in_born_digital_reports():
    """Reports that were never paged keep their paragraphs: headings are not glued on."""
    text = (REPORTS / "辽宁-本溪市-2025.txt").read_text(encoding="utf-8")
    heading = "攻坚的这一年，我们坚定不移抓项目、强产业、促消费，“实力本溪”迈上新台阶"
    assert f"{heading}\n" in text
    assert f"{heading}\n" in clean(text).text


def test_digit_space_join_repairs_numbers_split_by_a_scraper() -> None:
    # 阜平县 2017 (portal scrape): spaces inside numbers
    text = "2016 年全县地区生产总值完成 36.5 9亿元，是 2011 年的 1.42 倍；共有 8 9 8 人 6 89.9万元，到 202 1年。PM 2.5 浓度下降"
    c = clean(text)
    assert "36.59亿元" in c.text and "898人689.9万元" in c.text and "2021年" in c.text
    assert "PM 2.5" in c.text  # a number touching Latin letters is left alone
    joins = [r for r in c.repairs if r.kind == "digit_space_join"]
    assert joins and all(r.before == " " and r.after == "" for r in joins)
    assert all(text[r.source_start : r.source_end] == " " for r in joins)


def test_wrapped_line_join_rejoins_typeset_lines_but_not_headings() -> None:
    # the book's 锦州 review paragraph, typeset at 40 characters a line as a PDF page would be
    book = (SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt").read_text(encoding="utf-8")
    para = next(line for line in book.splitlines() if line.startswith("按可比口径初步预计"))
    lines = [para[i : i + 40] for i in range(0, len(para), 40)]
    text = "\n".join(["一、2011年工作回顾"] + lines * 4 + ["（一）沿海经济带建设实现新突破"] + lines * 4)
    c = clean(text, CleanConfig(wrapped_line_join=True, page_break_join=False))
    assert c.text.count(para) == 8  # every wrapped line joined (8 copies), even after 增长75%；
    assert "\n（一）沿海经济带建设实现新突破\n" in c.text and c.text.startswith("一、2011年工作回顾\n")
    assert clean(text).text.count(para) < 8  # off by default: web and txt lines are not typeset
