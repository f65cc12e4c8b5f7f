"""Isolated parsing: each upload in its own limited child process, a bounded number at a time."""

import threading
import time
from dataclasses import replace

import pytest

from scoring_engine.resume.errors import (
    DocumentTooComplex,
    ExtractionBusy,
    ExtractionTimeout,
    UnsupportedFileType,
)
from scoring_engine.resume.isolation import IsolatedParser, Limits, extract_isolated
from scoring_engine.resume.limits import ParseLimits
from tests.scoring_engine import resume_fixtures as fixtures

# The in-process checks let these files run: only the child's hard limits stop them.
UNCHECKED = ParseLimits(
    timeout_seconds=3600,
    max_pdf_forms=10**9,
    max_pdf_objects=10**12,
    max_uncompressed_bytes=10**12,
)
ENDLESS_FORMS = fixtures.nested_forms_pdf(depth=7)  # ten million replays: hours of work


def test_a_normal_resume_reads_in_a_child_process():
    resume = extract_isolated(fixtures.ENGLISH_RESUME.encode(), "cv.txt")
    assert resume.name == "Jane Doe" and resume.emails == ["jane.doe@example.com"]
    resume = extract_isolated(fixtures.resume_pdf(fixtures.CHINESE_RESUME, font="STSong-Light"), "简历.pdf")
    assert resume.name == "张伟"


def test_a_path_can_be_given(tmp_path):
    path = tmp_path / "cv.docx"
    path.write_bytes(fixtures.resume_docx(["Jane Doe", "jane.doe@example.com"]))
    assert extract_isolated(path).emails == ["jane.doe@example.com"]


def test_file_errors_come_back_typed():
    with pytest.raises(UnsupportedFileType) as caught:
        extract_isolated(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.doc")
    assert caught.value.code == "resume-unsupported-type"


def test_a_bomb_is_killed_at_the_wall_clock_limit():
    parser = IsolatedParser(Limits(wall_seconds=2, cpu_seconds=60, parse=UNCHECKED))
    started = time.monotonic()
    with pytest.raises(ExtractionTimeout, match="longer than 2 s"):
        parser.parse(ENDLESS_FORMS, "forms.pdf")
    assert time.monotonic() - started < 6


def test_the_cpu_limit_stops_a_busy_child():
    parser = IsolatedParser(Limits(wall_seconds=30, cpu_seconds=1, parse=UNCHECKED))
    started = time.monotonic()
    with pytest.raises(ExtractionTimeout, match="CPU"):
        parser.parse(ENDLESS_FORMS, "forms.pdf")
    assert time.monotonic() - started < 15


def test_a_memory_bomb_ends_with_a_typed_error():
    bomb = fixtures.inflate_bomb_pdf(1024**3)
    parser = IsolatedParser(Limits(memory_bytes=384 * 1024 * 1024, wall_seconds=60, parse=UNCHECKED))
    with pytest.raises(DocumentTooComplex, match="memory") as caught:
        parser.parse(bomb, "bomb.pdf")
    assert caught.value.code == "resume-too-complex"


def test_the_other_slot_serves_a_normal_file_while_one_is_stuck_and_the_pool_recovers():
    parser = IsolatedParser(Limits(workers=2, wall_seconds=8, parse=UNCHECKED))
    outcome = {}

    def stuck():
        try:
            parser.parse(ENDLESS_FORMS, "forms.pdf")
        except ExtractionTimeout as error:
            outcome["stuck"] = error

    thread = threading.Thread(target=stuck)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert parser.parse(fixtures.ENGLISH_RESUME.encode(), "cv.txt").name == "Jane Doe"
    assert time.monotonic() - started < 5
    thread.join(20)
    assert isinstance(outcome.get("stuck"), ExtractionTimeout)
    # The killed slot is free again: both slots serve.
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(parser.parse(fixtures.CHINESE_RESUME.encode(), "a.txt")))
        for _ in range(2)
    ]
    for each in threads:
        each.start()
    for each in threads:
        each.join(30)
    assert [resume.name for resume in results] == ["张伟", "张伟"]


def test_no_slot_free_within_the_queue_time_is_busy():
    parser = IsolatedParser(Limits(workers=1, wall_seconds=4, queue_seconds=0.5, parse=UNCHECKED))
    thread = threading.Thread(target=lambda: pytest.raises(ExtractionTimeout, parser.parse, ENDLESS_FORMS, "f.pdf"))
    thread.start()
    time.sleep(0.5)
    try:
        with pytest.raises(ExtractionBusy) as caught:
            parser.parse(b"Jane Doe", "cv.txt")
        assert caught.value.http_status == 503
    finally:
        thread.join(20)


def test_limits_defaults():
    limits = Limits()
    assert (
        limits.cpu_seconds,
        limits.memory_bytes,
        limits.wall_seconds,
        limits.workers,
    ) == (20, 768 << 20, 30.0, 2)
    assert replace(limits, workers=4).workers == 4
