"""Lines of text from a block of PDF boxes: cells of one row joined, lines that wrapped at the column edge rejoined."""
import re

from scoring_engine.resume.pieces import is_bullet
from scoring_engine.resume.reading_order import SAME_ROW_TOLERANCE, Block, Box, Line
from scoring_engine.resume.sections import heading_of

# Cells of one table row are joined with this, as DOCX table rows are ("姓名 | 张丽华").
CELL_SEPARATOR = " | "
# A line that wrapped fills at least this share of its column.
MIN_FULL_SHARE = 0.55
_CJK_END = re.compile(r"[\u4e00-\u9fff，、；（]$")
_CJK_START = re.compile(r"^[\u4e00-\u9fff，、；。）]")
# A word cut inside an address, where no space was: "zhang.lihua@exam" + "ple.com".
_ADDRESS_TAIL = re.compile(r"(?:\S*@[^\s.]*|\S*(?:@|://|www\.|\.[a-z]{2,}/)\S*[/\-_.?=&])$")
_ADDRESS = re.compile(r"\S*(?:@|://|www\.|\.[a-z]{2,}/)\S*$")
# What may follow inside a link or address cut at the edge: not a new address, not a phone number.
_ADDRESS_PART = re.compile(r"^(?![^\s]*(?:@|\.[a-z]{2,}/))[\w\-/?=&%#.]{2,}(?:\s|$)")
_CONTACT = re.compile(r"\S@\S|https?://|www\.|\.com\b|\+?\d[\d ()-]{7,}\d")


def block_lines(block: Block) -> list[str]:
    """The block's text lines in reading order."""
    lines: list[str] = []
    for row in _rows(block.boxes):
        # A row of one-line cells is one line, unless its first cell is a section heading ("SKILLS | Java").
        if len(row) > 1 and all(len(box.lines()) == 1 for box in row) and not heading_of(row[0].text):
            lines.append(CELL_SEPARATOR.join(box.text.strip() for box in row))
            continue
        for box in row:
            lines.extend(unwrap(box, block.left, block.right, block.right_measured))
    return lines


def _rows(boxes: list[Box]) -> list[list[Box]]:
    """Consecutive boxes whose first lines share a baseline, each row left to right."""
    rows: list[list[Box]] = []
    for box in boxes:
        if rows and abs(rows[-1][0].lines()[0] - box.lines()[0]) <= SAME_ROW_TOLERANCE:
            rows[-1].append(box)
        else:
            rows.append([box])
    return [sorted(row, key=lambda box: box.x0) for row in rows]


def unwrap(box: Box, left: float, right: float, keep: bool = False) -> list[str]:
    """The box's lines, with each line the column edge wrapped joined back to the one before (unless `keep`)."""
    if not box.text_lines or keep:
        return box.text.split("\n")
    lines = [box.text_lines[0].text]
    for previous, line in zip(box.text_lines, box.text_lines[1:]):
        if _wrapped(previous, line, left, right):
            # A line filled to the very edge broke inside a word (LibreOffice breaks long links anywhere).
            lines[-1] = _join(lines[-1], line.text, right - previous.x1 < previous.font_size)
        else:
            lines.append(line.text)
    return lines


def _wrapped(previous: Line, line: Line, left: float, right: float) -> bool:
    """True when the next line's first word would not have fitted at the end of the previous line."""
    if not previous.text.strip() or not line.text.strip() or is_bullet(line.text) or heading_of(line.text):
        return False
    if abs(previous.font_size - line.font_size) > 0.5:
        return False
    if _CONTACT.search(previous.text) and not _ADDRESS.search(previous.text.rstrip()):
        return False  # an address or a phone number is an item of its own
    if previous.x1 - left < MIN_FULL_SHARE * (right - left):
        return False
    space = 0.35 * previous.font_size
    return right - previous.x1 < line.first_word_width + 2 * space


def _join(first: str, second: str, tight: bool = False) -> str:
    first, second = first.rstrip(), second.lstrip()
    if _CJK_END.search(first) and _CJK_START.search(second):
        return first + second
    if first.endswith("-") and second[:1].islower():
        return first + second  # "full-" + "time": the hyphen was typed, the break was not
    if _ADDRESS_TAIL.search(first) or (tight and _ADDRESS.search(first) and _ADDRESS_PART.match(second)):
        return first + second
    return f"{first} {second}"
