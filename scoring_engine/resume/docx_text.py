"""Text from a DOCX with python-docx: paragraphs and tables in document order, after a zip-bomb check."""
import io
import zipfile

from scoring_engine.resume.errors import CorruptDocument, DocumentTooLarge
from scoring_engine.resume.limits import Deadline, ParseLimits

# Cells of one table row are joined with this, so "姓名 | 张三" still reads as label and value.
CELL_SEPARATOR = " | "
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
        raise DocumentTooLarge(
            f"the DOCX unpacks to {total} bytes, over the limit of {limits.max_uncompressed_bytes}"
        )
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
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    # A running total: summing every line again after each paragraph made 20,000 empty paragraphs take 18 s.
    chars = sum(map(len, lines))
    for index, child in enumerate(container.iterchildren()):
        tag = child.tag.rsplit("}", 1)[-1]
        added = len(lines)
        if tag == "p":
            if index % _DEADLINE_EVERY == 0:
                deadline.check(f"DOCX paragraph {index + 1}")
            lines.append(Paragraph(child, parent).text)
        elif tag == "tbl":
            deadline.check("a DOCX table")
            for row in Table(child, parent).rows:
                lines.append(CELL_SEPARATOR.join(_row_cells(row, limits, deadline)))
        chars += sum(len(line) for line in lines[added:])
        if chars > limits.max_chars:
            return


def _row_cells(row, limits: ParseLimits, deadline: Deadline) -> list[str]:
    cells, seen = [], set()
    for cell in row.cells:
        # A merged cell is returned once per grid column it spans: read it once.
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        cell_lines: list[str] = []
        _read_blocks(cell._tc, cell, cell_lines, limits, deadline)
        text = " ".join(line.strip() for line in cell_lines if line.strip())
        if text:
            cells.append(text)
    return cells
