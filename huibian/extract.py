"""Fact extraction: every number a report states about a measurable quantity.

The extractor is a small grammar over the cleaned text, not a model: it finds number
mentions (value, range, unit, qualifier), then reads their left context within the
clause and sentence for the quantity's name, the measure (growth, share, ...), the
period and the kind, following docs/facts.md. Cue words come from data/cues.yaml and
units from data/units.yaml, so the grammar stays short and the knowledge extendable.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from importlib import resources

import yaml

from huibian.models import Fact, ReportMeta, Section
from huibian.numbers import ARABIC, CHINESE, parse_number, to_base, units
from huibian.taxonomy import Taxonomy


@functools.cache
def cues() -> dict:
    return yaml.safe_load(resources.files("huibian").joinpath("data/cues.yaml").read_text(encoding="utf-8"))


def _unit_lookahead() -> str:
    """A cheap prefilter: the first character of some unit (the exact unit is checked
    afterwards); a long alternation here would be tried at every numeral character."""
    firsts = "".join(sorted({re.escape(u[0]) for u in units().cls}))
    return rf"[多余]?(?:万亿|千亿|百亿|亿|千万|百万|万)?[多余]?[{firsts}]"


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    c = cues()
    return {
        # a Chinese numeral is a candidate only with a unit after it (一是, 三农, 十四五 are not)
        "number": re.compile(
            rf"(?P<pct>百分之)(?P<pnum>{ARABIC}|{CHINESE})"
            rf"|(?P<num>{ARABIC}(?![\d.,年月日号时届])|{CHINESE}(?={_unit_lookahead()}))"  # not 2012年, 1月, 5号
        ),
        "ratio": re.compile(r"\d+(?:\.\d+)?(?:[:：∶]\d+(?:\.\d+)?){1,3}"),
        "range": re.compile(rf"\s?(?:-|—|–|－|~|～|至|到)\s?(?P<num>{ARABIC}|{CHINESE})"),
        "sentence": re.compile(r"[^。！？!?\n]+"),
        "clause_break": re.compile(r"[，,；;：:]"),
        "year": re.compile(r"((?:19|20)\d\d)年(?:的|底|末|初|全年)?"),
        "year_span": re.compile(r"((?:19|20)\d\d)[—\-–~～至到]((?:19|20)\d\d)年"),
        "base_year": re.compile(r"(?:比|较|是|为|相当于)((?:19|20)\d\d)年"),
        "estimate": re.compile(_alt(c["estimate"])),
        "estimate_note": re.compile(r"[（(]\s*预计数"),
        "avg": re.compile(_alt(c["avg"])),
        "cum": re.compile(_alt(c["cum"])),
        "up": re.compile(f"(?:{_alt(c['growth_up'])})(?:了|约|近|超过|达到|达|为)?$"),
        "down": re.compile(f"(?:{_alt(c['growth_down'])})(?:了|约|近|超过|达到|达|为)?$"),
        "share": re.compile(_alt(c["share"])),
        "share_of_target": re.compile(_alt(c["share_of_target"])),
        "ge_before": re.compile(f"(?:{_alt(c['ge_before'])})$"),
        "le_before": re.compile(f"(?:{_alt(c['le_before'])})$"),
        "approx_before": re.compile(f"(?:{_alt(c['approx_before'])})$"),
        "target": re.compile(_alt(c["target"])),
        "past": re.compile(_alt(c["past"])),
        "this_year": re.compile(_alt(c["this_year"])),
        "plan": re.compile(rf"({_alt(list(c['plan_end']))})(?:规划)?(?:末|期末|时期|期间|目标|规划|的|，|时)"),
        "ahead": re.compile(_alt(c["five_years_ahead"])),
        "back": re.compile(_alt(c["five_years_back"])),
        "own": re.compile(rf"(?:{_alt(c['own_region'])})"),
        "part": re.compile(
            rf"(?:其中，?)?(?P<scope>[\u4e00-\u9fff、（）()]{{1,14}}?(?:{_alt(c['part_suffix'])})"
            r"|[东西南北]?[一二三四五六七八九十两]+(?:县\(市\)|县（市）|县市|县区|市|县|区|旗)"
            r"|(?:[\u4e00-\u9fff]{1,6}(?:县|区|市|旗)、)+[\u4e00-\u9fff]{1,6}(?:县|区|市|旗))"  # 桃源县、鼎城区、澧县
            r"(?=完成|实现|新增|共|累计|地区|规模|固定|财政|地方|一般|全年|城镇|农民|农村|社会|工业|引进|实际|招商|出口|进出口|外贸)"
        ),
        "people_after": re.compile(_alt(c["people"])),
        "other_places": re.compile(_alt(c["other_places"])),
        "milestone": re.compile(
            r"(?:过|突破|超过|迈入|迈上|跨上|跨入|跃上|站上|跨越)了?(?:(?P<m>万亿|千亿|百亿)(?P<cur>美元|元)?|(?P<m1>万)(?P<cur1>美元|元))"
            r"(?:大关|台阶|俱乐部)?"
        ),
        "double": re.compile(r"翻了?(?P<near>近)?(?P<n>一|两|三|二)番(?P<more>以上|多)?"),
        "flat": re.compile(r"(?:与上年|与去年|同比|比上年)(?P<near>基本)?持平"),
        "name_strip_left": re.compile(
            rf"^(?:{_alt(c['qualifiers'])}|——|—|-|其中|同时|并|还|和|及|以及|与|的|把|将|使|让|要|努力|五年|过去五年|五年来|可比|名义|全年|全面|共|共计|累计|总计|合计|实现|完成|达到|按可比口径|可比价|初步预计|预计|"
            r"初步核算|据统计|力争|确保|争取|计划|预期|目标|今年|去年|上年|全市|全省|全区|全县|我市|我省|其|此外|另外|"
            r"主要预期目标是|主要目标是|分别|均|约|近|、|，|\s)+"
        ),
        "name_strip_right": re.compile(
            r"(?:分别|(?<!人)均|都|已|约|近|超过|突破|低于|高于|不超过|不低于|不高于|少于|多于|达到|达|完成|实现|为|是|至|到|"
            r"增至|升至|降至|增长到|增加到|提高到|提升到|下降到|"
            r"降低到|减少到|控制在|保持在|稳定在|同比|比上年|较上年|比去年|增长|下降|提高|增加|减少|降低|年均|平均|累计|增速|增幅|五年|"
            r"总计|合计|共|共计|新增了|了|的|由|从|在|以上|以内|左右|预期目标|目标|定为|指标|预期|按|回落到|回落至|要|将|力争|确保|首次|再次|继续|历史性地|"
            rf"{_alt(c['ge_before'] + c['le_before'] + c['approx_before'] + c['qualifiers'])}|\s)+$"
        ),
    }


_TO_VALUE = re.compile(r"(?:增加|增长|提高|提升|上升|扩大|下降|减少|降低|降|增|升|跃升|回落)?(?:到|至)(?:去年|上年|今年)?(?:底|末)?的?")
_LIST_SEP = re.compile(r"\s*(?:、|和|及|与|，|,)\s*")
FOLLOW_OK = set("（(，。；、：）)”\"'和及与或增同比较以左其分达为占用多余强上下，,;:.!！?？\n ")
NAME_STOP = re.compile(r"[，,；;：:。、（(“\"]")


@dataclass(slots=True)
class Mention:
    """A number mention: span, value(s), unit, qualifier."""

    start: int
    end: int  # end of the mention including unit and qualifier
    value: float | str
    unit: str
    uclass: str  # money / measure / count / percent / ratio / people
    cmp: str = "eq"
    value_hi: float | None = None


def _find_mentions(text: str) -> list[Mention]:
    """All number mentions in the text that could state a fact, in text order, one scan."""
    p = _patterns()
    ut = units()
    end = len(text)
    out: list[Mention] = []
    for mr in p["ratio"].finditer(text):
        if _is_ratio(text, mr):
            out.append(Mention(mr.start(), mr.end(), mr.group().replace("：", ":").replace("∶", ":"), "", "ratio"))
    ratio_ends = {m.start: m.end for m in out}
    last_end = -1
    for mn in p["number"].finditer(text):
        if mn.start() < last_end:
            continue
        if mn.start() in ratio_ends:
            last_end = ratio_ends[mn.start()]
            continue
        m = _mention_at(text, mn, end, ut)
        if m is not None:
            out.append(m)
            last_end = m.end
    # round milestones (突破千亿元) and doublings (翻一番): figures without digits
    for ms in p["milestone"].finditer(text):
        key = ms.group("m") or ms.group("m1")
        value, unit = {"万亿": (1.0, "万亿"), "千亿": (1000.0, "亿"), "百亿": (100.0, "亿"), "万": (1.0, "万")}[key]
        start = ms.start("m") if ms.group("m") else ms.start("m1")
        out.append(Mention(start, ms.end(), value, unit + (ms.group("cur") or ms.group("cur1") or "元"), "money", "ge"))
    for md in p["double"].finditer(text):
        n = {"一": 1, "两": 2, "二": 2, "三": 3}[md.group("n")]
        cmp = "approx" if md.group("near") else "ge" if md.group("more") else "eq"
        out.append(Mention(md.start(), md.end(), float((2**n - 1) * 100), "%", "double", cmp))
    for mf in p["flat"].finditer(text):  # 地区生产总值与上年持平: growth 0
        out.append(Mention(mf.start(), mf.end(), 0.0, "%", "flat", "approx" if mf.group("near") else "eq"))
    out.sort(key=lambda m: m.start)
    return [m for i, m in enumerate(out) if i == 0 or m.start >= out[i - 1].end]


def _is_ratio(text: str, m: re.Match[str]) -> bool:
    before = text[max(0, m.start() - 12) : m.start()]
    return ("比" in before or "结构" in before or "比例" in before) and not re.match(r"\d", text[m.end() : m.end() + 1])


def _mention_at(text: str, mn: re.Match[str], end: int, ut) -> Mention | None:
    num = mn.group("pnum") or mn.group("num")
    is_chinese = not num[0].isdigit()
    s = mn.start()
    prev = text[s - 1] if s > 0 else ""
    if prev.isascii() and (prev.isalpha() or prev in ".-/#"):  # PM2.5, G15, 3.5-ton
        return None
    if prev == "第" or text[max(0, s - 2) : s] in ("位列", "排名"):
        return None
    if is_chinese and (num in ("一", "二", "两", "十") and not mn.group("pct")):
        # 一 alone is usually "a/one" in prose (一批, 一个); handled only with a clear count below
        pass
    pos = mn.end()
    if is_chinese and not mn.group("pct") and not ut.regex.match(text, pos, end).group("unit"):
        return None  # 一是, 三农, 十四五: Chinese numerals count only with a unit after them
    value = parse_number(num)
    if value is None:
        return None
    value_hi: float | None = None
    # range: 7-8户, 4至5个, 10—15家, 7%-8%
    unit_m = ut.regex.match(text, pos, end)
    unit_first = unit_m.group(0) if unit_m else ""
    rng = _patterns()["range"].match(text, pos + (len(unit_first) if unit_first in ("%",) else 0), end)
    if rng and not is_chinese == (not rng.group("num")[0].isdigit()):
        rng = None
    if rng:
        hi = parse_number(rng.group("num"))
        if hi is not None and hi > value:
            value_hi = hi
            pos = rng.end()
            unit_m = ut.regex.match(text, pos, end)
    approx_more = bool(unit_m and (unit_m.group("more1") or unit_m.group("more2")) and unit_m.group("unit"))
    if unit_m and not unit_m.group("unit") and (unit_m.group("more1") or unit_m.group("more2")):
        unit_m = ut.regex.match(text, pos + (1 if unit_m.group("more1") else 0), end)  # 多 alone: no unit
        unit_m = None if unit_m and unit_m.group("more1") else unit_m
    prefix = unit_m.group("prefix") if unit_m else None
    unit = unit_m.group("unit") if unit_m else None
    unit_end = unit_m.end() if unit_m else pos
    if unit == "个" and text.startswith("多百分点", unit_end):
        unit, approx_more, unit_end = "个百分点", True, unit_end + 4  # 提高2个多百分点
    pct = bool(mn.group("pct"))
    if pct:
        uclass, unit_s, pos2 = "percent", "%", pos
    elif unit:
        uclass = ut.cls[unit]
        unit_s = (prefix or "") + unit
        pos2 = unit_end
    elif prefix and prefix in ("万", "亿") and unit_m and _patterns()["people_after"].match(text, unit_m.end(), end):
        uclass, unit_s, pos2 = "count", prefix + "人", unit_m.end()  # 8.74万农村贫困人口
    elif not is_chinese and text[pos : pos + 1] == "大" and re.match(r"[\u4e00-\u9fff]", text[pos + 1 : pos + 2] or "x"):
        uclass, unit_s, pos2 = "count", "个", pos + 1  # 8大产业集群
        if not text[pos + 1 : pos + 3].endswith(("产", "基", "集", "板", "行", "园", "工", "平", "中", "区")):
            pass
    else:
        return None
    if is_chinese:
        # Chinese numerals: only clear counts and amounts, never slogans (两个不低于, 三个代表)
        if uclass == "count" and unit_s not in ("户", "家", "所", "座", "名", "处", "套", "台", "辆", "个"):
            return None
        if unit_s == "个" and not text[max(0, s - 1) : s] == "等":
            return None
        if num in ("一", "两", "二") and uclass == "count" and unit_s not in ("户", "家", "所", "座"):
            return None
        if uclass == "percent" and unit_s != "%":
            if unit_s == "倍" and num in ("一", "两", "二", "三"):
                pass
            else:
                return None
    # multiplier suffix after unit: 1万多户 handled by 多 below; 倍
    cmp = "range" if value_hi is not None else ("ge" if approx_more else "eq")
    after = text[pos2 : pos2 + 3]
    for word, c in (("以上", "ge"), ("以内", "le"), ("以下", "le"), ("左右", "approx"), ("上下", "approx")):
        if after.startswith(word):
            cmp = c if cmp == "eq" else cmp
            pos2 += len(word)
            break
    else:
        if after[:1] in ("多", "余", "强") and (uclass != "percent" or unit_s == "倍"):
            cmp = "ge" if cmp == "eq" else cmp
            pos2 += 1
    # 1万多户: unit after 多
    if cmp == "ge" and unit_s in ("万", "亿") and unit_m:
        u2 = units().regex.match(text, pos2, end)
        if u2 and u2.group("unit"):
            unit_s += u2.group("unit")
            pos2 = u2.end()
    # a measure followed directly by a noun is a size class or a name (5万吨级泊位, 500兆瓦多晶硅片)
    nxt = text[pos2 : pos2 + 1]
    if text.startswith(("大关", "台阶"), pos2):
        nxt = ""  # 突破了10亿元大关
    if uclass in ("money", "measure") and nxt and nxt not in FOLLOW_OK:
        if not (nxt == "的" and cmp == "eq"):
            return None
    if nxt == "级":
        return None
    if uclass in ("money", "measure") and text[pos2 - 2 : pos2] in ("以上", "以下") and nxt and nxt not in FOLLOW_OK:
        return None  # 10亿元以上企业, 投资10亿元以上的项目: a size class
    if _named_item(text, pos2, end):
        return None  # 辽宁抚挖460台大吨位起重机、石化公司…等24个项目: part of a project's name
    return Mention(s, pos2, value, unit_s, uclass, cmp, value_hi)


_ENUM_END = re.compile(r"等[\d一二三四五六七八九十百]+(?:个|项|家|户|批)")


def _named_item(text: str, pos: int, end: int) -> bool:
    """Whether the number stands inside an item of a named list closed by 等N个项目."""
    nxt = text[pos : pos + 1]
    if not nxt or not _CJK.match(nxt) or "等" not in text[pos : pos + 60]:
        return False
    stop = re.search(r"[，,；;。：:]", text[pos : min(end, pos + 60)])
    seg = text[pos : pos + (stop.start() if stop else 60)]
    m = _ENUM_END.search(seg)
    return bool(m) and "、" in seg[: m.start()]


# --------------------------------------------------------------------------- context


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _patterns()["sentence"].finditer(text)]


class _Sections:
    """Innermost-section lookups by bisection: the last section starting at or before a
    position, or the nearest of its ancestors that still contains it."""

    def __init__(self, sections: list[Section]):
        self.sections = sorted(sections, key=lambda s: s.start)
        self.starts = [s.start for s in self.sections]
        self.by_idx = {s.idx: s for s in sections}

    def at(self, pos: int) -> Section | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        s = self.sections[i] if i >= 0 else None
        while s is not None and not (s.start <= pos < s.end):
            s = self.by_idx.get(s.parent) if s.parent is not None else None
        return s


@functools.cache
def _paragraph_role_cues() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    c = cues()["roles"]
    announce = re.compile(rf"(?:{_alt(c['plan_paragraph'])})(?:是|为|：|:|如下)")  # …预期目标是：, not …目标胜利实现
    return re.compile(_alt(c["plan_title"])), re.compile(_alt(c["review_title"])), announce


def _paragraph_roles(text: str, sections: list[Section]) -> list[tuple[int, str]]:
    """(paragraph start, role) for every paragraph, read as a flow from review to plan.

    A top-level heading sets the role when its title says which part it opens (回顾 →
    review; 工作安排, 主要任务 → tasks; a heading saying both opens with the review); an
    untitled or neutral heading continues the flow. Inside any part, a paragraph that
    opens with a plan cue (主要预期目标是, 工作总体要求) starts the plan part — reports
    whose plan part has no heading of its own are common. A (一)主要预期目标 subsection
    is targets."""
    plan_title, review_title, plan_para = _paragraph_role_cues()
    tops = {s.start: s for s in sections if s.parent is None}  # the outermost headings the report has
    subs = [s for s in sections if s.depth > 1 and s.role == "targets"]
    out: list[tuple[int, str]] = []
    current = "review"
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        top = tops.get(start)
        if top is not None:
            title = top.title
            if review_title.search(title):
                current = "review"
            elif plan_title.search(title) or top.role in ("tasks", "targets"):
                current = "tasks"
            elif top.role == "problems":
                current = "problems"
        elif len(line) < 40 and "。" not in line and (review_title.search(line) or plan_title.search(line)):
            current = "review" if review_title.search(line) else "tasks"  # a heading the structure missed
        elif plan_para.search(line[:60]):
            current = "tasks"
        role = current
        if any(s.start <= start < s.end for s in subs):
            role = "targets"
        out.append((start, role))
    return out


def _name_before(text: str, start: int, end: int) -> tuple[str, int]:
    """The quantity's name in text[start:end] (the clause left of a number) and where it starts."""
    p = _patterns()
    seg = text[start:end]
    mc = _LAST_CUT.search(seg)
    if mc:
        start += mc.end()
        seg = seg[mc.end() :]
    m = p["name_strip_left"].match(seg)
    if m:
        start += m.end()
        seg = seg[m.end() :]
    seg2 = p["name_strip_right"].sub("", _YEAR_IN_NAME.sub("", seg))
    seg2 = p["name_strip_left"].sub("", seg2) if seg2 != seg else seg2
    mv = _LEAD_IN.match(seg2)
    if mv and len(seg2) - mv.end() >= 2:
        seg2 = seg2[mv.end() :]  # 正常年景下力争粮食总产量 → 粮食总产量
    return seg2, start


_LEAD_IN = re.compile(r".{0,12}?(?:力争|确保|争取|努力实现|预计|初步预计|计划|要求)")


_LAST_CUT = re.compile(r"[，,；;：:。“](?=[^，,；;：:。“]*$)")
_YEAR_IN_NAME = re.compile(
    r"(?:从|由|到|至|是|比|较|为|相当于|增长到|提高到|增加到|达到)?(?:(?:19|20)\d\d年|去年|上年|今年|现在|目前|五年前)"
    r"(?:底|末|初)?(?:的)?|连续[\d一二三四五六七八九十]+年"
)


def _name_after(text: str, pos: int, end: int) -> str:
    """Name for a number-first mention (15个项目开工建设): the words after it."""
    seg = text[pos:end]
    m = NAME_STOP.search(seg)
    if m:
        seg = seg[: m.start()]
    return seg[:20]


_RELATIVE_YEAR = re.compile(r"(去年|上年|今年|现在|目前|当年)(?:底|末)?的")
_BASE_RELATIVE = re.compile(r"(?:比|较|同比|相比|与)(?:去年|上年|前年)(?:同期)?")


def _explicit_year(text: str, start: int, pos: int, year: int = 0) -> tuple[int | None, int | None]:
    """(period, base_period) named in text[start:pos]: the nearest year marker wins
    (2015年的, 去年底的, 现在的); 比2010年 and 2010年以来 name a base, not the period."""
    p = _patterns()
    seg = text[start:pos]
    base = None
    skip: list[tuple[int, int]] = []
    for mb in p["base_year"].finditer(seg):
        base = int(mb.group(1))
        skip.append((mb.start(), mb.end() + 2))
    for ml in re.finditer(r"((?:19|20)\d\d)年(?:以来|起|开始)", seg):
        skip.append((ml.start(), ml.end()))
    marks: list[tuple[int, int]] = []
    for my in p["year"].finditer(seg):
        if not any(a <= my.start() < b for a, b in skip):
            marks.append((my.start(), int(my.group(1))))
    if year:
        for mr in _RELATIVE_YEAR.finditer(seg):
            marks.append((mr.start(), year if mr.group(1) == "今年" else year - 1))
    period = max(marks)[1] if marks else None
    spans = list(p["year_span"].finditer(seg))
    if spans:
        period = int(spans[-1].group(2))
        base = base or int(spans[-1].group(1)) - 1
    return period, base


_TO_YEAR = re.compile(r"(?:到|至|在|于)((?:19|20)\d\d)年(?:底|末|前)?")


_SENT_YEAR = re.compile(r"\s*(?:在|截至|截止)?((?:19|20)\d\d)年(?:，|,|全年|我|全|以来)")


_MULTI_YEAR = re.compile(r"五年|十.五|五年累计|比(?:19|20)\d\d年|任期|本届|(?:19|20)\d\d年以来")
_SINGLE_YEAR = re.compile(r"同比|全年|去年|上年|过去一年|一年来|今年")


_INF = 1 << 60
# a group of places opening a sentence (北三市, 四县(市), 桃源县、鼎城区), which a later 其 refers to
_PLACE_HEAD = re.compile(
    r"[东西南北]?[一二三四五六七八九十两]+(?:县\(市\)|县（市）|县市|县区|市|县|区|旗)"
    r"|(?:[\u4e00-\u9fff]{1,6}(?:县|区|市|旗)、)+[\u4e00-\u9fff]{1,6}(?:县|区|市|旗)"
)
_ITS = re.compile(r"其(?!中|他|余|次|实|间|后)")
_TARGET_TAIL = re.compile(r"(?:预期)?(?:目标)?(?:拟|确)?定为$|预期目标为?$|目标为$|(?<=增长)目标$")
_VERB_ONLY = re.compile(r"(新增|增长|下降|提高|达到|完成|实现|安置|培训|建成|新建|改造|解决|其中|共|投资|总投资|增速|增幅|累计|)+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TAIL_NOISE = re.compile(rf"(?:比上年|较上年|同比|比去年|分别|均|实际|{_alt(cues()['qualifiers'])}|，|\s)+")
_CMP_OTHER = re.compile(r"(高于|低于|快于|慢于|超过|领先)(全国|全省|全区|全市)")
_FROM = re.compile(r"(?:由|从)(?:(?:19|20)\d\d年的?)?$")
_TO_AFTER = re.compile(r"\s*(?:增加|增长|提高|提升|上升|扩大|下降|减少|降低|降|增|升|跃升|回落)?(?:到|至)")


@dataclass
class _SentenceCues:
    """Where the period and kind cues of one sentence stand, found once per sentence:
    each question about a mention is then "does cue X stand before position p"."""

    first: dict[str, int]  # cue → first absolute position in the sentence (_INF if absent)
    plans: list[tuple[int, int]]  # (position, plan end year) of 十二五-style plan names
    bases: list[tuple[int, int]]  # (end position, year) of 比2010年-style base years
    to_years: list[tuple[int, int]]  # (position, year) of 到2020年-style horizons
    sent_year: tuple[int, int] | None  # a year opening the sentence (2011年，…): (end, year)
    multi_anywhere: bool  # 年均 anywhere in the sentence

    @classmethod
    def of(cls, cue_index: _CueIndex, text: str, s0: int, s1: int) -> _SentenceCues:
        msy = _SENT_YEAR.match(text, s0)
        return cls(
            first={key: cue_index.first(key, s0, s1) for key in cue_index.FIRST},
            plans=cue_index.within("plan", s0, s1),
            bases=cue_index.within("base", s0, s1),
            to_years=cue_index.within("to_year", s0, s1),
            sent_year=(msy.end(), int(msy.group(1))) if msy else None,
            multi_anywhere="年均" in text[s0:s1],
        )

    def before(self, key: str, pos: int) -> bool:
        return self.first[key] < pos

    def plan_before(self, pos: int) -> int | None:
        found = [end for at, end in self.plans if at < pos]
        return found[-1] if found else None

    def base_before(self, pos: int) -> int | None:
        found = [y for end, y in self.bases if end <= pos]
        return found[-1] if found else None


class _CueIndex:
    """Every cue match of a report, found in one scan per cue; sentences then look up
    their share by bisection instead of scanning their text again for each cue."""

    FIRST = ("ahead", "back", "this_year", "target", "past", "single", "multi")

    def __init__(self, text: str, year: int):
        p = _patterns()
        pos: dict[str, list[int]] = {key: [m.start() for m in p[key].finditer(text)] for key in
                                     ("ahead", "back", "this_year", "target")}
        relative = [(m.start(), m.end()) for m in _BASE_RELATIVE.finditer(text)]
        rel_starts = [a for a, _ in relative]

        def in_relative(x: int) -> bool:
            i = bisect.bisect_right(rel_starts, x) - 1
            return i >= 0 and relative[i][0] <= x < relative[i][1]

        pos["past"] = [m.start() for m in p["past"].finditer(text) if not in_relative(m.start())]
        pos["single"] = [m.start() for m in _single_year(year).finditer(text)]
        pos["multi"] = [m.start() for m in _MULTI_YEAR.finditer(text)]
        self.pos = pos
        plan_end = cues()["plan_end"]
        self.items: dict[str, list[tuple[int, int]]] = {
            "plan": [(m.start(), plan_end[m.group(1)]) for m in p["plan"].finditer(text)],
            "base": [(m.end(), int(m.group(1))) for m in p["base_year"].finditer(text)],
            "to_year": [(m.start(), int(m.group(1))) for m in _TO_YEAR.finditer(text)],
        }
        self.item_pos = {k: [a for a, _ in v] for k, v in self.items.items()}

    def first(self, key: str, s0: int, s1: int) -> int:
        lst = self.pos[key]
        i = bisect.bisect_left(lst, s0)
        return lst[i] if i < len(lst) and lst[i] < s1 else _INF

    def within(self, key: str, s0: int, s1: int) -> list[tuple[int, int]]:
        at = self.item_pos[key]
        return self.items[key][bisect.bisect_left(at, s0) : bisect.bisect_left(at, s1)]


@functools.cache
def _single_year(year: int) -> re.Pattern[str]:
    return re.compile(rf"{_SINGLE_YEAR.pattern}|{year - 1}年")


class _Context:
    """Per-report context that does not change from sentence to sentence: paragraph
    roles, the multi-year reading of each paragraph and top-level section."""

    def __init__(self, text: str, sections: list[Section], year: int):
        self.text = text
        self.sections = sections
        self.year = year
        self.para_roles = _paragraph_roles(text, sections)
        self.para_starts = [s for s, _ in self.para_roles]
        self._para_cache: dict[int, tuple[int, int, list[tuple[int, int]]]] = {}
        self.top = [s for s in sections if s.parent is None]

    def role(self, pos: int) -> str:
        return self.para_roles[bisect.bisect_right(self.para_starts, pos) - 1][1]

    def _para(self, pos: int) -> tuple[int, int, list[tuple[int, int]]]:
        start = self.text.rfind("\n", 0, pos) + 1
        if start not in self._para_cache:
            end = self.text.find("\n", start)
            end = len(self.text) if end < 0 else end
            single = _single_year(self.year).search(self.text, start, end)
            multi = _MULTI_YEAR.search(self.text, start, end)
            tos = [(m.start(), int(m.group(1))) for m in _TO_YEAR.finditer(self.text, start, end)]
            self._para_cache[start] = (single.start() if single else _INF, multi.start() if multi else _INF, tos)
        return self._para_cache[start]

    def five_year(self, cues_: _SentenceCues, pos: int) -> bool:
        """Whether `pos` stands in a statement about several years (过去五年, 十二五时期...):
        the sentence decides, then its paragraph, then the enclosing top-level section."""
        if cues_.before("single", pos):
            return False
        if cues_.before("multi", pos) or cues_.multi_anywhere:
            return True
        single, multi, _ = self._para(pos)
        if single < pos:
            return False
        if multi < pos:
            return True
        for s in self.top:
            if s.start <= pos < s.end:
                return bool(re.search(r"五年|十.五|任期|届", s.title)) and not re.search(r"一年|去年|\d{4}年", s.title)
        return False

    def horizon(self, cues_: _SentenceCues, s0: int, pos: int) -> tuple[int, str] | None:
        """A future year the plan aims at (到2021年): in this sentence, or earlier in its paragraph."""
        found = [y for at, y in cues_.to_years if at < pos]
        if found and max(found) > self.year:
            return max(found), "sentence"
        found = [y for at, y in self._para(pos)[2] if at < s0]
        if found and max(found) > self.year:
            return max(found), "paragraph"
        return None


# --------------------------------------------------------------------------- main


def extract(text: str, sections: list[Section], meta: ReportMeta, taxonomy: Taxonomy | None = None) -> list[Fact]:
    """All facts of one report, in text order."""
    taxonomy = taxonomy or Taxonomy.load()
    p = _patterns()
    year = meta.year
    ctx = _Context(text, sections, year)
    cue_index = _CueIndex(text, year)
    section_index = _Sections(sections)
    estimate_from: int | None = None
    m_note = p["estimate_note"].search(text)
    if m_note:  # the note covers the figure it is attached to and everything after it
        estimate_from = max(text.rfind(ch, 0, m_note.start()) for ch in "，。；\n") + 1
    facts: list[Fact] = []
    all_mentions = _find_mentions(text)
    mention_starts = [m.start for m in all_mentions]
    last_place = ""  # the place group that opened the previous sentence
    for s0, s1 in _sentence_spans(text):
        head_place = _PLACE_HEAD.match(text, s0)
        its_place = head_place.group() if head_place else last_place  # this sentence's, or the last one's
        last_place = head_place.group() if head_place else ""
        lo = bisect.bisect_left(mention_starts, s0)
        hi = bisect.bisect_left(mention_starts, s1)
        if lo == hi:
            continue
        mentions = all_mentions[lo:hi]
        sentence = text[s0:s1]
        role = ctx.role(s0)
        sc = _SentenceCues.of(cue_index, text, s0, s1)
        est_pos = None
        me = p["estimate"].search(sentence)
        if me:
            est_pos = s0 + me.start()
        scope = ""
        sent_facts: list[Fact] = []
        prev_end = s0
        last_raw: Fact | None = None
        prev_name = ""
        prev_name_start = s0
        clause_start = s0
        for m in mentions:
            # clause boundaries between the previous mention and this one
            for cb in p["clause_break"].finditer(text, prev_end, m.start):
                clause_start = cb.end()
            clause_head = text[clause_start : m.start]
            sp = p["part"].match(text, clause_start, m.start) if clause_start < m.start else None
            if sp:
                scope = sp.group("scope")
            elif p["own"].match(clause_head):
                scope = ""
            elif its_place and _ITS.match(clause_head):
                scope = its_place  # 北三市开发取得新成果。…其固定资产投资…增长49.7%
            left = text[max(prev_end, clause_start) : m.start]
            name, name_start = _name_before(text, max(prev_end, clause_start), m.start)
            name = _strip_scope(name, scope)
            # other places quoted for comparison (全国 in a city report)
            if meta.region != "全国" and _CMP_OTHER.search(left):
                prev_end = m.end
                continue
            continues = bool(sent_facts) and (
                _LIST_SEP.fullmatch(left) is not None
                or (last_raw is not None and last_raw.measure == "share" and _TO_VALUE.fullmatch(left) is not None)
            )
            fact = _classify(text, m, left, name, name_start, prev_name, prev_name_start, year,
                             last_raw if continues else None)
            if fact is None:
                prev_end = m.end
                continue
            five = ctx.five_year(sc, m.start)
            from_value = bool(_FROM.search(left)) and bool(_TO_AFTER.match(text, m.end, m.end + 6))
            # period and kind
            period = sc.sent_year[1] if sc.sent_year and sc.sent_year[0] <= m.start else None
            near_period, near_base = _explicit_year(text, clause_start, m.start, year)
            base = sc.base_before(m.start)
            kind_target = role in ("targets", "tasks")
            if sc.before("ahead", m.start):
                period, kind_target = year + 4, True
                fact.base_period = fact.base_period or (year - 1 if fact.measure in ("avg_growth", "cum_growth") else None)
            plan_end = sc.plan_before(m.start)
            if plan_end:
                if plan_end >= year:
                    period, kind_target = plan_end, True
                else:
                    period = plan_end
                if fact.measure in ("avg_growth", "cum_growth") and fact.base_period is None:
                    fact.base_period = plan_end - 5
            if near_period:
                period = near_period
            if near_base and fact.measure in ("avg_growth", "cum_growth", "change_pp", "level"):
                fact.base_period = fact.base_period or near_base
            elif base and fact.measure in ("avg_growth", "cum_growth") and fact.base_period is None:
                fact.base_period = base
            if sc.before("back", m.start) and fact.measure in ("avg_growth", "cum_growth"):
                fact.base_period = fact.base_period or year - 6
            if sc.before("past", m.start) and period is None:
                period, kind_target = year - 1, False
            horizon = ctx.horizon(sc, s0, m.start)
            if horizon and not near_period and (
                horizon[1] == "sentence" or fact.measure in ("avg_growth", "cum_growth")
            ):
                period, kind_target = horizon[0], True
                if fact.measure in ("avg_growth", "cum_growth") and fact.base_period is None:
                    fact.base_period = year - 1
            if from_value and not near_period:
                period = year - 6 if five else year - 2
            if five and fact.measure == "growth" and not kind_target and period in (None, year - 1):
                fact.measure = "cum_growth"
                fact.base_period = fact.base_period or year - 6
            if five and fact.measure == "avg_growth" and fact.base_period is None and not kind_target:
                fact.base_period = year - 6
            if period is None:
                if sc.before("this_year", m.start):
                    period, kind_target = year, True
                else:
                    period = year if kind_target else year - 1
            if period >= year and not kind_target and sc.before("target", m.start):
                kind_target = True
            if period < year:
                kind_target = False
            if kind_target:
                kind = "target"
            elif (est_pos is not None and est_pos < m.start) or (estimate_from is not None and m.start > estimate_from
                                                                 and role not in ("targets", "tasks")):
                kind = "estimate"
            else:
                kind = "actual"
            fact.period = period
            fact.kind = kind
            fact.scope = scope
            fact.report = meta.id
            last_raw = fact
            expanded = [f for f in _expand_subjects(fact, text, clause_start, m, mentions, sent_facts) if f.name]
            section = section_index.at(m.start)
            for f in expanded:
                f.indicator = _indicator(f, taxonomy)
                f.value_base, f.unit_base = _base(f)
                f.section = section.idx if section else None
            sent_facts.extend(expanded)
            prev_end = m.end
            if name and fact.measure in ("level", "share", "ratio") or (name and not prev_name):
                prev_name, prev_name_start = fact.name, fact.start
            elif name:
                prev_name, prev_name_start = fact.name, fact.start
        facts.extend(sorted(sent_facts, key=lambda f: (f.start, f.end)))
    for f in facts:
        f.quote = text[f.start : f.end]
    return facts


def _strip_scope(name: str, scope: str) -> str:
    if scope and name.startswith(scope):
        name = name[len(scope) :]
        name = _patterns()["name_strip_left"].sub("", name)
    return name


def _classify(
    text: str, m: Mention, left: str, name: str, name_start: int, prev_name: str, prev_name_start: int, year: int,
    prev: Fact | None = None,
) -> Fact | None:
    """Measure, sign, cmp and name of a mention from its left context; None for no fact."""
    p = _patterns()
    if prev is not None and (m.uclass == "percent") == (prev.unit in ("%", "个百分点")) and (
        prev.measure != "ratio" and m.uclass != "ratio"
    ):
        # 分别增长28.9%和25.4%: a list member takes the measure and name of the one before
        value = m.value
        if prev.measure != "level" and isinstance(prev.value, float) and prev.value < 0 and isinstance(value, float):
            value = -value
        unit = "个百分点" if m.unit in ("个百分点", "百分点") else m.unit
        if prev.measure == "cum_growth" and m.unit == "倍":
            value, unit = round((float(m.value) - 1) * 100, 6), "%"
        return Fact(report="", indicator=None, name=prev.name, scope="", period=0, kind="actual",
                    measure=prev.measure, value=value, unit=unit, cmp=m.cmp if m.cmp != "eq" else "eq", quote="",
                    start=prev.start, end=m.end, base_period=prev.base_period, value_hi=m.value_hi)
    tail = _TAIL_NOISE.sub("", left)
    if "定为" in tail or "目标" in tail:
        tail = _TARGET_TAIL.sub("", tail)
    tail = tail[-8:]
    measure = "level"
    value = m.value
    cmp = m.cmp
    base_period = None
    unit = m.unit
    if m.uclass == "flat":
        measure = "growth"
    elif m.uclass == "double":
        measure = "cum_growth"
        mb = re.search(r"(?:比|较)((?:19|20)\d\d)年", left)
        base_period = int(mb.group(1)) if mb else None
    elif m.uclass == "ratio":
        measure = "ratio"
    elif unit in ("个百分点", "百分点"):
        measure = "change_pp"
        unit = "个百分点"
        if p["down"].search(tail):
            value = -value
    elif unit == "倍":
        mb = re.search(r"(?:是|为|相当于)((?:19|20)\d\d)年的?$", left)
        if mb:
            measure, base_period, value = "cum_growth", int(mb.group(1)), round((value - 1) * 100, 6)
        elif p["up"].search(tail) or tail.endswith(("增长", "增加", "提高")):
            measure, value = ("cum_growth" if re.search(r"比(19|20)\d\d年|比五年前|累计", left) else "growth"), value * 100
        else:
            return None
        unit = "%"
        if cmp == "ge" and not m.value_hi:
            pass
    elif m.uclass == "percent":
        if p["avg"].search(left[-10:]):
            measure = "avg_growth"
        elif p["cum"].search(left[-12:]) or re.search(r"比(19|20)\d\d年(?:增长|提高|下降|减少)", left[-14:]):
            measure = "cum_growth"
        elif p["up"].search(tail) or p["down"].search(tail):
            measure = "growth"
        elif p["share_of_target"].search(left[-8:]) or re.search(r"(比重|占比|比例)[为达到了]*$", tail) or (
            "占" in left and not re.search(r"(增长|下降|提高)", left[left.rfind("占") :])
        ) or re.search(r"(比重|占比)(?:由|从)", left):
            measure = "share"
        elif re.search(r"(涨幅|增幅|增速|增长率|增长速度)(?:回落到|回落至|为|达到|控制在|保持在)?$", tail):
            measure = "growth"  # 居民消费价格涨幅3.5%: the rate is itself a growth
        if measure in ("growth", "avg_growth", "cum_growth") and p["down"].search(tail):
            value = -value
    absolute_change = m.uclass in ("money", "measure", "count") and bool(p["up"].search(tail) or p["down"].search(tail))
    if isinstance(value, float) and value < 0 and cmp in ("ge", "le"):
        cmp = "le" if cmp == "ge" else "ge"
    # cmp words before the number
    lt = left.rstrip()
    if cmp == "eq":
        if p["ge_before"].search(lt) or re.search(r"(超过|突破|不低于|高于|至少|不少于)[^，,；;]{0,3}$", lt):
            cmp = "ge"
        elif p["le_before"].search(lt) or (re.search(r"控制在", left) and measure in ("level", "growth")
                                            and text[m.end - 2 : m.end] in ("以内", "以下")):
            cmp = "le"
        elif p["approx_before"].search(lt):
            cmp = "approx"
        if cmp in ("ge", "le") and isinstance(value, float) and value < 0 and measure != "level":
            cmp = "le" if cmp == "ge" else "ge"
    quote_start = name_start if name else m.start
    fname = name
    nxt2 = text[m.end : m.end + 2]
    if measure == "level" and m.unit == "%" and (not name or _is_verb_only(name)) and (
        re.match(r"的[\u4e00-\u9fff]", nxt2) or (nxt2[:1] not in FOLLOW_OK and re.match(r"[\u4e00-\u9fff]", nxt2))
    ):
        measure = "share"  # 60%的事项实现“一枚印章管审批”: a share of the things named after it
        name = _name_after(text, m.end + (1 if text[m.end] == "的" else 0), min(len(text), m.end + 30))
        name_start = m.start
    if name == "人均" and prev_name and not prev_name.startswith("人均"):
        own = p["own"].match(prev_name)  # 全县地区生产总值…、人均… → 人均地区生产总值
        name = fname = "人均" + (prev_name[own.end() :] if own else prev_name)
    if not name or len(name) < 2 or _is_verb_only(name):
        noun_follows = bool(_CJK.match(text, m.end, m.end + 1))
        if m.uclass == "count" and noun_follows:
            fname = _name_after(text, m.end, min(len(text), m.end + 30)) or name  # 15个项目开工建设
            quote_start = m.start
        elif prev_name:
            fname = prev_name  # 增长13.5%, 达1073.5亿元: the subject of the sentence so far
            quote_start = prev_name_start
        elif m.uclass in ("count", "money", "measure"):
            fname = _name_after(text, m.end, min(len(text), m.end + 30)) or name
            quote_start = m.start
        else:
            fname = name or ""
    if not fname and "分别" not in left:
        return None
    if m.uclass in ("money", "measure", "count") and absolute_change and not fname.endswith(("增加", "减少")):
        fname += "增加" if p["up"].search(tail) else "减少"  # 比2011年增加8129元: a change, not the level
    return Fact(
        report="", indicator=None, name=fname, scope="", period=0, kind="actual", measure=measure, value=value,
        unit=unit if measure != "ratio" else "", cmp=cmp, quote="", start=quote_start, end=m.end,
        base_period=base_period, value_hi=m.value_hi if measure != "ratio" else None,
    )


def _is_verb_only(name: str) -> bool:
    return bool(_VERB_ONLY.fullmatch(name))


_SPLIT_NAMES = re.compile(r"(?:、|和|及|以及|与)")


def _expand_subjects(fact: Fact, text: str, clause_start: int, m: Mention, mentions: list[Mention],
                     sent_facts: list[Fact]) -> list[Fact]:
    """One fact per subject: 城乡居民 → urban and rural; A和B分别增长15% → A and B."""
    from dataclasses import replace

    name = fact.name
    brk = _patterns()["clause_break"].search(text, m.end)
    clause_end = brk.start() if brk else len(text)
    clause = text[clause_start:clause_end]
    # 分别 with several values: the values map to earlier subjects in order
    if "分别" in clause:
        vals = [x for x in mentions if clause_start <= x.start < clause_end and x.uclass == m.uclass]
        k = len(vals)
        idx = vals.index(m) if m in vals else 0
        parts = _subject_parts(name)
        if k >= 2:
            if len(parts) == k:
                return [replace(fact, name=parts[idx])]
            if _URBAN_RURAL.search(name) and k == 2:
                return [replace(fact, name=_urban_rural(name)[idx])]
            before = _previous_clause(text, clause_start)
            if not fact.name or fact.name == (sent_facts[-1].name if sent_facts else None) or len(parts) < 2:
                listed = _subject_parts(re.sub(r"(?:等)?(?:指标|目标|分别)$", "", before))
                if len(listed) == k:
                    return [replace(fact, name=listed[idx])]
            prev = [f for f in sent_facts if f.measure in ("level",) and f.unit != fact.unit] or sent_facts
            names = []
            for f in prev:
                if f.name not in names:
                    names.append(f.name)
            if len(names) >= k:
                target = names[-k:][idx]
                src = next(f for f in prev if f.name == target)
                return [replace(fact, name=target, scope=src.scope, start=min(fact.start, src.start))]
            return [fact]
        if len(parts) >= 2:
            return [replace(fact, name=part) for part in parts]
    if _SHARED.search(text, clause_start, m.start) and sent_facts and fact.name == sent_facts[-1].name:
        subjects: list[Fact] = []
        for f in sent_facts:
            if f.measure == "level" and f.name not in [g.name for g in subjects]:
                subjects.append(f)
        if len(subjects) >= 2:  # 一般公共预算收入…，社会消费品零售总额…，均比2010年翻了一番
            return [replace(fact, name=f.name, scope=f.scope, start=f.start) for f in subjects[-4:]]
    if _URBAN_RURAL.search(name):
        same = [x for x in mentions if clause_start <= x.start < clause_end and x.uclass == m.uclass]
        if len(same) == 2 and m in same:
            return [replace(fact, name=_urban_rural(name)[same.index(m)])]
        return [replace(fact, name=n) for n in _urban_rural(name)]
    return [fact]


def _subject_parts(name: str) -> list[str]:
    """技术合同成交额、发明专利授权量 → both; 规模以上工业总产值和增加值 → the second
    borrows the first's modifier when that makes a known indicator name."""
    parts = [x for x in _SPLIT_NAMES.split(name) if x]
    if len(parts) < 2:
        return [name]
    known = _known_names()
    first, last = parts[0], parts[-1]
    # 城镇、农村居民人均可支配收入: the short parts share the last part's tail
    for i, part in enumerate(parts[:-1]):
        if len(part) <= 3 and len(last) > len(part) + 2 and part[-1] != last[len(part) - 1]:
            parts[i] = part + last[len(part) :]
    first = parts[0]
    for i, part in enumerate(parts[1:], 1):
        if part in known or len(part) > 4:
            continue
        for k in (3, 2, 4):
            if len(first) > k and first[:-k] + part in known:
                parts[i] = first[:-k] + part
                break
    return parts


@functools.cache
def _known_names() -> frozenset[str]:
    return frozenset(Taxonomy.load()._by_name)


_URBAN_RURAL = re.compile(r"城乡(常住)?居民")
_SHARED = re.compile(r"(?<![年平人])均(?:比|较|增长|超过|突破|达到|翻|实现|在|为|提高|下降)")  # not 年均, 人均


def _urban_rural(name: str) -> list[str]:
    """城乡居民人均可支配收入 → the urban and the rural statistic (docs/facts.md)."""
    m = _URBAN_RURAL.search(name)
    assert m is not None
    resident = m.group(1) or ""
    rest = (name[m.end() :] or "人均可支配收入").replace("分别", "").replace("同比", "")
    rural = f"农村{resident}居民{rest}" if "可支配" in rest else "农民" + rest
    return [f"城镇{resident}居民{rest}", rural]


def _previous_clause(text: str, clause_start: int) -> str:
    """The clause before the one starting at `clause_start` (its subject list, often)."""
    end = clause_start - 1
    if end <= 0:
        return ""
    start = max(text.rfind(ch, 0, end) for ch in "，,；;：:。\n") + 1
    return text[start:end]


_GENERIC_PREFIX = re.compile(
    r"(?:全市|全省|全区|全县|全州|全盟|全旗|全国|我市|我省|我区|我县|全自治区|全年|全社会|全部|实现|完成|共|累计|年度|当年|今年|去年|"
    r"预计|初步预计|地区|本地|本级|区域|城乡居民|当地|年|，|、)*"
)


def _indicator(f: Fact, taxonomy: Taxonomy) -> str | None:
    """The canonical id when the name ends with a known name (after a generic prefix such
    as 全市) and the unit fits the indicator."""
    return _indicator_for(f.name, f.measure, f.unit, taxonomy)


_PARENS = re.compile(r"[（(][^）)]{0,12}[）)]")
_NAME_TAIL = re.compile(r"(总额|总量|完成|实现|达到|水平|增速|增幅|涨幅|年均|比重|分别|均)+$")
_SHARE_IDS = frozenset({"rd_intensity", "services_share", "hightech_share", "digital_economy_share"})


@functools.lru_cache(maxsize=65536)
def _indicator_for(raw: str, measure: str, unit: str, taxonomy: Taxonomy) -> str | None:
    from huibian.numbers import split_unit

    name = _NAME_TAIL.sub("", _PARENS.sub("", raw))  # 地区生产总值(GDP)
    by_name = taxonomy._by_name
    ind_id = None
    for candidate in (name, raw):
        # the longest known name that ends the candidate, preceded only by generic words
        for i in range(len(candidate)):
            suffix = candidate[i:]
            if suffix in by_name and _GENERIC_PREFIX.fullmatch(candidate[:i]):
                ind_id = by_name[suffix]
                break
        if ind_id:
            break
    if ind_id is None:
        return None
    ind = taxonomy.indicators[ind_id]
    if measure == "level" and ind.units:
        base = split_unit(unit)[1]
        if not any(split_unit(u)[1] == base for u in ind.units):
            return None
    if measure == "share" and ind_id not in _SHARE_IDS:
        return None
    if ind_id == "gdp" and measure == "level" and unit == "%":
        return None
    return ind_id


def _base(f: Fact) -> tuple[float | None, str | None]:
    if isinstance(f.value, str) or f.measure != "level":
        return (None, None) if isinstance(f.value, str) else (float(f.value), f.unit)
    return to_base(float(f.value), f.unit)
