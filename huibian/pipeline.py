"""The per-file pipeline: read → clean → split → structure → extract → resolve.

`process_file` is a pure function of its inputs (a path and options), so the same
call runs in one process, in a pool, or on a cluster. Only the store holds state.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from huibian import clean, confidence, extract, read, resolve, split, structure
from huibian.models import OffsetMap, ProcessedReport
from huibian.ocr.settings import OcrSettings
from huibian.taxonomy import Taxonomy


@dataclass(frozen=True)
class Options:
    region: str | None = None
    year: int | None = None
    max_bytes: int = read.DEFAULT_MAX_BYTES
    taxonomy_path: str | None = None
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
    for meta in metas:
        text = cleaned.text[meta.start : meta.end]
        meta = resolve.annotate(meta, text)  # admin_code, level, parent as of the report year
        src_start = cleaned.offsets.to_source(meta.start)
        src_end = cleaned.offsets.to_source(meta.end) if meta.end < len(cleaned.text) else len(doc.text)
        offsets = cleaned.offsets.shifted(meta.start, meta.end)
        offsets = OffsetMap(clean=offsets.clean, source=[s - src_start for s in offsets.source])
        repairs = [
            replace(r, source_start=r.source_start - src_start, source_end=r.source_end - src_start)
            for r in cleaned.repairs
            if src_start <= r.source_start < src_end
        ]
        sections = structure.structure(text)
        facts = extract.extract(text, sections, meta, taxonomy)
        ocr_lines = [(s - src_start, e - src_start, *rest) for s, e, *rest in doc.ocr_lines
                     if src_start <= s < src_end] if scanned else []
        low_conf = [(s - src_start, e - src_start, c) for s, e, c in doc.low_conf
                    if src_start <= s < src_end] if scanned else []
        confidence.mark(facts, text, offsets, ocr_lines, low_conf)
        out.append(
            ProcessedReport(
                meta=meta,
                text=text,
                source_text=doc.text[src_start:src_end],
                offsets=offsets,
                sections=sections,
                facts=facts,
                repairs=repairs,
                content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                pages=[p - src_start for p in doc.pages if src_start <= p < src_end],
                source_start=src_start,
                source_end=src_end,
                ocr_lines=ocr_lines,  # type: ignore[arg-type]
                low_conf=low_conf,
            )
        )
    return out
