"""Scanned test pages made from real text: typeset with a Debian CJK font, degraded like a scan.

No scanned book ships here, so the benchmark (benchmarks/ocr_bench.py) and the OCR tests
make their own: paragraphs of the corpus typeset on A4 pages (one or two columns, 2-em
paragraph indents, a running head and a page number), rendered at a given dpi, then
optionally degraded (skew, blur, noise, JPEG artefacts, a dark scanner border) and wrapped
into an image-only PDF or a TIFF. The text drawn is the truth OCR is scored against.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",  # Debian fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
]
A4 = (8.27, 11.69)  # inches
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


def font_path() -> str:
    for p in FONTS:
        if Path(p).exists():
            return p
    raise RuntimeError("no CJK font: apt-get install fonts-wqy-microhei (or fonts-noto-cjk)")


@dataclass
class Page:
    image: Image.Image  # 8-bit gray
    truth: str  # body text drawn on the page, in reading order, lines joined by "\n"
    dpi: int


def typeset(
    paragraphs: list[str],
    dpi: int = 200,
    columns: int = 1,
    heads: tuple[str, ...] = ("政府工作报告汇编", "辽宁·2012年"),
    first_page: int = 1,
    max_pages: int | None = None,
    pt: float = 10.5,
    size: tuple[float, float] = A4,
) -> list[Page]:
    """Paragraphs laid out on as many pages (A4 unless `size` says, in inches) as they need."""
    fp = font_path()
    px = round(pt / 72 * dpi)
    font = ImageFont.truetype(fp, px)
    small = ImageFont.truetype(fp, round(9 / 72 * dpi))
    W, H = round(size[0] * dpi), round(size[1] * dpi)
    margin, gutter = round(min(0.9, size[0] / 9) * dpi), round(0.3 * dpi)
    col_w = (W - 2 * margin - (columns - 1) * gutter) // columns
    pitch = round(px * 1.6)
    lines_per_col = (H - 2 * margin) // pitch
    # break every paragraph into lines that fit the column (measured, so digits are narrow)
    flow: list[tuple[str, int, bool]] = []  # (text, indent px, last line of its paragraph)
    for para in paragraphs:
        para = para.strip()
        if not para:
            continue
        heading = bool(HEADING.match(para)) or (len(para) < 25 and not re.search("[。；，]", para))
        indent = 0 if heading else 2 * px
        line, width, first = "", indent, True
        for tok in re.findall(r"[0-9.%:]+|.", para):  # a number is never broken across lines, as in print
            w = font.getlength(tok)
            if width + w > col_w and line:
                flow.append((line, indent if first else 0, False))
                line, width, first = "", 0, False
            line += tok
            width += w
        flow.append((line, indent if first else 0, True))
    pages: list[Page] = []
    i = 0
    number = first_page
    while i < len(flow) and (max_pages is None or len(pages) < max_pages):
        img = Image.new("L", (W, H), 255)
        d = ImageDraw.Draw(img)
        head = heads[number % len(heads)] if heads else ""
        if head:
            d.text((W / 2, margin / 2), head, font=small, fill=0, anchor="mm")
            d.line((margin, margin * 0.7, W - margin, margin * 0.7), fill=0, width=max(1, dpi // 150))
        d.text((W / 2, H - margin / 2), str(number), font=small, fill=0, anchor="mm")
        truth: list[str] = []
        for c in range(columns):
            x = margin + c * (col_w + gutter)
            for r in range(lines_per_col):
                if i >= len(flow):
                    break
                text, indent, _last = flow[i]
                d.text((x + indent, margin + r * pitch), text, font=font, fill=0)
                truth.append(text)
                i += 1
        pages.append(Page(img, "\n".join(truth), dpi))
        number += 1
    return pages


def degrade(img: Image.Image, seed: int, dpi: int, skew: float = 1.5) -> Image.Image:
    """A scanner's damage: a small rotation (≤ skew degrees), blur, noise, JPEG artefacts and
    a dark border, each drawn from `seed`."""
    import numpy as np

    rng = random.Random(seed)
    angle = rng.uniform(-skew, skew)
    out = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    out = out.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.4, 0.8) * dpi / 200))
    a = np.asarray(out, dtype=np.float32)
    noise = np.random.default_rng(seed).normal(0, 12, a.shape)
    a = np.clip(a * rng.uniform(0.85, 0.95) + 10 + noise, 0, 255)
    b = round(rng.uniform(0.08, 0.2) * dpi)  # dark border where the scanner lid did not reach
    a[:, :b] = np.minimum(a[:, :b], 60)
    a[: b // 2, :] = np.minimum(a[: b // 2, :], 70)
    out = Image.fromarray(a.astype("uint8"), "L")
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=rng.randint(35, 55))
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def image_pdf(images: list[Image.Image], dpi: int) -> bytes:
    """An image-only PDF (no text layer), one image a page, as a scanner writes it."""
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buf.getvalue()


def tiff(images: list[Image.Image], dpi: int) -> bytes:
    buf = io.BytesIO()
    images[0].save(buf, "TIFF", dpi=(dpi, dpi), save_all=True, append_images=images[1:], compression="tiff_lzw")
    return buf.getvalue()


def paragraphs_of(path: Path) -> list[str]:
    """A corpus file's paragraphs (non-empty lines)."""
    return [p.strip() for p in path.read_text(encoding="utf-8").splitlines() if p.strip()]
