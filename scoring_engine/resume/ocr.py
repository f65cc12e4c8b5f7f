"""Optical character recognition through the tesseract command, where it is installed."""

import functools
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
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


class PdfRenderer:
    """Renders pages of one PDF, and bands of them at a finer resolution, with pdftoppm; the PDF is written to a
    temporary folder once. Use as a context manager; `remaining` gives the seconds each render may take."""

    def __init__(self, data: bytes, remaining: Callable[[], float], what: str):
        executable = pdftoppm_path()
        if executable is None:
            raise OCRUnavailable(f"{what} needs OCR and pdftoppm is not installed (install poppler-utils)")
        self._executable, self._remaining, self._what = executable, remaining, what
        self._folder = tempfile.TemporaryDirectory(prefix="resume-ocr-")
        self._source = Path(self._folder.name) / "scan.pdf"
        self._source.write_bytes(data)
        self._renders = 0

    def __enter__(self) -> "PdfRenderer":
        return self

    def __exit__(self, *exc_info) -> None:
        self._folder.cleanup()

    def page(self, number: int) -> bytes:
        """The 1-based page as a grey PNG at RENDER_DPI."""
        rendered = self._render(number, RENDER_DPI, None)
        if rendered is None:
            raise ImageOnlyDocument(f"page {number} of {self._what} could not be rendered for OCR")
        return rendered

    def band(self, number: int, box: tuple[int, int, int, int], dpi: int) -> bytes | None:
        """The part of the page inside box (pixels of the RENDER_DPI picture) rendered afresh at dpi, or None."""
        scale = dpi / RENDER_DPI
        left, top, right, bottom = (round(value * scale) for value in box)
        if right <= left or bottom <= top:
            return None
        return self._render(number, dpi, (left, top, right - left, bottom - top))

    def _render(self, number: int, dpi: int, area: tuple[int, int, int, int] | None) -> bytes | None:
        self._renders += 1
        target = Path(self._folder.name) / f"render-{self._renders}"
        crop = [] if area is None else ["-x", str(area[0]), "-y", str(area[1]), "-W", str(area[2]), "-H", str(area[3])]
        timeout_seconds = self._remaining()
        try:
            subprocess.run(
                [
                    self._executable,
                    "-r",
                    str(dpi),
                    *crop,
                    "-gray",
                    "-png",
                    "-f",
                    str(number),
                    "-l",
                    str(number),
                    "-singlefile",
                    str(self._source),
                    str(target),
                ],
                capture_output=True,
                timeout=timeout_seconds,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise ExtractionTimeout(
                f"rendering page {number} of {self._what} took longer than {timeout_seconds:g} s"
            ) from error
        rendered = target.with_suffix(".png")
        if not rendered.is_file():
            return None
        image = rendered.read_bytes()
        rendered.unlink()
        return image


def render_pdf_pages(data: bytes, pages: list[int], timeout_seconds: float, what: str) -> list[bytes]:
    """PNG images of the given 1-based pages, rendered in grey at RENDER_DPI."""
    with PdfRenderer(data, lambda: timeout_seconds, what) as renderer:
        return [renderer.page(page) for page in pages]


# A band of the page (pixels of its RENDER_DPI picture) rendered afresh at a finer resolution, or None.
Band = Callable[[tuple[int, int, int, int], int], bytes | None]


def ocr_images(images: list[bytes], timeout_seconds: float, what: str, bands: list[Band | None] | None = None) -> str:
    """Text read from the images; raise OCRUnavailable when tesseract is missing.

    bands, one per image where the image is a rendered PDF page, render part of that page again at a finer
    resolution: the name lines are read once more from such a rendering."""
    executable = tesseract_path()
    if executable is None:
        raise OCRUnavailable(f"{what} has no text layer and OCR is not available (install tesseract-ocr to read scans)")
    if not images:
        raise ImageOnlyDocument(f"{what} has no text layer and no image OCR can read")
    languages = _languages(executable)
    texts = []
    with tempfile.TemporaryDirectory(prefix="resume-ocr-") as folder:
        for number, image in enumerate(images):
            base = Path(folder) / f"page-{number}"
            _tesseract(executable, image, base, ["-l", languages, "txt", "tsv"], timeout_seconds, what)
            text = (
                base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
                if base.with_suffix(".txt").is_file()
                else ""
            )
            if "chi_sim" in languages.split("+") and base.with_suffix(".tsv").is_file():
                tsv = base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace")
                band = bands[number] if bands is not None and number < len(bands) else None
                text = _reread_header_lines(executable, image, text, tsv, Path(folder), timeout_seconds, what, band)
            texts.append(_mend_addresses(text))
    return "\n\n".join(texts)


# In an email address OCR reads a zero beside other digits as a capital O ("hrO12@..."): addresses are written in
# lower case, so a capital O touching a digit there is a zero.
_ADDRESS_TOKEN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_O_BY_DIGIT = re.compile(r"O(?=\d)|(?<=\d)O")


def _mend_addresses(text: str) -> str:
    return _ADDRESS_TOKEN.sub(lambda found: _O_BY_DIGIT.sub("0", found.group()), text)


def _tesseract(
    executable: str, image: bytes, base: Path, options: list[str], timeout_seconds: float, what: str
) -> None:
    try:
        subprocess.run(
            [executable, "stdin", str(base), *options],
            input=image,
            capture_output=True,
            timeout=timeout_seconds,
            check=False,
            env={**os.environ, **_TESSERACT_ENV},
        )
    except subprocess.TimeoutExpired as error:
        raise ExtractionTimeout(f"OCR of {what} took longer than {timeout_seconds:g} s") from error


# A Chinese name on a line of its own is too short for chi_sim+eng to tell the script: it is often read as Latin
# letters ("袁国强" as "ESR"), or not found at all. Short lines near the top of a page are read again alone, as one
# line of Chinese (chi_sim, --psm 7). Of the two readings (the page's and the crop's) the one tesseract is surer of
# wins, a reading of two to four Chinese characters that opens with a known surname (data/zh_surnames.txt) counted
# surer by SURNAME_BONUS; a crop's reading that is not two to four Chinese characters is never used. At most
# REREAD_LINES extra tesseract runs a page, each on a crop of one line.
HEADER_LINES = 4
REREAD_LINES = 3
SHORT_LINE_CHARS = 8
_REREAD_PADDING = 12
SURNAME_BONUS = 15.0
_HAN = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_NOT_A_NAME_LINE = re.compile(r"[@\d:：/.]")


@functools.lru_cache(maxsize=1)
def zh_surnames() -> frozenset[str]:
    """Chinese surnames, single and compound, from the Hundred Family Surnames and common modern ones."""
    text = (Path(__file__).parent / "data" / "zh_surnames.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


def _name_score(reading: str, confidence: float) -> float:
    if not _HAN.match(reading):
        return confidence
    surnames = zh_surnames()
    opens_with_surname = reading[:1] in surnames or reading[:2] in surnames
    return confidence + (SURNAME_BONUS if opens_with_surname else 0.0)


def _tsv_lines(tsv: str) -> list[tuple[tuple[int, int, int, int], str, float]]:
    """(box, text, mean word confidence) per recognised line, top of the page first; box as (left, top, right,
    bottom) in pixels."""
    lines: dict[tuple[str, str, str], list] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        key = (cells[2], cells[3], cells[4])
        left, top, width, height = (int(value) for value in cells[6:10])
        entry = lines.setdefault(key, [[left, top, left + width, top + height], [], []])
        box = entry[0]
        box[:] = [min(box[0], left), min(box[1], top), max(box[2], left + width), max(box[3], top + height)]
        entry[1].append(cells[11].strip())
        entry[2].append(float(cells[10]))
    ordered = sorted(lines.values(), key=lambda entry: entry[0][1])
    return [(tuple(box), "".join(words), sum(confidences) / len(confidences)) for box, words, confidences in ordered]


def _read_line(executable: str, crop, base: Path, timeout_seconds: float, what: str) -> tuple[str, float] | None:
    """(text, mean confidence) of a crop read as one line of Chinese, or None when it is not read as one line."""
    buffer = io.BytesIO()
    crop.save(buffer, "PNG")
    _tesseract(executable, buffer.getvalue(), base, ["-l", "chi_sim", "--psm", "7", "tsv"], timeout_seconds, what)
    tsv_file = base.with_suffix(".tsv")
    read = _tsv_lines(tsv_file.read_text(encoding="utf-8", errors="replace")) if tsv_file.is_file() else []
    return (read[0][1], read[0][2]) if len(read) == 1 else None


# The name line of a PDF page is rendered afresh by pdftoppm at REREAD_DPI and read again (chi_sim, --psm 7). On the
# name-line crops of the first 30 dev NAME sentences and of 120 of the training file, 250 dpi read 126 of 150 right
# (200 dpi: 122, 300 dpi: 114, 300 dpi binarised: 120, Pillow enlarging the 200-dpi crop 1.25 times: 118); where the
# 200 and 250 dpi readings agree they are right 117 times in 127.
# In the whole parse of 60 fresh and 60 training scans it changed no name (the page's own reading already holds most
# of what the crops gain) and cost about 0.6 s CPU a page, so it is off unless FINER_REREAD is set.
REREAD_DPI = 250
AGREEMENT_BONUS = 30.0
FINER_REREAD = False


def _read_finer(
    executable: str, band: Band | None, box: tuple[int, int, int, int], base: Path, timeout_seconds: float, what: str
) -> tuple[str, float] | None:
    if band is None:
        return None
    from PIL import Image

    rendered = band(box, REREAD_DPI)
    if rendered is None:
        return None
    return _read_line(executable, Image.open(io.BytesIO(rendered)), base, timeout_seconds, what)


# Tesseract's page layout sometimes drops a short line of large, sparse characters over the first block it finds
# (a two-character name above the contacts): ink above the first line read, of about one line's height, is read too.
_INK = 128
_MISSED_LINE_MAX_HEIGHT = 2.0


def _missed_top_line(picture, first_box: tuple[int, int, int, int] | None) -> tuple[int, int, int, int] | None:
    """The box of unread ink above the first line tesseract read, when it is about one line high."""
    if first_box is None:
        return None
    line_height = first_box[3] - first_box[1]
    band_bottom = first_box[1] - 2
    if band_bottom <= 0 or line_height <= 0:
        return None
    band = picture.convert("L").crop((0, 0, picture.width, band_bottom))
    ink = band.point(lambda value: 255 if value < _INK else 0).getbbox()
    if ink is None:
        return None
    left, top, right, bottom = ink
    if bottom - top < line_height / 3 or bottom - top > line_height * _MISSED_LINE_MAX_HEIGHT:
        return None
    return (left, top, right, bottom)


def _reread_header_lines(
    executable: str,
    image: bytes,
    text: str,
    tsv: str,
    folder: Path,
    timeout_seconds: float,
    what: str,
    band: Band | None = None,
) -> str:
    try:
        from PIL import Image
    except ImportError:  # Pillow is a dependency; without it the first reading stands
        return text
    picture = Image.open(io.BytesIO(image))
    read_lines = _tsv_lines(tsv)
    candidates = [
        (box, line, confidence)
        for box, line, confidence in read_lines[:HEADER_LINES]
        if len(line) <= SHORT_LINE_CHARS and not _NOT_A_NAME_LINE.search(line)
    ][:REREAD_LINES]
    missed = _missed_top_line(picture, read_lines[0][0] if read_lines else None)
    if missed is not None:
        candidates = [(missed, "", -1.0), *candidates][:REREAD_LINES]
    if not candidates:
        return text
    lines = text.split("\n")
    for index, (box, line, confidence) in enumerate(candidates):
        left, top, right, bottom = box
        padded = (
            max(left - _REREAD_PADDING, 0),
            max(top - _REREAD_PADDING, 0),
            min(right + _REREAD_PADDING, picture.width),
            min(bottom + _REREAD_PADDING, picture.height),
        )
        crop = picture.crop(padded)
        # The page's reading stays among the choices even when it is not Chinese: a short English line that chi_sim
        # reads as Chinese characters it is less sure of stays as it was read.
        readings = [(line, confidence)]
        alone = _read_line(executable, crop, folder / f"line-{index}", timeout_seconds, what)
        if alone is not None and _HAN.match(alone[0]):
            readings.append(alone)
        finer = _read_finer(executable, band, padded, folder / f"band-{index}", timeout_seconds, what)
        if finer is not None and _HAN.match(finer[0]):
            if alone is not None and finer[0] == alone[0]:
                # Two renderings read alike: that reading is far surer than either confidence says.
                readings.append((finer[0], max(finer[1], alone[1]) + AGREEMENT_BONUS))
            elif _HAN.match(line):
                # Read differently: the finer reading may replace a Chinese reading of the page, never a Latin one (a
                # crop's reading that disagrees with the other is right less than half the time).
                readings.append(finer)
        best = max(readings, key=lambda reading: _name_score(*reading))[0]
        if best == line:
            continue
        if not line:  # a line the page's reading missed goes on top
            lines.insert(0, best)
            continue
        for number, existing in enumerate(lines):
            if "".join(existing.split()) == line:
                lines[number] = best
                break
    return "\n".join(lines)


def _languages(executable: str) -> str:
    listed = subprocess.run([executable, "--list-langs"], capture_output=True, text=True, check=False).stdout
    available = set(listed.split())
    return "+".join(lang for lang in ("chi_sim", "eng") if lang in available) or "eng"
