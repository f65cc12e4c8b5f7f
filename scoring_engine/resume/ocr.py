"""Optical character recognition through the tesseract command, where it is installed."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from scoring_engine.resume.errors import (
    ExtractionTimeout,
    ImageOnlyDocument,
    OCRUnavailable,
)


def tesseract_path() -> str | None:
    """The tesseract executable, or None when OCR is not available here."""
    return shutil.which("tesseract")


# Scans are rendered at this resolution for OCR: 200 dpi reads 10-point type as well as 300 dpi and
# takes about two thirds of the time (8.6 s against 12.5 s a dense page with chi_sim+eng).
RENDER_DPI = 200
# Tesseract's OpenMP threads fight each other on small machines: one thread reads a dense page in about
# 8 s where two take about 30 s.
_TESSERACT_ENV = {"OMP_THREAD_LIMIT": "1"}


def pdftoppm_path() -> str | None:
    """poppler's pdftoppm, which renders PDF pages to images, or None when it is not installed."""
    return shutil.which("pdftoppm")


def render_pdf_pages(data: bytes, pages: list[int], timeout_seconds: float, what: str) -> list[bytes]:
    """PNG images of the given 1-based pages, rendered in grey at RENDER_DPI."""
    executable = pdftoppm_path()
    if executable is None:
        raise OCRUnavailable(f"{what} needs OCR and pdftoppm is not installed (install poppler-utils)")
    images = []
    with tempfile.TemporaryDirectory(prefix="resume-ocr-") as folder:
        source = Path(folder) / "scan.pdf"
        source.write_bytes(data)
        for page in pages:
            target = Path(folder) / f"page-{page}"
            try:
                subprocess.run(
                    [
                        executable,
                        "-r",
                        str(RENDER_DPI),
                        "-gray",
                        "-png",
                        "-f",
                        str(page),
                        "-l",
                        str(page),
                        "-singlefile",
                        str(source),
                        str(target),
                    ],
                    capture_output=True,
                    timeout=timeout_seconds,
                    check=False,
                )
            except subprocess.TimeoutExpired as error:
                raise ExtractionTimeout(
                    f"rendering page {page} of {what} took longer than {timeout_seconds:g} s"
                ) from error
            rendered = target.with_suffix(".png")
            if not rendered.is_file():
                raise ImageOnlyDocument(f"page {page} of {what} could not be rendered for OCR")
            images.append(rendered.read_bytes())
    return images


def ocr_images(images: list[bytes], timeout_seconds: float, what: str) -> str:
    """Text read from the images; raise OCRUnavailable when tesseract is missing."""
    executable = tesseract_path()
    if executable is None:
        raise OCRUnavailable(f"{what} has no text layer and OCR is not available (install tesseract-ocr to read scans)")
    if not images:
        raise ImageOnlyDocument(f"{what} has no text layer and no image OCR can read")
    languages = _languages(executable)
    texts = []
    for image in images:
        try:
            result = subprocess.run(
                [executable, "stdin", "stdout", "-l", languages],
                input=image,
                capture_output=True,
                timeout=timeout_seconds,
                check=False,
                env={**os.environ, **_TESSERACT_ENV},
            )
        except subprocess.TimeoutExpired as error:
            raise ExtractionTimeout(f"OCR of {what} took longer than {timeout_seconds:g} s") from error
        texts.append(result.stdout.decode("utf-8", errors="replace"))
    return "\n\n".join(texts)


def _languages(executable: str) -> str:
    listed = subprocess.run([executable, "--list-langs"], capture_output=True, text=True, check=False).stdout
    available = set(listed.split())
    return "+".join(lang for lang in ("chi_sim", "eng") if lang in available) or "eng"
