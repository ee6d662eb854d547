"""STRUCTURE stage: section trees and roles on the book and on corpus reports."""

from __future__ import annotations

import re

import pytest

from huibian.clean import clean
from huibian.models import Document, Section
from huibian.split import split
from huibian.structure import structure
from tests.conftest import SHARED

BOOK = SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt"
REPORTS = SHARED / "corpus" / "reports"
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)


def reports(path) -> dict[str, str]:
    """Report id → cleaned report text, through clean and split."""
    raw = path.read_text(encoding="utf-8")
    raw = raw[_FRONT.match(raw).end() :] if _FRONT.match(raw) else raw
    doc = Document(path=str(path), text=raw, format="txt")
    text = clean(raw).text
    return {m.id: text[m.start : m.end] for m in split(text, doc)}


def tops(sections: list[Section]) -> list[Section]:
    return [s for s in sections if s.parent is None]


def children(sections: list[Section], s: Section) -> list[Section]:
    return [c for c in sections if c.parent == s.idx]


@pytest.fixture(scope="module")
def book() -> dict[str, str]:
    return reports(BOOK)


def assert_well_formed(text: str, sections: list[Section]) -> None:
    """Every heading starts with its number, children nest in parents, siblings do not overlap."""
    for s in sections:
        assert text[s.start :].startswith(s.number), s
        assert s.start < s.end <= len(text)
        assert not text[s.end - 1].isspace()
        if s.parent is not None:
            p = sections[s.parent]
            assert p.start < s.start and s.end <= p.end and p.depth < s.depth
    for group in [tops(sections)] + [children(sections, s) for s in sections]:
        for a, b in zip(group, group[1:], strict=False):
            assert a.end <= b.start


def test_book_city_report_has_review_and_tasks_with_eight_subsections_each(book):
    text = book["锦州市-2012"]
    sections = structure(text)
    assert_well_formed(text, sections)
    review, tasks = tops(sections)
    assert (review.number, review.title, review.role) == ("一、", "2011年工作回顾", "review")
    assert (tasks.number, tasks.title, tasks.role) == ("二、", "2012年工作安排", "tasks")
    subs = children(sections, review)
    assert [s.number for s in subs] == ["（一）", "（二）", "(三)", "(四)", "(五)", "(六)", "(七)", "(八)"]
    assert [s.title for s in subs][:2] == ["沿海经济带建设实现新突破", "工业五项工程建设迈出新步伐"]
    assert all(s.depth == 2 and s.role == "review" for s in subs)
    plan = children(sections, tasks)
    assert len(plan) == 8 and all(s.role == "tasks" for s in plan)
    assert plan[0].title == "以世园会建设为重点,深入实施沿海突破战略"
    assert text[plan[-1].start :].startswith("(八)以提升行政效能为重点,全面加强政府自身建设")
    assert tasks.end == len(text)


def test_book_district_report(book):
    text = book["古塔区-2012"]
    sections = structure(text)
    assert_well_formed(text, sections)
    (review,) = tops(sections)
    assert review.role == "review"
    assert [s.title for s in children(sections, review)] == [
        "老城区改造成果显著",
        "服务业集聚区建设成效明显",
        "工业经济发展势头强劲",
        "招商引资成绩斐然",
        "各项事业改革稳步推进",
        "社会事业协调发展",
    ]


def test_lines_that_start_with_numbers_are_not_headings(book):
    text = book["古塔区-2012"]
    assert "\n一是突出重点项目" in text  # 一是 … opens a paragraph
    assert "\n2011年是古塔区实施" in text  # a year opens a paragraph
    assert "\n19.65" not in text  # (joined by clean)
    starts = {s.start for s in structure(text)}
    for opening in ["一是突出重点项目", "2011年是古塔区实施"]:
        assert text.index(opening) not in starts
    # A line opening with a decimal number, built from a real sentence of 北京市-2012.
    sentence = "1.6万亿元，比上年增长8.1%"
    assert "全市地区生产总值达到" + sentence in (REPORTS / "北京-北京市-2012.txt").read_text(encoding="utf-8")
    mixed = "一、2011年工作回顾\n\n" + sentence + "。\n\n二、2012年工作安排\n\n今年是…。"
    assert [s.number for s in structure(mixed)] == ["一、", "二、"]


def test_out_of_sequence_numbers_are_rejected():
    """The source of 江苏-常州市-2016 repeats a heading early; only the one in sequence counts."""
    text = reports(REPORTS / "江苏-常州市-2016.txt")["常州市-2016"]
    heading = "二、“十三五”时期的发展构想和2016年主要工作"
    assert text.count(heading) == 2
    sections = structure(text)
    assert_well_formed(text, sections)
    twos = [s for s in tops(sections) if s.number == "二、"]
    assert len(twos) == 1 and twos[0].start == text.index(heading)


def test_subsection_headings_that_open_a_paragraph():
    text = reports(REPORTS / "国务院-全国-2012.txt")["全国-2012"]
    sections = structure(text)
    assert_well_formed(text, sections)
    review = tops(sections)[0]
    first = children(sections, review)[0]
    assert text[first.start :].startswith(
        "（一）加强和改善宏观调控，遏制物价过快上涨，实现经济平稳较快发展。我们"
    )
    assert first.title == "加强和改善宏观调控，遏制物价过快上涨，实现经济平稳较快发展"
    assert [(s.title, s.role) for s in tops(sections)] == [
        ("2011年工作回顾", "review"),
        ("2012年工作总体部署", "tasks"),
        ("2012年主要任务", "tasks"),
        ("附注", "other"),  # the glossary after the closing words
    ]


def test_roles_of_a_report_with_targets_and_self_building_parts():
    text = reports(REPORTS / "上海-上海市-2018.txt")["上海市-2018"]
    sections = structure(text)
    assert_well_formed(text, sections)
    assert [(s.number, s.role) for s in tops(sections)] == [
        ("一、", "review"),
        ("二、", "targets"),
        ("三、", "tasks"),
        ("四、", "other"),
    ]
    assert tops(sections)[1].title == "今后五年工作的总体要求和主要目标"


def test_subsection_with_a_targets_title_overrides_its_parent():
    text = reports(REPORTS / "北京-北京市-2011.txt")["北京市-2011"]
    sections = structure(text)
    sub = next(s for s in sections if "主要目标" in s.title and s.parent is not None)
    assert sub.role == "targets" and sections[sub.parent].role != "targets"
    assert all(c.role == "targets" for c in sections if c.parent == sub.idx)


def test_heading_swallowed_at_the_end_of_a_paragraph():
    text = reports(REPORTS / "辽宁-沈阳市-2005.txt")["沈阳市-2005"]
    assert "切实加以解决。二、2005年政府工作安排\n" in text
    sections = structure(text)
    assert_well_formed(text, sections)
    review, plan = tops(sections)
    assert (plan.number, plan.title, plan.role) == ("二、", "2005年政府工作安排", "tasks")
    assert text[plan.start - 1] == "。"
    assert len(children(sections, review)) == 8 and len(children(sections, plan)) == 9


def test_unnumbered_part_headings_and_the_numbered_items_in_them():
    """东莞市-2009 heads its parts without numbers and numbers the items in each 一、二、…"""
    text = reports(REPORTS / "广东-东莞市-2009.txt")["东莞市-2009"]
    sections = structure(text)
    assert_well_formed(text, sections)
    parts = [(s.title, s.role) for s in tops(sections) if not s.number]
    assert parts == [
        ("2008年工作回顾", "review"),
        ("总体形势与工作要求", "targets"),
        ("2009年工作安排", "tasks"),
        ("2009年市政府十件实事", "tasks"),
    ]
    items = {s.number + s.title: s.role for s in tops(sections) if s.number}
    assert items["一、帮助企业扎根发展"] == "review"
    assert items["七、坚持办好民生实事"] == "review"  # an item of the review part
    assert items["一、着力加强扶企引商，多策并举共度时艰"] == "tasks"
    assert items["九、深化政府自身建设，打造务实高效政府"] == "other"


def test_every_corpus_sample_is_well_formed():
    for name in [
        "辽宁-辽宁省-2012.txt",
        "江苏-扬州市-2016.txt",
        "四川-成都市-2017.txt",
        "河北-高阳县-2018.txt",
    ]:
        for text in reports(REPORTS / name).values():
            sections = structure(text)
            assert sections, name
            assert_well_formed(text, sections)


def test_part_without_a_cue_is_read_by_how_its_body_opens():
    """吉林省-2012: 二、全力推进吉林振兴发展迈出新步伐 opens with 2012年是…, a year after the review."""
    text = reports(REPORTS / "吉林-吉林省-2012.txt")["吉林省-2012"]
    sections = structure(text)
    assert "二、全力推进吉林振兴发展迈出新步伐\n\n2012年是实施“十二五”规划承前启后的关键一年" in text
    assert [s.role for s in tops(sections)] == ["review", "tasks", "other"]
