"""Hostile resume uploads: seconds per adversarial 40 KB text, DOCX and PDF bombs, and the isolated pool.

Every figure is measured here on files made here (tests/scoring_engine/resume_fixtures.py writes the PDFs and
DOCX files byte by byte). Prints one line per case, then one JSON line with all of them.
"""

import json
import sys
import threading
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scoring_engine.resume import parse_resume
from scoring_engine.resume.errors import ResumeFileError
from scoring_engine.resume.isolation import IsolatedParser, Limits
from scoring_engine.resume.limits import ParseLimits
from tests.scoring_engine import resume_fixtures as fixtures
from tests.scoring_engine.test_resume_hostile_text import HOSTILE_TEXTS


def timed(call):
    started = time.perf_counter()
    try:
        call()
        outcome = "read"
    except ResumeFileError as error:
        outcome = error.code
    return time.perf_counter() - started, outcome


def main() -> None:
    figures = {}
    parse_resume(fixtures.CHINESE_RESUME.encode(), "warm.txt")
    for name, text in HOSTILE_TEXTS.items():
        data = text.encode()
        seconds, outcome = timed(lambda data=data: parse_resume(data, "hostile.txt"))
        figures[f"text: {name}"] = round(seconds, 3)
        print(f"{seconds:7.3f} s  {len(data) / 1024:5.1f} KB  {outcome:28s} text: {name}")

    docx = fixtures.docx_with_body("<w:p/>" * 20_000 + "<w:p><w:r><w:t>Jane Doe</w:t></w:r></w:p>")
    seconds, outcome = timed(lambda: parse_resume(docx, "empty.docx"))
    figures["docx: 20,000 empty paragraphs"] = round(seconds, 3)
    print(f"{seconds:7.3f} s  {len(docx) / 1024:5.1f} KB  {outcome:28s} docx: 20,000 empty paragraphs")

    bomb = fixtures.inflate_bomb_pdf(1024**3)
    tracemalloc.start()
    seconds, outcome = timed(lambda: parse_resume(bomb, "bomb.pdf"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    figures["pdf: 1 MB inflating to 1 GB"] = round(seconds, 3)
    figures["pdf: 1 MB inflating to 1 GB, peak MiB"] = round(peak / 2**20, 1)
    print(
        f"{seconds:7.3f} s  {len(bomb) / 1024:5.0f} KB  {outcome:28s} pdf: inflates to 1 GB, "
        f"peak {peak / 2**20:.0f} MiB traced"
    )

    forms = fixtures.nested_forms_pdf(depth=6)
    seconds, outcome = timed(lambda: parse_resume(forms, "forms.pdf"))
    figures["pdf: nested forms x10, 6 deep"] = round(seconds, 3)
    print(f"{seconds:7.3f} s  {len(forms) / 1024:5.1f} KB  {outcome:28s} pdf: nested forms, each drawing the next 10x")

    normal = fixtures.resume_pdf(fixtures.ENGLISH_RESUME)
    in_process, _ = timed(lambda: parse_resume(normal, "cv.pdf"))
    parser = IsolatedParser(Limits())
    timed(lambda: parser.parse(normal, "cv.pdf"))  # starts the forkserver
    isolated = min(timed(lambda: parser.parse(normal, "cv.pdf"))[0] for _ in range(3))
    figures["normal pdf in process"] = round(in_process, 3)
    figures["normal pdf isolated"] = round(isolated, 3)
    print(f"{in_process:7.3f} s in process, {isolated:.3f} s isolated: a normal 1-page PDF resume")

    unchecked = ParseLimits(timeout_seconds=3600, max_pdf_forms=10**9, max_pdf_objects=10**12)
    killer = IsolatedParser(Limits(wall_seconds=5, workers=2, parse=unchecked))
    endless = fixtures.nested_forms_pdf(depth=7)
    stuck = threading.Thread(target=lambda: timed(lambda: killer.parse(endless, "forms.pdf")))
    started = time.perf_counter()
    stuck.start()
    time.sleep(0.5)
    beside, _ = timed(lambda: killer.parse(normal, "cv.pdf"))
    stuck.join()
    killed = time.perf_counter() - started
    figures["isolated: wall limit 5 s, killed after"] = round(killed, 3)
    figures["isolated: normal file beside a stuck one"] = round(beside, 3)
    print(f"{killed:7.3f} s  a stuck child killed at a 5 s wall limit; {beside:.3f} s for a normal file beside it")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
