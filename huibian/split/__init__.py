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

  cues    data/split_cues.yaml, the date / meeting / year patterns, title and speaker lines
  heads   lines classed, and the heads they form
  meta    a report's metadata, in order of trust (places, years)
  places  place strings → region chains
  years   the planning year and the date
"""

from __future__ import annotations

from huibian.models import Document, ReportMeta
from huibian.split.cues import split_cues
from huibian.split.heads import Head, classify_lines, find_heads
from huibian.split.meta import report_meta


def split(text: str, doc: Document, region: str | None = None, year: int | None = None) -> list[ReportMeta]:
    """The reports in `text` (the cleaned text of `doc`), in order, with their metadata.

    Raises HuibianError when a report's region or year can be found nowhere.
    """
    cues = split_cues()
    lines = classify_lines(text)
    heads = find_heads(lines)
    starts: list[Head] = []
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
        metas.append(report_meta(text, start, end, head, doc, single, region, year))
    return metas


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


__all__ = ["split"]
