"""Resume fields read from files laid out as people make them, against the same records as plain text.

Each English dev record (../shared/data/resumes-en) is written as: one-column PDF and DOCX, a two-column
PDF (reportlab frames: a narrow sidebar with contacts, skills and education beside the main column),
a DOCX built from tables (one row a section: heading cell, content cell), a two-column DOCX (one
table row: sidebar cell, main cell), and, where LibreOffice is installed, those two DOCX converted to
PDF by LibreOffice headless. Per layout it prints P/R/F1 per field and the F1 gap to plain text
(aim: every field within 0.05). The last line is JSON with all figures.

Which lines go to the sidebar is decided by the section headings (scoring_engine's own section
splitter): the layout is made from the text, the parser then has to read it back from the file.
"""

import argparse
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from resume_accuracy import FIELDS, SHARED, fields_of, gold_fields, held_out, prf, tally

from scoring_engine.resume import sections as section_names
from scoring_engine.resume.errors import ResumeFileError
from scoring_engine.resume.extraction import extract_text
from scoring_engine.resume.limits import ParseLimits
from scoring_engine.resume.parser import parse_resume
from scoring_engine.resume.sections import split_sections

SIDEBAR_SECTIONS = {section_names.SKILLS, section_names.EDUCATION, section_names.CERTIFICATES, section_names.OTHER}
FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
AIM_GAP = 0.05


def split_layout(content: str) -> tuple[str, list[str], list[str]]:
    """(name line, sidebar lines, main lines) for the two-column layouts."""
    sections = split_sections(content)
    header = [line for line in sections[0].lines if line.strip()]
    name, contacts = (header[0], header[1:]) if header else ("", [])
    sidebar, main = list(contacts), []
    for section in sections[1:]:
        target = sidebar if section.name in SIDEBAR_SECTIONS else main
        target.append("")
        target.extend([section.heading] + section.lines if section.lines[:1] != [section.heading] else section.lines)
    return name, sidebar, main


def section_rows(content: str) -> list[tuple[str, list[str]]]:
    """(heading, lines) per section, the header first under its first line, for the table layout."""
    sections = split_sections(content)
    header = [line for line in sections[0].lines if line.strip()]
    rows = [(header[0], header[1:])] if header else []
    return rows + [(section.heading, [line for line in section.lines if line.strip()]) for section in sections[1:]]


# ---- PDF (reportlab) -------------------------------------------------------------------------


def _styles(size: float = 9.5):
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = "Helvetica"
    if FONT_PATH.is_file():
        if "BenchSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("BenchSans", str(FONT_PATH)))
        font = "BenchSans"
    return ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.3), ParagraphStyle(
        "name", fontName=font, fontSize=16, leading=20
    )


def _flowables(lines: list[str], style):
    from reportlab.platypus import Paragraph, Spacer

    return [Paragraph(escape(line), style) if line.strip() else Spacer(1, style.leading / 2) for line in lines]


def pdf_one_column(content: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    body, _ = _styles(10)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(_flowables(content.split("\n"), body))
    return buffer.getvalue()


def pdf_two_columns(content: str) -> bytes:
    """Name across the top; a 30 % sidebar (contacts, skills, education) and the main column beside it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
        NextPageTemplate,
        PageTemplate,
        Paragraph,
    )

    body, name_style = _styles(9.5)
    name, sidebar, main = split_layout(content)
    width, height = A4
    margin, gutter = 36, 18
    inner = width - 2 * margin
    side = inner * 0.3
    top = Frame(margin, height - margin - 40, inner, 40, id="top")
    left = Frame(margin, margin, side, height - 2 * margin - 46, id="side")
    right = Frame(margin + side + gutter, margin, inner - side - gutter, height - 2 * margin - 46, id="main")
    later_left = Frame(margin, margin, side, height - 2 * margin, id="side2")
    later_right = Frame(margin + side + gutter, margin, inner - side - gutter, height - 2 * margin, id="main2")
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=A4)
    document.addPageTemplates(
        [PageTemplate("first", [top, left, right]), PageTemplate("later", [later_left, later_right])]
    )
    story = [NextPageTemplate("later"), Paragraph(escape(name), name_style), FrameBreak()]
    story += _flowables(sidebar, body) + [FrameBreak()] + _flowables(main, body)
    document.build(story)
    return buffer.getvalue()


# ---- DOCX (python-docx) ----------------------------------------------------------------------


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fill(cell, lines: list[str]) -> None:
    lines = lines or [""]
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def docx_one_column(content: str) -> bytes:
    import docx

    document = docx.Document()
    for line in content.split("\n"):
        document.add_paragraph(line)
    return _docx_bytes(document)


def docx_table(content: str) -> bytes:
    """The whole resume as one table: a row per section, its heading in the first cell, its lines in the second."""
    import docx

    document = docx.Document()
    rows = section_rows(content)
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (heading, lines) in zip(table.rows, rows):
        _fill(row.cells[0], [heading])
        _fill(row.cells[1], lines)
    return _docx_bytes(document)


def docx_two_columns(content: str) -> bytes:
    """The name, then one table row: the sidebar in a narrow cell, the main column in a wide one."""
    import docx
    from docx.shared import Cm

    document = docx.Document()
    name, sidebar, main = split_layout(content)
    document.add_paragraph(name)
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    for cell, lines, width in zip(table.rows[0].cells, (sidebar, main), (Cm(5.5), Cm(11.5))):
        cell.width = width
        _fill(cell, [line for line in lines])
    return _docx_bytes(document)


def docx_two_columns_serif(content: str) -> bytes:
    """A variant made to differ from docx_two_columns: narrow 2 cm margins, a 35/65 split fixed in the table grid,
    Liberation Serif 10 pt, 6 pt after each paragraph (as Word's own templates set), the name in 16 pt bold."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Liberation Serif", Pt(10)
    normal.paragraph_format.space_after = Pt(6)
    name, sidebar, main = split_layout(content)
    run = document.add_paragraph().add_run(name)
    run.bold, run.font.size = True, Pt(16)
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    widths = (Cm(17 * 0.35), Cm(17 * 0.65))
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths):
        column.set(qn("w:w"), str(int(width.twips)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for cell, lines, width in zip(table.rows[0].cells, (sidebar, main), widths):
        cell.width = width
        _fill(cell, [line for line in lines if line.strip()])
    return _docx_bytes(document)


def docx_fresh_right_sidebar(content: str) -> bytes:
    """The fresh variant, never tuned on: the sidebar on the RIGHT (main column first, 62/38), 11 pt DejaVu Sans
    Condensed, 1.5 cm margins, the skills section as a 3-column table of its items, 3 pt after each paragraph."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "DejaVu Sans Condensed", Pt(11)
    normal.paragraph_format.space_after = Pt(3)
    name, sidebar, main = split_layout(content)
    document.add_paragraph(name).runs[0].font.size = Pt(18) if name else None
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    widths = (Cm(18 * 0.62), Cm(18 * 0.38))
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths):
        column.set(qn("w:w"), str(int(width.twips)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    main_cell, side_cell = table.rows[0].cells
    main_cell.width, side_cell.width = widths
    _fill(main_cell, [line for line in main if line.strip()])
    # The sidebar: skills sections become a 3-column table of their comma- or line-separated items.
    side_cell.text = ""
    first = True
    for block in _sidebar_blocks(sidebar):
        heading, lines, is_skills = block
        paragraph = side_cell.paragraphs[0] if first else side_cell.add_paragraph()
        paragraph.text, first = heading, False
        if not is_skills:
            for line in lines:
                side_cell.add_paragraph(line)
            continue
        items = [item.strip() for line in lines for item in line.split(",") if item.strip()]
        rows = max(1, (len(items) + 2) // 3)
        inner = side_cell.add_table(rows=rows, cols=3)
        for position, item in enumerate(items):
            inner.cell(position // 3, position % 3).text = item
        side_cell.add_paragraph("")
    return _docx_bytes(document)


def _sidebar_blocks(sidebar: list[str]) -> list[tuple[str, list[str], bool]]:
    """The sidebar's lines cut at its blank lines: (first line, the rest, whether it is a skills section)."""
    blocks, current = [], []
    for line in sidebar + [""]:
        if line.strip():
            current.append(line)
        elif current:
            sections = split_sections("\n".join(current))
            is_skills = len(sections) > 1 and sections[1].name == section_names.SKILLS
            blocks.append((current[0], current[1:], is_skills))
            current = []
    return blocks


def _docx_key(data: bytes) -> str:
    """A DOCX's hash without its timestamps (docProps/core.xml): the same layout of the same record, the same key."""
    import zipfile

    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(archive.namelist()):
            if name != "docProps/core.xml":
                digest.update(name.encode() + b"\0" + archive.read(name))
    return digest.hexdigest()[:24]


def libreoffice_pdfs(named_docx: dict[str, bytes], chunk: int = 30, cache: Path | None = None) -> dict[str, bytes]:
    """Convert DOCX files to PDF with LibreOffice headless, a few dozen a run, retrying what a run missed;
    {} when LibreOffice is absent. With a cache folder, a DOCX converted before (same bytes) is not converted again."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not named_docx:
        return {}
    converted: dict[str, bytes] = {}
    keys = {name: _docx_key(data) for name, data in named_docx.items()}
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for name, key in keys.items():
            if (cache / f"{key}.pdf").is_file():
                converted[name] = (cache / f"{key}.pdf").read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for attempt in range(2):
            missing = sorted(name for name in named_docx if name not in converted)
            for start in range(0, len(missing), chunk):
                batch = root / f"batch-{attempt}-{start}"
                batch.mkdir()
                for name in missing[start : start + chunk]:
                    (batch / f"{name}.docx").write_bytes(named_docx[name])
                try:
                    subprocess.run(
                        [
                            soffice,
                            "--headless",
                            f"-env:UserInstallation=file://{root}/profile",
                            "--convert-to",
                            "pdf",
                            "--outdir",
                            str(batch / "out"),
                            *sorted(str(path) for path in batch.glob("*.docx")),
                        ],
                        capture_output=True,
                        timeout=600,
                        check=False,
                    )
                except subprocess.TimeoutExpired:
                    pass  # what was converted is kept; the rest is retried once, then counted as failures
                for path in (batch / "out").glob("*.pdf"):
                    converted[path.stem] = path.read_bytes()
                    if cache is not None:
                        (cache / f"{keys[path.stem]}.pdf").write_bytes(converted[path.stem])
    return converted


LAYOUTS = {
    "pdf-1col": pdf_one_column,
    "pdf-2col": pdf_two_columns,
    "docx-1col": docx_one_column,
    "docx-table": docx_table,
    "docx-2col": docx_two_columns,
    "docx-2col-serif": docx_two_columns_serif,
    "docx-fresh": docx_fresh_right_sidebar,
}
LIBREOFFICE_LAYOUTS = {
    "pdf-table-lo": "docx-table",
    "pdf-2col-lo": "docx-2col",
    "pdf-2col-serif-lo": "docx-2col-serif",
    "pdf-fresh-lo": "docx-fresh",
}
# Written once and never tuned on: their figures are reported as they come.
FRESH_LAYOUTS = {"docx-fresh", "pdf-fresh-lo"}


def measure(
    records: list[dict],
    use_libreoffice: bool,
    cache: Path | None = None,
    dump: Path | None = None,
    only: set[str] | None = None,
) -> dict:
    """F1 per field per layout. `only` limits the layouts measured; `dump` writes each file's parsed text there
    ("NNNN-layout.txt", and NNNN-text.txt for the plain text) for diffing."""
    chosen = [layout for layout in [*LAYOUTS, *LIBREOFFICE_LAYOUTS] if only is None or layout in only]
    counts = {layout: {field: Counter() for field in FIELDS} for layout in ["text", *chosen]}
    failures, seconds = Counter(), Counter()
    to_convert: dict[str, bytes] = {}
    golds = [gold_fields(record) for record in records]
    for index, (record, gold) in enumerate(zip(records, golds)):
        content = record["content"]
        started = time.perf_counter()
        resume = parse_resume(content.encode("utf-8"))
        tally(counts["text"], gold, fields_of(resume))
        seconds["text"] += time.perf_counter() - started
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
            (dump / f"{index:04d}-text.txt").write_text(_dump_text(resume, content.encode("utf-8")), encoding="utf-8")
        wanted_sources = {source for layout, source in LIBREOFFICE_LAYOUTS.items() if layout in chosen}
        for layout, make in LAYOUTS.items():
            if layout not in chosen and layout not in wanted_sources:
                continue
            data = make(content)
            if layout in wanted_sources:
                to_convert[f"{index:04d}-{layout}"] = data
            if layout in chosen:
                _score(counts, failures, seconds, layout, data, gold, dump and dump / f"{index:04d}-{layout}.txt")
    lo_layouts = [layout for layout in LIBREOFFICE_LAYOUTS if layout in chosen]
    if use_libreoffice and lo_layouts:
        converted = libreoffice_pdfs(to_convert, cache=cache)
        for layout in lo_layouts:
            source = LIBREOFFICE_LAYOUTS[layout]
            for index, gold in enumerate(golds):
                data = converted.get(f"{index:04d}-{source}")
                if data is None:
                    failures[layout] += 1
                    tally(counts[layout], gold, {field: set() for field in FIELDS})
                    continue
                _score(counts, failures, seconds, layout, data, gold, dump and dump / f"{index:04d}-{layout}.txt")
    else:
        for layout in lo_layouts:
            counts.pop(layout)
    text = {field: prf(counts["text"][field]) for field in FIELDS}
    results = {}
    for layout, per_field in counts.items():
        figures = {field: prf(per_field[field]) for field in FIELDS}
        for field in FIELDS:
            figures[field]["gap"] = round(figures[field]["f1"] - text[field]["f1"], 4)
        results[layout] = {
            "fields": figures,
            "failures": failures[layout],
            "ms_per_resume": round(1000 * seconds[layout] / max(len(records), 1), 1),
            "worst_gap": min(figures[field]["gap"] for field in FIELDS),
        }
    return results


def _dump_text(resume, data: bytes, filename: str | None = None) -> str:
    """The text the parser read, then the fields it found: what to diff between layouts."""
    fields = fields_of(resume)
    text = extract_text(data, filename, ParseLimits()).text
    return text + "\n\n==== fields\n" + "".join(f"{field}: {sorted(fields[field])}\n" for field in FIELDS)


def _score(counts, failures, seconds, layout, data, gold, dump_path=None) -> None:
    started = time.perf_counter()
    try:
        filename = f"resume.{layout.split('-')[0]}"
        resume = parse_resume(data, filename)
        predicted = fields_of(resume)
        if dump_path:
            dump_path.write_text(_dump_text(resume, data, filename), encoding="utf-8")
    except ResumeFileError:
        failures[layout] += 1
        predicted = {field: set() for field in FIELDS}
    seconds[layout] += time.perf_counter() - started
    tally(counts[layout], gold, predicted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--en", type=Path, default=SHARED / "data/resumes-en/dataturks-dev.jsonl")
    parser.add_argument("--limit", type=int, default=0, help="only the first N records (0: all)")
    parser.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice-made PDFs")
    parser.add_argument(
        "--part",
        choices=["all", "dev", "held-out"],
        default="all",
        help="records to use: all, the tuning part, or the held-out quarter (resume_accuracy.py's split)",
    )
    parser.add_argument("--layouts", default="", help="comma-separated layouts to measure (default: all)")
    parser.add_argument("--cache", type=Path, help="folder keeping LibreOffice's PDFs between runs (by DOCX hash)")
    parser.add_argument("--dump", type=Path, help="folder to write each file's parsed text and fields into")
    arguments = parser.parse_args(argv)
    if not arguments.en.is_file():
        print(f"English set not found: {arguments.en}")
        return 1
    records = [json.loads(line) for line in arguments.en.open(encoding="utf-8") if line.strip()]
    if arguments.part != "all":
        records = [record for record in records if held_out(record) == (arguments.part == "held-out")]
    if arguments.limit:
        records = records[: arguments.limit]
    use_libreoffice = not arguments.no_libreoffice and bool(shutil.which("soffice") or shutil.which("libreoffice"))
    only = {layout.strip() for layout in arguments.layouts.split(",") if layout.strip()} or None
    results = measure(records, use_libreoffice, arguments.cache, arguments.dump, only)
    print(f"part {arguments.part}; layouts marked * are fresh (never tuned on)")
    print(f"{len(records)} English resumes, F1 per field per layout; (gap) = F1 minus plain text's, aim >= -{AIM_GAP}")
    if not use_libreoffice:
        print("  LibreOffice not installed (or --no-libreoffice): LibreOffice-made PDFs not measured")
    print(f"  {'layout':17}" + "".join(f" {field[:11]:>15}" for field in FIELDS) + "  fails  ms/resume")
    for layout, figures in results.items():
        cells = "".join(
            f" {figures['fields'][field]['f1']:6.3f} ({figures['fields'][field]['gap']:+.2f})" for field in FIELDS
        )
        mark = "*" if layout in FRESH_LAYOUTS else " "
        print(f" {mark}{layout:17}{cells}  {figures['failures']:5d}  {figures['ms_per_resume']:9.1f}")
    print(json.dumps({"records": len(records), "layouts": results}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
