"""The values that pass between pipeline stages.

Text plus character offsets is the currency: a stage returns spans into the text it
was given rather than copies of it, so every fact can be traced back to its quote in
the cleaned report text and, through the offset map, to the source file.
"""

from __future__ import annotations

import bisect
from dataclasses import MISSING, Field, asdict, dataclass, field, fields
from typing import Any

LEVELS = ("national", "province", "city", "district", "county")
ROLES = ("review", "problems", "targets", "tasks", "other")
KINDS = ("actual", "estimate", "target")
MEASURES = ("level", "total", "growth", "avg_growth", "cum_growth", "change", "change_pp", "share", "ratio")
# measures that describe several years taken together: never one year's figure (docs/facts.md)
MULTI_YEAR_MEASURES = ("total", "avg_growth", "cum_growth")
CMPS = ("eq", "ge", "le", "approx", "range")
HORIZONS = ("annual", "multi-year")


class HuibianError(Exception):
    """An error a user can act on; the CLI prints it as one line, never a traceback."""


class ReadError(HuibianError):
    """A file could not be read as a report (empty, binary, corrupt, too large...)."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@dataclass
class Document:
    """What a reader returns: the text of one file, markup removed.

    `pages` holds the character offset at which each page starts (PDF only), so a
    position in `text` can be turned into a page number for provenance.
    `meta` carries what the file itself says about the text (front matter title,
    source URL, HTML <title>...), which the split stage may use.
    """

    path: str
    text: str
    format: str  # txt / md / html / docx / pdf / image
    encoding: str | None = None
    pages: list[int] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)  # boilerplate removed, by kind
    # Scanned pages (huibian/ocr/): each OCR'd line's span in `text`, its page and box
    # (x0, y0, x1, y1 in thousandths of the page) and mean confidence; the runs of
    # characters whose confidence is low (start, end, lowest confidence); and the newlines
    # that the page layout found to be wraps inside a paragraph (the repair stage joins them).
    ocr_lines: list[tuple[int, int, int, int, int, int, int, float]] = field(default_factory=list)
    low_conf: list[tuple[int, int, float]] = field(default_factory=list)
    line_wraps: list[int] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """1-based page number of a character offset, or None when there are no pages."""
        if not self.pages:
            return None
        return bisect.bisect_right(self.pages, offset)


@dataclass
class OffsetMap:
    """Maps positions in a cleaned text back to positions in its source text.

    Stored as anchor pairs (clean position, source position) at every point where the
    mapping stops being the identity shift; between anchors positions move together.
    This is compact (one pair per repair) and exact for every character the repair
    stage kept.
    """

    clean: list[int] = field(default_factory=lambda: [0])
    source: list[int] = field(default_factory=lambda: [0])

    def add(self, clean_pos: int, source_pos: int) -> None:
        if self.clean and self.clean[-1] == clean_pos:
            self.source[-1] = source_pos
        else:
            self.clean.append(clean_pos)
            self.source.append(source_pos)

    def to_source(self, pos: int) -> int:
        i = bisect.bisect_right(self.clean, pos) - 1
        return self.source[i] + (pos - self.clean[i])

    def shifted(self, start: int, end: int) -> OffsetMap:
        """The map for the slice clean[start:end], re-based to start at 0."""
        out = OffsetMap(clean=[0], source=[self.to_source(start)])
        for c, s in zip(self.clean, self.source, strict=True):
            if start < c < end:
                out.add(c - start, s)
        return out

    def to_json(self) -> list[list[int]]:
        return [self.clean, self.source]

    @classmethod
    def from_json(cls, data: list[list[int]]) -> OffsetMap:
        return cls(clean=list(data[0]), source=list(data[1]))


@dataclass
class Repair:
    """One change the repair stage made: what kind, where in the source, what it was."""

    kind: str  # page_break_join, space_removed, fullwidth, ...
    source_start: int
    source_end: int
    before: str
    after: str


@dataclass
class Cleaned:
    text: str
    offsets: OffsetMap
    repairs: list[Repair] = field(default_factory=list)

    def repair_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.repairs:
            counts[r.kind] = counts.get(r.kind, 0) + 1
        return counts


@dataclass
class ReportMeta:
    """Metadata of one report, with its span in the cleaned text of its file."""

    id: str
    region: str
    year: int
    start: int  # span in the cleaned file text
    end: int
    parent: str | None = None
    level: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    meeting: str | None = None
    speaker: str | None = None
    post: str | None = None
    title: str | None = None
    source: str | None = None  # file path
    admin_code: str | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def stored(cls, row: Any) -> ReportMeta:
        """The metadata of a stored report (a `reports` row, or a dict of some of its columns),
        without its span: what resolving a stored report's place needs."""
        keys = set(row.keys())
        return cls(row["id"], row["region"], row["year"], 0, 0,
                   **{k: row[k] for k in _STORED_META if k in keys})


_STORED_META = ("parent", "level", "date", "meeting", "speaker", "post", "title", "source", "admin_code")


@dataclass
class Section:
    """A heading and the span it governs in the report text (offsets in report text)."""

    idx: int
    parent: int | None  # idx of the enclosing section
    depth: int  # 1 for 一、, 2 for （一）, 3 for 1., 4 for （1）
    number: str  # the numbering as written: 一、 / （一） / 1. / （1）
    title: str
    start: int  # where the heading starts
    end: int  # where the section's body ends
    role: str = "other"


def column(label: str, *, default: Any = MISSING, stored_as: str | None = None, kw_only: bool = False) -> Any:
    """A dataclass field that carries its documentation: `label` is the variable label of
    exports (<= 80 characters for Stata), `stored_as` the store column when it differs from
    the field name. Fields declared this way are the schema: the store's INSERT, the facts
    query and the export labels are derived from them (a plain field stays in memory)."""
    return field(default=default, metadata={"label": label, "column": stored_as}, kw_only=kw_only)


def schema_fields(cls: type) -> tuple[Field, ...]:
    """The fields of a record declared with `column`: what the store keeps and exports show."""
    return tuple(f for f in fields(cls) if "label" in f.metadata)


@dataclass(slots=True)
class Fact:
    """One quantitative statement; field names, meanings and order follow docs/facts.md.

    Fields with a default are keyword-only, so the declaration order can be the exchange
    format's order. To add a field: declare it here with `column` (its label) and add a
    migration that adds its column to `facts`; the store, `huibian facts`, the API and the
    exports follow from the declaration (a tuple or list is stored as JSON text).
    """

    report: str = column("report id (region-year)", stored_as="report_id")
    indicator: str | None = column("canonical indicator id")
    name: str = column("quantity as written")
    scope: str = column("part of the region covered ('' = whole region)")
    period: int = column("year the figure describes")
    base_period: int | None = column("base year of a multi-year change", default=None, kw_only=True)
    kind: str = column("actual / estimate / target")
    measure: str = column("level/total/growth/avg_growth/cum_growth/change/change_pp/share/ratio")
    value: float | str = column("value as stated, in unit")
    value_hi: float | None = column("upper end of a range", default=None, kw_only=True)
    unit: str = column("unit as written")
    cmp: str = column("qualifier eq/ge/le/approx/range")
    quote: str = column("shortest span stating the fact")
    start: int = column("quote start offset in cleaned text")
    end: int = column("quote end offset in cleaned text")
    section: int | None = column("section index in the report", default=None, kw_only=True)
    value_base: float | None = column("value in base unit", default=None, kw_only=True)
    unit_base: str | None = column("base unit", default=None, kw_only=True)
    rules: tuple[str, ...] = column("extraction rules that decided it (huibian rules)", default=(), kw_only=True)
    # OCR'd text only (set after extraction by huibian/confidence.py, by offsets): the lowest
    # recognition confidence over the characters of the fact's number, and whether it is low.
    confidence: float | None = column("lowest OCR confidence of the number (empty: typed text)", default=None,
                                      kw_only=True)
    low_confidence: bool = column("OCR read the number with low confidence: check it on the page", default=False,
                                  kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# the stored fields of a Fact, in the exchange format's order
FACT_SCHEMA = schema_fields(Fact)
FACT_FIELDS: tuple[str, ...] = tuple(f.name for f in FACT_SCHEMA)


@dataclass
class ProcessedReport:
    """Everything the pipeline produces for one report, ready for the store."""

    meta: ReportMeta
    text: str  # cleaned report text; facts and sections point into it
    source_text: str  # the source text slice the report came from
    offsets: OffsetMap  # report text -> source_text positions
    sections: list[Section]
    facts: list[Fact]
    repairs: list[Repair]
    content_hash: str
    pages: list[int] = field(default_factory=list)  # page starts, in source_text offsets
    source_start: int = 0  # span of source_text in the file's text as read
    source_end: int = 0
    # OCR provenance in source_text offsets (Document.ocr_lines / low_conf, sliced); empty for typed text
    ocr_lines: list[tuple[int, int, int, int, int, int, int, float]] = field(default_factory=list)
    low_conf: list[tuple[int, int, float]] = field(default_factory=list)
