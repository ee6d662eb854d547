"""The extractor's named rules for period, kind and measure.

After a mention is read (value, unit, measure, cmp, name), these rules decide which years
it is about and whether it is a target, an estimate or an actual, from one context
object (`Where`) and the time frames of the report (timeframe.py). Each rule is a small
function that returns True when it fired; the names of the rules that fired are kept on
the fact (Fact.rules), so `huibian show ID --facts --explain` can say why a fact is what it
is, and any rule can be switched off in ExtractConfig to measure what it is worth
(`huibian eval --ablate RULE`, `benchmarks/rule_impact.py --ablate RULE`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from huibian.extract.mentions import Mention
from huibian.extract.timeframe import Frame, Timeline
from huibian.models import Fact


@dataclass(frozen=True)
class ExtractConfig:
    """Which rules run: all but the `disabled` ones (names as in `RULES`)."""

    disabled: frozenset[str] = frozenset()

    def on(self, rule: str) -> bool:
        return rule not in self.disabled


@dataclass
class Where:
    """Everything the rules may look at for one mention: the report, its sentence and
    clause, the mention and the words before it, the paragraph's role and the timeline."""

    text: str
    year: int  # the report year (the year it plans)
    now: int  # the year its 今年 means (year - 1 for a report delivered in Oct–Dec)
    s0: int  # sentence start
    clause_start: int
    m: Mention
    left: str  # the words between the previous mention (or the clause start) and this one
    role: str  # review / problems / targets / tasks / other
    timeline: Timeline
    target_cue: bool  # 力争, 确保, 目标 ... before the mention in its sentence
    estimate_cue: bool  # 预计, 初步核算 ... before the mention in its sentence
    estimate_note: bool  # after a （预计数，下同） note, outside the plan part
    total_cue: bool  # 累计 / 共计 governs the mention (its clause, or the list it leads)
    stock_cue: bool  # 达到 / 余额 / 总数 before the number in its clause: a stock, not a flow
    statistic: str | None  # the name's indicator, if any: what it is over a span ("sum" or "level")
    spans: tuple[Frame | None, ...]  # the paragraph's and the section's frames, for 由A到B
    from_value: bool  # the first value of 由A提高到B
    to_value: bool  # the second: where the quantity stood at the end
    config: ExtractConfig

    @property
    def plan_part(self) -> bool:
        return self.role in ("targets", "tasks")


@dataclass
class Reading:
    """What the rules decide about one mention."""

    fact: Fact
    period: int | None = None
    target: bool = False
    frame: Frame | None = None
    rules: list[str] = field(default_factory=list)


_ON_TOP_BEFORE = re.compile(r"在(?:上年|去年)")
_ON_TOP_AFTER = re.compile(r"[^，。；]{0,8}的基础上")

Rule = Callable[[Where, Reading], bool]
RULES: dict[str, tuple[Rule, str]] = {}  # name → (function, what it does), in the order they run


def rule(name: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[name] = (fn, (fn.__doc__ or "").strip().splitlines()[0])
        return fn

    return register


def apply(w: Where, r: Reading) -> None:
    """Run every rule that is on, in order; record the ones that fired."""
    for name, (fn, _) in RULES.items():
        if w.config.on(name) and fn(w, r):
            r.rules.append(name)


# rules outside the cascade that ExtractConfig can switch off too (the naming step's)
SWITCHED_ELSEWHERE = ("indicator.local_part", "scope.paragraph", "scope.share_of_place", "indicator.part_of_year")


def switchable(name: str) -> bool:
    """Whether `--ablate` can switch the rule off (the mention grammar's rules it cannot)."""
    return name in RULES or name in SWITCHED_ELSEWHERE


def known_rules() -> list[str]:
    """Every rule name: the period/kind/measure rules in the order they run, then the
    mention grammar's and the naming step's."""
    return list(RULES) + [r for r in MEASURE_RULES if r not in RULES]


def describe(name: str) -> str:
    """What a rule does, in one line (for --explain); measure rules are named by the mention grammar."""
    if name in RULES:
        return RULES[name][1]
    return MEASURE_RULES.get(name, "")


# rules that the mention grammar (facts._classify) records as it reads a mention
MEASURE_RULES = {
    "measure.growth": "增长/下降 X%: growth in percent, negative for a fall",
    "measure.avg_growth": "年均 X%: average annual growth",
    "measure.cum_growth": "累计增长 / 比2010年增长 X%: growth over several years",
    "measure.multiple": "是2005年的2.4倍 / 增长2倍 / 翻一番: a multiple as growth in percent",
    "measure.share": "比重 / 占 X%: a share of a whole",
    "measure.change": "增加 / 减少 an amount: an absolute change in the figure's own unit",
    "measure.change_pp": "X个百分点: a change in percentage points",
    "measure.rate": "涨幅 / 增速 X%: a growth rate named as such",
    "measure.ratio": "A:B:C: a ratio",
    "list.member": "分别 A、B: a list member takes the measure and name of the one before",
    "cmp.before": "超过 / 不低于 / 控制在…以内 / 约 before the number: the qualifier",
    "cmp.after": "以上 / 以内 / 左右 after the number: the qualifier",
    "name.before": "the quantity's name: the words before the number",
    "name.subject": "no name before the number: the subject of the sentence so far",
    "name.after": "a count first: the things counted after the number",
    "subjects.each": "A和B分别 / 城乡居民: one fact per subject",
    "subjects.shared": "…均增长: the subjects of the group that lack the figure",
    "subjects.year": "一季度、上半年…和全年分别增长: the whole year's figure, of the subject named before",
    "indicator.name": "the indicator of the name's head (taxonomy.py)",
    "indicator.local_part": "地方财政收入 stated as the local part of a wider total: general_budget_revenue",
    "indicator.share_kind": "an indicator that is a share (研发投入强度 X%): measure share",
    "scope.part": "a part of the region named before the figure (开发区, 县域, 四县(市))",
    "scope.its": "其 after a sentence that opened with a place group",
    "scope.paragraph": "a zone or district that opens the paragraph",
    "scope.share_of_place": "农村GDP占全市的47.3%: the part before the figure's name is its scope",
    "indicator.part_of_year": "一季度 / 上半年 / 1-11月 before the figure: a part of the year, not the year's indicator",
}


# -- period and frame --------------------------------------------------------------


@rule("frame.sentence")
def frame_sentence(w: Where, r: Reading) -> bool:
    """The nearest time words before the figure in its sentence (2000年，… “九五”期间 … 到2020年) set its years."""
    f = w.timeline.in_sentence(w.s0, w.m.start)
    return _take(r, f, w)


@rule("frame.paragraph")
def frame_paragraph(w: Where, r: Reading) -> bool:
    """Else the time words that open its paragraph (过去五年，… / “十五”时期…目标是：) or a heading line above it."""
    return r.frame is None and _take(r, w.timeline.paragraph(w.m.start), w)


@rule("frame.section")
def frame_section(w: Where, r: Reading) -> bool:
    """Else the time words of the title of the section it stands in (“十五”时期政府工作的目标和任务)."""
    return r.frame is None and _take(r, w.timeline.section(w.m.start), w)


def _take(r: Reading, f: Frame | None, w: Where | None = None) -> bool:
    if f is None:
        return False
    r.frame, r.period, r.target = f, f.end, f.future
    if f.source == "whole_year" and w is not None and w.plan_part:
        r.period, r.target = w.year, True  # 全年 in the plan part: the year planned
    return True


@rule("period.role")
def period_role(w: Where, r: Reading) -> bool:
    """No time words: a figure in the plan part is for the report year, a review figure for the year before."""
    if r.frame is not None:
        return False
    r.period, r.target = (w.year, True) if w.plan_part else (w.year - 1, False)
    return True


@rule("period.horizon")
def period_horizon(w: Where, r: Reading) -> bool:
    """A target 年均 / 累计 with no years of its own: the plan named above it, or, in a plan's first year, that plan."""
    f = r.fact
    if not r.target or f.measure not in ("avg_growth", "total"):
        return False
    if r.frame is not None and (r.frame.span or r.frame.end > w.year):
        return False  # the years are named (“十四五”时期…, 到2026年…)
    ahead = w.timeline.horizon_before(w.m.start)
    if ahead is not None:
        r.period, f.base_period = ahead.end, f.base_period or ahead.base()
        return True
    if (w.year - 1) % 5 == 0:  # 2001, 2006 … 2021: a new plan's first year
        r.period, f.base_period = w.year + 4, f.base_period or w.year - 1
        return True
    return False


@rule("period.on_top_of")
def period_on_top_of(w: Where, r: Reading) -> bool:
    """在上年增长15.7%的基础上又增长14.5% in a review: the first figure is the year before the one reviewed."""
    if w.plan_part or r.frame is None or r.frame.source != "relative" or r.frame.end != w.now - 1:
        return False
    if any(f is not None and f.future for f in w.spans):
        return False  # in a plan, 在去年…的基础上 is last year itself
    if not _ON_TOP_BEFORE.search(w.text, w.clause_start, w.m.start) or not _ON_TOP_AFTER.match(w.text, w.m.end):
        return False
    r.period = r.frame.end - 1
    return True


@rule("period.from_value")
def period_from_value(w: Where, r: Reading) -> bool:
    """由A提高到B: A is the level the span started from (the year before it began, or the year before)."""
    if not w.from_value or (r.frame is not None and r.frame.source in ("year", "year_span") and r.frame.level == "sentence"
                            and r.frame.at > w.clause_start):
        return False  # 由2010年的X: the year is named
    span = next((f for f in (r.frame, *w.spans) if f is not None and f.span and not f.future), None)
    r.period = span.base() if span is not None else (r.period or w.year) - 1
    r.target = False
    return True


# -- measure over a span -----------------------------------------------------------


@rule("span.total")
def span_total(w: Where, r: Reading) -> bool:
    """累计 / 共 an amount over several years (五年累计完成投资1260亿元): a total, not one year's level."""
    f = r.fact
    if f.measure != "level" or not w.total_cue or w.m.uclass not in ("money", "measure", "count") or w.to_value:
        return False
    if r.frame is None or not r.frame.span:
        return False
    f.measure = "total"
    f.base_period = f.base_period or r.frame.base()
    return True


@rule("span.flow_total")
def span_flow_total(w: Where, r: Reading) -> bool:
    """What was done over a past span (五年来新建…, a five-year review's 淘汰黄标车694辆): a total; a stock (达到, 余额) stays a level."""
    f = r.fact
    if f.measure != "level" or w.m.uclass not in ("money", "measure", "count") or w.from_value or w.to_value:
        return False
    if r.frame is None or not r.frame.span or r.frame.future:
        return False
    if w.stock_cue or (r.frame.level == "section" and r.frame.mixed):
        return False  # under “十三五”时期和2020年工作回顾 a paragraph's deeds may be the last year's
    if w.statistic == "level" or (w.statistic == "sum" and r.frame.level == "section" and _one_year(w)):
        # GDP, income in a five-year review: the last year's; investment, jobs, capital attracted: their
        # sum, unless the sentence compares the figure with one year (比上年增长30%, 是2006年的3.2倍)
        return False
    f.measure = "total"
    f.base_period = f.base_period or r.frame.base()
    return True


_ONE_YEAR = re.compile(r"比上年|较上年|比去年|同比|是(?:19|20)\d\d年的|比(?:19|20)\d\d年|创历史新高"
                       r"|连续[\d一二三四五六七八九十]+年|(?<![均计])(?:增长|下降)[\d.]+%")


def _one_year(w: Where) -> bool:
    """Whether the figure's clause and the rest of its sentence (to ；or 。) speak of one year."""
    stop = re.compile(r"[；;。\n]").search(w.text, w.m.end, w.m.end + 120)
    return _ONE_YEAR.search(w.text, w.clause_start, stop.start() if stop else w.m.end + 120) is not None


@rule("span.cum_growth")
def span_cum_growth(w: Where, r: Reading) -> bool:
    """增长X% over a span stated in its sentence or paragraph (五年来…增长, a plan's 下降15%): growth over the span."""
    f = r.fact
    if f.measure != "growth" or r.frame is None or not r.frame.span:
        return False
    if r.frame.level == "section" and not r.frame.future and "measure.multiple" not in f.rules:
        return False  # a five-year review title alone does not make a paragraph's 增长X% cumulative (增长1.3倍 is)
    f.measure = "cum_growth"
    f.base_period = f.base_period or r.frame.base()
    return True


@rule("span.base")
def span_base(w: Where, r: Reading) -> bool:
    """年均增长 / 累计增长 / a total over a span: counted from the year before the span began."""
    f = r.fact
    if f.measure not in ("avg_growth", "cum_growth", "total") or f.base_period is not None:
        return False
    if r.frame is not None and r.frame.span:
        f.base_period = r.frame.base()
    elif r.target and f.measure in ("avg_growth", "cum_growth"):
        f.base_period = w.year - 1  # a plan's 年均增长 counts from the year before it
    else:
        return False
    return True


@rule("base.named")
def base_named(w: Where, r: Reading) -> bool:
    """比2010年 / 是2005年的 / 比上年 in the clause: the year a change counts from."""
    f = r.fact
    if f.measure not in ("avg_growth", "cum_growth", "total", "change", "change_pp"):
        return False
    bases = w.timeline.bases_between(w.clause_start, w.m.start)
    if not bases:
        return False
    f.base_period = bases[-1]
    return True


# -- kind --------------------------------------------------------------------------


@rule("base.cum_growth")
def base_cum_growth(w: Where, r: Reading) -> bool:
    """增长X% counted from a named year before last year (比2011年分别下降84%): growth over several years."""
    f = r.fact
    if f.measure != "growth" or r.period is None:
        return False
    bases = w.timeline.bases_between(w.clause_start, w.m.start)
    if not bases or bases[-1] >= r.period - 1:
        return False
    f.measure, f.base_period = "cum_growth", bases[-1]
    return True


def _to_target(w: Where, r: Reading, cue: bool) -> bool:
    """A figure for the report year or later becomes a target when `cue` says so."""
    if r.target or r.period is None or r.period < w.year or not cue:
        return False
    r.target = True
    return True


@rule("kind.target_cue")
def kind_target_cue(w: Where, r: Reading) -> bool:
    """力争 / 确保 / 目标 before a figure for the report year or later: a target."""
    return _to_target(w, r, w.target_cue)


@rule("kind.plan_part")
def kind_plan_part(w: Where, r: Reading) -> bool:
    """A figure for the report year or later in the plan part: a target."""
    return _to_target(w, r, w.plan_part)


@rule("kind.past")
def kind_past(w: Where, r: Reading) -> bool:
    """A figure for a year before the report year is never a target."""
    if not r.target or r.period is None or r.period >= w.year:
        return False
    r.target = False
    return True


@rule("kind.estimate")
def kind_estimate(w: Where, r: Reading) -> bool:
    """预计 / 初步核算 earlier in the sentence, or a （预计数，下同） note before it: an estimate."""
    return not r.target and (w.estimate_cue or w.estimate_note)


@rule("cmp.cap")
def cmp_cap(w: Where, r: Reading) -> bool:
    """A target 控制在 X (城镇登记失业率控制在4.5%) is a ceiling; a review's 控制在 X states what was achieved."""
    f = r.fact
    if not r.target or f.cmp != "eq" or f.measure not in ("level", "growth") or not w.left.rstrip().endswith("控制在"):
        return False
    f.cmp = "le"
    return True


def kind_of(w: Where, r: Reading) -> str:
    if r.target:
        return "target"
    if "kind.estimate" in r.rules:
        return "estimate"
    return "actual"
