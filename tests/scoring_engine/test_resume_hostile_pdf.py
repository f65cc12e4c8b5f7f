"""Hostile PDFs, written byte by byte: decompression bombs, nested forms, and the clock inside one page."""

import time
import tracemalloc
import zlib

import pytest

from scoring_engine.resume import parse_resume
from scoring_engine.resume.errors import (
    DocumentTooComplex,
    DocumentTooLarge,
    ExtractionTimeout,
)
from scoring_engine.resume.extraction import extract_text
from scoring_engine.resume.limits import ParseLimits
from scoring_engine.resume.pdf_budget import _runlength_size
from tests.scoring_engine import resume_fixtures as fixtures


@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    return fixtures.inflate_bomb_pdf(1024**3)


def test_a_one_megabyte_pdf_inflating_to_a_gigabyte_is_refused_without_inflating_it(
    gigabyte_bomb,
):
    assert len(gigabyte_bomb) < 1.1 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(DocumentTooLarge, match="decompression bomb") as caught:
            parse_resume(gigabyte_bomb, "bomb.pdf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.code == "resume-too-large" and caught.value.http_status == 413
    # The default ceiling on uncompressed bytes is 100 MiB: pdfminer alone held 1 GB, then parsed it.
    assert peak < 200 * 1024 * 1024


def test_the_inflate_ceiling_is_the_uncompressed_size_limit(gigabyte_bomb):
    small_bomb = fixtures.inflate_bomb_pdf(48 * 1024 * 1024)
    with pytest.raises(DocumentTooLarge):
        extract_text(small_bomb, "bomb.pdf", ParseLimits(max_uncompressed_bytes=16 * 1024 * 1024))


def test_a_flate_stream_under_the_ceiling_reads_as_before():
    content = b"BT /F1 12 Tf 50 800 Td (Jane Doe) Tj 0 -20 Td (Data Analyst) Tj ET"
    pdf = fixtures.one_page_pdf(fixtures.stream(zlib.compress(content), b"/Filter /FlateDecode"))
    assert "Jane Doe" in extract_text(pdf, "cv.pdf", ParseLimits()).text


def test_a_damaged_flate_stream_gives_what_inflated_before_the_damage():
    content = b"BT /F1 12 Tf 50 800 Td (Jane Doe) Tj ET " + b" " * 100_000
    damaged = zlib.compress(content)[:-4] + b"\x00\x00\x00\x00"  # a wrong checksum
    pdf = fixtures.one_page_pdf(fixtures.stream(damaged, b"/Filter /FlateDecode"))
    assert "Jane Doe" in extract_text(pdf, "cv.pdf", ParseLimits()).text


def test_runlength_output_is_counted_before_it_is_built():
    assert _runlength_size(bytes([129, 0x20]) * 3 + bytes([2]) + b"abc" + bytes([128])) == 3 * 128 + 3
    runs = bytes([129, 0x20]) * 200_000  # 400 KB that RunLengthDecode makes 25 MB
    pdf = fixtures.one_page_pdf(fixtures.stream(runs, b"/Filter /RunLengthDecode"))
    with pytest.raises(DocumentTooLarge):
        extract_text(pdf, "runs.pdf", ParseLimits(max_uncompressed_bytes=8 * 1024 * 1024))


def test_nested_forms_each_drawing_the_next_ten_times_are_refused_quickly():
    pdf = fixtures.nested_forms_pdf(depth=6)  # a million draws of the innermost form
    assert len(pdf) < 2500
    started = time.perf_counter()
    with pytest.raises(DocumentTooComplex, match="form XObjects") as caught:
        parse_resume(pdf, "forms.pdf")
    assert time.perf_counter() - started < 15
    assert caught.value.code == "resume-too-complex" and caught.value.http_status == 422


def test_forms_nested_too_deep_are_refused():
    with pytest.raises(DocumentTooComplex, match="deep"):
        extract_text(fixtures.nested_forms_pdf(depth=20, copies=1), "deep.pdf", ParseLimits())


def test_the_clock_is_read_inside_a_page():
    # One page, one content stream: the deadline used to be read only between pages.
    pdf = fixtures.nested_forms_pdf(depth=6)
    limits = ParseLimits(timeout_seconds=0.5, max_pdf_forms=10**9)
    started = time.perf_counter()
    with pytest.raises(ExtractionTimeout, match="PDF page 1"):
        extract_text(pdf, "forms.pdf", limits)
    assert time.perf_counter() - started < 10


def test_drawn_objects_are_counted_on_one_page():
    content = b"BT /F1 9 Tf " + b"(x) Tj 0 -1 Td " * 5_000 + b"ET"
    pdf = fixtures.one_page_pdf(fixtures.stream(content))
    with pytest.raises(DocumentTooComplex, match="objects"):
        extract_text(pdf, "ops.pdf", ParseLimits(max_pdf_objects=20_000))
    assert extract_text(pdf, "ops.pdf", ParseLimits()).text.count("x") == 5_000


def test_chinese_text_in_a_hand_written_pdf_still_reads():
    pdf = fixtures.resume_pdf(fixtures.CHINESE_RESUME, font="STSong-Light")
    assert "华东师范大学" in extract_text(pdf, "简历.pdf", ParseLimits()).text
