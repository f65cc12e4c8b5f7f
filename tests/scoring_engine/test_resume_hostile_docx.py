"""Hostile DOCX files: work per paragraph stays constant, however many paragraphs there are."""

import io
import time
import zipfile

import pytest

from scoring_engine.resume import parse_resume
from scoring_engine.resume.errors import ExtractionTimeout
from scoring_engine.resume.extraction import extract_text
from scoring_engine.resume.limits import ParseLimits
from tests.scoring_engine import resume_fixtures as fixtures


def test_twenty_thousand_empty_paragraphs_read_in_linear_time():
    # The body compresses to about 1 KB; 18 s when the text length was summed again after every paragraph.
    data = fixtures.docx_with_body("<w:p/>" * 20_000 + "<w:p><w:r><w:t>Jane Doe</w:t></w:r></w:p>")
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").compress_size < 2048
    started = time.perf_counter()
    resume = parse_resume(data, "empty-paragraphs.docx")
    assert time.perf_counter() - started < 5.0
    assert resume.text.strip() == "Jane Doe"


def test_many_short_chinese_paragraphs_stop_at_the_character_limit():
    paragraphs = "".join(f"<w:p><w:r><w:t>第{index}段 销售经理</w:t></w:r></w:p>" for index in range(20_000))
    extracted = extract_text(fixtures.docx_with_body(paragraphs), "many.docx", ParseLimits(max_chars=5_000))
    assert len(extracted.text) <= 5_000
    assert extracted.text.startswith("第0段 销售经理\n第1段 销售经理")


def test_deadline_is_checked_between_paragraphs_not_only_tables():
    data = fixtures.docx_with_body("<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 2_000)
    with pytest.raises(ExtractionTimeout, match="DOCX paragraph"):
        extract_text(data, "slow.docx", ParseLimits(timeout_seconds=-1))
