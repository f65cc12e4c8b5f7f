"""Resume parsing speed: resumes/s on generated 2-page PDFs, against pdfminer's bare extract_text on the same files.

Prints the figures, then one JSON line with all of them.
"""

import argparse
import io
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scoring_engine.resume import parse_resume  # noqa: E402

FIRST = ["Jane", "Arjun", "Maria", "Wei", "Fatima", "John", "Priya", "Lucas"]
LAST = ["Doe", "Sharma", "Garcia", "Chen", "Khan", "Smith", "Iyer", "Silva"]
COMPANIES = ["Acme Analytics Inc.", "Globex Corporation", "Initech LLC", "Umbrella Technologies Pvt Ltd", "Hooli Ltd"]
TITLES = ["Software Engineer", "Data Analyst", "Sales Manager", "QA Tester", "Project Manager"]
SKILLS = ["Python", "Java", "SQL", "Machine Learning", "Docker", "Excel", "Negotiation", "Selenium", "Tableau", "AWS"]
WORDS = (
    "built delivered automated migrated improved the reporting pipeline for finance customers using cloud services "
    "with a team of five engineers reducing cost and time to market across three regions"
).split()


def generate_pdf(seed: int) -> bytes:
    """A two-page, two-column resume (sidebar of contacts and skills, main column of jobs)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    for page in range(2):
        pdf.setFont("Helvetica", 10)
        if page == 0:
            pdf.setFont("Helvetica-Bold", 16)
            pdf.drawString(40, 800, name)
            pdf.setFont("Helvetica", 10)
        sidebar = [
            "CONTACT",
            f"{name.split()[0].lower()}@example.com",
            "+44 20 7946 0958",
            "",
            "SKILLS",
            *rng.sample(SKILLS, 6),
            "",
            "EDUCATION",
            "MSc Computer Science",
            "University of Leeds",
            "2012 - 2014",
        ]
        y = 760
        for line in sidebar:
            pdf.drawString(40, y, line)
            y -= 14
        y = 760
        pdf.drawString(220, y, "WORK EXPERIENCE")
        y -= 20
        while y > 80:
            start = rng.randint(2005, 2020)
            for line in [rng.choice(TITLES), rng.choice(COMPANIES), f"Jan {start} - Dec {start + rng.randint(1, 4)}"]:
                pdf.drawString(220, y, line)
                y -= 13
            for _ in range(4):
                pdf.drawString(230, y, "• " + " ".join(rng.choice(WORDS) for _ in range(12)))
                y -= 13
            y -= 8
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def time_each(function, files: list[bytes]) -> list[float]:
    timings = []
    for data in files:
        started = time.perf_counter()
        function(data)
        timings.append(time.perf_counter() - started)
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=60, help="number of generated resumes (default 60)")
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args(argv)
    from pdfminer.high_level import extract_text

    files = [generate_pdf(arguments.seed + index) for index in range(arguments.count)]
    parse_resume(files[0])  # warm up: jieba's dictionary, the taxonomy and the CRF load once per process
    bare = time_each(lambda data: extract_text(io.BytesIO(data)), files)
    parsed = time_each(parse_resume, files)
    figures = {
        "resumes": len(files),
        "pages_per_resume": 2,
        "parse_resumes_per_second": round(len(files) / sum(parsed), 2),
        "pdfminer_extract_text_per_second": round(len(files) / sum(bare), 2),
        "ratio": round(sum(bare) / sum(parsed), 3),
        "parse_p50_ms": round(1000 * statistics.median(parsed), 1),
        "parse_p99_ms": round(1000 * percentile(parsed, 0.99), 1),
        "pdfminer_p50_ms": round(1000 * statistics.median(bare), 1),
        "aim_ratio": 0.7,
    }
    print(f"{figures['resumes']} generated 2-page two-column PDFs")
    print(
        f"  parse_resume:              {figures['parse_resumes_per_second']:8.2f} resumes/s"
        f"  (p50 {figures['parse_p50_ms']} ms, p99 {figures['parse_p99_ms']} ms)"
    )
    print(
        f"  pdfminer extract_text:     {figures['pdfminer_extract_text_per_second']:8.2f} resumes/s"
        f"  (p50 {figures['pdfminer_p50_ms']} ms)"
    )
    print(f"  ratio parse / bare:        {figures['ratio']:8.3f}  (aim >= 0.7)")
    print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
