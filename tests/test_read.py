"""READ stage: real report text through every reader, every encoding, every bad input."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest

from huibian.models import ReadError
from huibian.read import DEFAULT_MAX_BYTES, SUPPORTED, iter_files, read_bytes, read_file
from tests.conftest import SHARED

REPORTS = SHARED / "corpus" / "reports"
BOOK = SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt"


def raw(name: str) -> str:
    return (REPORTS / name).read_text(encoding="utf-8")


def raw_lines(name: str) -> list[str]:
    return raw(name).split("\n")


@pytest.fixture(scope="module")
def book_paragraphs() -> list[str]:
    """The first paragraphs of the 锦州市 2012 report in the OCR'd book (non-blank lines)."""
    lines = [ln.strip() for ln in BOOK.read_text(encoding="utf-8").split("\n")]
    start = lines.index("锦州市政府工作报告")
    paras = [ln for ln in lines[start:] if ln]
    return paras[:12]


def expect_error(path: Path, *words: str, **kw: object) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_file(path, **kw)  # type: ignore[arg-type]
    err = info.value
    message = str(err)
    assert message.startswith(str(path)), message
    assert "\n" not in message and "Traceback" not in message
    for w in words:
        assert w in err.problem, (w, err.problem)
    return err


# --- text files: encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("gb18030", "gb18030"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # with a byte-order mark
        ("utf-16-le", "utf-16-le"),  # no BOM: detected
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_encodings_give_identical_text(tmp_path: Path, codec: str, expected: str) -> None:
    source = REPORTS / "河北-易县-2018.txt"
    reference = read_file(source)
    assert reference.encoding == "utf-8"
    p = tmp_path / "report.txt"
    p.write_bytes(source.read_text(encoding="utf-8").encode(codec))
    doc = read_file(p)
    assert doc.encoding == expected
    assert doc.text == reference.text
    assert doc.text.startswith("各位代表：\n现在，我代表县人民政府")


def test_gbk_file_with_chinese_punctuation(tmp_path: Path, book_paragraphs: list[str]) -> None:
    text = "\n".join(book_paragraphs) + "\n"
    p = tmp_path / "book.txt"
    p.write_bytes(text.encode("gbk"))
    doc = read_file(p)
    assert doc.encoding == "gb18030"
    assert doc.text == text


def test_crlf_and_a_few_broken_bytes(tmp_path: Path, book_paragraphs: list[str]) -> None:
    text = "\r\n".join(book_paragraphs)
    data = text.encode("utf-8")
    cut = data.index("各位代表".encode()) + 1  # break one multi-byte character
    p = tmp_path / "r.txt"
    p.write_bytes(data[:cut] + data[cut + 2 :])
    doc = read_file(p)
    assert "\r" not in doc.text
    assert doc.encoding == "utf-8" and doc.meta["invalid_bytes_replaced"] == 1
    assert book_paragraphs[0] in doc.text and book_paragraphs[-1] in doc.text


# --- text files: metadata and markup ------------------------------------------------------


def test_front_matter_goes_to_meta() -> None:
    doc = read_file(REPORTS / "北京-北京市-2015.txt")
    assert doc.meta["title"] == "政府工作报告"
    assert doc.meta["source_url"].startswith("https://www.beijing.gov.cn/")
    assert "title:" not in doc.text and "source:" not in doc.text and not doc.text.startswith("---")
    assert doc.text.startswith("——2015年1月23日在北京市第十四届人民代表大会第三次会议上")


def test_front_matter_source_as_list() -> None:
    doc = read_file(REPORTS / "河北-邢台市-2021.txt")
    assert doc.meta["title"] == "邢台市政府工作报告（2021年2月24日 董晓宇）"
    assert doc.meta["source_url"] == "https://www.xingtai.gov.cn/zwgk/zfgzbg/202103/t20210301_589290.html"


def test_markdown_markup_is_stripped_but_text_and_lines_kept() -> None:
    name = "国务院-全国-2012.txt"
    doc = read_file(REPORTS / name)
    lines = doc.text.rstrip("\n").split("\n")
    assert "## " not in doc.text and "**" not in doc.text
    assert lines[0] == "政府工作报告"  # was **政府工作报告**
    assert "一、2011年工作回顾" in lines  # was ## 一、2011年工作回顾
    # Same number of lines as the source: markup removal keeps the line structure.
    assert len(lines) == len(raw(name).rstrip("\n").split("\n"))
    source = raw(name)
    marks = re.findall(r"(?m)^#{1,6} |^---$|\*\*", source)
    assert doc.dropped["markup"] == sum(map(len, marks))


def test_markdown_counts_and_comments() -> None:
    name = "河北-河北省-2019.txt"
    source = raw(name)
    comment = re.search(r"<!--(.*?)-->", source, re.S)
    assert comment
    doc = read_file(REPORTS / name)
    assert "<!--" not in doc.text and comment.group(1).strip() not in doc.text
    assert doc.dropped["html_comment"] == sum(len(m) for m in re.findall(r"<!--.*?-->", source, re.S))


def test_bold_across_line_break_footnotes_rules_and_entities() -> None:
    kunming = read_file(REPORTS / "云南-昆明市-2015.txt")
    assert "**" not in kunming.text
    assert "\n（一）狠抓结构调整转型升级，产业结构不断优化。规模以上工业增加值增长8%以上" in kunming.text
    kunming14 = read_file(REPORTS / "云南-昆明市-2014.txt")  # bold from the title over a blank line
    assert kunming14.text.startswith(
        "政府工作报告\n\n——2014年1月12日在昆明市第十三届人民代表大会第五次会议上\n"
    )
    wuhai = read_file(REPORTS / "内蒙古-乌海市-2021.txt")
    assert "[^" not in wuhai.text and "化开展河湖“清四乱”[1]，" in wuhai.text
    chengdu = read_file(REPORTS / "四川-成都市-2015.txt")
    assert not re.search(r"(?m)^---$", chengdu.text)
    assert "名词解释>>>" in chengdu.text
    hebei = read_file(REPORTS / "河北-河北省-2022.txt")
    assert "深入落实“双减”政策" in hebei.text and "&amp;" not in hebei.text


def test_bold_spanning_lines_keeps_both_lines(tmp_path: Path) -> None:
    p = tmp_path / "r.md"
    p.write_text(
        "**（一）狠抓结构调整转型升级，产业结构不断\n优化。**规模以上工业增加值增长8%以上。\n",
        encoding="utf-8",
    )
    doc = read_file(p)
    assert doc.format == "md"
    assert doc.text == "（一）狠抓结构调整转型升级，产业结构不断\n优化。规模以上工业增加值增长8%以上。\n"


def test_collector_metadata_header_goes_to_meta() -> None:
    doc = read_file(REPORTS / "河北-高阳县-2015.txt")
    assert doc.meta["title"] == "高阳县2015年政府工作报告"
    assert doc.meta["date"] == "2015-04-28"
    assert doc.meta["speaker"] == "高阳县人民政府代县长 闫向阳"
    assert doc.meta["issuer"] == "高阳县人民政府"
    assert doc.meta["source_url"] == "https://gaoyang.gov.cn/info_show.asp?infoid=1941"
    assert doc.text.startswith("政 府 工 作 报 告\n")
    assert "正文：" not in doc.text and "来源URL" not in doc.text


# --- portal boilerplate ---------------------------------------------------------------------


def test_portal_page_boilerplate_removed_body_kept() -> None:
    name = "河北-清苑区-2020.txt"
    lines = raw_lines(name)
    doc = read_file(REPORTS / name)
    out = doc.text.rstrip("\n").split("\n")
    # Header, counters and the abstract (line 8, the body's first characters run together) are gone.
    abstract = lines[lines.index("内容摘要：") + 1]
    assert abstract.endswith("......")
    assert abstract not in doc.text
    for gone in (
        "内容摘要",
        "中国县域",
        "阅读：",
        "评论：",
        "分享到",
        "QQ空间",
        "上一篇",
        "相关文章",
        "标签云",
    ):
        assert gone not in doc.text, gone
    # The body starts at the report title line and ends with the last 名词解释 entry.
    assert out[0] == "政府工作报告" == lines[lines.index("内容摘要：") + 2]
    assert out[1:3] == ["2020年1月9日", "各位代表、同志们："]
    last_body = lines[lines.index("分享到：") - 1]
    assert last_body.startswith("23.[行政执法“三项制度”]")
    assert out[-1] == last_body
    assert "各位代表!时代赋予重任，奋斗铸就辉煌。" in doc.text
    assert doc.meta["title"] == "保定市清苑区2020年政府工作报告"
    assert doc.meta["published"] == "2023-03-30"
    assert set(doc.dropped) >= {"portal_header", "abstract", "portal_footer"}
    assert doc.dropped["abstract"] == len(abstract) + 1


def test_abstract_that_does_not_repeat_the_body_is_kept(tmp_path: Path) -> None:
    lines = raw_lines("河北-清苑区-2020.txt")
    i = lines.index("内容摘要：") + 1
    lines[i] = "本报告回顾了2019年工作，提出了2020年目标任务......"
    p = tmp_path / "r.txt"
    p.write_text("\n".join(lines), encoding="utf-8")
    doc = read_file(p)
    assert doc.text.startswith(lines[i] + "\n政府工作报告\n")  # kept: it is not a copy of the body
    assert "中国县域" not in doc.text and "abstract" not in doc.dropped


def test_question_mark_placeholders_removed() -> None:
    name = "山东-高唐县-2021.txt"
    assert "政??府??工??作??报??告" in raw(name)
    doc = read_file(REPORTS / name)
    assert doc.text.startswith("政\u3000府\u3000工\u3000作\u3000报\u3000告\n")
    assert "\n高唐县代县长\u3000杨曙光\n各位代表：\n" in doc.text  # post and name stay apart
    assert "??" not in doc.text
    assert doc.dropped["placeholder"] > 0


def test_placeholders_at_line_edges_and_beside_spaces_vanish() -> None:
    rongcheng = raw("河北-容城县-2012.txt")
    assert "\n???各位代表，今后五年" in rongcheng  # an indent
    assert "\n各位代表，今后五年" in read_file(REPORTS / "河北-容城县-2012.txt").text
    assert "县长?? 吴?? 鹏" in raw("河北-定兴县-2020.txt")  # padding beside a real space
    assert "\n定兴县人民政府县长 吴 鹏\n" in read_file(REPORTS / "河北-定兴县-2020.txt").text


def test_pager_of_a_multi_page_portal_article_is_noted() -> None:
    doc = read_file(REPORTS / "山东-高唐县-2024.txt")
    assert doc.meta["portal_pages"] == 4  # "上一页 1 2 3 4 下一页": the page holds only part 1
    assert doc.text.rstrip().endswith(
        "新兴产业规模小、占比低，科技创新能力不强，人才支撑不足；财政收支平衡压力较大，民生保障还有短板；少数干部能力作风与新时代新要求存在差距。"
    ) or ("上一页" not in doc.text)


def test_source_note_before_title() -> None:
    doc = read_file(REPORTS / "河北-阜平县-2013.txt")
    assert doc.text.startswith("政府工作报告\n——2013年3月8日")
    assert doc.meta["source"] == "百度马 克 数据网"


def test_boilerplate_kept_when_report_text_follows_cue(tmp_path: Path) -> None:
    """A 'footer' cue followed by report sentences is not a footer: nothing is cut."""
    body = raw("河北-易县-2018.txt")
    lines = body.split("\n")
    fake = "\n".join(lines[:5] + ["分享到：", "QQ空间"] + lines[5:]) + "\n"
    p = tmp_path / "r.txt"
    p.write_text(fake, encoding="utf-8")
    doc = read_file(p)
    assert doc.text == fake.rstrip("\n") + "\n"
    assert "portal_footer" not in doc.dropped


# --- every corpus file -------------------------------------------------------------------------


def _squash(s: str) -> str:
    import html

    s = html.unescape(html.unescape(html.unescape(s)))
    s = re.sub(r"(?m)^-{3,}$", "", s)  # markdown rule
    return re.sub(r"[\s?*#]|<!--.*?-->|\[\^?\d+\]", "", s)


def _allowed_to_drop(lines: list[str]) -> set[int]:
    """Indexes of source lines that are not report text, by an independent reading of the layouts.

    Front matter; a 标题：…正文： collector header; a portal page header down to its 内容摘要 abstract line; a portal footer from its
    first share/pager/disclaimer line to the end.
    """
    drop: set[int] = set()
    if lines[0] == "---":
        end = lines.index("---", 1)
        drop.update(range(end + 1))
    if lines[0].startswith("标题："):
        drop.update(range(lines.index("正文：") + 1))
    if "内容摘要：" in lines[:10]:
        drop.update(range(lines.index("内容摘要：") + 2))
        first_footer = min(
            i
            for i, ln in enumerate(lines)
            if ln in ("分享到：", "标签：", "上一页") or ln.startswith("免责声明：")
        )
        drop.update(range(first_footer, len(lines)))
    return drop


def test_every_corpus_report_reads_and_drops_nothing_but_boilerplate() -> None:
    files = sorted(REPORTS.glob("*.txt")) + [BOOK]
    assert len(files) > 400
    footer = re.compile(r"(?m)^(分享到：|QQ空间|上一篇：|相关文章|本栏推荐|标签云|内容摘要：)$")
    for f in files:
        doc = read_file(f)
        assert doc.encoding == "utf-8", f
        assert doc.text.strip(), f
        assert "??" not in doc.text and "<!--" not in doc.text and "**" not in doc.text, f
        assert not footer.search(doc.text), f
        assert "\r" not in doc.text
        kept = _squash(doc.text)
        lines = f.read_text(encoding="utf-8").split("\n")
        lines[0] = re.sub(r"^来源：.*?\s{4,}", "", lines[0])  # the note goes, the title after it stays
        droppable = _allowed_to_drop(lines)
        # Every other line survives, up to markup and placeholder marks: the text starts at the
        # report's first line (title, date or 各位代表) and ends with its last (closing appeal or
        # 名词解释 entry).
        for i, line in enumerate(lines):
            if i not in droppable:
                assert _squash(line) in kept, (f.name, i, line[:50])
        body = [ln for i, ln in enumerate(lines) if i not in droppable and _squash(ln)]
        assert kept.startswith(_squash(body[0])) and kept.endswith(_squash(body[-1])), f.name


# --- HTML --------------------------------------------------------------------------------------


def page(paragraphs: list[str], charset: str = "utf-8") -> str:
    body = "\n".join(f"<p>&nbsp;&nbsp;{p}</p>" for p in paragraphs[1:])
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{paragraphs[0]} - 锦州市人民政府</title>
<meta name="PubDate" content="2012-01-20 09:30">
<style>.x {{ color: red }} p::before {{ content: "不是正文" }}</style>
<script>document.write("<p>脚本文字</p>");</script></head>
<body>
<div class="top-nav"><a href="/">首页</a> | <a href="/zwgk">政务公开</a></div>
<header><img src="logo.png" alt="锦州市人民政府"><form><input name="q"><button>搜索</button></form></header>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 政府工作报告</div>
<div class="article-content">
<h1>{paragraphs[0]}</h1>
{body}
<table><tr><td>地区生产总值</td><td>1100亿元</td></tr></table>
</div>
<div class="share">分享到：微信 微博</div>
<footer>版权所有：锦州市人民政府办公室 ICP备案</footer>
<script>var tracker = "统计代码";</script>
</body></html>"""


def test_html_article_text_in_paragraph_lines(tmp_path: Path, book_paragraphs: list[str]) -> None:
    p = tmp_path / "report.html"
    p.write_bytes(page(book_paragraphs, "gb2312").encode("gb18030"))
    doc = read_file(p)
    assert doc.format == "html" and doc.encoding == "gb18030"
    assert doc.text.rstrip("\n").split("\n") == book_paragraphs + ["地区生产总值\t1100亿元"]
    for junk in ("首页", "当前位置", "搜索", "版权所有", "脚本文字", "统计代码", "不是正文", "分享到"):
        assert junk not in doc.text, junk
    assert doc.meta["title"] == f"{book_paragraphs[0]} - 锦州市人民政府"
    assert doc.meta["published"] == "2012-01-20 09:30"


def test_portal_page_as_html_gives_the_same_text_as_the_scraped_txt() -> None:
    import html

    name = "河北-清苑区-2020.txt"
    page_html = "<html><head><title>保定市清苑区2020年政府工作报告</title></head><body>"
    page_html += "".join(f"<p>{html.escape(line)}</p>\n" for line in raw_lines(name)) + "</body></html>"
    doc = read_bytes(page_html.encode("utf-8"), "page.html", ".html")
    assert doc.text == read_file(REPORTS / name).text
    assert {"portal_header", "abstract", "portal_footer"} <= set(doc.dropped)


def test_html_page_wrapped_in_a_form_and_title_in_a_content_header(
    tmp_path: Path, book_paragraphs: list[str]
) -> None:
    """ASP.NET pages wrap everything in <form>; a <header> inside the content holds the report title."""
    paras = "".join(f"<p>{p}</p>" for p in book_paragraphs[2:])
    html = (
        '<html><body><form id="form1" method="post"><input type="hidden" name="__VIEWSTATE" value="dDwtMTA4">'
        '<header class="site"><div class="logo">锦州市人民政府</div><ul class="menu"><li>首页</li></ul></header>'
        f'<div class="content"><header><h1>{book_paragraphs[0]}</h1><div>{book_paragraphs[1]}</div></header>'
        f'{paras}<div hidden>隐藏的分享按钮</div></div><footer class="site">网站地图 | 联系我们</footer></form></body></html>'
    )
    p = tmp_path / "aspx.html"
    p.write_text(html, encoding="utf-8")
    doc = read_file(p)
    assert doc.text.rstrip("\n").split("\n") == book_paragraphs
    assert "锦州市人民政府\n" not in doc.text and "网站地图" not in doc.text and "隐藏" not in doc.text


def test_html_br_and_cjk_source_line_breaks(tmp_path: Path) -> None:
    html = "<html><body><div>各位代表：<br>现在，我代表市政府向大会\n  报告工作，请予审议。<br/>一、2011年工作回顾</div></body></html>"
    p = tmp_path / "a.htm"
    p.write_text(html, encoding="utf-8")
    doc = read_file(p)
    assert doc.text == "各位代表：\n现在，我代表市政府向大会报告工作，请予审议。\n一、2011年工作回顾\n"


@pytest.mark.parametrize(
    "hostile",
    [
        "<html><body>" + "<div>" * 50_000 + "深" + "</div>" * 50_000 + "</body></html>",
        '<html><body><p title="' + "a" * 12_000_000 + '">x</p></body></html>',
    ],
    ids=["deep-nesting", "huge-attribute"],
)
def test_hostile_html_is_refused_quickly(tmp_path: Path, hostile: str) -> None:
    p = tmp_path / "hostile.html"
    p.write_text(hostile, encoding="utf-8")
    t0 = time.perf_counter()
    expect_error(p, "parser limits")
    assert time.perf_counter() - t0 < 5


def test_hostile_html_entity_bomb_script_in_text_broken_markup(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        "<html><body><p>&lol3;</p><p>全市生产总值增长8%<script>alert('x')</script>。</p>"
        "<p>一、工作回顾<b>加强<i>领导</p></div></span>各位代表<table><td>增长13.5%</html>"
    )
    p = tmp_path / "bomb.html"
    p.write_text(bomb, encoding="utf-8")
    doc = read_file(p)
    assert "lollol" not in doc.text and len(doc.text) < 200
    assert "全市生产总值增长8%。" in doc.text and "alert" not in doc.text
    assert "一、工作回顾加强领导" in doc.text and "各位代表" in doc.text and "增长13.5%" in doc.text


@pytest.mark.parametrize(
    ("ext", "body"),
    [
        (".md", "各位代表：" + "<!--" * 300_000),
        (".md", "---\n" * 2 + "-" * 1_000_000 + "x\n" + "?" * 1_000_000 + "a" + "**" * 300_000),
        (".txt", "&amp;" * 300_000 + "#" * 1_000_000 + "\n" + "分享到：\n" * 100_000),
        (".html", "<p>增长" + "&nbsp;" * 1_000_000 + "8%</p>" + "<div class=nav>" * 200 + "<br>" * 300_000),
    ],
    ids=["unclosed-comments", "long-runs", "entities-headings-cues", "nbsp-run"],
)
def test_hostile_text_stays_linear(tmp_path: Path, ext: str, body: str) -> None:
    p = tmp_path / ("hostile" + ext)
    p.write_text(body, encoding="utf-8")
    t0 = time.perf_counter()
    doc = read_file(p)
    assert time.perf_counter() - t0 < 5
    assert doc.text.strip()


def test_html_without_article_text(tmp_path: Path) -> None:
    p = tmp_path / "empty.html"
    p.write_text("<html><head><title>标题</title><script>var a=1;</script></head><body> </body></html>")
    expect_error(p, "no article text")
    p.write_text("   \n  ")
    expect_error(p, "no article text")


# --- docx --------------------------------------------------------------------------------------


def test_docx_paragraphs_tables_in_order_without_header_footer(
    tmp_path: Path, book_paragraphs: list[str]
) -> None:
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "锦州市人民政府文件（页眉）"
    d.sections[0].footer.paragraphs[0].text = "第 1 页（页脚）"
    d.add_heading(book_paragraphs[0], level=1)
    for para in book_paragraphs[1:6]:
        d.add_paragraph(para)
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate([("指标", "2011年", "增长"), ("地区生产总值", "1100亿元", "13.5%")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for para in book_paragraphs[6:]:
        d.add_paragraph(para)
    d.core_properties.title = "锦州市政府工作报告"
    p = tmp_path / "report.docx"
    d.save(str(p))
    doc = read_file(p)
    assert doc.format == "docx"
    lines = doc.text.rstrip("\n").split("\n")
    assert (
        lines
        == book_paragraphs[:6] + ["指标\t2011年\t增长", "地区生产总值\t1100亿元\t13.5%"] + book_paragraphs[6:]
    )
    assert "页眉" not in doc.text and "页脚" not in doc.text
    assert doc.meta["title"] == "锦州市政府工作报告"


def test_docx_tracked_insertions_smart_tags_and_deletions(tmp_path: Path) -> None:
    """Runs inside w:ins / w:smartTag are text; w:del (deleted text) is not."""
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    d = docx.Document()
    d.add_paragraph("各位代表：")
    body = d.element.body
    body.insert(
        len(body) - 1,  # before the section properties
        parse_xml(
            f"<w:p {w}><w:r><w:t>全市地区生产总值</w:t></w:r>"
            f'<w:ins w:id="1" w:author="a" w:date="2012-01-01T00:00:00Z"><w:r><w:t>增长13.5%</w:t></w:r></w:ins>'
            f'<w:del w:id="2" w:author="a" w:date="2012-01-01T00:00:00Z"><w:r><w:delText>增长12%</w:delText></w:r></w:del>'
            f'<w:smartTag w:uri="urn:x" w:element="date"><w:r><w:t>，</w:t></w:r></w:smartTag>'
            f"<w:r><w:t>达到1100亿元。</w:t><w:br/><w:t>一、2011年工作回顾</w:t></w:r></w:p>"
        ),
    )
    p = tmp_path / "tracked.docx"
    d.save(str(p))
    assert read_file(p).text == "各位代表：\n全市地区生产总值增长13.5%，达到1100亿元。\n一、2011年工作回顾\n"


def test_corrupt_docx(tmp_path: Path) -> None:
    p = tmp_path / "garbage.docx"
    p.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    expect_error(p, "corrupt .docx")
    z = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("hello.txt", "不是Word文件")
    expect_error(z, "corrupt .docx", "word/document.xml")
    bad_xml = tmp_path / "badxml.docx"
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(bad_xml, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut the XML in half
            dst.writestr(item, data)
    expect_error(bad_xml, "corrupt .docx")
    old = tmp_path / "old.docx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    expect_error(old, ".doc")


# --- pdf ---------------------------------------------------------------------------------------


def make_pdf(pages: list[list[str]]) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for lines in pages:
        c.setFont("STSong-Light", 11)
        y = 800
        for line in lines:
            c.drawString(40, y, line)
            y -= 18
        c.showPage()
    c.save()
    return buf.getvalue()


def short_lines(paragraphs: list[str], width: int = 40) -> list[str]:
    """Paragraphs cut to lines that fit a page width, as a typeset PDF has them."""
    return [p[i : i + width] for p in paragraphs for i in range(0, len(p), width)]


def test_pdf_text_round_trips_with_page_offsets(tmp_path: Path, book_paragraphs: list[str]) -> None:
    page1 = short_lines(book_paragraphs[:5])
    page2 = short_lines(book_paragraphs[5:9])
    p = tmp_path / "report.pdf"
    p.write_bytes(make_pdf([page1, page2]))
    doc = read_file(p)
    assert doc.format == "pdf"
    assert doc.text == "\n".join(page1) + "\n\n" + "\n".join(page2)
    assert doc.pages == [0, len("\n".join(page1)) + 2]
    assert doc.text[doc.pages[1] :].startswith(page2[0])
    assert doc.page_at(doc.text.index(page1[-1])) == 1
    assert doc.page_at(doc.text.index(page2[0])) == 2
    assert doc.meta["page_count"] == 2


def test_pdf_bad_inputs(tmp_path: Path, book_paragraphs: list[str]) -> None:
    renamed = tmp_path / "renamed.pdf"
    renamed.write_text("\n".join(book_paragraphs), encoding="utf-8")
    expect_error(renamed, "not a PDF")
    data = make_pdf([short_lines(book_paragraphs[:5])])
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[: len(data) // 2])
    expect_error(truncated, "truncated")
    mangled = tmp_path / "mangled.pdf"
    mangled.write_bytes(data[:20] + os.urandom(len(data) - 40) + data[-20:])
    expect_error(mangled)
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pg in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(pg)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    expect_error(locked, "encrypted PDF (password required)")
    writer = PdfWriter()
    for pg in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(pg)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    owner_only = tmp_path / "owner_only.pdf"  # opens without a password: readable
    with owner_only.open("wb") as f:
        writer.write(f)
    assert read_file(owner_only).text.startswith(book_paragraphs[0])
    scanned = tmp_path / "scanned.pdf"
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(50, 50, 400, 600, fill=1)  # a page with a picture of text but no text layer
    c.showPage()
    c.save()
    scanned.write_bytes(buf.getvalue())
    expect_error(scanned, "no text found, not even by OCR (blank pages?)")  # --ocr auto (the default) tried
    from huibian.ocr import OcrSettings

    with pytest.raises(ReadError, match="no text layer .scanned.. — OCR it"):
        read_file(scanned, ocr=OcrSettings(mode="never"))


# --- other bad inputs --------------------------------------------------------------------------


def test_bad_text_inputs(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    expect_error(empty, "empty file")
    blank = tmp_path / "blank.md"
    blank.write_text("---\ntitle: 政府工作报告\n---\n\n   \n", encoding="utf-8")
    expect_error(blank, "no text")
    rnd = tmp_path / "random.txt"
    rnd.write_bytes(os.urandom(5000))
    expect_error(rnd, "binary")
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(3000))
    expect_error(png, "binary")
    stray = tmp_path / "stray_nul.txt"  # one NUL in a long text is dropped, not a reason to refuse
    stray.write_bytes(
        raw("河北-易县-2018.txt")
        .encode("utf-8")
        .replace("各位代表".encode(), b"\x00" + "各位代表".encode(), 1)
    )
    assert read_file(stray).text == read_file(REPORTS / "河北-易县-2018.txt").text
    garbled = tmp_path / "garbled.txt"
    garbled.write_bytes("各位代表：".encode() + b"\xff\xfe\xfd" * 400 + "现在".encode())
    expect_error(garbled, "undecodable text")
    expect_error(tmp_path / "missing.txt", "no such file")
    expect_error(tmp_path, "unsupported type (no extension)")


def test_over_size_limit(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_text("各位代表：" * 100, encoding="utf-8")
    expect_error(p, "too large", "over the limit of 1.0 KiB", max_bytes=1024)
    assert read_file(p, max_bytes=10_000).text.startswith("各位代表：")
    assert DEFAULT_MAX_BYTES >= 10 * 1024 * 1024


def test_unsupported_extension_read_and_iter(tmp_path: Path) -> None:
    xlsx = tmp_path / "table.xlsx"
    xlsx.write_bytes(b"PK\x03\x04")
    expect_error(xlsx, "unsupported type .xlsx")
    files, skipped = iter_files([xlsx])
    assert files == [] and skipped[0][0] == xlsx and skipped[0][1].startswith("unsupported type .xlsx")


def test_iter_files_expands_sorted_skips_hidden_and_dedupes(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for rel in [
        "b/2.txt",
        "b/1.PDF",
        "a/deep/x.docx",
        "a/z.html",
        "a/notes.xlsx",
        ".git/c.txt",
        "a/.hidden.txt",
        "a/~$lock.docx",
    ]:
        (tmp_path / rel).write_bytes(b"x")
    files, skipped = iter_files([tmp_path, tmp_path / "b" / "2.txt", tmp_path / "nope.txt"])
    rel = [f.relative_to(tmp_path).as_posix() if f.is_relative_to(tmp_path) else str(f) for f in files]
    assert rel == ["a/z.html", "a/deep/x.docx", "b/1.PDF", "b/2.txt", "nope.txt"]
    reasons = {p.name: r for p, r in skipped}
    assert reasons == {
        "notes.xlsx": "unsupported type .xlsx (a spreadsheet, not a report)",
        "~$lock.docx": "Office lock file",
    }
    assert SUPPORTED == {".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def test_read_bytes_never_leaks_library_errors() -> None:
    """Whatever the bytes, a reader raises ReadError or returns a Document: nothing else escapes."""
    import random

    rng = random.Random(7)
    samples = [
        b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(500)) + b"\n%%EOF",
        b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(500)),
        b"<html>" + bytes(rng.randrange(256) for _ in range(500)),
        "<p>各位代表</p>".encode("utf-16"),
    ]
    for data in samples:
        for ext in (".pdf", ".docx", ".html", ".txt"):
            try:
                read_bytes(data, "sample" + ext, ext)
            except ReadError as e:
                assert e.path == "sample" + ext and e.problem
