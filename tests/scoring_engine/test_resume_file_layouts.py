"""Resumes laid out as people make them: two-column PDFs and DOCX, basic-info tables, DOCX built from tables.

Every file is made here: reportlab and python-docx, and LibreOffice headless for the PDFs it makes.
"""

import io
import shutil
import subprocess

import pytest

from scoring_engine.resume import parse_resume
from scoring_engine.resume.extraction import extract_text
from scoring_engine.resume.limits import ParseLimits
from scoring_engine.resume.reading_order import Box, Line, reading_order

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed here")

EN_SIDEBAR = [
    "Priya Raman",
    "priya.raman@example.org",
    "+44 20 7946 0123",
    "",
    "SKILLS",
    "Python, SQL, Tableau, Machine Learning, Data Visualization, Project Management",
    "",
    "EDUCATION",
    "Master of Science in Statistics",
    "University of Texas at Austin",
    "2015 - 2017",
]
EN_MAIN = [
    "WORK EXPERIENCE",
    "Senior Data Analyst",
    "Northwind Traders Ltd",
    "Mar 2019 - Aug 2023",
    "• Built the weekly revenue dashboards for the sales directors in Tableau.",
    "Data Analyst",
    "Contoso Retail Inc.",
    "Jan 2017 - Feb 2019",
    "• Wrote SQL reports on store stock for the buying team.",
]
ZH_SIDEBAR = [
    "陈思远",
    "电话：139 1234 5678",
    "邮箱：chensiyuan@example.cn",
    "",
    "专业技能",
    "数据分析、Python、SQL、机器学习、项目管理",
    "",
    "教育背景",
    "2012.09-2016.06",
    "北京航空航天大学",
    "计算机科学与技术 本科",
]
ZH_MAIN = [
    "工作经历",
    "2016.07-2020.12  上海星海数据科技有限公司  数据分析师",
    "负责用户增长分析，搭建指标体系和周报。",
    "2021.01-2024.03  杭州远望信息技术有限公司  高级数据分析师",
    "带领三人小组完成销售预测模型。",
]


def _cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def two_column_pdf(sidebar: list[str], main: list[str], font: str = "Helvetica", sidebar_width: float = 150) -> bytes:
    """A narrow sidebar beside the main column, each wrapping its own lines (reportlab frames)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
        PageTemplate,
        Paragraph,
        Spacer,
    )

    style = ParagraphStyle(
        "body", fontName=font, fontSize=10, leading=13, wordWrap="CJK" if font != "Helvetica" else None
    )
    width, height = A4
    frames = [
        Frame(36, 36, sidebar_width, height - 72, id="side"),
        Frame(36 + sidebar_width + 24, 36, width - 96 - sidebar_width, height - 72, id="main"),
    ]
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=A4, pageTemplates=[PageTemplate("page", frames)])
    story = [Paragraph(line, style) if line else Spacer(1, 8) for line in sidebar] + [FrameBreak()]
    story += [Paragraph(line, style) if line else Spacer(1, 8) for line in main]
    document.build(story)
    return buffer.getvalue()


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fill(cell, lines: list[str]) -> None:
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def two_column_docx(sidebar: list[str], main: list[str]) -> bytes:
    """The usual Word template: one table row, the sidebar in the first cell, the rest in the second."""
    import docx

    document = docx.Document()
    row = document.add_table(rows=1, cols=2).rows[0]
    _fill(row.cells[0], [line for line in sidebar if line])
    _fill(row.cells[1], [line for line in main if line])
    return _docx_bytes(document)


def column_break_docx(first: list[str], second: list[str]) -> bytes:
    """Two newspaper columns (w:cols) where one paragraph's run ends the first column with a column break."""
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    for line in first[:-1]:
        document.add_paragraph(line)
    paragraph = document.add_paragraph()
    paragraph.add_run(first[-1]).add_break(WD_BREAK.COLUMN)
    paragraph.add_run(second[0])
    for line in second[1:]:
        document.add_paragraph(line)
    columns = OxmlElement("w:cols")
    columns.set(qn("w:num"), "2")
    document.sections[0]._sectPr.append(columns)
    return _docx_bytes(document)


def sections_table_docx(rows: list[tuple[str, list[str]]], style: str | None = "Table Grid") -> bytes:
    """A resume built as one table: a row per section, its heading in the first cell, its lines in the second."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=len(rows), cols=2)
    if style:
        table.style = style
    for row, (heading, lines) in zip(table.rows, rows):
        _fill(row.cells[0], [heading])
        _fill(row.cells[1], lines)
    return _docx_bytes(document)


ZH_BASIC_INFO = [
    ["姓名", "张丽华", "性别", "女"],
    ["出生年月", "1993.05", "民族", "汉"],
    ["电话", "186 0011 2233", "邮箱", "zhanglihua@example.com"],
    ["学历", "硕士", "专业", "会计学"],
]
ZH_AFTER_TABLE = [
    "教育背景",
    "2015.09-2018.06  中南财经政法大学  会计学  硕士",
    "工作经历",
    "2018.07-2023.12  武汉长江会计师事务所有限公司  审计经理",
    "专业技能",
    "审计、财务分析、Excel、SAP",
]


def basic_info_docx() -> bytes:
    """The usual Chinese resume: a ruled basic-info table of label and value cells, then sections."""
    import docx

    document = docx.Document()
    document.add_paragraph("个人简历")
    table = document.add_table(rows=len(ZH_BASIC_INFO), cols=4)
    table.style = "Table Grid"
    for row, values in zip(table.rows, ZH_BASIC_INFO):
        for cell, value in zip(row.cells, values):
            cell.text = value
    for line in ZH_AFTER_TABLE:
        document.add_paragraph(line)
    return _docx_bytes(document)


def libreoffice_pdf(docx_bytes: bytes, tmp_path) -> bytes:
    source = tmp_path / "resume.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    return (tmp_path / "resume.pdf").read_bytes()


def _skills(resume) -> set[str]:
    return {skill.name for skill in resume.skills}


# ---- two columns -----------------------------------------------------------------------------


def test_english_two_column_pdf_values_that_wrap_in_the_sidebar_stay_whole():
    data = two_column_pdf(EN_SIDEBAR, EN_MAIN)
    text = extract_text(data, "cv.pdf", ParseLimits()).text
    assert "University of Texas at Austin" in text, text  # wraps after "at" in the 150 pt sidebar
    resume = parse_resume(data, "cv.pdf")
    assert resume.name == "Priya Raman"
    assert resume.emails == ["priya.raman@example.org"]
    assert {"Machine learning", "Data visualization", "Project management", "Tableau"} <= _skills(resume)
    assert [entry.school for entry in resume.education] == ["University of Texas at Austin"]
    assert [entry.degree for entry in resume.education] == ["master"]
    assert [job.company for job in resume.experience] == ["Northwind Traders Ltd", "Contoso Retail Inc."]


def test_sidebar_contacts_are_not_glued_together():
    # The email is the sidebar's widest line: the phone below it is an item of its own, not its continuation.
    text = extract_text(two_column_pdf(EN_SIDEBAR, EN_MAIN, sidebar_width=120), "cv.pdf", ParseLimits()).text
    lines = text.split("\n")
    assert "priya.raman@example.org" in lines and "+44 20 7946 0123" in lines, text


def test_chinese_two_column_pdf():
    data = two_column_pdf(ZH_SIDEBAR, ZH_MAIN, font=_cjk_font(), sidebar_width=110)
    resume = parse_resume(data, "cv.pdf")
    assert resume.name == "陈思远"
    assert resume.emails == ["chensiyuan@example.cn"]
    assert any(entry.school == "北京航空航天大学" for entry in resume.education), resume.education
    assert {"Data analysis", "Python", "SQL", "Machine learning"} <= _skills(resume)
    assert len(resume.experience) == 2


def test_chinese_two_column_docx_name_is_not_glued_to_the_next_label():
    sidebar = ["张丽华", "性别：女", "电话：186 0011 2233", "邮箱：zhanglihua@example.com"]
    main = [
        "教育背景",
        "2015.09-2018.06  中南财经政法大学  会计学  硕士",
        "工作经历",
        "2018.07-2023.12  武汉长江会计师事务所有限公司  审计经理",
    ]
    resume = parse_resume(two_column_docx(sidebar, main), "cv.docx")
    assert resume.name == "张丽华"
    assert [entry.degree for entry in resume.education] == ["master"]
    assert [job.title for job in resume.experience] == ["审计经理"]


def test_column_break_ends_a_line():
    resume = parse_resume(
        column_break_docx(
            ["张丽华"],
            ["性别：女", "邮箱：zhanglihua@example.com", "教育背景", "2015.09-2018.06  中南财经政法大学  会计学  硕士"],
        ),
        "cv.docx",
    )
    assert resume.name == "张丽华"
    assert resume.education and resume.education[0].degree == "master"


def test_english_two_column_docx():
    resume = parse_resume(two_column_docx(EN_SIDEBAR, EN_MAIN), "cv.docx")
    assert resume.name == "Priya Raman"
    assert [entry.school for entry in resume.education] == ["University of Texas at Austin"]
    assert [job.company for job in resume.experience] == ["Northwind Traders Ltd", "Contoso Retail Inc."]
    assert {"Machine learning", "Tableau"} <= _skills(resume)


# ---- tables ----------------------------------------------------------------------------------

EN_TABLE_ROWS = [
    ("Priya Raman", ["priya.raman@example.org", "+44 20 7946 0123"]),
    ("WORK EXPERIENCE", EN_MAIN[1:]),
    ("EDUCATION", EN_SIDEBAR[8:]),
    ("SKILLS", [EN_SIDEBAR[5]]),
]


def test_docx_built_from_tables_reads_each_cell_line_by_line():
    resume = parse_resume(sections_table_docx(EN_TABLE_ROWS), "cv.docx")
    assert resume.name == "Priya Raman"
    assert [entry.school for entry in resume.education] == ["University of Texas at Austin"]
    assert [entry.degree for entry in resume.education] == ["master"]
    assert [job.company for job in resume.experience] == ["Northwind Traders Ltd", "Contoso Retail Inc."]
    assert {"Python", "SQL", "Machine learning"} <= _skills(resume)


def test_docx_rows_of_one_line_cells_still_read_as_label_and_value():
    resume = parse_resume(basic_info_docx(), "cv.docx")
    assert resume.name == "张丽华"
    assert resume.emails == ["zhanglihua@example.com"]
    assert "姓名 | 张丽华 | 性别 | 女" in resume.text


def test_pdf_basic_info_table_drawn_by_reportlab():
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    font = _cjk_font()
    style = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
    table = Table(ZH_BASIC_INFO, colWidths=[70, 120, 70, 160])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(
        [Paragraph("个人简历", style), table] + [Paragraph(line, style) for line in ZH_AFTER_TABLE]
    )
    resume = parse_resume(buffer.getvalue(), "cv.pdf")
    assert resume.name == "张丽华"
    assert resume.emails == ["zhanglihua@example.com"]
    assert any(entry.school == "中南财经政法大学" for entry in resume.education), resume.education


@needs_libreoffice
def test_libreoffice_pdf_of_a_basic_info_table(tmp_path):
    resume = parse_resume(libreoffice_pdf(basic_info_docx(), tmp_path), "cv.pdf")
    assert resume.name == "张丽华"  # not the label 姓名
    assert resume.emails == ["zhanglihua@example.com"]
    assert resume.phones == ["+8618600112233"]
    assert resume.education and resume.education[0].degree == "master"


@needs_libreoffice
def test_libreoffice_pdf_of_a_resume_built_from_tables(tmp_path):
    resume = parse_resume(libreoffice_pdf(sections_table_docx(EN_TABLE_ROWS), tmp_path), "cv.pdf")
    assert resume.name == "Priya Raman"
    assert [entry.school for entry in resume.education] == ["University of Texas at Austin"]
    assert [job.company for job in resume.experience] == ["Northwind Traders Ltd", "Contoso Retail Inc."]
    assert {"Python", "SQL", "Machine learning"} <= _skills(resume)


@needs_libreoffice
def test_libreoffice_pdf_of_a_two_column_docx(tmp_path):
    resume = parse_resume(libreoffice_pdf(two_column_docx(ZH_SIDEBAR, ZH_MAIN), tmp_path), "cv.pdf")
    assert resume.name == "陈思远"
    assert resume.emails == ["chensiyuan@example.cn"]
    assert any(entry.school == "北京航空航天大学" for entry in resume.education)
    assert len(resume.experience) == 2


# ---- reading order on boxes ------------------------------------------------------------------


def _one_line_box(x0, baseline, x1, text):
    return Box(x0, baseline, x1, baseline + 10, text, (baseline,), (Line(x0, x1, text, 20, 10),))


def test_a_column_of_row_headings_is_read_row_by_row():
    heads = [_one_line_box(50, 700, 120, "SKILLS"), _one_line_box(50, 640, 120, "EDUCATION")]
    # pdfminer puts the stacked cells of the second column in one box: it is split where each row starts.
    lines = [Line(200, 500, text, 20, 10) for text in ("Python, SQL", "Tableau", "MSc Statistics", "UT Austin")]
    cells = Box(200, 614, 500, 710, "\n".join(line.text for line in lines), (700, 687, 640, 627), tuple(lines))
    order = [box.text for block in reading_order(heads + [cells]) for box in block]
    assert order == ["SKILLS", "Python, SQL\nTableau", "EDUCATION", "MSc Statistics\nUT Austin"]


def test_a_link_broken_inside_a_word_is_put_back_together():
    sidebar = ["Priya Raman", "Profile: indeed.com/r/Priya-Raman/4f5e6a7b8c9d0e1f2a3b", "", *EN_SIDEBAR[4:]]
    resume = parse_resume(two_column_pdf(sidebar, EN_MAIN, sidebar_width=120), "cv.pdf")
    assert resume.links == ["https://indeed.com/r/Priya-Raman/4f5e6a7b8c9d0e1f2a3b"], resume.text
