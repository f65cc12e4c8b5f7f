"""A scanned PDF's name line is rendered again from the PDF at a finer resolution and read once more: the PDF stays
at hand in the OCR step. Real pdftoppm and tesseract on scans typed here; the names are made up for these tests."""

import io
from pathlib import Path

import pytest

from scoring_engine.resume import ocr, parse_resume
from scoring_engine.resume.extraction import extract_text
from scoring_engine.resume.limits import ParseLimits
from scoring_engine.resume.ocr import RENDER_DPI, REREAD_DPI, PdfRenderer, pdftoppm_path, tesseract_path
from tests.scoring_engine import resume_fixtures as fixtures

ZH_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
pytestmark = [
    pytest.mark.skipif(tesseract_path() is None, reason="tesseract is not installed here"),
    pytest.mark.skipif(pdftoppm_path() is None, reason="pdftoppm (poppler-utils) is not installed here"),
    pytest.mark.skipif(
        not ZH_FONT.is_file(), reason="Noto Sans CJK (fonts-noto-cjk), used to type the scans, is missing"
    ),
]


def _scan(name: str) -> bytes:
    lines = [name, "邮箱：hr731.test@example.cn", "电话：13900000731", "", "工作经历", "任出纳三年，负责报销审核。"]
    return fixtures.scan_pdf(fixtures.text_image(lines, str(ZH_FONT)))


def _ink(png: bytes):
    from PIL import Image

    picture = Image.open(io.BytesIO(png)).convert("L")
    return picture, picture.point(lambda value: 255 if value < 128 else 0).getbbox()


def test_a_band_is_rendered_afresh_from_the_pdf_at_the_finer_resolution():
    data = _scan("唐文博")
    with PdfRenderer(data, lambda: 60.0, "scan.pdf") as renderer:
        page, page_ink = _ink(renderer.page(1))
        assert page_ink is not None
        # The name line: the top of the page's ink, one line high (28 px type at about 200 dpi).
        box = (page_ink[0] - 12, page_ink[1] - 12, page_ink[0] + 200, page_ink[1] + 45)
        band, band_ink = _ink(renderer.band(1, box, REREAD_DPI))
    scale = REREAD_DPI / RENDER_DPI
    assert abs(band.width - (box[2] - box[0]) * scale) <= 1
    assert abs(band.height - (box[3] - box[1]) * scale) <= 1
    # The same ink, drawn finer: its height is the page's name-line ink height times the scale, within a pixel or two.
    line = page.crop(box).point(lambda value: 255 if value < 128 else 0).getbbox()
    assert band_ink is not None and line is not None
    assert abs((band_ink[3] - band_ink[1]) - (line[3] - line[1]) * scale) <= 3
    assert band.width > page.crop(box).width


def test_the_name_line_of_a_scanned_pdf_is_read_again_from_a_finer_rendering(monkeypatch):
    asked = []
    band = PdfRenderer.band

    def recorded(self, number, box, dpi):
        asked.append((number, box, dpi))
        return band(self, number, box, dpi)

    monkeypatch.setattr(PdfRenderer, "band", recorded)
    monkeypatch.setattr(ocr, "FINER_REREAD", True)  # off by default: it cost CPU and changed no name measured
    result = extract_text(_scan("唐文博"), "scan.pdf", ParseLimits(timeout_seconds=120))
    assert asked, "the name line was not rendered again"
    number, box, dpi = asked[0]
    assert (number, dpi) == (1, REREAD_DPI)
    assert box[1] < 150 and box[3] - box[1] < 80  # the top line of the page, one line high
    assert "邮箱" in result.text


@pytest.mark.parametrize("name", ["唐文博", "韩雪梅", "叶思远", "潘振宇"])
def test_made_up_names_on_scanned_pdfs_are_read(name):
    resume = parse_resume(_scan(name), "scan.pdf", timeout_seconds=120)
    assert resume.name == name, resume.text[:80]
    assert resume.emails == ["hr731.test@example.cn"], resume.text[:80]


def test_an_image_upload_has_no_pdf_to_render_again_and_is_still_read():
    buffer = io.BytesIO()
    lines = ["韩雪梅", "邮箱：hr731.test@example.cn", "电话：13900000731"]
    fixtures.text_image(lines, str(ZH_FONT)).save(buffer, "PNG")
    resume = parse_resume(buffer.getvalue(), "scan.png", timeout_seconds=120)
    assert resume.name == "韩雪梅", resume.text[:80]


def test_by_default_no_band_is_rendered_again(monkeypatch):
    asked = []
    band = PdfRenderer.band
    monkeypatch.setattr(PdfRenderer, "band", lambda self, *args: asked.append(args) or band(self, *args))
    resume = parse_resume(_scan("叶思远"), "scan.pdf", timeout_seconds=120)
    assert resume.name == "叶思远"
    assert asked == []
