"""What a figure is about: the quantity's name before (or after) the number, without
its scope or lead-in words; one fact per subject when a clause lists several (A和B分别,
城乡居民); and the taxonomy indicator a name stands for."""

from __future__ import annotations

import re

from huibian.chars import YEAR
from huibian.extract.cues import cues, patterns
from huibian.extract.mentions import Mention
from huibian.extract.timeframe import strip_time
from huibian.models import Fact
from huibian.taxonomy import Taxonomy


def name_before(text: str, start: int, end: int) -> tuple[str, int]:
    """The quantity's name in text[start:end] (the clause left of a number) and where it starts."""
    p = patterns()
    seg = _ASIDE_END.sub("", text[start:end])  # 同比增长（以下简称增长）8%: the aside names nothing
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
    seg2 = strip_time(seg2)  # “九五”期间社会消费品零售总额 → the quantity, not its years
    return seg2, start


_ASIDE_END = re.compile(r"[（(][^（(）)]{0,16}[）)]\s*$")
_LEAD_IN = re.compile(r".{0,12}?(?:力争|确保|争取|努力实现|预计|初步预计|计划|要求)")


_LAST_CUT = re.compile(r"[，,；;：:。“](?=[^，,；;：:。“]*$)")
_YEAR_IN_NAME = re.compile(
    rf"(?:从|由|到|至|是|比|较|为|相当于|增长到|提高到|增加到|达到)?(?:{YEAR}年|去年|上年|今年|现在|目前|五年前)"
    r"(?:底|末|初)?(?:的)?|连续[\d一二三四五六七八九十]+年"
)


NAME_STOP = re.compile(r"[，,；;：:。、（(“\"]")


def name_after(text: str, pos: int, end: int) -> str:
    """Name for a number-first mention (15个项目开工建设): the words after it."""
    seg = text[pos:end]
    m = NAME_STOP.search(seg)
    if m:
        seg = seg[: m.start()]
    return seg[:20]


def strip_scope(name: str, scope: str) -> str:
    if scope and name.startswith(scope):
        name = name[len(scope) :]
        name = patterns()["name_strip_left"].sub("", name)
    return name


_SPLIT_NAMES = re.compile(r"(?:、|和|以及|(?<![普涉危以])及(?!时)|与)")  # not 普及率, 涉及


def expand_subjects(fact: Fact, text: str, clause_start: int, m: Mention, mentions: list[Mention], taxonomy: Taxonomy,
                     sent_facts: list[Fact], sentence: tuple[int, int]) -> list[Fact]:
    """One fact per subject: 城乡居民 → urban and rural; A和B分别增长15% → A and B."""
    from dataclasses import replace

    known = taxonomy.names
    name = fact.name
    s0, s1 = sentence  # every search below stays inside the sentence: linear on any text
    brk = patterns()["clause_break"].search(text, m.end, s1)
    clause_end = brk.start() if brk else s1
    clause = text[clause_start:clause_end]
    # 分别 with several values: the values map to earlier subjects in order
    if "分别" in clause or ("分别" in text[s0:clause_start] and _LIST_OF_TWO.search(clause)):
        # …分别达到2115亿元和1067亿元，按可比口径年均增长14.1%和14.7%: 分别 carries to the next list
        vals = [x for x in mentions if clause_start <= x.start < clause_end and x.uclass == m.uclass]
        k = len(vals)
        idx = vals.index(m) if m in vals else 0
        parts = _subject_parts(name, known, taxonomy)
        periods = [x for x in _SPLIT_NAMES.split(clause[: clause.find("分别")]) if x]
        if k >= 2 and len(periods) == k and all(_SUB_YEAR.fullmatch(part) for part in periods):
            # 一季度、上半年、前三季度和全年分别增长…: the whole year's figure is the year's fact, of
            # the subject named before the list; the parts of the year are not
            if not _WHOLE_YEAR.fullmatch(periods[idx]):
                return []
            before = _previous_clause(text, clause_start, s0)
            return [replace(fact, name=_SUBJECT_END.split(before)[0] or fact.name, rules=fact.rules + ("subjects.year",))]
        if k >= 2:
            if len(parts) < k and len(parts) + sum(bool(URBAN_RURAL.search(x)) for x in parts) == k:
                # …、城乡居民人均可支配收入分别达…、25202元和12091元: 城乡居民 are two subjects
                parts = [n for x in parts for n in (_urban_rural(x, fact.period) if URBAN_RURAL.search(x) else [x])]
            if len(parts) == k:
                return [replace(fact, name=parts[idx])]
            if URBAN_RURAL.search(name) and k == 2:
                return [replace(fact, name=_urban_rural(name, fact.period)[idx])]
            pair = _paired(name)
            if pair and k == 2:  # 存贷款余额分别增长1.5倍和1.3倍: 存款余额, then 贷款余额
                return [replace(fact, name=pair[idx])]
            before = _previous_clause(text, clause_start, s0)
            if not fact.name or fact.name == (sent_facts[-1].name if sent_facts else None) or len(parts) < 2:
                listed = _subject_parts(re.sub(r"(?:等)?(?:指标|目标|分别)$", "", before), known)
                if len(listed) == k and not any(_DIGIT.search(x) for x in listed):  # names, not 2115亿元和1067亿元
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
    parts = _subject_parts(name, known, taxonomy)
    if len(parts) >= 2 and all(taxonomy.indicator_for(part, fact.measure, fact.unit) for part in parts):
        # 城镇居民人均可支配收入和农民人均纯收入增长12%: each named quantity, in order when each has its figure
        same = [x for x in mentions if clause_start <= x.start < clause_end and x.uclass == m.uclass]
        if len(same) == len(parts) and m in same:
            return [replace(fact, name=parts[same.index(m)], rules=fact.rules + ("subjects.each",))]
        if len(same) == 1:  # GDP和城乡居民收入比2010年翻一番: GDP, and the urban and the rural income
            return [replace(fact, name=n, rules=fact.rules + ("subjects.each",)) for part in parts
                    for n in (_urban_rural(part, fact.period) if URBAN_RURAL.search(part) and fact.measure != "level"
                              else [part])]
    if _SHARED.search(text, clause_start, m.start) and sent_facts and fact.name == sent_facts[-1].name:
        # the subjects of this semicolon group that have no figure of this kind yet
        group = max(text.rfind("；", s0, clause_start), text.rfind(";", s0, clause_start))
        subjects: list[Fact] = []
        for f in sent_facts:
            done = any(g.name == f.name and g.measure == fact.measure for g in sent_facts)
            if f.start > group and f.measure == "level" and not done and f.name not in [g.name for g in subjects]:
                subjects.append(f)
        if len(subjects) >= 2:  # 一般公共预算收入…，社会消费品零售总额…，均比2010年翻了一番
            return [replace(fact, name=f.name, scope=f.scope, start=f.start) for f in subjects[-4:]]
    if URBAN_RURAL.search(name):
        same = [x for x in mentions if clause_start <= x.start < clause_end and x.uclass == m.uclass]
        if len(same) == 2 and m in same:
            return [replace(fact, name=_urban_rural(name, fact.period)[same.index(m)])]
        if fact.measure == "level" and "收入" in name:
            # one level for 城乡居民 as a whole is the all-resident figure (facts.md)
            return [replace(fact, name=URBAN_RURAL.sub("居民", name, count=1))]
        return [replace(fact, name=n) for n in _urban_rural(name, fact.period)]
    return [fact]


def _subject_parts(name: str, known: frozenset[str], taxonomy: Taxonomy | None = None) -> list[str]:
    """技术合同成交额、发明专利授权量 → both; 规模以上工业总产值和增加值 → the second
    borrows the first's modifier when that makes a known indicator name (万元地区生产总值能耗、水耗:
    万元地区生产总值水耗, when the taxonomy reads it)."""
    parts = [x for x in _SPLIT_NAMES.split(name) if x]
    if len(parts) < 2:
        return [name]

    def named(x: str) -> bool:
        return x in known or (taxonomy is not None and taxonomy.is_name(x))

    first, last = parts[0], parts[-1]
    # 城镇、农村居民人均可支配收入: the short parts share the last part's tail (GDP、…社会消费品零售总额: not a known name)
    for i, part in enumerate(parts[:-1]):
        if part in known:
            continue
        if len(part) <= 3 and len(last) > len(part) + 2 and part[-1] != last[len(part) - 1]:
            parts[i] = part + last[len(part) :]
        elif len(part) == 4 and part + last[len(part) :] in known:
            parts[i] = part + last[len(part) :]  # 城镇居民和农民人均可支配收入: 城镇居民可支配收入
    first = parts[0]
    for i, part in enumerate(parts[1:], 1):
        if part in known or (len(part) > 4 and named(part)):
            continue
        for k in (3, 2, 4):
            if len(first) > k and (first[:-k] + part in known or (len(part) > 1 and named(first[:-k] + part))):
                parts[i] = first[:-k] + part
                break
    return parts


# 城乡居民 / 城乡 before an income: the urban and the rural residents (城乡人均可支配收入分别达到…)
URBAN_RURAL = re.compile(r"城乡(常住)?(?:居民|(?=(?:人均)?(?:可支配|纯)?收入(?![比差])))")
_DIGIT = re.compile(r"\d")
_LIST_OF_TWO = re.compile(r"[\d.]+%?(?:和|、)[\d.]+")
_SUB_YEAR = re.compile(r"(?:一季度|二季度|三季度|四季度|第[一二三四]季度|上半年|下半年|前三季度|前两个季度|全年|\d{1,2}[-—至]\d{1,2}月)")
_WHOLE_YEAR = re.compile(r"全年")
_SUBJECT_END = re.compile(r"呈现|呈|保持|实现|出现")
_SHARED = re.compile(r"(?<![年平人])均(?:比|较|增长|超过|突破|达到|翻|实现|在|为|提高|下降)")  # not 年均, 人均


def _urban_rural(name: str, period: int) -> list[str]:
    """城乡居民人均可支配收入 → the urban and the rural statistic (docs/facts.md): the rural
    half is 农民人均纯收入 for periods up to 2013, the disposable income from 2014."""
    m = URBAN_RURAL.search(name)
    assert m is not None
    resident = m.group(1) or ""
    rest = (name[m.end() :] or "人均可支配收入").replace("分别", "").replace("同比", "")
    if period and period <= 2013 and ("可支配" in rest or rest == "收入"):
        rural = "农民人均纯收入"
    else:
        rural = f"农村{resident}居民{rest}" if "可支配" in rest or rest == "收入" else "农民" + rest
    return [f"城镇{resident}居民{rest}", rural]


def _paired(name: str) -> list[str] | None:
    """A name built on a word that joins two quantities (存贷款 → 存款, 贷款): both names."""
    for word, (a, b) in cues()["paired_words"].items():
        if word in name:
            return [name.replace(word, a, 1), name.replace(word, b, 1)]
    return None


def _previous_clause(text: str, clause_start: int, s0: int) -> str:
    """The clause before the one starting at `clause_start` (its subject list, often),
    within the sentence starting at `s0`."""
    end = clause_start - 1
    if end <= s0:
        return ""
    start = max(text.rfind(ch, s0, end) for ch in "，,；;：:。\n") + 1
    return text[max(start, s0) : end]


def indicator(f: Fact, taxonomy: Taxonomy) -> str | None:
    """The canonical id of the fact's name, read by the name's structure (taxonomy.py)."""
    return taxonomy.indicator_for(f.name, f.measure, f.unit)
