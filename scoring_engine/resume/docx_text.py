"""Text from a DOCX with python-docx: paragraphs and tables in document order, after a zip-bomb check."""

import io
import zipfile

from scoring_engine.resume.errors import CorruptDocument, DocumentTooLarge
from scoring_engine.resume.limits import Deadline, ParseLimits

# Cells of one table row are joined with this, so "姓名 | 张三" still reads as label and value.
CELL_SEPARATOR = " | "
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Paragraphs between two looks at the clock: cheap enough to be unnoticed, often enough to stop within the limit.
_DEADLINE_EVERY = 500


def check_zip_sizes(data: bytes, limits: ParseLimits) -> None:
    """Refuse archives whose declared uncompressed size or compression ratio is over the limits."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise CorruptDocument(f"the DOCX zip container is broken: {error}") from error
    # zipfile never returns more bytes than a member declares, so the declared sizes bound the work.
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed_bytes:
        raise DocumentTooLarge(f"the DOCX unpacks to {total} bytes, over the limit of {limits.max_uncompressed_bytes}")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > limits.max_compression_ratio:
            raise DocumentTooLarge(
                f"DOCX part {member.filename} expands {ratio:.0f}x (limit {limits.max_compression_ratio:g}x): "
                "a zip bomb, not a resume"
            )


def read_docx(data: bytes, limits: ParseLimits, deadline: Deadline) -> str:
    """Return the body text: one line a paragraph, one line a table row."""
    check_zip_sizes(data, limits)
    import docx  # python-docx is only needed for DOCX files
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, SyntaxError) as error:
        # lxml's XMLSyntaxError is a SyntaxError.
        raise CorruptDocument(f"the DOCX is damaged and cannot be read ({type(error).__name__}: {error})") from error
    lines: list[str] = []
    _read_blocks(document.element.body, document, lines, limits, deadline)
    return "\n".join(lines)


def _read_blocks(container, parent, lines: list[str], limits: ParseLimits, deadline: Deadline) -> None:
    from docx.oxml.ns import qn
    from docx.table import Table

    # A running total: summing every line again after each paragraph made 20,000 empty paragraphs take 18 s.
    chars = sum(map(len, lines))
    for index, child in enumerate(container.iterchildren()):
        tag = child.tag.rsplit("}", 1)[-1]
        added = len(lines)
        if tag == "p":
            if index % _DEADLINE_EVERY == 0:
                deadline.check(f"DOCX paragraph {index + 1}")
            lines.extend(_paragraph_lines(child, parent, limits, deadline))
        elif tag == "tbl":
            deadline.check("a DOCX table")
            for row in Table(child, parent).rows:
                lines.extend(_row_lines(row, limits, deadline))
        elif tag == "sdt":  # a content control (Word templates wrap whole blocks in them)
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _read_blocks(content, parent, lines, limits, deadline)
        chars += sum(len(line) for line in lines[added:])
        if chars > limits.max_chars:
            return


def _paragraph_lines(paragraph, parent, limits: ParseLimits, deadline: Deadline) -> list[str]:
    """The paragraph's text split at every break, then the text boxes anchored in it.

    python-docx reads a column or page break as nothing, which glues the last word of one column to
    the first of the next ("张丽华" + "性别"); any break is a new line here.
    """
    parts = []
    for run in paragraph.xpath("./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r"):
        for item in run.xpath("w:t | w:tab | w:br | w:cr | w:noBreakHyphen"):
            tag = item.tag.rsplit("}", 1)[-1]
            parts.append(item.text or "" if tag == "t" else {"tab": "\t", "noBreakHyphen": "-"}.get(tag, "\n"))
    lines = "".join(parts).split("\n")
    # A text box (a sidebar drawn as a shape) holds its own paragraphs; the VML fallback repeats them.
    for box in paragraph.iter(f"{{{_W}}}txbxContent"):
        if not any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
            _read_blocks(box, parent, lines, limits, deadline)
    return lines


def _row_lines(row, limits: ParseLimits, deadline: Deadline) -> list[str]:
    """A row of one-line cells reads as one line ("姓名 | 张三"); a row holding blocks of text, cell after cell."""
    cells, seen = [], set()
    for cell in row.cells:
        # A merged cell is returned once per grid column it spans: read it once.
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        cell_lines: list[str] = []
        _read_blocks(cell._tc, cell, cell_lines, limits, deadline)
        cell_lines = [line.strip() for line in cell_lines if line.strip()]
        if cell_lines:
            cells.append(cell_lines)
    if all(len(cell_lines) == 1 for cell_lines in cells):
        return [CELL_SEPARATOR.join(cell_lines[0] for cell_lines in cells)] if cells else []
    return [line for cell_lines in cells for line in cell_lines + [""]]
