"""What an OCR engine returns for one page image: its text lines with boxes and confidences.

Plain data, so it pickles between processes and round-trips through the JSON cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class OcrLine:
    """One text line as the engine saw it: text, axis-aligned box in pixels, confidences.

    `chars` holds one confidence (0..1) per character of `text`; engines that only score
    whole lines or words repeat that score for each of their characters."""

    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1
    conf: float
    chars: list[float] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]


@dataclass(slots=True)
class PageOCR:
    """All lines of one page image (in the engine's order, not yet in reading order)."""

    width: int
    height: int
    engine: str
    lines: list[OcrLine]
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "width": self.width, "height": self.height, "engine": self.engine, "seconds": round(self.seconds, 3),
            "lines": [[ln.text, [round(v, 1) for v in ln.box], round(ln.conf, 4), [round(c, 3) for c in ln.chars]]
                      for ln in self.lines],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageOCR:
        lines = [OcrLine(t, (b[0], b[1], b[2], b[3]), float(c), [float(x) for x in ch])
                 for t, b, c, ch in data["lines"]]
        return cls(int(data["width"]), int(data["height"]), str(data["engine"]), lines, float(data.get("seconds", 0)))
