"""SPLIT stage: a book into its reports, single reports of every kind, and the fallbacks."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from huibian.clean import clean
from huibian.models import Document, HuibianError, ReportMeta
from huibian.split import split
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"
BOOK = CORPUS / "books" / "000_a4dd6afc1d6d7e9f.txt"
REPORTS = CORPUS / "reports"
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def document(path: Path) -> Document:
    """The file as a reader gives it: front matter moved to meta (nothing else removed)."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    m = _FRONT.match(text)
    if m:
        for line in m.group(1).splitlines():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
        text = text[m.end() :]
    return Document(path=str(path), text=text, format="txt", meta=meta)


def split_file(path: Path, **kw) -> tuple[str, list[ReportMeta]]:
    doc = document(path)
    text = clean(doc.text).text
    return text, split(text, doc, **kw)


def one(name: str) -> tuple[str, ReportMeta]:
    text, metas = split_file(REPORTS / name)
    assert len(metas) == 1
    return text, metas[0]


# --- the book --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book() -> tuple[str, list[ReportMeta]]:
    return split_file(BOOK)


def test_book_has_exactly_two_reports(book):
    _, metas = book
    assert [m.id for m in metas] == ["锦州市-2012", "古塔区-2012"]


def test_book_city_report_metadata(book):
    m = book[1][0]
    assert (m.region, m.year, m.level, m.parent) == ("锦州市", 2012, "city", None)
    assert m.date == "2012-01-06"
    assert m.meeting == "锦州市第十四届人民代表大会第五次会议"
    assert (m.post, m.speaker) == ("市长", "刘凤海")
    assert m.title == "锦州市政府工作报告"
    assert m.source == str(BOOK)


def test_book_district_report_delivered_in_december_counts_for_next_year(book):
    m = book[1][1]
    assert (m.region, m.year, m.level, m.parent) == ("古塔区", 2012, "district", "锦州市")
    assert m.date == "2011-12-27"
    assert m.meeting == "锦州市古塔区第十六届人民代表大会第五次会议"
    assert (m.post, m.speaker) == ("代区长", "张东群")
    assert m.title == "锦州市古塔区政府工作报告"
    assert any("2011-12" in w for w in m.warnings)


def test_book_spans_run_from_title_to_next_title_and_skip_front_matter(book):
    text, (city, district) = book
    first, second = text[city.start : city.end], text[district.start : district.end]
    assert first.startswith("锦州市政府工作报告\n")
    assert first.endswith("为建设富庶文明幸福新锦州做出新的更大的贡献!")
    assert second.startswith("锦州市古塔区政府工作报告\n")
    assert text[city.end : district.start].strip() == ""
    assert second.endswith("“古塔区非物质文化遗产展示会”、“古")  # where the excerpt ends
    front = text[: city.start]
    for words in ["政府工作报告汇编", "辽宁人民出版社", "编辑委员会", "下册"]:
        assert words in front
        assert words not in first and words not in second


def test_book_reports_hold_their_own_sections(book):
    text, (city, district) = book
    first, second = text[city.start : city.end], text[district.start : district.end]
    assert "二、2012年工作安排" in first and "古塔区" not in first.split("各位代表")[0]
    assert "（一）老城区改造成果显著" in second and "世园会" not in second


# --- single reports of each kind -------------------------------------------------------


def test_national_report():
    _, m = one("国务院-全国-2012.txt")
    assert (m.id, m.region, m.level, m.parent) == ("全国-2012", "全国", "national", None)
    assert m.date == "2012-03-05"
    assert m.meeting == "第十一届全国人民代表大会第五次会议"
    assert (m.post, m.speaker) == ("总理", "温家宝")


def test_municipality_report_speaker_line_with_place():
    _, m = one("北京-北京市-2012.txt")  # 北京市市长 郭金龙
    assert (m.id, m.level) == ("北京市-2012", "province")
    assert (m.post, m.speaker, m.date) == ("市长", "郭金龙", "2012-01-12")
    assert m.meeting == "北京市第十三届人民代表大会第五次会议"


def test_autonomous_region_chairman():
    _, m = one("内蒙古-内蒙古自治区-2018.txt")  # 自治区主席 布小林
    assert (m.id, m.level, m.post, m.speaker) == ("内蒙古自治区-2018", "province", "主席", "布小林")


def test_city_report_and_acting_mayor():
    _, m = one("辽宁-锦州市-2022.txt")  # 代市长 王心宇
    assert (m.id, m.level, m.date) == ("锦州市-2022", "city", "2022-01-06")
    assert (m.post, m.speaker) == ("代市长", "王心宇")


def test_date_line_without_dash_in_a_county_report():
    text, m = one("河北-高阳县-2017.txt")  # 2017年2月23日在高阳县第十七届…
    assert "\n2017年2月23日在高阳县第十七届人民代表大会第一次会议上\n" in text
    assert (m.id, m.level, m.date) == ("高阳县-2017", "county", "2017-02-23")
    assert m.meeting == "高阳县第十七届人民代表大会第一次会议"
    assert (m.post, m.speaker) == ("县长", "闫向阳")
    assert text[m.start : m.end].startswith("政 府 工 作 报 告")  # not the collector's header


def test_district_report_on_a_portal_page_starts_after_the_portal_header():
    text, m = one("河北-满城区-2023.txt")
    assert (m.id, m.level, m.parent) == ("满城区-2023", "district", "保定市")
    assert (m.post, m.speaker, m.date) == ("区长", "晏中亚", "2023-01-11")
    body = text[m.start : m.end]
    assert body.startswith("政 府 工 作 报 告\n——2023年1月11日")
    assert "内容摘要" not in body and "作者：中国县域" not in body


def test_county_level_city_is_a_county():
    _, m = one("河北-安国市-2020.txt")
    assert (m.id, m.level, m.post, m.speaker) == ("安国市-2020", "county", "市长", "张壮田")


def test_date_in_chinese_numerals():
    _, m = one("江苏-江苏省-2020.txt")  # ——二〇二〇年一月十五日在江苏省…
    assert (m.id, m.date) == ("江苏省-2020", "2020-01-15")


def test_meeting_split_over_two_lines():
    _, m = one("山东-高唐县-2022.txt")  # 2022年1月28日在高唐县第十八届 / 人民代表大会第一次会议上
    assert (m.id, m.date) == ("高唐县-2022", "2022-01-28")
    assert m.meeting == "高唐县第十八届人民代表大会第一次会议"


def _manifest(note: str) -> list[dict[str, str]]:
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if note in r["notes"]]


@pytest.mark.parametrize("row", _manifest("named by planning year"), ids=lambda r: r["file"])
def test_december_deliveries_count_for_the_next_year(row):
    _, m = one(Path(row["file"]).name)
    assert (m.region, m.year) == (row["region"], int(row["report_year"]))
    delivered = re.search(r"delivered (\d{4})-(\d{2})", row["notes"])
    assert m.date and m.date.startswith(f"{delivered.group(1)}-{delivered.group(2)}")


@pytest.mark.parametrize("row", _manifest("no delivery date in header"), ids=lambda r: r["file"])
def test_reports_without_a_date_line_take_the_year_from_headings_or_title(row):
    _, m = one(Path(row["file"]).name)
    assert (m.region, m.year) == (row["region"], int(row["report_year"]))
    assert m.date is None or m.date.startswith(row["report_year"])


# --- no recognisable title ---------------------------------------------------------------

# The opening paragraphs of the 古塔区 report (from the book), without its head.
_GUTA = BOOK.read_text(encoding="utf-8")
_HEADLESS = _GUTA[_GUTA.index("2011年是古塔区实施") : _GUTA.index("（一）老城区改造成果显著")]


def test_headless_text_takes_region_and_year_from_arguments():
    doc = Document(path="notes.txt", text=_HEADLESS, format="txt")
    text = clean(doc.text).text
    (m,) = split(text, doc, region="古塔区", year=2012)
    assert (m.id, m.region, m.year) == ("古塔区-2012", "古塔区", 2012)
    assert (m.start, m.end) == (0, len(text.rstrip()))
    assert m.date is None and m.speaker is None


def test_headless_text_without_arguments_is_an_error_naming_the_file():
    doc = Document(path="notes.txt", text=_HEADLESS, format="txt")
    with pytest.raises(HuibianError) as info:
        split(clean(doc.text).text, doc)
    assert str(info.value).startswith("notes.txt: ")
    assert "--region" in str(info.value) and "--year" in str(info.value)


def test_headless_text_takes_the_year_from_its_review_heading():
    doc = Document(path="notes.txt", text="一、2011年工作回顾\n\n" + _HEADLESS, format="txt")
    (m,) = split(clean(doc.text).text, doc, region="古塔区")
    assert m.id == "古塔区-2012"
    assert any("review heading" in w for w in m.warnings)


def test_headless_text_takes_region_and_year_from_the_file_name():
    doc = Document(path="/tmp/辽宁-古塔区-2012.txt", text=_HEADLESS, format="txt")
    (m,) = split(clean(doc.text).text, doc)
    assert (m.id, m.level) == ("古塔区-2012", "district")
    assert any("file name" in w for w in m.warnings)


def test_headless_text_takes_region_and_date_from_the_files_own_title():
    doc = Document(
        path="upload.txt",
        text=_HEADLESS,
        format="txt",
        meta={"title": "锦州市政府工作报告（2014年1月8日 刘凤海）"},
    )
    (m,) = split(clean(doc.text).text, doc)
    assert (m.id, m.date, m.speaker) == ("锦州市-2014", "2014-01-08", "刘凤海")


def test_arguments_fill_in_only_what_the_text_does_not_say():
    """--region/--year never relabel a report whose text names its place and year: the
    text's are kept and a warning says the option was not applied."""
    text, metas = split_file(REPORTS / "辽宁-锦州市-2022.txt", region="大连市", year=2099)
    assert [m.id for m in metas] == ["锦州市-2022"] and metas[0].date == "2022-01-06"
    assert "--year 2099 not applied: the text gives 2022" in metas[0].warnings
    assert "--region 大连市 not applied: the text names 锦州市" in metas[0].warnings
    _, same = split_file(REPORTS / "辽宁-锦州市-2022.txt", region="锦州市", year=2022)
    assert not [w for w in same[0].warnings if w.startswith("--")]  # the same place and year: nothing to say
    doc = Document(path="/tmp/x.txt", text=_HEADLESS, format="txt")  # a text that names neither
    (m,) = split(clean(doc.text).text, doc, region="锦州市", year=2014)
    assert m.id == "锦州市-2014" and not [w for w in m.warnings if w.startswith("--")]
