"""A file's cleaned text → its reports, each with region, year, date, meeting and speaker.

A compilation book holds several reports after its own front matter (title pages,
publisher, editorial board); a single report file holds one. Reports are found by
their *head*: a few short lines near each other — title (锦州市政府工作报告), date
and meeting (——2012年1月6日在锦州市第十四届人民代表大会第五次会议上), post and
speaker (市长 刘凤海), salutation (各位代表：). A head starts a new report only when
it has a title or a meeting line and lies far enough from the previous report's start,
so a head repeated inside one report (web abstract, a second copy) does not split it.

Metadata comes from the head first, then from the report's own headings (一、2011年
工作回顾 → 2012), then from what the file says about itself (doc.meta title), then from
the file name (<省>-<地区>-<year>.txt). `--region` and `--year` fill in what the text
does not say (they come before the file name and any guess); when the text names
another place or year, the text's is kept and a warning says the option was not applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from huibian.models import Document, HuibianError, ReportMeta

CUES_PATH = Path(__file__).parent / "data" / "split_cues.yaml"

_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_CN_DIGITS = "〇零一二三四五六七八九十"
_NUM = f"(?:\\d{{1,4}}|[{_CN_DIGITS}]{{1,4}})"
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"(?:\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日)?"
)
_MEETING = re.compile(
    f"(?P<place>[{_HAN}]{{0,24}}?)\\n?第?(?P<term>{_NUM})\\s*届\\n?"
    f"(?P<national>全国)?\\s*人民代表大会(?:常务委员会)?\\n?第?(?P<session>{_NUM})次(?:全体)?会议",
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_LINE = re.compile(r"[^\n]+")
_WS = re.compile(r"\s+")
_MARKUP = re.compile(r"\*+|^#+|<!--|-->")
_FILE_NAME = re.compile(r"^(?P<prov>[^-]+)-(?P<region>[^-]+)-(?P<year>\d{4})$")


@dataclass
class _Line:
    start: int
    end: int
    text: str  # markup removed, spaces kept
    flat: str  # markup and all whitespace removed
    kind: str  # title / meeting / date / speaker / salutation / name / comment / neutral / body


@dataclass
class _Head:
    lines: list[_Line] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.lines[0].start

    def kinds(self) -> set[str]:
        return {ln.kind for ln in self.lines}

    def qualifies(self) -> bool:
        """A head that can start a report: a title or meeting line and one more part."""
        k = self.kinds() - {"comment", "neutral", "name"}
        return bool(k & {"title", "meeting"}) and len(k) >= 2


def split(text: str, doc: Document, region: str | None = None, year: int | None = None) -> list[ReportMeta]:
    """The reports in `text` (the cleaned text of `doc`), in order, with their metadata.

    Raises HuibianError when a report's region or year can be found nowhere.
    """
    cues = _cues()
    lines = _classify(text)
    heads = _heads(lines)
    starts: list[_Head] = []
    for head in heads:
        if not head.qualifies():
            continue
        if not starts or head.start - starts[-1].start >= cues["min_report_chars"]:
            starts.append(head)
    single = len(starts) <= 1
    if not starts:
        first = next((h for h in heads if h.start < cues["head_chars"]), None)
        spans = [(_skip_space(text, 0), len(text), first)]
    else:
        spans = []
        for i, head in enumerate(starts):
            end = starts[i + 1].start if i + 1 < len(starts) else len(text)
            spans.append((head.start, end, head))
    metas = []
    for start, end, head in spans:
        end = _trim_end(text, start, end)
        metas.append(_meta(text, start, end, head, doc, single, region, year))
    return metas


# --- lines and heads -------------------------------------------------------------------


def _classify(text: str) -> list[_Line]:
    cues = _cues()
    too_long = 2 * cues["max_head_line"]  # even with markup and spaces, a body line
    out = []
    for m in _LINE.finditer(text):
        raw = m.group()
        stripped = raw.strip()
        if not stripped:
            continue
        if len(stripped) > too_long:
            out.append(_Line(m.start(), m.end(), stripped, stripped, "body"))
            continue
        if stripped.startswith("<!--"):
            kind = "comment"
            plain = stripped[4:].removesuffix("-->").strip()
        else:
            plain = _MARKUP.sub("", stripped).strip() if "*" in stripped or "#" in stripped else stripped
            kind = ""
        flat = _WS.sub("", plain)
        if not kind:
            kind = _kind(plain, flat, cues)
        out.append(_Line(m.start(), m.end(), plain, flat, kind))
    return out


def _kind(plain: str, flat: str, cues: dict[str, Any]) -> str:
    if not flat:
        return "neutral"
    if len(flat) > cues["max_head_line"]:
        return "body"
    if cues["salutation"].match(flat):
        return "salutation"
    if _title_match(flat):
        return "title"
    if "人民代表大会" in flat and len(flat) <= 70 and not flat.endswith("。"):
        return "meeting"
    if _DATE.search(flat) and len(flat) <= 30 and "，" not in flat:
        return "date"
    if _speaker_match(flat):
        return "speaker"
    if cues["name_line"].match(flat):
        return "name"
    if len(flat) <= 20 and not re.search("[，。；]", flat):
        return "neutral"
    return "body"


def _heads(lines: list[_Line]) -> list[_Head]:
    """Group head lines that follow each other (short neutral lines may sit between)."""
    anchors = {"title", "meeting", "date", "speaker", "salutation"}
    heads: list[_Head] = []
    current: _Head | None = None
    pending: list[_Line] = []  # neutral lines seen since the last anchor
    for line in lines:
        if line.kind in anchors:
            if current is None:
                current = _Head([line])
            else:
                current.lines.extend(pending)
                current.lines.append(line)
            pending = []
            if line.kind == "salutation":
                heads.append(current)
                current = None
        elif current is not None and line.kind in ("neutral", "name", "comment") and len(pending) < 3:
            pending.append(line)
        else:
            if current is not None:
                current.lines.extend(ln for ln in pending if ln.kind == "name")
                heads.append(current)
            current, pending = None, []
    if current is not None:
        heads.append(current)
    return heads


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


# --- metadata --------------------------------------------------------------------------


@dataclass
class _Found:
    """Metadata candidates, each list in order of trust."""

    places: list[tuple[str, str]] = field(default_factory=list)  # (place string, where from)
    date: tuple[int, int, int | None] | None = None
    file_date: tuple[int, int, int | None] | None = None  # from the file's own title
    meeting: str | None = None
    speaker: str | None = None
    post: str | None = None
    title: str | None = None
    national: bool = False


def _meta(
    text: str,
    start: int,
    end: int,
    head: _Head | None,
    doc: Document,
    single: bool,
    region_arg: str | None,
    year_arg: int | None,
) -> ReportMeta:
    cues = _cues()
    found = _Found()
    warnings: list[str] = []
    if head is not None:
        _read_head(head, found)
    body = text[start:end]
    rep = cues["representing"].search(body[: cues["head_chars"] * 2])
    if rep:
        found.places.append((rep.group("place"), "opening"))
    meta_title = str(doc.meta.get("title") or "") if single else ""
    if meta_title:
        _read_meta_title(meta_title, found)
    if single and not found.speaker and doc.meta.get("speaker"):
        sp = _speaker_match(_WS.sub("", str(doc.meta["speaker"])))
        if sp:
            found.post, found.speaker = sp.group("post"), sp.group("name")
            found.places.append((sp.group("org"), "meta speaker"))
    file_match = _FILE_NAME.match(Path(doc.path).stem) if single else None

    # region: what the text says, then --region, then the file name, then a guess
    chain: list[tuple[str, str]] = []
    if found.national:
        chain = [(cues["national"]["region"], "national")]
    else:
        for place, _src in found.places:
            chain = _parse_place(_place_name(place, found.post))
            if chain:
                break
    if chain and region_arg:
        asked = _parse_place(region_arg) or [(region_arg, "")]
        if asked[-1][0] != chain[-1][0]:
            warnings.append(f"--region {region_arg} not applied: the text names {chain[-1][0]}")
    elif region_arg:
        chain = _parse_place(region_arg) or [(region_arg, "")]
    if not chain and file_match:
        chain = _parse_place(file_match.group("region"))
        if chain:
            warnings.append("region from the file name")
    if not chain:
        guess = _guess_province(body, found.post)
        if guess:
            chain = [(guess, "province")]
            warnings.append("region guessed from the province the text names most often")
    if chain and len(chain) == 1 and chain[0][1] != "national":
        for place, _src in found.places:  # a parent named elsewhere (锦州市古塔区)
            other = _parse_place(_place_name(place, found.post))
            if len(other) > 1 and other[-1][0] == chain[-1][0]:
                chain = other
                break
    region = chain[-1][0] if chain else None
    level = chain[-1][1] if chain else None
    if not level and found.post:
        level = cues["post_levels"].get(_bare_post(found.post))
    parent = chain[-2][0] if len(chain) > 1 else None

    # year: what the text says (head date, headings, the file's own title), then --year,
    # then the file name
    year = _planning_year(found.date, warnings)
    date_iso = _iso(found.date) or _iso(found.file_date)
    heading_year, basis = _heading_year(body)
    if year is None and heading_year:
        year = heading_year
        warnings.append(f"year from the {basis} heading")
    elif year and heading_year and heading_year != year:
        warnings.append(f"{basis} heading gives {heading_year}, the date line {year}")
    if year is None and found.file_date:
        year = _planning_year(found.file_date, warnings)
        warnings.append("year from the date in the file's title")
    if year is None and meta_title:
        year = _year_of_title(meta_title)
        if year:
            warnings.append("year from the file's title")
    if year and year_arg and year != year_arg:
        warnings.append(f"--year {year_arg} not applied: the text gives {year}")
    elif year_arg:
        year = year_arg
    if year is None and file_match:
        year = int(file_match.group("year"))
        warnings.append("year from the file name")
    if not region or not year:
        raise HuibianError(f"{doc.path}: no report title, region or year found — pass --region and --year")
    return ReportMeta(
        id=f"{region}-{year}",
        region=region,
        year=year,
        start=start,
        end=end,
        parent=parent,
        level=level or None,
        date=date_iso,
        meeting=found.meeting,
        speaker=found.speaker,
        post=found.post,
        title=found.title or (meta_title or None),
        source=doc.path,
        warnings=warnings,
    )


def _planning_year(date: tuple[int, int, int | None] | None, warnings: list[str]) -> int | None:
    """The year a report plans: a delivery in Oct–Dec counts for the next year."""
    if not date:
        return None
    y, m, _d = date
    if m >= 10:
        warnings.append(f"delivered {y}-{m:02d}; counted for planning year {y + 1}")
        return y + 1
    return y


def _iso(date: tuple[int, int, int | None] | None) -> str | None:
    if not date or not date[2]:
        return None
    y, m, d = date
    return f"{y:04d}-{m:02d}-{d:02d}"


def _read_head(head: _Head, found: _Found) -> None:
    cues = _cues()
    lines = [ln for ln in head.lines if ln.kind != "comment"]
    comments = [ln for ln in head.lines if ln.kind == "comment"]
    joined = "\n".join(ln.flat for ln in lines)
    for ln in lines:
        if ln.kind == "title" and found.title is None:
            t = _title_match(ln.flat)
            if t:
                found.title = t.group("title")
                if t.group("place"):
                    found.places.append((t.group("place"), "title"))
    meeting = _MEETING.search(joined) or _MEETING.search("\n".join(ln.flat for ln in comments))
    if meeting:
        found.meeting = _meeting_text(meeting)
        if meeting.group("national"):
            found.national = True
        elif meeting.group("place"):
            found.places.insert(0, (_meeting_place(meeting), "meeting"))
    found.date = _head_date(lines) or _head_date(comments)
    for ln in lines:
        sp = _speaker_match(ln.flat)
        if sp:
            found.post, found.speaker = sp.group("post"), sp.group("name")
            org = sp.groupdict().get("org") or ""
            if any(c in org for c in cues["national"]["cues"]) or _bare_post(found.post) == "总理":
                found.national = True
            elif org:
                found.places.append((org, "speaker"))
            break
    if found.speaker is None:
        after_date = False
        for ln in lines:
            if ln.kind in ("meeting", "date", "title"):
                after_date = True
            elif ln.kind == "name" and after_date:
                found.speaker = ln.flat
                break


def _head_date(lines: list[_Line]) -> tuple[int, int, int | None] | None:
    """The delivery date: on the meeting line if there is one, else on a date line."""
    ranked = sorted(lines, key=lambda ln: 0 if "人民代表大会" in ln.flat else 1)
    for ln in ranked:
        m = _DATE.search(ln.flat)
        if m:
            y, mo = _cn_int(m.group("y")), _cn_int(m.group("m"))
            d = _cn_int(m.group("d")) if m.group("d") else None
            if y and mo and 1 <= mo <= 12 and (d is None or 1 <= d <= 31):
                return y, mo, d
    return None


def _read_meta_title(title: str, found: _Found) -> None:
    flat = _WS.sub("", title)
    t = _title_match(flat, anywhere=True)
    if t and t.group("place"):
        found.places.append((t.group("place"), "file title"))
    meeting = _MEETING.search(flat)
    if meeting:
        if meeting.group("national"):
            found.national = True
        elif meeting.group("place"):
            found.places.append((_meeting_place(meeting), "file title"))
        found.meeting = found.meeting or _meeting_text(meeting)
    gov = re.match(f"^(?P<place>[{_HAN}]{{2,20}}?)(?:人民)?政府", flat)
    if gov:
        found.places.append((gov.group("place"), "file title"))
    m = _DATE.search(flat)
    if m and m.group("d"):
        y, mo, d = _cn_int(m.group("y")), _cn_int(m.group("m")), _cn_int(m.group("d"))
        if y and mo and d:
            found.file_date = (y, mo, d)
    if found.speaker is None:
        sp = re.search(f"\\d日\\s*(?P<name>[{_HAN}]{{2,4}})）$", title.replace(" ", ""))
        if sp:
            found.speaker = sp.group("name")


def _guess_province(body: str, post: str | None) -> str | None:
    """The province a report that speaks as a province names most often, if clear."""
    cues = _cues()
    speaks_as_province = (post and cues["post_levels"].get(_bare_post(post)) == "province") or any(
        w in body for w in cues["province_self"]
    )
    if not speaks_as_province or any(w in body for w in cues["lower_self"]):
        return None
    counts = {full: body.count(short) for full, short in cues["province_short"].items()}
    best = max(counts, key=lambda k: counts[k])
    ranked = sorted(counts.values(), reverse=True)
    if counts[best] >= cues["province_guess_min"] and counts[best] > 2 * ranked[1]:
        return best
    return None


def _meeting_place(m: re.Match[str]) -> str:
    """The place before 第…届, without the end of a date (…1月6日在锦州市第十四届 → 锦州市)."""
    place = m.group("place") or ""
    if "在" in place:
        return place[place.rindex("在") + 1 :]
    if place[:1] in "日月年" and m.start() > 0 and m.string[m.start() - 1].isdigit():
        return place[1:]
    return place


def _meeting_text(m: re.Match[str]) -> str:
    """The meeting as written, without what precedes the place: 锦州市第十四届人民代表大会第五次会议."""
    text = _WS.sub("", m.group())
    place = m.group("place") or ""
    return text[len(place) - len(_meeting_place(m)) :]


def _year_of_title(title: str) -> int | None:
    m = _YEAR.search(title)
    return int(m.group(1)) if m else None


def _heading_year(body: str) -> tuple[int | None, str]:
    """Year from a review heading (一、2011年工作回顾 → 2012) or a plan heading (2012年工作安排)."""
    cues = _cues()
    plan_year = None
    for m in _LINE.finditer(body):
        line = _MARKUP.sub("", m.group()).strip()
        if len(line) > cues["year_heading_max"] or "。" in line or "报告" in line or "人民代表大会" in line:
            continue
        if not _YEAR.search(line) or _DATE.search(line):
            continue
        years = [
            (y.start(), int(y.group(1)))
            for y in _YEAR.finditer(line)
            if not any(line.startswith(c, y.end() + 1) for c in cues["span_cues"])
        ]
        if not years:
            continue
        review = min((i for c in cues["review_cues"] if (i := line.find(c)) >= 0), default=-1)
        if review >= 0:
            before = [y for i, y in years if i < review]
            after = [y for i, y in years if i > review and not _plan_follows(line, i)]
            if before or after:
                return max(before or after) + 1, "review"
            continue
        if plan_year is None:
            planned = [y for i, y in years if _plan_follows(line, i)]
            if planned:
                plan_year = planned[0]
    return (plan_year, "plan") if plan_year else (None, "")


def _plan_follows(line: str, i: int) -> bool:
    """Whether a plan cue follows the year at `i` in `line` (or 做好 precedes it)."""
    rest = line[i : i + _cues()["plan_cue_window"]]
    return any(c in rest for c in _cues()["plan_cues"]) or line[max(0, i - 2) : i] == "做好"


# --- pieces of a head ------------------------------------------------------------------


def _title_match(flat: str, anywhere: bool = False) -> re.Match[str] | None:
    cues = _cues()
    m = (cues["title_any"] if anywhere else cues["title"]).search(flat)
    if not m:
        return None
    rest = flat[m.end() :]
    if any(rest.startswith(w) for w in cues["title_not_followed_by"]):
        return None
    return m


def _speaker_match(flat: str) -> re.Match[str] | None:
    cues = _cues()
    if len(flat) > 60:
        return None
    return cues["speaker"].match(flat) or cues["speaker_tail"].search(flat)


def _bare_post(post: str) -> str:
    for p in _cues()["post_prefixes"]:
        if post.startswith(p) and len(post) > len(p):
            return post[len(p) :]
    return post


def _place_name(place: str, post: str | None) -> str:
    """A place string as found → a region string (沈阳市人民政府 → 沈阳市; 龙岩 + 市长 → 龙岩市)."""
    place = re.sub("(?:人民)?政府$", "", place)
    place = re.sub(r"^\d{4}年|\d{4}年$", "", place)
    if len(place) < 2 or place in _cues()["not_names"]:
        return ""
    if post and not _suffix_level(place):
        bare = _bare_post(post)
        if bare in ("市长", "县长", "区长", "州长", "省长", "旗长", "盟长"):
            place += bare[0]
    return place


def _suffix_level(name: str) -> str | None:
    for suffix, level in _cues()["suffixes"]:
        if name.endswith(suffix) and len(name) > len(suffix):
            return level
    return None


def _parse_place(place: str) -> list[tuple[str, str]]:
    """`锦州市古塔区` → [(锦州市, city), (古塔区, district)]; [] when it is not a place name."""
    cues = _cues()
    place = place.strip()
    if not place or place in cues["not_names"] or len(place) < 2:
        return []
    if any(w in place for w in cues["not_in_names"]):
        return []
    if place == cues["national"]["region"]:
        return [(place, "national")]
    chain: list[tuple[str, str]] = []
    for prov in cues["provinces_by_length"]:
        if place.startswith(prov):
            chain.append((prov, "province"))
            place = place[len(prov) :]
            break
    units = _units(place) if place else []
    if place and not units:
        return []
    for unit in units:
        level = _suffix_level(unit) or ""
        if level == "city" and unit.endswith("市"):
            above = chain[-1][1] if chain else ""
            if above in ("city",) or unit in cues["county_level_cities"]:
                level = "county"
        if level == "province" and unit not in cues["provinces"]:
            return []  # 某省 that is not a province: not a place name we trust
        chain.append((unit, level))
    return chain


def _units(s: str) -> list[str]:
    """Split a place string into units that each end in a region suffix."""
    if _suffix_level(s) is None and not (len(s) == 2 and s.endswith(("县", "区", "市", "旗"))):
        return []
    for i in range(2, len(s) - 1):
        head, rest = s[:i], s[i:]
        if not head.endswith(("市", "州", "盟", "地区")) or rest[0] == "市" or len(rest) < 2:
            continue
        tail = _units(rest)
        if tail:
            return [head, *tail]
    return [s]


def _cn_int(s: str) -> int | None:
    """`2012` → 2012, `二〇一九` → 2019, `十五` → 15, `一` → 1."""
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")}
    digits["零"] = 0
    if "十" not in s:
        if all(c in digits for c in s):
            return int("".join(str(digits[c]) for c in s))
        return None
    tens, _, ones = s.partition("十")
    t = digits.get(tens, 0) if tens else 1
    o = digits.get(ones, 0) if ones else 0
    return t * 10 + o


# --- cues ------------------------------------------------------------------------------


@cache
def _cues() -> dict[str, Any]:
    """data/split_cues.yaml with its patterns built."""
    raw = yaml.safe_load(CUES_PATH.read_text(encoding="utf-8"))
    core = "".join(f"{c}\\s*" for c in raw["title_core"]).removesuffix("\\s*")
    core = core.replace("工\\s*作", "(?:\\d{4}年)?工\\s*作")  # 湖北省人民政府2010年工作报告
    place = f"(?P<place>[{_HAN}]{{0,20}}?)"
    year = "(?:(?:19|20)\\d{2}年度?)?"
    title_body = f"(?P<title>{year}{place}{year}(?:人民)?{core}(?:（全文）)?)"
    tail = "(?:$|(?=[（(—―─《》]|\\d{4}年|\\d{1,2}月))"
    posts = "|".join(raw["posts"])
    prefixes = "|".join(sorted(raw["post_prefixes"], key=len, reverse=True))
    post = f"(?P<post>(?:{prefixes})?(?:{posts}))"
    name = f"(?P<name>[{_HAN}]{{2,4}}|[{_HAN}]{{1,6}}·[{_HAN}]{{1,8}})"
    salutes = "|".join(sorted(raw["salutations"], key=len, reverse=True))
    return {
        **raw,
        "title": re.compile(f"^{title_body}{tail}"),
        "title_any": re.compile(f"{title_body}{tail}"),
        "speaker": re.compile(f"^(?P<org>[{_HAN}]{{0,24}}?){post}[:：]?{name}$"),
        "speaker_tail": re.compile(f"(?<=[上）)]){post}[:：]?{name}[）)]?$"),
        "salutation": re.compile(f"^(?:{salutes})(?:[，、,](?:{salutes}))*[：:！!]?$"),
        "name_line": re.compile(f"^[{_HAN}]{{2,4}}$"),
        "representing": re.compile(raw["representing"]),
        "provinces": frozenset(raw["provinces"]),
        "provinces_by_length": sorted(raw["provinces"], key=len, reverse=True),
        "not_names": frozenset(raw["not_names"]),
        "county_level_cities": frozenset(raw["county_level_cities"]),
        "suffixes": [tuple(s) for s in raw["suffixes"]],
    }
