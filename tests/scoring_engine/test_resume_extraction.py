"""Reading resume files: PDF (columns, CJK), DOCX (tables), text encodings, and every kind of bad file."""

import pytest

from scoring_engine.errors import ScoringError
from scoring_engine.resume import ocr, parse_resume
from scoring_engine.resume.errors import (
    CorruptDocument,
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    ExtractionTimeout,
    OCRUnavailable,
    UnsupportedFileType,
)
from scoring_engine.resume.extraction import extract_text
from scoring_engine.resume.limits import ParseLimits
from scoring_engine.resume.reading_order import Box, reading_order
from tests.scoring_engine import resume_fixtures as fixtures


def read(data: bytes, **limits) -> str:
    return extract_text(data, "resume", ParseLimits(**limits)).text


def test_pdf_text_is_read():
    text = read(fixtures.resume_pdf(fixtures.ENGLISH_RESUME))
    assert "Jane Doe" in text
    assert "Stanford University" in text


def test_two_column_pdf_is_read_column_by_column():
    text = read(fixtures.two_column_pdf())
    positions = [text.index(line) for line in ["HEADER Jane Doe", *fixtures.LEFT_COLUMN, *fixtures.RIGHT_COLUMN]]
    assert positions == sorted(positions), text


def test_table_rows_on_one_baseline_are_read_across():
    # A date column beside entries is a table: each row reads left to right.
    boxes = [Box(50, 700 - 20 * row, 120, 710 - 20 * row, f"date{row}") for row in range(4)]
    boxes += [Box(300, 700 - 20 * row, 500, 710 - 20 * row, f"entry{row}") for row in range(4)]
    order = [box.text for block in reading_order(boxes) for box in block]
    assert order == ["date0", "entry0", "date1", "entry1", "date2", "entry2", "date3", "entry3"]


def test_wide_columns_on_shared_baselines_are_still_columns():
    boxes = [Box(50, 700 - 14 * row, 250, 710 - 14 * row, f"left{row}") for row in range(3)]
    boxes += [Box(300, 700 - 14 * row, 550, 710 - 14 * row, f"right{row}") for row in range(3)]
    order = [box.text for block in reading_order(boxes) for box in block]
    assert order == ["left0", "left1", "left2", "right0", "right1", "right2"]


def test_chinese_pdf_with_cjk_font():
    text = read(fixtures.resume_pdf(fixtures.CHINESE_RESUME, font="STSong-Light"))
    assert "张伟" in text
    assert "华东师范大学" in text


def test_docx_paragraphs_and_tables_in_document_order():
    data = fixtures.resume_docx(
        ["Jane Doe", "EXPERIENCE"],
        [["2019 - 2022", "Acme Analytics Inc.", "Data Scientist"], ["2016 - 2019", "Globex Corporation", "Analyst"]],
        ["SKILLS", "Python, SQL"],
    )
    text = read(data)
    assert text.index("EXPERIENCE") < text.index("Acme Analytics Inc.") < text.index("Globex") < text.index("SKILLS")
    assert "2019 - 2022 | Acme Analytics Inc. | Data Scientist" in text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_plain_text_encodings(encoding):
    assert read(fixtures.CHINESE_RESUME.encode(encoding)).startswith("张伟")


def test_type_comes_from_content_not_name():
    resume = parse_resume(fixtures.resume_pdf(fixtures.ENGLISH_RESUME), "resume.docx")
    assert resume.file_type == "pdf"
    assert resume.name == "Jane Doe"


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 4, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600],
    ids=["binary", "legacy-doc"],
)
def test_unsupported_types(data):
    with pytest.raises(UnsupportedFileType) as caught:
        parse_resume(data, "cv.bin")
    assert caught.value.http_status == 415
    assert caught.value.code == "resume-unsupported-type"


def test_zip_that_is_not_docx_is_unsupported():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(UnsupportedFileType, match="not a DOCX"):
        parse_resume(buffer.getvalue())


def test_encrypted_pdf():
    with pytest.raises(EncryptedDocument) as caught:
        parse_resume(fixtures.encrypted_pdf(), "locked.pdf")
    assert caught.value.http_status == 422
    assert "password" in str(caught.value)


def test_corrupt_pdf():
    data = fixtures.resume_pdf(fixtures.ENGLISH_RESUME)
    with pytest.raises(CorruptDocument):
        parse_resume(data[: len(data) // 3] + b"garbage", "broken.pdf")


def test_corrupt_docx():
    data = bytearray(fixtures.resume_docx(["Jane Doe"]))
    middle = len(data) // 2
    data[middle : middle + 200] = b"\xff" * 200
    with pytest.raises(CorruptDocument):
        parse_resume(bytes(data), "broken.docx")


@pytest.mark.parametrize("data", [b"", b"   \n\t  ", fixtures.blank_pdf()], ids=["empty", "whitespace", "blank-pdf"])
def test_empty_documents(data):
    with pytest.raises(EmptyDocument):
        parse_resume(data)


def test_image_only_pdf_without_ocr(monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_path", lambda: None)
    with pytest.raises(OCRUnavailable, match="OCR is not available") as caught:
        parse_resume(fixtures.image_only_pdf(), "scan.pdf")
    assert caught.value.code == "resume-ocr-unavailable"


def test_image_without_ocr(monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_path", lambda: None)
    with pytest.raises(OCRUnavailable):
        parse_resume(fixtures.png_image(), "photo.png")


def test_docx_zip_bomb_is_refused_before_reading():
    bomb = fixtures.zip_bomb_docx(64 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(DocumentTooLarge) as caught:
        parse_resume(bomb, "bomb.docx", max_uncompressed_bytes=32 * 1024 * 1024)
    assert caught.value.http_status == 413
    # Under the size limit, the compression ratio still gives it away.
    with pytest.raises(DocumentTooLarge, match="zip bomb"):
        parse_resume(bomb, "bomb.docx")


def test_file_over_byte_limit():
    with pytest.raises(DocumentTooLarge):
        parse_resume(b"x" * 2000, max_bytes=1000)


def test_page_limit_reads_first_pages_and_warns():
    pages = [[f"Page {number} text"] for number in range(1, 6)]
    resume_text = extract_text(fixtures.pdf_from_lines(pages), None, ParseLimits(max_pages=2))
    assert "Page 2 text" in resume_text.text and "Page 3 text" not in resume_text.text
    assert resume_text.warnings == ["only the first 2 of 5 pages were read"]


def test_character_limit_cuts_and_warns():
    resume = parse_resume(("Jane Doe\n" + "Python developer. " * 500).encode(), max_chars=1000)
    assert resume.text_chars <= 1000
    assert any("cut" in warning for warning in resume.warnings)


def test_time_limit():
    with pytest.raises(ExtractionTimeout):
        parse_resume(fixtures.resume_pdf(fixtures.ENGLISH_RESUME), timeout_seconds=-1)


def test_every_file_error_is_a_scoring_error_with_code_and_status():
    for error_class in (
        UnsupportedFileType,
        DocumentTooLarge,
        EncryptedDocument,
        CorruptDocument,
        EmptyDocument,
        OCRUnavailable,
        ExtractionTimeout,
    ):
        assert issubclass(error_class, ScoringError)
        assert error_class.http_status in (413, 415, 422)
        assert error_class.code.startswith("resume-")
