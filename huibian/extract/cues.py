"""The extractor's knowledge as compiled patterns: data/cues.yaml loaded once, and every
regex built from it (or shared between the grammar's modules) compiled once, so cue
words stay in data and each module only asks for the pattern it needs."""

from __future__ import annotations

import functools
import re

from huibian import datafiles
from huibian.chars import HAN, HAN_CHAR, YEAR
from huibian.numbers import ARABIC, CHINESE, units


@functools.cache
def cues() -> dict:
    return datafiles.load("cues.yaml")


def _unit_lookahead() -> str:
    """A cheap prefilter: the first character of some unit (the exact unit is checked
    afterwards); a long alternation here would be tried at every numeral character."""
    firsts = "".join(sorted({re.escape(u[0]) for u in units().cls}))
    return rf"[多余]?(?:万亿|千亿|百亿|亿|千万|百万|万)?[多余]?[{firsts}]"


_POSSESSIVE_ARABIC = r"\d++(?:,\d{3})*+(?:\.\d++)?+"
_NUMERALS = "零〇一二两三四五六七八九十百千"


def alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def patterns() -> dict[str, re.Pattern[str]]:
    c = cues()
    return {
        # a Chinese numeral is a candidate only with a unit after it (一是, 三农, 十四五 are not)
        "number": re.compile(
            rf"(?P<pct>百分之)(?P<pnum>{ARABIC}|{CHINESE})"
            # a number starts where a run of digits (or numerals) starts and takes all of it: a
            # crafted run of 10,000 digits costs one attempt, not 10,000 (not 2012年, 1月, 5号)
            rf"|(?P<num>(?<![\d.])(?<!\d,){_POSSESSIVE_ARABIC}(?![\d.,年月日号时届])|(?<![{_NUMERALS}]){CHINESE}(?={_unit_lookahead()}))"
        ),
        "ratio": re.compile(r"(?<![\d.])\d++(?:\.\d++)?(?:[:：∶]\d++(?:\.\d++)?){1,3}"),
        "range": re.compile(rf"\s?(?:-|—|–|－|~|～|至|到)\s?(?P<num>{ARABIC}|{CHINESE})"),
        "sentence": re.compile(r"[^。！？!?\n]+"),
        "clause_break": re.compile(r"[，,；;：:]"),
        "estimate": re.compile(alt(c["estimate"])),
        "total": re.compile(alt(c["total"])),
        "part_of_year": re.compile(rf"{alt(c['part_of_year'])}|\d{{1,2}}\s?[-—–至到~～]\s?\d{{1,2}}\s?月"),
        "topic_lead": re.compile(rf"^(?:[一二三四五六七八九十]是|{alt(c['topic_lead'])})+"),
        "topic_part": re.compile(
            rf"(?P<part>[{HAN}]{{2,8}}?(?P<kind>{alt(c['zone_suffix'])}))(?!建设|开发|规划|管理|条例|政策|试点)"),
        "stock": re.compile(alt(c["stock"])),
        "revenue_local": re.compile(r"^(?:全市|全省|全区|全县|市|省|县|区|本级)?地方级?财政收入"),
        "revenue_local_part": re.compile(rf"(?:{alt(c['revenue_whole'])})[^。；;]{{0,60}}?地方级?财政收入"),
        "estimate_note": re.compile(r"[（(]\s*预计数"),
        # 年均增长7% (not 年均浓度下降3%: an annual mean, then its growth)
        "avg": re.compile(rf"(?:{alt(c['avg'])})(?:实际|名义|分别|可比|都|均|保持|为|达到|约)*(?:{alt(c['growth_up'] + c['growth_down'])}|保持|达到|为|在)"),
        "cum": re.compile(alt(c["cum"])),
        "up": re.compile(f"(?:{alt(c['growth_up'])})(?:了|约|近|超过|达到|达|为)?$"),
        "down": re.compile(f"(?:{alt(c['growth_down'])})(?:了|约|近|超过|达到|达|为)?$"),
        "share": re.compile(alt(c["share"])),
        "share_of_target": re.compile(alt(c["share_of_target"])),
        "ge_before": re.compile(f"(?:{alt(c['ge_before'])})$"),
        "le_before": re.compile(f"(?:{alt(c['le_before'])})$"),
        "approx_before": re.compile(f"(?:{alt(c['approx_before'])})$"),
        "target": re.compile(alt(c["target"])),
        "own": re.compile(rf"(?:{alt(c['own_region'])})"),
        "part": re.compile(
            rf"(?:其中，?)?(?:{YEAR}年(?:底|末)?，?)?(?P<scope>[{HAN}、（）()]{{0,14}}?(?:{alt(c['part_suffix'])})"
            r"|(?:[东西南北]?[一二三四五六七八九十两]+(?:县\(市\)|县（市）|县市|县区|市|县|区|旗))+"  # 四县(市), 一市三县
            rf"|\d{{1,3}}个[{HAN}]{{0,6}}?(?:县\(市\)|县（市）|县市|县区|县|区|乡镇|镇|园区|开发区)"  # 25个欠发达县市
            rf"|(?:[{HAN}]{{1,6}}(?:县|区|市|旗)、)+[{HAN}]{{1,6}}(?:县|区|市|旗))"  # 桃源县、鼎城区、澧县
            r"(?=(?:预计|初步预计|全年)?(?:完成|实现|新增|共|累计|地区|生产|规模|固定|财政|地方|一般|全年|城镇|农民|农村|社会|工业|引进|实际|"
            r"招商|出口|进出口|外贸|经济总量|公共财政))"
        ),
        "people_after": re.compile(alt(c["people"])),
        "other_places": re.compile(alt(c["other_places"])),
        "milestone": re.compile(
            r"(?:过|突破|超过|迈入|迈上|跨上|跨入|跃上|站上|跨越)了?(?:(?P<m>万亿|千亿|百亿)(?P<cur>美元|元)?|(?P<m1>万)(?P<cur1>美元|元))"
            r"(?:大关|台阶|俱乐部)?"
        ),
        "double": re.compile(r"翻了?(?P<near>近)?(?P<n>一|两|三|二)番(?P<more>以上|多)?"),
        "flat": re.compile(r"(?:与上年|与去年|同比|比上年)(?P<near>基本)?持平"),
        "name_strip_left": re.compile(
            rf"^(?:{alt(c['qualifiers'])}|——|—|-|其中|同时|并|还|和|及|以及|与|的|把|将|使|让|要|努力|五年|过去五年|五年来|可比|名义|全年|全面|共|共计|累计|总计|合计|实现|完成|达到|按可比口径|可比价|初步预计|预计|"
            r"初步核算|据统计|力争|确保|争取|计划|预期|目标|今年|去年|上年|全市|全省|全区|全县|我市|我省|其|此外|另外|"
            r"主要预期目标是|主要目标是|分别|均|约|近|基础上|又|再|、|，|\s)+"
        ),
        "name_strip_right": re.compile(
            r"(?:分别|(?<!人)均|都|已|约|近|超过|突破|低于|高于|不超过|不低于|不高于|少于|多于|达到|达|完成|实现|为|是|至|到|"
            r"增至|升至|降至|增长到|增加到|提高到|提升到|下降到|"
            r"降低到|减少到|控制在|保持在|稳定在|同比|比上年|较上年|比去年|增长|下降|提高|增加|减少|降低|年均|平均|累计|增速|增幅|五年|"
            r"总计|合计|共|共计|新增了|了|的|由|从|在|以上|以内|左右|预期目标|目标|定为|指标|预期|按|回落到|回落至|要|将|力争|确保|首次|再次|继续|历史性地|"
            rf"{alt(c['ge_before'] + c['le_before'] + c['approx_before'] + c['qualifiers'])}|\s)+$"
        ),
    }


CJK = HAN_CHAR  # one Chinese character (huibian/chars.py)
