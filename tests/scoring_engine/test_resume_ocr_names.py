"""Chinese names on scans: a name line tesseract's page layout drops is still read, readings are chosen with a
surname list. The scans are small cards (a name and three lines), so each reads in a few seconds."""

import io
from pathlib import Path

import pytest

from scoring_engine.resume import parse_resume
from scoring_engine.resume.ocr import _missed_top_line, _name_score, tesseract_path, zh_surnames

ZH_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
needs_ocr = [
    pytest.mark.skipif(tesseract_path() is None, reason="tesseract is not installed here"),
    pytest.mark.skipif(
        not ZH_FONT.is_file(), reason="Noto Sans CJK (fonts-noto-cjk), used to type the scans, is missing"
    ),
]


def _card(lines: list[str]) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(ZH_FONT), 28)
    image = Image.new("L", (900, 60 + 45 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((60, 30 + index * 45), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["胡亮", "吴婷"])
@needs_ocr[0]
@needs_ocr[1]
def test_a_short_name_line_the_page_layout_drops_is_read(name):
    # chi_sim+eng's layout finds no line at all for 胡亮 above the contacts (before this, the resume had no name);
    # 吴婷 is found by the page's own reading and must stay found.
    lines = [name, "邮箱：liang@example.cn", "电话：13912345678", "工作经历：会计，五年。"]
    resume = parse_resume(_card(lines), "scan.png", timeout_seconds=120)
    assert resume.name == name, resume.text[:80]


def test_the_surname_list_is_general_and_holds_compound_surnames():
    surnames = zh_surnames()
    assert len(surnames) > 450
    assert {"王", "李", "张", "刘", "陈", "袁", "欧阳", "司马", "诸葛"} <= surnames
    assert not {"的", "是", "国强"} & surnames


def test_a_reading_that_opens_with_a_surname_counts_as_surer():
    assert _name_score("袁国强", 60.0) > _name_score("圳国强", 70.0)
    assert _name_score("ESR", 80.0) == 80.0  # a Latin reading is taken at tesseract's word
    assert _name_score("袁国强", 50.0) < _name_score("ESR", 80.0)


def test_ink_above_the_first_line_read_is_found_only_when_it_is_one_line_high():
    from PIL import Image, ImageDraw

    page = Image.new("L", (400, 300), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((50, 20, 110, 46), fill=0)  # a missed name, 27 px high
    first_line = (50, 80, 300, 106)
    assert _missed_top_line(page, first_line) == (50, 20, 111, 47)
    assert _missed_top_line(Image.new("L", (400, 300), 255), first_line) is None
    draw.rectangle((300, 0, 390, 70), fill=0)  # a photo beside it: far taller than a line
    assert _missed_top_line(page, first_line) is None
    assert _missed_top_line(page, None) is None
