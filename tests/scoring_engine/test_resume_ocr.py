"""Scans go to OCR whatever their picture encoding, and also when a scanner app stamped a line of text on them."""

from pathlib import Path

import pytest

from scoring_engine.resume import parse_resume
from scoring_engine.resume.ocr import pdftoppm_path, tesseract_path
from tests.scoring_engine import resume_fixtures as fixtures

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
pytestmark = [
    pytest.mark.skipif(tesseract_path() is None, reason="tesseract is not installed here"),
    pytest.mark.skipif(pdftoppm_path() is None, reason="pdftoppm (poppler-utils) is not installed here"),
    pytest.mark.skipif(not FONT.is_file(), reason="the DejaVu Sans font used to type the scans is not installed"),
]

LINES = [
    "Maximilian Forsberg",
    "maximilian.forsberg@example.org",
    "",
    "EXPERIENCE",
    "Warehouse Supervisor, Nordic Freight AB, 2016 - 2023",
    "",
    "SKILLS",
    "Forklift, Inventory, SAP",
]


@pytest.fixture(scope="module")
def page():
    return fixtures.text_image(LINES, str(FONT))


def _check(resume):
    assert resume.name == "Maximilian Forsberg", resume.text
    assert resume.emails == ["maximilian.forsberg@example.org"]
    assert any("OCR" in warning for warning in resume.warnings)


def test_png_style_scan(page):
    _check(parse_resume(fixtures.scan_pdf(page), "scan.pdf"))


def test_jpeg_behind_a_second_filter(page):
    _check(parse_resume(fixtures.jpeg_behind_flate_pdf(page), "scan.pdf"))


def test_scan_with_a_watermark_text_layer(page):
    # The stamp is the only text layer; without OCR the resume would be "Scanned with QuickScan Pro".
    _check(parse_resume(fixtures.scan_pdf(page, stamp="Scanned with QuickScan Pro"), "scan.pdf"))


def test_a_page_with_real_text_and_a_photo_is_not_sent_to_ocr():
    import io

    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawImage(ImageReader(Image.new("L", (300, 400), 128)), 420, 680, width=120, height=150)  # a photo
    y = 800
    for line in fixtures.ENGLISH_RESUME.split("\n"):
        pdf.drawString(50, y, line)
        y -= 14
    pdf.showPage()
    pdf.save()
    resume = parse_resume(buffer.getvalue(), "cv.pdf")
    assert resume.name == "Jane Doe"
    assert not any("OCR" in warning for warning in resume.warnings)
