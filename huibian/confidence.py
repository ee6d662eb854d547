"""OCR confidence carried to the facts: after extraction, by offsets.

A fact's quote is a span of the report text; inside it, its number is found again (the
Arabic or Chinese numeral whose value is the fact's value, else every numeral in the
quote), mapped through the repair stage's offset map to the source text, and held
against the OCR'd lines and the low-confidence character runs there. The fact gets the
lowest confidence found and `low_confidence` when a character of its number is in a run
below the threshold (data/ocr.yaml). Facts of typed text keep confidence None.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from huibian.models import Fact, OffsetMap
from huibian.numbers import ARABIC, CHINESE, parse_number

_NUMBER = re.compile(rf"{ARABIC}|{CHINESE}")


def number_spans(fact: Fact, text: str) -> list[tuple[int, int]]:
    """Spans (in `text`) of the numerals in the fact's quote that state its value."""
    quote = text[fact.start : fact.end]
    found = [(m.start(), m.end(), m.group()) for m in _NUMBER.finditer(quote)]
    wanted: set[float] = set()
    if isinstance(fact.value, int | float):
        wanted.add(round(float(fact.value), 6))
    if fact.value_hi is not None:
        wanted.add(round(float(fact.value_hi), 6))
    if isinstance(fact.value, str):  # a ratio 16:49:35: each of its parts
        wanted |= {round(float(p), 6) for p in re.findall(ARABIC, fact.value)}
    hits = []
    for s, e, tok in found:
        v = parse_number(tok)
        if v is not None and round(v, 6) in wanted:
            hits.append((fact.start + s, fact.start + e))
    return hits or [(fact.start + s, fact.start + e) for s, e, _ in found]


def mark(
    facts: list[Fact],
    text: str,
    offsets: OffsetMap,
    ocr_lines: Sequence[tuple[int, int, int, int, int, int, int, float]],
    low_conf: Sequence[tuple[int, int, float]],
) -> None:
    """Set `confidence` and `low_confidence` on facts whose numbers were read by OCR
    (`ocr_lines` and `low_conf` in the offsets that `offsets` maps the report text to)."""
    if not ocr_lines:
        return
    line_starts = [ln[0] for ln in ocr_lines]
    low_starts = [r[0] for r in low_conf]
    for f in facts:
        conf: float | None = None
        low = False
        for s, e in number_spans(f, text):
            a, b = offsets.to_source(s), offsets.to_source(e - 1) + 1
            i = bisect.bisect_right(line_starts, a) - 1
            if 0 <= i < len(ocr_lines) and ocr_lines[i][0] <= a < ocr_lines[i][1]:
                conf = ocr_lines[i][7] if conf is None else min(conf, ocr_lines[i][7])
            j = max(bisect.bisect_right(low_starts, a) - 1, 0)
            while j < len(low_conf) and low_conf[j][0] < b:
                rs, re_, rc = low_conf[j]
                if rs < b and re_ > a:
                    low = True
                    conf = rc if conf is None else min(conf, rc)
                j += 1
        f.confidence = None if conf is None else round(conf, 4)
        f.low_confidence = low
