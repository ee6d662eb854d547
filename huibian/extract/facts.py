"""extract(): a report's facts, sentence by sentence. Each number mention is classified
from its left context (measure, sign, cmp, name), then given its scope, period and kind
from where it stands, split into one fact per subject, and mapped to an indicator."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from huibian.chars import HAN, YEAR
from huibian.extract.context import Context, Sections, sentence_spans
from huibian.extract.cues import CJK, alt, cues, patterns
from huibian.extract.mentions import FOLLOW_OK, Mention, find_mentions
from huibian.extract.naming import (
    URBAN_RURAL,
    expand_subjects,
    indicator,
    name_after,
    name_before,
    strip_scope,
)
from huibian.extract.rules import ExtractConfig, Reading, Where, apply, kind_of
from huibian.extract.timeframe import Timeline
from huibian.models import Fact, ReportMeta, Section
from huibian.numbers import to_base
from huibian.taxonomy import Taxonomy

_TO_VALUE = re.compile(r"(?:增加|增长|提高|提升|上升|扩大|下降|减少|降低|降|增|升|跃升|回落)?(?:到|至)(?:去年|上年|今年)?(?:底|末)?的?")
# a list member, or the higher figure a target adds (增长7.5%，力争达到8%; 年均增长7%、力争7.5%)
_LIST_SEP = re.compile(r"\s*(?:(?:、|和|及|与|，|,)\s*(?:(?:力争|争取|确保|力求|努力)(?:达到|实现)?)?|(?:力争|争取|力求)(?:达到|实现)?)")

# a group of places opening a sentence (北三市, 四县(市), 桃源县、鼎城区), which a later 其 refers to
_PLACE_HEAD = re.compile(
    r"(?:[东西南北]?[一二三四五六七八九十两]+(?:县\(市\)|县（市）|县市|县区|市|县|区|旗))+"
    rf"|(?:[{HAN}]{{1,6}}(?:县|区|市|旗)、)+[{HAN}]{{1,6}}(?:县|区|市|旗)"
)
_ITS = re.compile(r"其(?!中|他|余|次|实|间|后)")
_TARGET_TAIL = re.compile(r"(?:预期)?(?:目标)?(?:拟|确)?定为$|预期目标为?$|目标为$|(?<=增长)目标$")
_VERB_ONLY = re.compile(r"(新增|增长|下降|提高|达到|完成|实现|安置|培训|建成|新建|改造|解决|其中|共|投资|总投资|增速|增幅|累计|)+")
@functools.cache
def _tail_noise() -> re.Pattern[str]:
    """Words between a quantity and its growth that say how it was computed (比上年, 按可比价格计算)."""
    return re.compile(rf"(?:比上年|较上年|同比|比去年|分别|均|实际|{alt(cues()['qualifiers'])}|，|\s)+")
_CMP_OTHER = re.compile(r"(高于|低于|快于|慢于|超过|领先)(全国|全省|全区|全市)")
_TO_BEFORE = re.compile(r"(?:增长|增加|提高|提升|上升|扩大|下降|减少|降低|降|增|升|回落|发展)(?:到|至)(?:了)?$")
_BARE_INCREASE = re.compile(r"[，,、\s]*(?:比上年底?|较上年底?|同比)?(?:新增|多增|增加)了?")
_NET_BEFORE = re.compile(r"净增(?:加|长)?了?$")
_GAP = re.compile(r"(?:高于|低于|快于|慢于|好于|高出|低出|超出)(?!上年|去年|年初|同期)")
_FROM = re.compile(rf"(?:由|从)(?:{YEAR}年的?)?$")
_TO_AFTER = re.compile(r"\s*(?:增加|增长|提高|提升|上升|扩大|下降|减少|降低|降|增|升|跃升|回落)?(?:到|至)")


@dataclass
class _Report:
    """What stays the same for every sentence of one report."""

    text: str
    meta: ReportMeta
    taxonomy: Taxonomy
    config: ExtractConfig
    now: int  # the year its 今年 means
    roles: Context
    timeline: Timeline
    sections: Sections
    target_at: list[int]  # positions of 力争 / 目标 …
    estimate_from: int | None  # where a （预计数，下同） note starts covering
    local_part: bool  # 财政总收入…其中地方财政收入: 地方财政收入 is general_budget_revenue here

    @classmethod
    def of(cls, text: str, sections: list[Section], meta: ReportMeta, taxonomy: Taxonomy,
           config: ExtractConfig) -> _Report:
        p = patterns()
        year = meta.year
        # a report delivered in Oct–Dec plans the next year: its 今年 is the year it reviews and
        # its 明年 the year it plans (a 2022-12 report is 永州市-2023; 预计今年增长5.5% is 2022)
        late = bool(meta.date) and meta.date[5:7] in ("10", "11", "12") and meta.date[:4] == str(year - 1)
        now = year - 1 if late else year
        estimate_from = None
        m_note = p["estimate_note"].search(text)
        if m_note:  # the note covers the figure it is attached to and everything after it
            estimate_from = max(text.rfind(ch, 0, m_note.start()) for ch in "，。；\n") + 1
        return cls(text, meta, taxonomy, config, now, Context(text, sections, year), Timeline(text, sections, year, now),
                   Sections(sections), [m.start() for m in p["target"].finditer(text)], estimate_from,
                   p["revenue_local_part"].search(text) is not None)


@dataclass
class _Subject:
    """The quantity the sentence is about so far: a figure without a name of its own takes it."""

    name: str = ""
    start: int = 0


def extract(text: str, sections: list[Section], meta: ReportMeta, taxonomy: Taxonomy | None = None,
            config: ExtractConfig | None = None) -> list[Fact]:
    """All facts of one report, in text order."""
    rep = _Report.of(text, sections, meta, taxonomy or Taxonomy.load(), config or ExtractConfig())
    facts: list[Fact] = []
    all_mentions = find_mentions(text)
    mention_starts = [m.start for m in all_mentions]
    last_place = ""  # the place group that opened the previous sentence
    for s0, s1 in sentence_spans(text):
        head_place = _PLACE_HEAD.match(text, s0)
        its_place = head_place.group() if head_place else last_place  # this sentence's, or the last one's
        last_place = head_place.group() if head_place else ""
        lo = bisect.bisect_left(mention_starts, s0)
        hi = bisect.bisect_left(mention_starts, s1)
        if lo < hi:
            facts.extend(_sentence(rep, s0, s1, all_mentions[lo:hi], its_place))
    for f in facts:
        f.quote = text[f.start : f.end]
    return facts


def _sentence(rep: _Report, s0: int, s1: int, mentions: list[Mention], its_place: str) -> list[Fact]:
    """The facts of one sentence: each mention read, placed in time, split by subject, named."""
    p = patterns()
    text, meta = rep.text, rep.meta
    role = rep.roles.role(s0)
    me = p["estimate"].search(text, s0, s1)
    est_pos = me.start() if me else None
    totals = [mt.start() for mt in p["total"].finditer(text, s0, s1)]
    first_target = _first_at(rep.target_at, s0, s1)
    scope = ""
    sent_facts: list[Fact] = []
    prev_end = s0
    last_raw: Fact | None = None
    subject = _Subject(start=s0)
    clause_start = s0
    for m in mentions:
        # clause boundaries between the previous mention and this one
        before = clause_start
        for cb in p["clause_break"].finditer(text, prev_end, m.start):
            clause_start = cb.end()
        aside = _ASIDE_END.search(text, max(prev_end, m.start - 24), m.start)
        if aside and clause_start > aside.start():
            # 增长（同比，下同）9%: a comma inside an aside right before the figure ends no clause
            clause_start = before
            for cb in p["clause_break"].finditer(text, prev_end, aside.start()):
                clause_start = cb.end()
        clause_head = text[clause_start : m.start]
        scope_rule = None
        sp = p["part"].match(text, clause_start, m.start) if clause_start < m.start else None
        if sp:
            scope, scope_rule = _SCOPE_LEAD.sub("", sp.group("scope")) or sp.group("scope"), "scope.part"
            if scope == "县域" and meta.level == "county":
                scope = ""  # a county's 县域 is the county itself
        elif p["own"].match(clause_head):
            scope = ""
        elif its_place and _ITS.match(clause_head):
            scope, scope_rule = its_place, "scope.its"  # 北三市开发取得新成果。…其固定资产投资…增长49.7%
        left = text[max(prev_end, clause_start) : m.start]
        name, name_start = name_before(text, max(prev_end, clause_start), m.start)
        name = strip_scope(name, scope)
        # other places quoted for comparison (全国 in a city report)
        if meta.region != "全国" and _CMP_OTHER.search(left):
            prev_end = m.end
            continue
        if _GAP.search(clause_head) and "百分点" in text[m.start : m.end + 6]:
            # 增速高于规模以上工业2个百分点, 低于预期目标0.5个百分点: a gap to another figure, not a change
            prev_end = m.end
            continue
        continues = last_raw is not None and (
            _LIST_SEP.fullmatch(left) is not None
            or (last_raw.measure == "share" and _TO_VALUE.fullmatch(left) is not None)
        )
        fact = _classify(text, m, left, name, name_start, subject, last_raw if continues else None)
        if fact is None:
            prev_end = m.end
            continue
        if fact.measure == "level" and m.uclass in ("money", "measure", "count", "people"):
            bare = _BARE_INCREASE.fullmatch(left)
            if _NET_BEFORE.search(left):  # 市场主体净增6.2万户: the change of a stock, not a level
                fact.measure = "change"
                fact.rules = (*fact.rules, "measure.change")
            elif (bare and last_raw is not None and last_raw.start >= s0 and last_raw.measure == "level"
                  and last_raw.unit == fact.unit and fact.name == last_raw.name):
                fact.name += "新增"  # 粮食总产量1357.8亿斤，新增49亿斤: the new part, not the total again
        where = Where(
            text=text, year=meta.year, now=rep.now, s0=s0, clause_start=clause_start, m=m, left=left, role=role,
            timeline=rep.timeline, target_cue=first_target < m.start,
            estimate_cue=est_pos is not None and est_pos < m.start,
            estimate_note=rep.estimate_from is not None and m.start > rep.estimate_from and role not in ("targets", "tasks"),
            total_cue=any(t < m.start and not _GROUP_BREAK.search(text, t, m.start) for t in totals),
            stock_cue=p["stock"].search(text, clause_start, m.start) is not None,
            statistic=_over_span(rep.taxonomy, fact),
            spans=(rep.timeline.paragraph(m.start), rep.timeline.section(m.start)),
            from_value=bool(_FROM.search(left)) and bool(_TO_AFTER.match(text, m.end, m.end + 6)),
            to_value=_TO_BEFORE.search(left) is not None,
            config=rep.config,
        )
        reading = Reading(fact)
        apply(where, reading)
        fact.period = reading.period if reading.period is not None else meta.year - 1
        fact.kind = kind_of(where, reading)
        fact.scope = scope
        fact.report = meta.id
        fact.rules = tuple(fact.rules) + tuple(reading.rules) + ((scope_rule,) if scope_rule and scope else ())
        last_raw = fact
        expanded = [f for f in expand_subjects(fact, text, clause_start, m, mentions, rep.taxonomy, sent_facts, (s0, s1))
                    if f.name]
        section = rep.sections.at(m.start)
        for f in expanded:
            _name_indicator(rep, f, m, clause_start)
            f.value_base, f.unit_base = _base(f)
            f.section = section.idx if section else None
        sent_facts.extend(expanded)
        prev_end = m.end
        if name or (fact.name and fact.start == m.start):
            # a name before the number, or the things a count names after it (23个重点转型项目
            # 进展顺利，完成投资22亿元: the investment is the projects', not the GDP's before them)
            subject = _Subject(fact.name, fact.start)
    return sorted(sent_facts, key=lambda f: (f.start, f.end))


def _name_indicator(rep: _Report, f: Fact, m: Mention, clause_start: int) -> None:
    """The indicator of a fact's name, and the naming step's rules: a part's share of the
    place, a zone the paragraph is about, the local part of a stated revenue total."""
    p = patterns()
    on = rep.config.on
    f.indicator = indicator(f, rep.taxonomy)
    if f.indicator:
        f.rules = f.rules + ("indicator.name",)
    if (f.indicator and on("indicator.part_of_year") and "subjects.year" not in f.rules
            and p["part_of_year"].search(rep.text, clause_start, m.start)):
        f.indicator = None  # 一季度地区生产总值下降5%: a quarter's figure is not the year's GDP growth
        f.rules = f.rules + ("indicator.part_of_year",)
    if f.indicator and f.measure == "share" and not f.scope and on("scope.share_of_place"):
        part = _part_of_place(rep.taxonomy, f.name)  # 农村GDP已占全市的47.3%: 农村's share
        if part:
            f.scope = part
            f.rules = f.rules + ("scope.share_of_place",)
    if not f.scope and f.indicator in _AGGREGATES and on("scope.paragraph"):
        topic = _topic_part(rep.text, m.start, p["topic_part"])
        if topic:
            f.scope = topic  # 二是抓金普新区…。…新区…经济总量达到2296亿元: the zone's, not the city's
            f.rules = f.rules + ("scope.paragraph",)
    if f.indicator == "fiscal_revenue" and rep.local_part and on("indicator.local_part") and p["revenue_local"].search(f.name):
        f.indicator = "general_budget_revenue"
        f.rules = f.rules + ("indicator.local_part",)


_GROUP_BREAK = re.compile(r"[；;]")
_QUOTE_MAX = 200  # characters a list member's quote may span back to the list's name
_SCOPE_LEAD = re.compile(r"^(?:去年|今年|上年|全年|全市|全省|我市|我省|本市)+")
_ASIDE = re.compile(r"[（(][^）)]{0,16}[）)]")
_ASIDE_END = re.compile(r"[（(][^（(）)]{0,16}[）)]$")


_PART_NOISE = re.compile(r"^(?:[\W_]|全市|全省|全区|全县|我市|我省|我区|我县|本市|全社会|实现|完成|共|其中|提出|力争|确保)+"
                         r"|(?:的|已|实现|完成|引进|利用|规模以上|规上|全社会)+$")


def _part_of_place(taxonomy: Taxonomy, name: str) -> str:
    """The part whose share of the place a name states (农村GDP占全市 → 农村), or ''."""
    parsed = taxonomy.parse(name, "share")
    if parsed is None or not parsed.prefix or not taxonomy.is_whole_place(parsed.share_of):
        return ""
    part = _PART_NOISE.sub("", parsed.prefix)
    return part if len(part) >= 2 else ""


# indicators that add up over parts of a region: a zone's figure of these is not the city's
_AGGREGATES = frozenset({"gdp", "fixed_asset_investment", "fiscal_revenue", "general_budget_revenue", "trade_total",
                         "exports", "fdi", "retail_sales", "industrial_value_added", "domestic_investment_inflow"})


_TOPIC_REACH = 2000


def _topic_part(text: str, pos: int, pattern: re.Pattern[str]) -> str:
    """The zone a paragraph is about: named in its first sentence and referred to again
    (by its kind: 新区, 开发区) before `pos`."""
    start = text.rfind("\n", max(0, pos - _TOPIC_REACH), pos) + 1  # bounded: a giant line is no paragraph
    start = max(start, pos - _TOPIC_REACH)
    first_end = min((i for i in (text.find("。", start, pos), pos) if i >= 0), default=pos)
    m = pattern.search(text, start, first_end)
    if m is None:
        return ""
    kind = m.group("kind")
    if text.count(kind, m.end(), pos) < 1:
        return ""
    body = m.group("part")[: -len(kind)]
    return patterns()["topic_lead"].sub("", body) + kind


def _over_span(taxonomy: Taxonomy, fact: Fact) -> str | None:
    """For a name that stands for an indicator: what a figure of it over several years is."""
    ind = taxonomy.indicator_for(URBAN_RURAL.sub("城镇居民", fact.name), fact.measure, fact.unit)
    return taxonomy.indicators[ind].over_span if ind else None


def _first_at(positions: list[int], s0: int, s1: int) -> int:
    """The first position in [s0, s1), or a position past every mention."""
    i = bisect.bisect_left(positions, s0)
    return positions[i] if i < len(positions) and positions[i] < s1 else 1 << 60


def _classify(text: str, m: Mention, left: str, name: str, name_start: int, subject: _Subject,
              prev: Fact | None = None) -> Fact | None:
    """Measure, sign, cmp and name of a mention from its left context; None for no fact."""
    p = patterns()
    if prev is not None and (m.uclass == "percent") == (prev.unit in ("%", "个百分点")) and (
        prev.measure != "ratio" and m.uclass not in ("ratio", "flat", "double")
    ):  # (与上年持平 and 翻一番 state their own measure: 627.6亿元、与上年持平 is growth 0)
        # 分别增长28.9%和25.4%: a list member takes the measure and name of the one before
        value = m.value
        if prev.measure != "level" and isinstance(prev.value, float) and prev.value < 0 and isinstance(value, float):
            value = -value
        unit = "个百分点" if m.unit in ("个百分点", "百分点") else m.unit
        if prev.measure == "cum_growth" and m.unit == "倍":
            value, unit = round((float(m.value) - 1) * 100, 6), "%"
        # 跨越7000亿元、8000亿元两个台阶: a qualifier before the first figure qualifies the list
        cmp = m.cmp if m.cmp != "eq" or prev.cmp not in ("ge", "le") or "cmp.before" not in prev.rules else prev.cmp
        # the quote runs from the list's name to this figure, unless the list is long: then from
        # the figure's own clause (quotes must not grow with the list: linear on any text)
        start = prev.start if m.end - prev.start <= _QUOTE_MAX else max(prev.start, m.start - 20)
        return Fact(report="", indicator=None, name=prev.name, scope="", period=0, kind="actual",
                    measure=prev.measure, value=value, unit=unit, cmp=cmp, quote="",
                    start=start, end=m.end, base_period=prev.base_period, value_hi=m.value_hi,
                    rules=("list.member",))
    left = _ASIDE.sub("", left)  # 同比增长（以下简称“增长”）7%: the aside is no part of the cue
    tail = _tail_noise().sub("", left)
    if "定为" in tail or "目标" in tail:
        tail = _TARGET_TAIL.sub("", tail)
    tail = tail[-8:]
    measure = "level"
    value = m.value
    cmp = m.cmp
    base_period = None
    unit = m.unit
    why: list[str] = []
    if m.uclass == "flat":
        measure = "growth"
    elif m.uclass == "double":
        measure = "cum_growth"
        why.append("measure.multiple")
        mb = re.search(rf"(?:比|较)({YEAR})年", left)
        base_period = int(mb.group(1)) if mb else None
    elif m.uclass == "ratio":
        measure = "ratio"
    elif unit in ("个百分点", "百分点"):
        measure = "change_pp"
        why.append("measure.change_pp")
        unit = "个百分点"
        if p["down"].search(tail):
            value = -value
    elif unit == "倍":
        mb = re.search(rf"(?:是|为|相当于)({YEAR})年的?$", left)
        if mb:
            measure, base_period, value = "cum_growth", int(mb.group(1)), round((value - 1) * 100, 6)
        elif p["up"].search(tail) or tail.endswith(("增长", "增加", "提高")):
            over = re.search(rf"比{YEAR}年|比五年前|累计|比.{{1,8}}时期|[一二三四五六七八九十两\d]年(?:间|来)?(?:增长|增加|提高)", left)
            measure, value = ("cum_growth" if over else "growth"), value * 100
        else:
            return None
        why.append("measure.multiple")
        unit = "%"
        if cmp == "ge" and not m.value_hi:
            pass
    elif m.uclass == "percent":
        if p["avg"].search(left[-10:]):
            measure = "avg_growth"
            why.append("measure.avg_growth")
        elif p["cum"].search(left[-12:]) or re.search(rf"比{YEAR}年(?:增长|提高|下降|减少)", left[-14:]):
            measure = "cum_growth"
            why.append("measure.cum_growth")
        elif p["up"].search(tail) or p["down"].search(tail):
            measure = "growth"
            why.append("measure.growth")
        elif p["share_of_target"].search(left[-8:]) or re.search(r"(比重|占比|比例)[为达到了]*$", tail) or (
            "占" in left and not re.search(r"(增长|下降|提高)", left[left.rfind("占") :])
        ) or re.search(r"(比重|占比)(?:由|从)", left):
            measure = "share"
            why.append("measure.share")
        elif re.search(r"(涨幅|增幅|增速|(?<!自然)增长率|增长速度)(?:回落到|回落至|为|达到|控制在|保持在)?$", tail):
            measure = "growth"  # 居民消费价格涨幅3.5%: the rate is itself a growth
            why.append("measure.rate")
        if measure in ("growth", "avg_growth", "cum_growth") and p["down"].search(tail):
            value = -value
    if m.uclass in ("money", "measure", "count") and (p["up"].search(tail) or p["down"].search(tail)):
        measure = "change"  # 比上年增加8129元: an absolute change, negative for a fall
        if p["down"].search(tail):
            value = -value
        why.append("measure.change")
    if isinstance(value, float) and value < 0 and cmp in ("ge", "le"):
        cmp = "le" if cmp == "ge" else "ge"
    # cmp words before the number
    lt = left.rstrip()
    if cmp == "eq":
        if p["ge_before"].search(lt) or re.search(r"(超过|突破|不低于|高于|至少|不少于)[^，,；;]{0,3}$", lt):
            cmp = "ge"
            why.append("cmp.before")
        elif p["le_before"].search(lt) or (re.search(r"控制在", left) and measure in ("level", "growth")
                                            and text[m.end - 2 : m.end] in ("以内", "以下")):
            cmp = "le"
            why.append("cmp.before")
        elif p["approx_before"].search(lt):
            cmp = "approx"
            why.append("cmp.before")
        if cmp in ("ge", "le") and isinstance(value, float) and value < 0 and measure != "level":
            cmp = "le" if cmp == "ge" else "ge"
    quote_start = name_start if name else m.start
    fname = name
    nxt2 = text[m.end : m.end + 2]
    if measure == "level" and m.unit == "%" and (not name or _is_verb_only(name)) and (
        re.match(f"的[{HAN}]", nxt2) or (nxt2[:1] not in FOLLOW_OK and CJK.match(nxt2))
    ):
        measure = "share"  # 60%的事项实现“一枚印章管审批”: a share of the things named after it
        name = name_after(text, m.end + (1 if text[m.end] == "的" else 0), min(len(text), m.end + 30))
        name_start = m.start
    if name.startswith("占") and subject.name and not subject.name.startswith("占"):
        name = fname = subject.name + name  # 服务业增加值150亿元，占GDP比重45%: the subject's share
        why.append("name.subject")
    if name == "人均" and subject.name and not subject.name.startswith("人均"):
        own = p["own"].match(subject.name)  # 全县地区生产总值…、人均… → 人均地区生产总值
        name = fname = "人均" + (subject.name[own.end() :] if own else subject.name)
    if not name or len(name) < 2 or _is_verb_only(name):
        noun_follows = bool(CJK.match(text, m.end, m.end + 1))
        if m.uclass == "count" and noun_follows:
            fname = name_after(text, m.end, min(len(text), m.end + 30)) or name  # 15个项目开工建设
            quote_start = m.start
        elif subject.name:
            fname = subject.name  # 增长13.5%, 达1073.5亿元: the subject of the sentence so far
            quote_start = subject.start
        elif m.uclass in ("count", "money", "measure"):
            fname = name_after(text, m.end, min(len(text), m.end + 30)) or name
            quote_start = m.start
        else:
            fname = name or ""
    if not fname and "分别" not in left:
        return None
    return Fact(
        report="", indicator=None, name=fname, scope="", period=0, kind="actual", measure=measure, value=value,
        unit=unit if measure != "ratio" else "", cmp=cmp, quote="", start=quote_start, end=m.end,
        base_period=base_period, value_hi=m.value_hi if measure != "ratio" else None, rules=tuple(why),
    )


def _is_verb_only(name: str) -> bool:
    return bool(_VERB_ONLY.fullmatch(name))


def _base(f: Fact) -> tuple[float | None, str | None]:
    if isinstance(f.value, str) or f.measure != "level":
        return (None, None) if isinstance(f.value, str) else (float(f.value), f.unit)
    return to_base(float(f.value), f.unit)
