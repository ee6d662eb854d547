"""Page images for OCR: PDF pages rasterised with pypdfium2 (PDFium, fast and exact), image
files (png, jpg, tif incl. multi-page) decoded with Pillow. Images come out as 8-bit
grayscale numpy arrays: scans are read in gray, and hashing and OCR are cheaper so.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

import numpy as np

from huibian.models import ReadError
from huibian.ocr.settings import config

MAX_PIXELS = 120_000_000  # a page image larger than this (about A0 at 300 dpi) is refused


def open_pdf(data: bytes, path: str):  # -> pypdfium2.PdfDocument
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise ReadError(path, f"corrupt PDF (PDFium: {e})") from None


def pdf_page_text(pdf, index: int) -> str:
    """The text layer of one page as PDFium reads it (used to judge whether it needs OCR)."""
    page = pdf[index]
    try:
        tp = page.get_textpage()
        try:
            return tp.get_text_range()
        finally:
            tp.close()
    finally:
        page.close()


def page_dpi(pdf, index: int) -> int:
    """The resolution to render a page at: a scanned page's own (its largest image's pixels
    over its size on the page), within [min_dpi, max_dpi]; the default dpi otherwise."""
    import pypdfium2.raw as pdfium_c

    cfg = config()
    page = pdf[index]
    try:
        best = 0.0
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            try:
                w_px, _h_px = obj.get_px_size()
                left, _bottom, right, _top = obj.get_bounds()
            except Exception:  # noqa: BLE001 - an odd image object: ignore it for the estimate
                continue
            if right - left > 72:  # at least an inch wide: a scan, not a logo
                best = max(best, w_px / ((right - left) / 72))
        dpi = round(best) if best else int(cfg["dpi"])
        return int(min(max(dpi, int(cfg["min_dpi"])), int(cfg["max_dpi"])))
    finally:
        page.close()


def render_pdf_page(pdf, index: int, dpi: int) -> np.ndarray:
    page = pdf[index]
    try:
        w, h = page.get_size()
        if w * h * (dpi / 72) ** 2 > MAX_PIXELS:
            dpi = int(72 * (MAX_PIXELS / (w * h)) ** 0.5)
        bitmap = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=True)
        try:
            arr = bitmap.to_numpy()
            return np.array(arr[:, :, 0] if arr.ndim == 3 else arr, dtype=np.uint8)
        finally:
            bitmap.close()
    finally:
        page.close()


def image_frames(data: bytes, path: str) -> Iterator[np.ndarray]:
    """Each frame of an image file (one, or each page of a multi-page TIFF) in grayscale.
    A file Pillow cannot decode, or one that is truncated, is a ReadError naming the problem."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            for frame in ImageSequence.Iterator(img):
                yield gray(frame)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        what = "too large an image" if "pixels" in str(e) else "not an image Pillow can read"
        raise ReadError(path, f"corrupt or unsupported image ({what})") from None
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise ReadError(path, f"corrupt or truncated image ({str(e)[:120] or type(e).__name__})") from None


def gray(frame) -> np.ndarray:  # frame: PIL.Image.Image
    """A decoded frame as the OCR sees it: upright (EXIF), transparency on white, 8-bit gray."""
    from PIL import Image, ImageOps

    frame = ImageOps.exif_transpose(frame)
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        bg = Image.new("RGBA", frame.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(bg, frame.convert("RGBA"))
    return np.array(frame.convert("L"), dtype=np.uint8)


def image_frame_count(data: bytes, path: str) -> int:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            return int(getattr(img, "n_frames", 1))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ReadError(path, "corrupt or unsupported image (too large an image)") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ReadError(path, "corrupt or unsupported image (not an image Pillow can read)") from None


def skew_angle(image: np.ndarray, max_angle: float = 3.0) -> float:
    """The angle (degrees, counter-clockwise) that turns a page's lines of text level.

    A scan is rarely straight, and a tilt of 1.5° already slants a column edge across a
    two-column page's gutter. Projection profiles (the angle at which the rows of ink are
    sharpest) find the tilt on a small copy; written here because the `deskew` package
    would bring scikit-image for these few lines."""
    from PIL import Image

    h, w = image.shape[:2]
    scale = min(1.0, 700 / max(w, 1))
    ink = Image.fromarray(255 - image).resize((max(1, int(w * scale)), max(1, int(h * scale))),
                                              Image.Resampling.BILINEAR)

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.BILINEAR), dtype=np.float64).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-max_angle, max_angle + 1e-9, 0.5), key=sharpness)
    return float(max(np.arange(best - 0.4, best + 0.41, 0.1), key=sharpness))


def deskew(image: np.ndarray) -> np.ndarray:
    """The page turned upright when it lies askew (by 0.15° to 3°)."""
    from PIL import Image

    angle = skew_angle(image)
    if abs(angle) < 0.15:
        return image
    turned = Image.fromarray(image).rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return np.asarray(turned, dtype=np.uint8)
