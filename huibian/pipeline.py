"""The per-file pipeline: read → clean → split → structure → extract → resolve.

`process_file` is a pure function of its inputs (a path and options), so the same
call runs in one process, in a pool, or on a cluster. Only the store holds state.

Every stage is linear in its input. Text that no report contains — a run of digits
thousands long, a sentence with hundreds of numbers (a damaged OCR table, a list that
lost its line breaks) — is treated as damage by `guard_text` before extraction: the
extractor reads it blanked out, the report keeps its text and says what was skipped in
its warnings, and every other sentence is extracted as usual.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from huibian import clean, confidence, extract, read, resolve, split, structure
from huibian.extract import ExtractConfig
from huibian.models import Cleaned, Document, Fact, OffsetMap, ProcessedReport, Repair, ReportMeta, Section
from huibian.ocr.settings import OcrSettings
from huibian.taxonomy import Taxonomy


@dataclass(frozen=True)
class Options:
    region: str | None = None
    year: int | None = None
    max_bytes: int = read.DEFAULT_MAX_BYTES
    taxonomy_path: str | None = None
    extract: ExtractConfig = ExtractConfig()
    ocr: OcrSettings = OcrSettings()  # scanned pages and images: mode, engine, cache (huibian/ocr/)


def process_file(path: str | Path, options: Options = Options()) -> list[ProcessedReport]:
    """Turn one file into its reports. Raises ReadError / HuibianError on bad input."""
    path = Path(path)
    doc = read.read_file(path, max_bytes=options.max_bytes, ocr=options.ocr)
    scanned = bool(doc.ocr_lines)
    # typeset PDF text wraps by width; OCR'd pages come with their wraps found by page geometry
    text_pages = doc.format == "pdf" and len(doc.meta.get("ocr_pages", ())) < len(doc.pages)
    cleaned = clean.clean(
        doc.text, clean.CleanConfig(wrapped_line_join=text_pages, ocr_digits=scanned), doc.line_wraps
    )
    metas = split.split(cleaned.text, doc, region=options.region, year=options.year)
    taxonomy = Taxonomy.load(options.taxonomy_path)
    out: list[ProcessedReport] = []
    for meta, piece in zip(metas, report_slices(doc, cleaned, metas), strict=True):
        text = cleaned.text[meta.start : meta.end]
        meta = resolve.annotate(meta, text)  # admin_code, level, parent as of the report year
        sections = structure.structure(text)
        facts = extract_guarded(text, sections, meta, taxonomy, options.extract)
        rep = build_report(doc, cleaned, meta, text, sections, facts, piece)
        if scanned:  # OCR provenance of the report's slice, and the facts' confidence by offsets
            a, b = piece.source_start, piece.source_end
            rep.ocr_lines = [(s - a, e - a, *rest) for s, e, *rest in doc.ocr_lines if a <= s < b]  # type: ignore[misc]
            rep.low_conf = [(s - a, e - a, c) for s, e, c in doc.low_conf if a <= s < b]
            confidence.mark(facts, text, piece.offsets, rep.ocr_lines, rep.low_conf)
        out.append(rep)
    return out


# --- a report's share of its file ------------------------------------------------------


@dataclass
class Slice:
    """What of the file's source, offset map, repairs and pages belongs to one report."""

    source_start: int
    source_end: int
    offsets: OffsetMap  # report text → its source slice
    repairs: list[Repair]  # source spans re-based to the slice
    pages: list[int]


def report_slices(doc: Document, cleaned: Cleaned, metas: list[ReportMeta]) -> Iterator[Slice]:
    """Each report's slice, by bisection into the file's anchors, repairs and pages: a book
    of many reports with many repairs costs no more than one pass over them."""
    offsets = cleaned.offsets
    repairs = cleaned.repairs  # sorted by source_start (clean.clean)
    repair_starts = [r.source_start for r in repairs]
    for meta in metas:
        src_start = offsets.to_source(meta.start)
        src_end = offsets.to_source(meta.end) if meta.end < len(cleaned.text) else len(doc.text)
        lo = bisect.bisect_right(offsets.clean, meta.start)
        hi = bisect.bisect_left(offsets.clean, meta.end)
        clean_pos = [0] + [c - meta.start for c in offsets.clean[lo:hi]]
        source_pos = [0] + [s - src_start for s in offsets.source[lo:hi]]
        r0 = bisect.bisect_left(repair_starts, src_start)
        r1 = bisect.bisect_left(repair_starts, src_end)
        rebased = [
            replace(r, source_start=r.source_start - src_start, source_end=r.source_end - src_start)
            for r in repairs[r0:r1]
        ]
        p0 = bisect.bisect_left(doc.pages, src_start)
        p1 = bisect.bisect_left(doc.pages, src_end)
        pages = [p - src_start for p in doc.pages[p0:p1]]
        yield Slice(src_start, src_end, OffsetMap(clean_pos, source_pos), rebased, pages)


def build_report(
    doc: Document,
    cleaned: Cleaned,
    meta: ReportMeta,
    text: str,
    sections: list[Section],
    facts: list[Fact],
    piece: Slice,
) -> ProcessedReport:
    del cleaned  # the slice carries what the report needs of it
    return ProcessedReport(
        meta=meta,
        text=text,
        source_text=doc.text[piece.source_start : piece.source_end],
        offsets=piece.offsets,
        sections=sections,
        facts=facts,
        repairs=piece.repairs,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        pages=piece.pages,
        source_start=piece.source_start,
        source_end=piece.source_end,
    )


# --- guards: pathological structure is damage ------------------------------------------

MAX_DIGIT_RUN = 40  # the corpus's longest figure has 9 characters; OCR noise and crafted text have more
MAX_NUMBERS_PER_SENTENCE = 100  # the corpus's most is 36 (合肥市-2008)
MAX_SENTENCE_CHARS = 5_000  # one sentence (no 。！？ or line break) this long is damage; the corpus's longest is 616

DAMAGE_WARNING = "damaged text skipped by the extractor"
MAX_NUMERAL_RUN = 20  # Chinese numerals in a row (一九九八 is 4); more is damage
_CN_NUMERALS = "零〇一二两三四五六七八九十百千万亿"
_DIGIT_RUN = re.compile(
    rf"(?<![0-9.,])[0-9][0-9.,]{{{MAX_DIGIT_RUN},}}|(?<![{_CN_NUMERALS}])[{_CN_NUMERALS}]{{{MAX_NUMERAL_RUN + 1},}}"
)
# a scraper's unexpanded back-reference ($1.$2 for the digits of 1.2): the figure it stood for is lost
_SUBSTITUTION_RESIDUE = re.compile(r"(?<![0-9.])[0-9.]*+\$[0-9](?:[.]?\$[0-9])+[0-9.]*+")
_SENTENCE = re.compile(r"[^。！？!?\n]+")
_NUMBER = re.compile(rf"[0-9]+(?:\.[0-9]+)?|(?<![{_CN_NUMERALS}])[{_CN_NUMERALS}]++(?=[%个项家户元吨])")


def guard_text(text: str, warnings: list[str]) -> str:
    """`text` with its pathological spans blanked (same length, so every offset holds),
    each recorded in `warnings`: runs of more than MAX_DIGIT_RUN digits, and sentences
    with more than MAX_NUMBERS_PER_SENTENCE numbers or more than MAX_SENTENCE_CHARS
    characters. The extractor's work per sentence grows with the numbers in it; these
    bounds keep every report linear. Linear itself: two regex scans."""
    runs = [m.span() for m in _DIGIT_RUN.finditer(text)]
    run_starts = [a for a, _ in runs]
    spans: list[tuple[int, int, str]] = [
        (m.start(), m.end(), f"a figure lost to a substitution residue ({m.group()})")
        for m in _SUBSTITUTION_RESIDUE.finditer(text)]
    for m in _SENTENCE.finditer(text):
        s0, s1 = m.span()
        if s1 - s0 <= 2 * MAX_NUMBERS_PER_SENTENCE:
            continue  # too short to hold too many numbers, or to be too long
        n = sum(1 for _ in _NUMBER.finditer(text, s0, s1))
        inside = runs[bisect.bisect_left(run_starts, s0) : bisect.bisect_left(run_starts, s1)]
        if n > MAX_NUMBERS_PER_SENTENCE:
            spans.append((s0, s1, f"a sentence with {n} numbers"))
        elif s1 - s0 - sum(b - a for a, b in inside) > MAX_SENTENCE_CHARS:
            spans.append((s0, s1, f"a sentence of {s1 - s0} characters"))
        else:
            spans.extend((a, b, f"a run of {b - a} {'digits' if text[a].isascii() else 'numerals'}")
                         for a, b in inside)
    if not spans:
        return text
    spans.sort()
    pieces: list[str] = []
    pos = 0
    for s0, s1, what in spans:
        if s1 <= pos:
            continue  # a digit run inside a sentence already blanked
        s0 = max(s0, pos)
        pieces.append(text[pos:s0])
        pieces.append(" " * (s1 - s0))
        pos = s1
        warnings.append(f"{DAMAGE_WARNING}: {what} at {s0}–{s1}")
    pieces.append(text[pos:])
    return "".join(pieces)


def extract_guarded(text: str, sections: list[Section], meta: ReportMeta, taxonomy: Taxonomy,
                    config: ExtractConfig | None = None) -> list[Fact]:
    """The extractor over `guard_text(text)`; skipped spans go into the report's warnings,
    and quotes are taken from the real text (the offsets are the same)."""
    guarded = guard_text(text, meta.warnings)
    facts = extract.extract(guarded, sections, meta, taxonomy, config)
    if guarded is not text:
        for f in facts:
            f.quote = text[f.start : f.end]
    return facts
