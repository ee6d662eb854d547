"""Number mentions: where the text states a figure (value or range, unit, qualifier
such as 以上 or 左右), found in one scan; numerals that name things (PM2.5, 第三,
十四五, 5万吨级, items of a named list) are not mentions."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from huibian.extract.cues import CJK, cues, patterns
from huibian.numbers import parse_number, units

FOLLOW_OK = set("（(，。；、：）)”\"'和及与或增同比较以左其分达为占用多余强上下，,;:.!！?？\n ")


@dataclass(slots=True, eq=False)  # compared by identity: a sentence's mentions are looked up in lists
class Mention:
    """A number mention: span, value(s), unit, qualifier."""

    start: int
    end: int  # end of the mention including unit and qualifier
    value: float | str
    unit: str
    uclass: str  # money / measure / count / percent / ratio / people
    cmp: str = "eq"
    value_hi: float | None = None


def find_mentions(text: str) -> list[Mention]:
    """All number mentions in the text that could state a fact, in text order, one scan."""
    p = patterns()
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
    negative = prev in "-－" and text.endswith("增长", max(0, s - 3), s - 1)  # 增长-16.8%: a fall
    if prev.isascii() and (prev.isalpha() or prev in ".-/#") and not negative:  # PM2.5, G15, 3.5-ton
        return None
    if text.endswith(_ordinal_before(), max(0, s - 4), s):
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
    rng = patterns()["range"].match(text, pos + (len(unit_first) if unit_first in ("%",) else 0), end)
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
    elif prefix and prefix in ("万", "亿") and unit_m and patterns()["people_after"].match(text, unit_m.end(), end):
        uclass, unit_s, pos2 = "count", prefix + "人", unit_m.end()  # 8.74万农村贫困人口
    elif prefix in ("亿", "万亿", "千亿", "百亿") and unit_m and text.startswith(("大关", "台阶"), unit_m.end()):
        uclass, unit_s, pos2 = "money", prefix + "元", unit_m.end()  # 突破10亿大关: an amount in 元
    elif not is_chinese and text[pos : pos + 1] == "大" and CJK.match(text[pos + 1 : pos + 2] or "x"):
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
    for word, c in cues()["cmp_after"].items():
        if after.startswith(word):
            cmp = c if cmp == "eq" else cmp
            pos2 += len(word)
            break
    else:
        if after[:1] in cues()["more_after"] and (uclass != "percent" or unit_s == "倍"):
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
    if uclass in ("money", "measure") and nxt and nxt not in FOLLOW_OK and not (nxt == "的" and cmp == "eq"):
        # a noun right after an amount makes it a size class or part of a name (500兆瓦多晶硅片,
        # 10亿元企业); a verb does not (投资3亿元实施…); nor does what a length or area was built as
        # (533.5公里通村公路)
        base = units().base.get(unit, (1.0, unit))[1] if unit else ""
        if not (_starts_verb(text, pos2) or (uclass == "measure" and base in _BUILT_UNITS)):
            return None
    if nxt == "级":
        return None
    if nxt == "的" and text.endswith(_THRESHOLD_BEFORE, max(0, s - 3), s) and text.startswith(_CLASS_NOUNS, pos2 + 1):
        return None  # 公共财政预算收入超20亿元的县达到13个: a threshold; the count of such places is the fact
    if uclass in ("money", "measure") and text[pos2 - 2 : pos2] in ("以上", "以下") and nxt and nxt not in FOLLOW_OK:
        return None  # 10亿元以上企业, 投资10亿元以上的项目: a size class
    if _named_item(text, pos2, end):
        return None  # 辽宁抚挖460台大吨位起重机、石化公司…等24个项目: part of a project's name
    if negative and uclass == "percent":
        return Mention(s - 1, pos2, -value, unit_s, uclass, cmp, value_hi)
    return Mention(s, pos2, value, unit_s, uclass, cmp, value_hi)


_THRESHOLD_BEFORE = ("超", "超过", "过", "逾", "突破")
# what a threshold sorts (超20亿元的县, 过百亿的企业): the count of those is a fact, the threshold is not
_CLASS_NOUNS = ("县", "城区", "区", "乡镇", "镇", "村", "企业", "集团", "项目", "产业", "行业", "园区", "开发区", "市场",
                "大市场", "工业园", "龙头", "重点", "商品", "品牌", "景区")
_ENUM_END = re.compile(r"等[\d一二三四五六七八九十百]+(?:个|项|家|户|批)")


_BUILT_UNITS = frozenset({"米", "平方米"})  # lengths and areas: 公里, 平方公里, 亩, 公顷 convert to these


def _starts_verb(text: str, pos: int) -> bool:
    """Whether the words at `pos` begin with a verb that an amount can precede (cue data)."""
    return text.startswith(_verbs_after_amount(), pos)


@functools.cache
def _ordinal_before() -> tuple[str, ...]:
    return tuple(cues()["ordinal_before"])


@functools.cache
def _verbs_after_amount() -> tuple[str, ...]:
    return tuple(cues()["verbs_after_amount"])


def _named_item(text: str, pos: int, end: int) -> bool:
    """Whether the number stands inside an item of a named list closed by 等N个项目."""
    nxt = text[pos : pos + 1]
    if not nxt or not CJK.match(nxt) or "等" not in text[pos : pos + 60]:
        return False
    stop = re.search(r"[，,；;。：:]", text[pos : min(end, pos + 60)])
    seg = text[pos : pos + (stop.start() if stop else 60)]
    m = _ENUM_END.search(seg)
    return bool(m) and "、" in seg[: m.start()]
