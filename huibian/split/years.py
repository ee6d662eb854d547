"""A report's year and date: from the head's date line (a delivery in Oct–Dec plans the next
year), from a review or plan heading (一、2011年工作回顾 → 2012), or from a title."""

from __future__ import annotations

from huibian.numbers import cn_int
from huibian.split.cues import DATE, LINE, MARKUP, YEAR_RE, split_cues
from huibian.split.heads import Line


def planning_year(date: tuple[int, int, int | None] | None, warnings: list[str]) -> int | None:
    """The year a report plans: a delivery in Oct–Dec counts for the next year."""
    if not date:
        return None
    y, m, _d = date
    if m >= 10:
        warnings.append(f"delivered {y}-{m:02d}; counted for planning year {y + 1}")
        return y + 1
    return y


def iso_date(date: tuple[int, int, int | None] | None) -> str | None:
    if not date or not date[2]:
        return None
    y, m, d = date
    return f"{y:04d}-{m:02d}-{d:02d}"


def head_date(lines: list[Line]) -> tuple[int, int, int | None] | None:
    """The delivery date: on the meeting line if there is one, else on a date line."""
    ranked = sorted(lines, key=lambda ln: 0 if "人民代表大会" in ln.flat else 1)
    for ln in ranked:
        m = DATE.search(ln.flat)
        if m:
            y, mo = cn_int(m.group("y")), cn_int(m.group("m"))
            d = cn_int(m.group("d")) if m.group("d") else None
            if y and mo and 1 <= mo <= 12 and (d is None or 1 <= d <= 31):
                return y, mo, d
    return None


def year_of_title(title: str) -> int | None:
    m = YEAR_RE.search(title)
    return int(m.group(1)) if m else None


def heading_year(body: str) -> tuple[int | None, str]:
    """Year from a review heading (一、2011年工作回顾 → 2012) or a plan heading (2012年工作安排)."""
    cues = split_cues()
    plan_year = None
    for m in LINE.finditer(body):
        line = MARKUP.sub("", m.group()).strip()
        if len(line) > cues["year_heading_max"] or "。" in line or "报告" in line or "人民代表大会" in line:
            continue
        if not YEAR_RE.search(line) or DATE.search(line):
            continue
        years = [
            (y.start(), int(y.group(1)))
            for y in YEAR_RE.finditer(line)
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
    rest = line[i : i + split_cues()["plan_cue_window"]]
    return any(c in rest for c in split_cues()["plan_cues"]) or line[max(0, i - 2) : i] == "做好"
