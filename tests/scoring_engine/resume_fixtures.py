"""Resume files made on the fly for the resume tests: PDFs with reportlab, DOCX with python-docx."""

import io
import zipfile

ENGLISH_RESUME = """Jane Doe
Senior Data Scientist
jane.doe@example.com | +44 20 7946 0958 | linkedin.com/in/jane-doe-ds | github.com/janedoe

SUMMARY
Data scientist who turns messy data into products.

EXPERIENCE
Senior Data Scientist
Acme Analytics Inc.
Jan 2019 - Dec 2022
• Built machine-learning models in Python and PyTorch for demand forecasting.
Data Analyst
Globex Corporation
Jun 2016 - Mar 2019
• Wrote SQL and Tableau dashboards for the finance team.

EDUCATION
Master of Science in Computer Science
Stanford University
2014 - 2016
Bachelor of Engineering in Electronics
University of Texas at Austin
2010 - 2014

SKILLS
Python, SQL, Machine Learning, PyTorch, Docker, Tableau, Stakeholder Communication

CERTIFICATIONS
AWS Certified Solutions Architect
"""

CHINESE_RESUME = """张伟
电话：138 0013 8000  邮箱：zhangwei@example.cn
求职意向：大客户销售经理

教育背景
2008.09-2012.06  华东师范大学  市场营销  本科
2012.09-2015.06  复旦大学  工商管理  硕士

工作经历
2015.07-2019.12  上海联合贸易有限公司  销售代表
负责华东区大客户管理，年销售额增长30%。
2019.06-2023.06  杭州云帆科技有限公司  大客户销售经理
带领团队完成商务谈判，熟练使用CRM系统和Excel。

专业技能
销售、大客户管理、商务谈判、市场营销、Excel、英语

证书
英语六级、驾驶证
"""

LEFT_COLUMN = ["LEFT-ONE Contact", "LEFT-TWO Skills", "LEFT-THREE Python", "LEFT-FOUR Languages"]
RIGHT_COLUMN = ["RIGHT-ONE Experience", "RIGHT-TWO Acme Analytics", "RIGHT-THREE Engineer", "RIGHT-FOUR Education"]


def _canvas(buffer, **options):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    return canvas.Canvas(buffer, pagesize=A4, **options)


def pdf_from_lines(pages: list[list[str]], font: str = "Helvetica", encrypt=None) -> bytes:
    """A PDF with the given lines, one list per page, one column."""
    buffer = io.BytesIO()
    pdf = _canvas(buffer, encrypt=encrypt) if encrypt else _canvas(buffer)
    if font == "STSong-Light":
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    for lines in pages:
        pdf.setFont(font, 10)
        y = 800
        for line in lines:
            pdf.drawString(50, y, line)
            y -= 14
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def resume_pdf(text: str, font: str = "Helvetica", lines_per_page: int = 55) -> bytes:
    """The text as a PDF, split into pages."""
    lines = text.split("\n")
    return pdf_from_lines(
        [lines[start : start + lines_per_page] for start in range(0, len(lines), lines_per_page)] or [[]], font
    )


def two_column_pdf() -> bytes:
    """A page with a full-width header, then two columns whose lines sit side by side."""
    buffer = io.BytesIO()
    pdf = _canvas(buffer)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(50, 800, "HEADER Jane Doe")
    y = 760
    for left, right in zip(LEFT_COLUMN, RIGHT_COLUMN):
        # Staggered by half a line: real columns do not share baselines.
        pdf.drawString(50, y, left)
        pdf.drawString(320, y - 7, right)
        y -= 40
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    """A 'scanned' page: one picture, no text layer."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = Image.new("RGB", (200, 100), "white")
    buffer = io.BytesIO()
    pdf = _canvas(buffer)
    pdf.drawImage(ImageReader(image), 50, 600, width=200, height=100)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def blank_pdf() -> bytes:
    return pdf_from_lines([[]])


def encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    return pdf_from_lines([["Secret resume"]], encrypt=StandardEncryption("user-password", "owner-password"))


def png_image() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def resume_docx(paragraphs: list[str], table_rows: list[list[str]] | None = None, after_table: list[str] = ()) -> bytes:
    """A DOCX with paragraphs, then a table, then more paragraphs."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for row, values in zip(table.rows, table_rows):
            for cell, value in zip(row.cells, values):
                cell.text = value
    for paragraph in after_table:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bomb_docx(uncompressed_bytes: int) -> bytes:
    """A real DOCX with one extra part of zeros that compresses about a thousandfold."""
    original = zipfile.ZipFile(io.BytesIO(resume_docx(["Jane Doe"])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            bomb.writestr(item, original.read(item.filename))
        with bomb.open("word/media/padding.bin", "w", force_zip64=True) as padding:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(uncompressed_bytes // len(chunk)):
                padding.write(chunk)
    return buffer.getvalue()


def text_image(lines: list[str], font_path: str, size: int = 28, width: int = 1700):
    """A white page picture with the lines typed on it in black, as a scanner would see them."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path, size)
    image = Image.new("L", (width, round(width * 842 / 595)), 255)  # an A4 page
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((100, 60 + index * int(size * 1.6)), line, fill=0, font=font)
    return image


def scan_pdf(image, stamp: str | None = None) -> bytes:
    """A one-page PDF holding the picture over the whole page (reportlab stores it Flate-compressed, PNG-style),
    with an optional short text layer on top, like the watermark a scanner app adds."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader

    buffer = io.BytesIO()
    pdf = _canvas(buffer)
    width, height = A4
    pdf.drawImage(ImageReader(image), 0, 0, width=width, height=height)
    if stamp:
        pdf.setFont("Helvetica", 7)
        pdf.drawString(20, 12, stamp)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def jpeg_behind_flate_pdf(image) -> bytes:
    """A PDF whose page picture is a JPEG compressed once more with Flate (/Filter [/FlateDecode /DCTDecode])."""
    import zlib

    jpeg = io.BytesIO()
    image.convert("L").save(jpeg, format="JPEG", quality=85)
    stream = zlib.compress(jpeg.getvalue())
    width, height = image.size
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >>"
            b" /Contents 5 0 R >>"
        ),
        (
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
            b" /Filter [/FlateDecode /DCTDecode] /Length %d >>\nstream\n"
            % (width, height, len(stream))
            + stream
            + b"\nendstream"
        ),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_with_body(body_xml: str) -> bytes:
    """A real DOCX (python-docx's template) whose body is replaced by the given WordprocessingML."""
    import re

    original = zipfile.ZipFile(io.BytesIO(resume_docx(["placeholder"])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as document:
        for item in original.infolist():
            content = original.read(item.filename)
            if item.filename == "word/document.xml":
                content = re.sub(
                    rb"<w:body>.*<w:sectPr", b"<w:body>" + body_xml.encode() + b"<w:sectPr", content, flags=re.S
                )
            document.writestr(item, content)
    return buffer.getvalue()


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written byte by byte: objects[0] is object 1 (the catalog), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def one_page_pdf(content_object: bytes, resources: bytes = b"<< /Font << /F1 3 0 R >> >>", more=()) -> bytes:
    """Catalog, pages, font, page, then the page's content stream as object 5, then `more` objects."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            _FONT,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + resources + b" /Contents 5 0 R >>",
            content_object,
            *more,
        ]
    )


def inflate_bomb_pdf(inflated_bytes: int) -> bytes:
    """One page whose Flate content stream holds `inflated_bytes` of spaces after a line of real text.

    A gigabyte is not compressed here: once the compressor's window is all spaces, each 16 MiB of spaces
    compresses to the same bytes, so that block is repeated, then closed and checksummed by hand.
    """
    import zlib

    chunk = b" " * (16 * 1024 * 1024)
    text = b"BT /F1 12 Tf 50 800 Td (Jane Doe) Tj ET\n"
    deflater = zlib.compressobj(9)
    head = deflater.compress(text + chunk) + deflater.flush(zlib.Z_SYNC_FLUSH)
    block = deflater.compress(chunk) + deflater.flush(zlib.Z_SYNC_FLUSH)
    assert deflater.compress(chunk) + deflater.flush(zlib.Z_SYNC_FLUSH) == block
    repeats = max(inflated_bytes // len(chunk) - 1, 0)
    checksum = zlib.adler32(text + chunk)
    for _ in range(repeats):
        checksum = zlib.adler32(chunk, checksum)
    # b"\x03\x00" is an empty final block with fixed codes; the zlib trailer is the Adler-32 of all the data.
    data = head + block * repeats + b"\x03\x00" + checksum.to_bytes(4, "big")
    return one_page_pdf(stream(data, b"/Filter /FlateDecode"))


def nested_forms_pdf(depth: int, copies: int = 10) -> bytes:
    """Form k draws form k-1 `copies` times; form 0 writes a word; the page draws the top form once."""
    forms = []
    first = 6  # objects 1-5 are the catalog, pages, font, page and page content
    for level in range(depth + 1):
        if level == 0:
            content, resources = b"BT /F1 9 Tf 10 10 Td (word) Tj ET", b"<< /Font << /F1 3 0 R >> >>"
        else:
            content = b"/X Do " * copies
            resources = b"<< /XObject << /X %d 0 R >> >>" % (first + level - 1)
        forms.append(stream(content, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + resources))
    page_resources = b"<< /XObject << /X %d 0 R >> >>" % (first + depth)
    return one_page_pdf(stream(b"/X Do"), page_resources, forms)
