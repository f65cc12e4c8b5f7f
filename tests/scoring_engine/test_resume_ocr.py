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


ZH_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.mark.skipif(not ZH_FONT.is_file(), reason="Noto Sans CJK (fonts-noto-cjk), used to type the scan, is missing")
def test_a_chinese_name_on_a_line_of_its_own_is_read_as_chinese():
    # chi_sim+eng reads this short line as Latin letters (no name at all): the header line is read again alone.
    lines = [
        "司增勤",
        "邮箱：hr014.cand@example.cn",
        "电话：13900000014",
        "",
        "工作经历",
        "司增勤女士，本科学历，高级会计师。",
    ]
    resume = parse_resume(fixtures.scan_pdf(fixtures.text_image(lines, str(ZH_FONT))), "scan.pdf", timeout_seconds=120)
    assert resume.name == "司增勤", resume.text[:80]
    assert resume.emails == ["hr014.cand@example.cn"], resume.text[:80]


def test_a_capital_o_beside_digits_in_an_address_is_a_zero():
    from scoring_engine.resume.ocr import _mend_addresses

    assert _mend_addresses("邮箱 : hrO12.cand@example.cn\nOffice 12") == "邮箱 : hr012.cand@example.cn\nOffice 12"
    assert _mend_addresses("jOhn@example.org") == "jOhn@example.org"


def test_tesseract_lines_are_read_from_its_tsv_top_first():
    from scoring_engine.resume.ocr import _tsv_lines

    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t2\t1\t100\t160\t80\t30\t90\tsecond",
        "5\t1\t1\t1\t1\t1\t100\t60\t40\t30\t90\tE",
        "5\t1\t1\t1\t1\t2\t150\t58\t40\t34\t90\tSR",
        "4\t1\t1\t1\t1\t0\t100\t58\t90\t34\t-1\t",
    ]
    assert _tsv_lines("\n".join([header, *rows])) == [
        ((100, 58, 190, 92), "ESR", 90.0),
        ((100, 160, 180, 190), "second", 90.0),
    ]
