"""The OCR engines, behind one call: a page image in, a PageOCR (lines, boxes, confidences) out.

Two engines made for Chinese that run offline on the CPU from what the registries install:

- `rapidocr`: PaddleOCR's PP-OCR detection and recognition models in ONNX form, run by
  onnxruntime. The models ship inside the `rapidocr` wheel; we pass their paths explicitly
  so the package never looks for (or downloads) anything at run time.
- `tesseract`: Debian's tesseract-ocr with the chi_sim traineddata, through its CLI (TSV
  output: word boxes and confidences).

benchmarks/ocr_bench.py measures both; data/ocr.yaml names the default.
Each process loads an engine once (models take a second or more to load) and keeps it.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import time
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from huibian.models import HuibianError
from huibian.ocr.result import OcrLine, PageOCR

ENGINES = ("rapidocr", "tesseract")
# Part of every cache key: change it whenever what the engine is given or asked changes
# (its parameters here, the deskewing in raster.py), so that old results are not reused.
RECIPE = "r2"


class OcrUnavailable(HuibianError):
    """The engine asked for is not installed; the message says how to install it."""


class Engine(Protocol):
    name: str

    def recognise(self, image: np.ndarray) -> PageOCR: ...


def box_of(points: Any) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return min(xs), min(ys), max(xs), max(ys)


class RapidOcrEngine:
    """RapidOCR (PP-OCR models in ONNX, run by onnxruntime), with per-character scores."""

    def __init__(self, threads: int = 0):
        try:
            import rapidocr
            from rapidocr import RapidOCR
        except ImportError as e:  # pragma: no cover - the dependency is declared
            raise OcrUnavailable(f"the rapidocr engine is not installed ({e}); `pip install rapidocr onnxruntime`") from None
        models = Path(rapidocr.__file__).parent / "models"
        det = sorted(models.glob("*det*.onnx"))
        rec = sorted(models.glob("*rec*.onnx"))
        cls = sorted(models.glob("*cls*.onnx"))
        if not (det and rec and cls):
            raise OcrUnavailable(f"the rapidocr wheel holds no models in {models}; reinstall rapidocr")
        params: dict[str, Any] = {
            "Global.log_level": "error",
            "Global.return_word_box": True,
            "Global.return_single_char_box": True,
            # The text-direction classifier turned whole upright lines upside down on our test
            # pages (a clean line read as `：胶`); book scans are upright, so it is off.
            "Global.use_cls": False,
            "Det.model_path": str(det[-1]),
            "Rec.model_path": str(rec[-1]),
            "Cls.model_path": str(cls[-1]),
        }
        if threads > 0:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
            params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
        self._ocr = RapidOCR(params=params)
        self.name = engine_id("rapidocr")

    def recognise(self, image: np.ndarray) -> PageOCR:
        t0 = time.perf_counter()
        out = self._ocr(image)
        lines: list[OcrLine] = []
        words = getattr(out, "word_results", None) or ()
        for i, (points, text, score) in enumerate(zip(out.boxes if out.boxes is not None else (), out.txts or (),
                                                      out.scores or (), strict=False)):
            chars = [float(score)] * len(text)
            if i < len(words) and words[i]:
                ws = [w for w in words[i] if w and w[0]]
                joined = "".join(str(w[0]) for w in ws)
                if joined == text:
                    chars = [float(w[1]) for w in ws for _ in str(w[0])]
                elif joined.replace(" ", "") == text.replace(" ", ""):
                    it = iter(float(w[1]) for w in ws for ch in str(w[0]) if ch != " ")
                    chars = [float(score) if ch == " " else next(it) for ch in text]
            lines.append(OcrLine(text, box_of(points), float(score), chars))
        h, w = image.shape[:2]
        return PageOCR(int(w), int(h), self.name, lines, time.perf_counter() - t0)


class TesseractEngine:
    """Tesseract 5 with chi_sim (Debian: tesseract-ocr tesseract-ocr-chi-sim), word confidences."""

    def __init__(self, threads: int = 0, lang: str = "chi_sim"):
        exe = shutil.which("tesseract")
        if not exe:
            raise OcrUnavailable("tesseract is not installed; `apt-get install tesseract-ocr tesseract-ocr-chi-sim`")
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False).stdout.split()
        if lang not in langs:
            raise OcrUnavailable(f"tesseract has no {lang} data; `apt-get install tesseract-ocr-chi-sim`")
        self._exe, self._lang, self._threads = exe, lang, threads
        self.name = engine_id("tesseract")

    def recognise(self, image: np.ndarray) -> PageOCR:
        from PIL import Image

        t0 = time.perf_counter()
        buf = io.BytesIO()
        Image.fromarray(image).save(buf, format="PNG")
        env = dict(os.environ)
        if self._threads > 0:
            env["OMP_THREAD_LIMIT"] = str(self._threads)
        proc = subprocess.run(
            [self._exe, "stdin", "stdout", "-l", self._lang, "--psm", "3", "tsv"],
            input=buf.getvalue(), capture_output=True, env=env, check=False,
        )
        if proc.returncode != 0:
            raise HuibianError(f"tesseract failed: {proc.stderr.decode('utf-8', 'replace').strip()[:200]}")
        rows = csv.DictReader(io.StringIO(proc.stdout.decode("utf-8", "replace")), delimiter="\t",
                              quoting=csv.QUOTE_NONE)
        groups: dict[tuple[str, str, str, str], list[dict[str, str]]] = {}
        for r in rows:
            if r.get("level") == "5" and (r.get("text") or "").strip():
                groups.setdefault((r["page_num"], r["block_num"], r["par_num"], r["line_num"]), []).append(r)
        lines = []
        for words in groups.values():
            # Tesseract may run one "line" across a column gutter: cut it where words stand apart
            piece: list[dict[str, str]] = []
            for w in words:
                if piece and int(w["left"]) - (int(piece[-1]["left"]) + int(piece[-1]["width"])) > 1.5 * max(
                        int(w["height"]), int(piece[-1]["height"])):
                    lines.append(_tesseract_line(piece))
                    piece = []
                piece.append(w)
            if piece:
                lines.append(_tesseract_line(piece))
        h, w = image.shape[:2]
        return PageOCR(int(w), int(h), self.name, lines, time.perf_counter() - t0)


def _tesseract_line(words: list[dict[str, str]]) -> OcrLine:
    """Tesseract's words of one line → a line: characters joined (a space only between Latin words)."""
    text, chars = "", []
    prev_x1 = None
    for w in words:
        t = w["text"].strip()
        x0 = int(w["left"])
        conf = max(0.0, float(w["conf"])) / 100
        if text and text[-1].isascii() and text[-1].isalnum() and t[0].isascii() and t[0].isalnum() \
                and prev_x1 is not None and x0 - prev_x1 > int(w["height"]) * 0.3:
            text += " "
            chars.append(conf)
        text += t
        chars += [conf] * len(t)
        prev_x1 = x0 + int(w["width"])
    x0 = min(int(w["left"]) for w in words)
    y0 = min(int(w["top"]) for w in words)
    x1 = max(int(w["left"]) + int(w["width"]) for w in words)
    y1 = max(int(w["top"]) + int(w["height"]) for w in words)
    return OcrLine(text, (x0, y0, x1, y1), sum(chars) / len(chars), chars)


@cache
def engine_id(name: str) -> str:
    """The engine's name, version and model, without loading it: the OCR cache's key part."""
    if name == "rapidocr":
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("rapidocr")
        except PackageNotFoundError:
            raise OcrUnavailable("the rapidocr engine is not installed; `pip install rapidocr onnxruntime`") from None
        import rapidocr

        rec = sorted((Path(rapidocr.__file__).parent / "models").glob("*rec*.onnx"))
        return f"rapidocr-{v}-{rec[-1].stem if rec else '?'}-{RECIPE}"
    if name == "tesseract":
        exe = shutil.which("tesseract")
        if not exe:
            raise OcrUnavailable("tesseract is not installed; `apt-get install tesseract-ocr tesseract-ocr-chi-sim`")
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False).stdout.split()
        return f"tesseract-{out[1] if len(out) > 1 else '?'}-chi_sim-{RECIPE}"
    raise OcrUnavailable(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINES)}")


@cache
def get_engine(name: str = "rapidocr", threads: int = 0) -> Engine:
    """The engine `name`, loaded once per process."""
    if name == "rapidocr":
        return RapidOcrEngine(threads)
    if name == "tesseract":
        return TesseractEngine(threads)
    raise OcrUnavailable(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINES)}")
