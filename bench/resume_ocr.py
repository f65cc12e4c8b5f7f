"""OCR of scanned resumes: name and email F1 on rendered scans of the English dev records, against plain text.

Each record's first page is typeset (reportlab), rendered to a grey picture (pdftoppm, 200 dpi) and
wrapped as a scan three ways: a PNG-style picture (Flate), a JPEG behind a second filter
(Flate over DCT), and a PNG-style picture with a scanner app's one-line text stamp. Needs tesseract and
pdftoppm. Prints F1 per variant and seconds per page; the last line is JSON.
"""

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from resume_accuracy import SHARED, fields_of, gold_fields, prf
from resume_layouts import pdf_one_column

from scoring_engine.resume.errors import ResumeFileError
from scoring_engine.resume.ocr import pdftoppm_path, tesseract_path
from scoring_engine.resume.parser import parse_resume
from tests.scoring_engine.resume_fixtures import jpeg_behind_flate_pdf, scan_pdf

OCR_FIELDS = ("name", "email")
ZH_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
VARIANTS = {
    "png-scan": lambda image: scan_pdf(image),
    "jpeg-behind-flate": jpeg_behind_flate_pdf,
    "scan-with-stamp": lambda image: scan_pdf(image, stamp="Scanned with PocketScanner"),
}


def first_page_image(content: str, dpi: int):
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "page.pdf"
        source.write_bytes(pdf_one_column(content))
        subprocess.run(
            [
                pdftoppm_path(),
                "-r",
                str(dpi),
                "-gray",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(source),
                str(Path(folder) / "page"),
            ],
            check=True,
            capture_output=True,
        )
        return Image.open(io.BytesIO((Path(folder) / "page.png").read_bytes())).copy()


def chinese_pages(path: Path, limit: int, skip: int = 0) -> list[tuple[str, str, list[str]]]:
    """(name, email, page lines) for `limit` dev sentences of resume-ner that hold a NAME, after the first `skip` of
    them: the name on a line of its own, as Chinese resumes put it, then an email, a phone number and the sentence."""
    from scoring_engine.resume.bmes import read_bmes, tags_to_entities

    pages = []
    for chars, tags in read_bmes(path):
        names = [entity.text for entity in tags_to_entities(chars, tags) if entity.type == "NAME"]
        if not names:
            continue
        index, sentence = len(pages), "".join(chars)
        email = f"hr{index:03d}.cand@example.cn"
        body = [sentence[start : start + 28] for start in range(0, len(sentence), 28)]
        pages.append((names[0], email, [names[0], f"邮箱：{email}", f"电话：139{index:08d}", "", "工作经历", *body]))
        if len(pages) == skip + limit:
            break
    return pages[skip:]


def _cpu_seconds() -> float:
    """CPU time of this process and of the programs it ran (tesseract, pdftoppm): unlike wall clock, it does not
    grow with the machine's load."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def chinese(arguments) -> dict:
    """Name and email F1 on typed Chinese scans (Noto Sans CJK at about 10 points, 200 dpi), one variant."""
    from tests.scoring_engine.resume_fixtures import text_image

    counts = {field: Counter() for field in OCR_FIELDS}
    seconds, cpu, failures, misread = 0.0, 0.0, 0, []
    pages = chinese_pages(arguments.zh, arguments.zh_limit, arguments.zh_skip)
    for name, email, lines in pages:
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        try:
            resume = parse_resume(
                scan_pdf(text_image(lines, str(ZH_FONT))), "scan.pdf", timeout_seconds=arguments.timeout
            )
            found = {"name": {resume.name} if resume.name else set(), "email": set(resume.emails[:1])}
        except ResumeFileError:
            failures += 1
            found = {"name": set(), "email": set()}
        seconds += time.perf_counter() - started
        cpu += _cpu_seconds() - cpu_started
        for field, gold in (("name", {name}), ("email", {email})):
            counts[field]["tp"] += len(gold & found[field])
            counts[field]["predicted"] += len(found[field])
            counts[field]["gold"] += 1
        if found["name"] != {name}:
            misread.append(f"{name}->{next(iter(found['name']), None)}")
    return {
        "records": len(pages),
        "fields": {field: prf(counts[field]) for field in OCR_FIELDS},
        "seconds_per_page": round(seconds / max(len(pages), 1), 2),
        "cpu_seconds_per_page": round(cpu / max(len(pages), 1), 2),
        "failures": failures,
        "names_misread": misread,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--en", type=Path, default=SHARED / "data/resumes-en/dataturks-dev.jsonl")
    parser.add_argument("--limit", type=int, default=20, help="records to scan (default 20; about 10 s a page)")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="seconds allowed per resume (the parser's default is 30; a busy machine needs more)",
    )
    parser.add_argument(
        "--zh",
        type=Path,
        default=SHARED / "data/resumes-zh/resume-ner-dev.bmes",
        help="Chinese BMES file whose NAME sentences are typed as scans",
    )
    parser.add_argument("--zh-limit", type=int, default=0, help="Chinese scans to read (default 0: none)")
    parser.add_argument(
        "--zh-skip",
        type=int,
        default=0,
        help="skip the first N Chinese NAME sentences (30 tuned the name reading; 30-89 are a fresh slice)",
    )
    parser.add_argument("--zh-only", action="store_true", help="only the Chinese scans")
    arguments = parser.parse_args(argv)
    if tesseract_path() is None or pdftoppm_path() is None:
        print("tesseract or pdftoppm not installed: nothing measured")
        return 1
    if arguments.zh_limit:
        figures = chinese(arguments)
        print(
            f"{figures['records']} Chinese scans (resume-ner dev NAME sentences, name on its own line): name F1"
            f" {figures['fields']['name']['f1']:.3f}, email F1 {figures['fields']['email']['f1']:.3f},"
            f" {figures['seconds_per_page']:.2f} s/page ({figures['cpu_seconds_per_page']:.2f} s CPU),"
            f" {figures['failures']} failures"
        )
        print("  names misread: " + (", ".join(figures["names_misread"]) or "none"))
        print(json.dumps({"zh": figures}, ensure_ascii=False, sort_keys=True))
        if arguments.zh_only:
            return 0
    records = [json.loads(line) for line in arguments.en.open(encoding="utf-8") if line.strip()][: arguments.limit]
    counts = {name: {field: Counter() for field in OCR_FIELDS} for name in ["text", *VARIANTS]}
    seconds, failures, reasons = Counter(), Counter(), Counter()
    for record in records:
        gold = gold_fields(record)
        predicted = {"text": fields_of(parse_resume(record["content"].encode("utf-8")))}
        image = first_page_image(record["content"], arguments.dpi)
        for name, make in VARIANTS.items():
            started = time.perf_counter()
            try:
                predicted[name] = fields_of(parse_resume(make(image), "scan.pdf", timeout_seconds=arguments.timeout))
            except ResumeFileError as error:
                failures[name] += 1
                reasons[f"{name}: {error.code}"] += 1
                predicted[name] = {field: set() for field in OCR_FIELDS}
            seconds[name] += time.perf_counter() - started
        for name, values in predicted.items():
            for field in OCR_FIELDS:
                if gold[field]:
                    counts[name][field]["tp"] += len(gold[field] & values[field])
                    counts[name][field]["predicted"] += len(values[field])
                    counts[name][field]["gold"] += len(gold[field])
    results = {
        name: {
            "fields": {field: prf(counts[name][field]) for field in OCR_FIELDS},
            "seconds_per_page": round(seconds[name] / len(records), 2) if name != "text" else None,
            "failures": failures[name],
        }
        for name in counts
    }
    print(f"{len(records)} English resumes, first page scanned at {arguments.dpi} dpi; F1 per field")
    print(f"  {'variant':18} {'name F1':>8} {'email F1':>9} {'s/page':>7} {'fails':>6}")
    for name, figures in results.items():
        per_page = f"{figures['seconds_per_page']:.2f}" if figures["seconds_per_page"] is not None else "-"
        print(
            f"  {name:18} {figures['fields']['name']['f1']:8.3f} {figures['fields']['email']['f1']:9.3f}"
            f" {per_page:>7} {figures['failures']:6d}"
        )
    if reasons:
        print("  failures: " + ", ".join(f"{reason} x{count}" for reason, count in sorted(reasons.items())))
    print(
        json.dumps(
            {
                "records": len(records),
                "dpi": arguments.dpi,
                "timeout": arguments.timeout,
                "variants": results,
                "failure_reasons": dict(reasons),
            },
            sort_keys=True,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
