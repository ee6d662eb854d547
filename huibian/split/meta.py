"""A report's metadata from its head, its text, what the file says about itself and the file
name, in that order of trust; `--region` and `--year` fill in what the text does not say."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from huibian.chars import HAN_NAME
from huibian.models import Document, HuibianError, ReportMeta
from huibian.numbers import cn_int
from huibian.split import years
from huibian.split.cues import DATE, MEETING, WS, speaker_match, split_cues, title_match
from huibian.split.heads import Head
from huibian.split.places import bare_post, guess_province, parse_place, place_name

_FILE_NAME = re.compile(r"^(?P<prov>[^-]+)-(?P<region>[^-]+)-(?P<year>\d{4})$")


@dataclass
class Found:
    """Metadata candidates, each list in order of trust."""

    places: list[tuple[str, str]] = field(default_factory=list)  # (place string, where from)
    date: tuple[int, int, int | None] | None = None
    file_date: tuple[int, int, int | None] | None = None  # from the file's own title
    meeting: str | None = None
    speaker: str | None = None
    post: str | None = None
    title: str | None = None
    national: bool = False


def report_meta(
    text: str,
    start: int,
    end: int,
    head: Head | None,
    doc: Document,
    single: bool,
    region_arg: str | None,
    year_arg: int | None,
) -> ReportMeta:
    cues = split_cues()
    found = Found()
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
        sp = speaker_match(WS.sub("", str(doc.meta["speaker"])))
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
            chain = parse_place(place_name(place, found.post))
            if chain:
                break
    if chain and region_arg:
        asked = parse_place(region_arg) or [(region_arg, "")]
        if asked[-1][0] != chain[-1][0]:
            warnings.append(f"--region {region_arg} not applied: the text names {chain[-1][0]}")
    elif region_arg:
        chain = parse_place(region_arg) or [(region_arg, "")]
    if not chain and file_match:
        chain = parse_place(file_match.group("region"))
        if chain:
            warnings.append("region from the file name")
    if not chain:
        guess = guess_province(body, found.post)
        if guess:
            chain = [(guess, "province")]
            warnings.append("region guessed from the province the text names most often")
    if chain and len(chain) == 1 and chain[0][1] != "national":
        for place, _src in found.places:  # a parent named elsewhere (锦州市古塔区)
            other = parse_place(place_name(place, found.post))
            if len(other) > 1 and other[-1][0] == chain[-1][0]:
                chain = other
                break
    region = chain[-1][0] if chain else None
    level = chain[-1][1] if chain else None
    if not level and found.post:
        level = cues["post_levels"].get(bare_post(found.post))
    parent = chain[-2][0] if len(chain) > 1 else None

    # year: what the text says (head date, headings, the file's own title), then --year,
    # then the file name
    year = years.planning_year(found.date, warnings)
    date_iso = years.iso_date(found.date) or years.iso_date(found.file_date)
    heading_year, basis = years.heading_year(body)
    if year is None and heading_year:
        year = heading_year
        warnings.append(f"year from the {basis} heading")
    elif year and heading_year and heading_year != year:
        warnings.append(f"{basis} heading gives {heading_year}, the date line {year}")
    if year is None and found.file_date:
        year = years.planning_year(found.file_date, warnings)
        warnings.append("year from the date in the file's title")
    if year is None and meta_title:
        year = years.year_of_title(meta_title)
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


def _read_head(head: Head, found: Found) -> None:
    cues = split_cues()
    lines = [ln for ln in head.lines if ln.kind != "comment"]
    comments = [ln for ln in head.lines if ln.kind == "comment"]
    joined = "\n".join(ln.flat for ln in lines)
    for ln in lines:
        if ln.kind == "title" and found.title is None:
            t = title_match(ln.flat)
            if t:
                found.title = t.group("title")
                if t.group("place"):
                    found.places.append((t.group("place"), "title"))
    meeting = MEETING.search(joined) or MEETING.search("\n".join(ln.flat for ln in comments))
    if meeting:
        found.meeting = _meeting_text(meeting)
        if meeting.group("national"):
            found.national = True
        elif meeting.group("place"):
            found.places.insert(0, (_meeting_place(meeting), "meeting"))
    found.date = years.head_date(lines) or years.head_date(comments)
    for ln in lines:
        sp = speaker_match(ln.flat)
        if sp:
            found.post, found.speaker = sp.group("post"), sp.group("name")
            org = sp.groupdict().get("org") or ""
            if any(c in org for c in cues["national"]["cues"]) or bare_post(found.post) == "总理":
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


def _read_meta_title(title: str, found: Found) -> None:
    flat = WS.sub("", title)
    t = title_match(flat, anywhere=True)
    if t and t.group("place"):
        found.places.append((t.group("place"), "file title"))
    meeting = MEETING.search(flat)
    if meeting:
        if meeting.group("national"):
            found.national = True
        elif meeting.group("place"):
            found.places.append((_meeting_place(meeting), "file title"))
        found.meeting = found.meeting or _meeting_text(meeting)
    gov = re.match(f"^(?P<place>[{HAN_NAME}]{{2,20}}?)(?:人民)?政府", flat)
    if gov:
        found.places.append((gov.group("place"), "file title"))
    m = DATE.search(flat)
    if m and m.group("d"):
        y, mo, d = cn_int(m.group("y")), cn_int(m.group("m")), cn_int(m.group("d"))
        if y and mo and d:
            found.file_date = (y, mo, d)
    if found.speaker is None:
        sp = re.search(f"\\d日\\s*(?P<name>[{HAN_NAME}]{{2,4}})）$", title.replace(" ", ""))
        if sp:
            found.speaker = sp.group("name")


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
    text = WS.sub("", m.group())
    place = m.group("place") or ""
    return text[len(place) - len(_meeting_place(m)) :]
