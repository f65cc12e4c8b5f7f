"""A PDF page's text boxes rebuilt from its characters, cut at the table's ruling lines.

pdfminer builds lines from characters in the order the content stream draws them, so a bullet drawn apart from its
text (LibreOffice draws list marks on their own) starts a line of its own, and the first line of an item lands in
another box than the rest of it; and a line may run on across a table's cell border. Here characters are grouped by
where they are: into the cell between two vertical rulings, then into visual lines by height, then split where a gap
wider than a column gutter opens, then stacked into boxes of lines close below each other.
"""

from dataclasses import dataclass

from pdfminer.layout import LTChar, LTCurve, LTFigure, LTLine, LTRect, LTTextBox, LTTextLine

from scoring_engine.resume.reading_order import Block, Box, Line, reading_blocks

# A gap wider than this share of the font size ends a word; wider than SEGMENT_GAP, a cell or column.
WORD_GAP = 0.18
SEGMENT_GAP = 1.0
# A list mark this close before text on its line belongs to it (a tab after a bullet).
BULLET_GAP = 4.0
# Lines closer than this share of the font size below each other are one box (pdfminer's line_margin).
LINE_GAP = 0.5
# A ruling: a drawn line or rectangle at most this thick (points) and at least this long.
RULING_THICKNESS = 2.0
RULING_MIN_LENGTH = 10.0
# A cell's padding is at most this (points); more is an indent.
MAX_PADDING = 12.0
# Only the boxes opened last can take the next line (a page holds a few columns of rows): linear on a hostile page.
OPEN_BOXES = 40
_BULLETS = set("•◦▪▫■□●○◆◇➢➤►▶✓✔-–—*·")


@dataclass
class _Char:
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    text: str
    cell: int = 0
    left_ruling: float | None = None
    right_ruling: float | None = None

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class _Segment:
    chars: list[_Char]
    cell: int

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return max(char.x1 for char in self.chars)

    @property
    def y0(self) -> float:
        return min(char.y0 for char in self.chars)

    @property
    def y1(self) -> float:
        return max(char.y1 for char in self.chars)

    @property
    def size(self) -> float:
        return self.chars[len(self.chars) // 2].size

    def text(self) -> str:
        pieces = [self.chars[0].text]
        for previous, char in zip(self.chars, self.chars[1:]):
            if char.x0 - previous.x1 > WORD_GAP * max(previous.size, char.size):
                pieces.append(" ")
            pieces.append(char.text)
        return "".join(pieces)

    def line(self) -> Line:
        text = self.text()
        first_end = self.chars[0].x1
        for char in self.chars:
            if char.x0 - first_end > WORD_GAP * char.size and char is not self.chars[0]:
                break
            first_end = char.x1
            if "\u4e00" <= char.text <= "\u9fff":
                break  # Chinese wraps between any two characters: the first "word" is one character
        return Line(self.x0, self.x1, text, first_end - self.x0, self.size)


def page_boxes(layout) -> list[Box]:
    """The page's text as boxes, rebuilt from its characters; [] when it has none."""
    chars, vertical, horizontal = [], [], []
    stack = list(layout)
    while stack:
        item = stack.pop()
        if isinstance(item, (LTTextBox, LTTextLine, LTFigure)):
            stack.extend(item)
        elif isinstance(item, LTChar):
            text = item.get_text()
            if text.strip() and item.x1 > item.x0:
                chars.append(_Char(item.x0, item.x1, item.y0, item.y1, item.size or (item.y1 - item.y0), text))
        elif isinstance(item, (LTLine, LTRect, LTCurve)):
            width, height = item.x1 - item.x0, item.y1 - item.y0
            if width <= RULING_THICKNESS and height >= RULING_MIN_LENGTH:
                vertical.append(((item.x0 + item.x1) / 2, item.y0, item.y1))
            elif height <= RULING_THICKNESS and width >= RULING_MIN_LENGTH:
                horizontal.append(((item.y0 + item.y1) / 2, item.x0, item.x1))
            elif isinstance(item, LTRect) and width >= RULING_MIN_LENGTH and height >= RULING_MIN_LENGTH:
                # A cell drawn as a rectangle: its four sides are rulings.
                vertical += [(item.x0, item.y0, item.y1), (item.x1, item.y0, item.y1)]
                horizontal += [(item.y0, item.x0, item.x1), (item.y1, item.x0, item.x1)]
    if not chars:
        return []
    for char in chars:
        middle_x = (char.x0 + char.x1) / 2
        spanning = [x for x, y0, y1 in vertical if y0 <= char.middle <= y1]
        char.cell = sum(1 for x in spanning if x < middle_x)
        char.left_ruling = max((x for x in spanning if x < middle_x), default=None)
        char.right_ruling = min((x for x in spanning if x > middle_x), default=None)
    segments = _segments(chars)
    return _stack(segments, horizontal)


def page_blocks(boxes: list[Box], page_width: float) -> list[Block]:
    """Blocks in reading order: a ruled table's cells row by row, each row's cells left to right, each cell its
    own block; what stands outside the table is read as columns above and below it."""
    in_cells = [box for box in boxes if box.cell is not None]
    if not in_cells:
        return reading_blocks(boxes, page_width)
    top = max(box.y1 for box in in_cells)
    outside = [box for box in boxes if box.cell is None]
    above = [box for box in outside if box.y0 >= top]
    below = [box for box in outside if box.y0 < top]
    cells: dict[tuple[int, int], list[Box]] = {}
    for box in in_cells:
        cells.setdefault(box.cell, []).append(box)  # type: ignore[arg-type]
    blocks = reading_blocks(above, page_width) if above else []
    for key in sorted(cells):
        members = sorted(cells[key], key=lambda box: (-box.y1, box.x0))
        left = min(box.x0 for box in members)
        right = max(box.wrap_edge or box.x1 for box in members)
        blocks.append(Block(members, left, right, False))
    return blocks + (reading_blocks(below, page_width) if below else [])


def _segments(chars: list[_Char]) -> list[_Segment]:
    """Visual lines per cell, split where a gap wider than SEGMENT_GAP opens; a list mark kept with its text."""
    chars.sort(key=lambda char: (-char.middle, char.x0))
    rows: list[list[_Char]] = []
    for char in chars:
        if rows and abs(rows[-1][0].middle - char.middle) <= 0.4 * max(char.size, rows[-1][0].size):
            rows[-1].append(char)
        else:
            rows.append([char])
    segments: list[_Segment] = []
    for row in rows:
        by_cell: dict[int, list[_Char]] = {}
        for char in row:
            by_cell.setdefault(char.cell, []).append(char)
        for cell, cell_chars in sorted(by_cell.items()):
            cell_chars.sort(key=lambda char: char.x0)
            pieces = [[cell_chars[0]]]
            for previous, char in zip(cell_chars, cell_chars[1:]):
                gap = char.x0 - max(piece.x1 for piece in pieces[-1])
                if gap > SEGMENT_GAP * max(previous.size, char.size) and not (
                    _is_mark(pieces[-1]) and gap <= BULLET_GAP * char.size
                ):
                    pieces.append([char])
                else:
                    pieces[-1].append(char)
            segments.extend(_Segment(piece, cell) for piece in pieces)
    return segments


def _is_mark(chars: list[_Char]) -> bool:
    text = "".join(char.text for char in chars)
    return len(text) <= 2 and all(char in _BULLETS or not char.isalnum() for char in text)


def _stack(segments: list[_Segment], horizontal: list[tuple[float, float, float]]) -> list[Box]:
    """Segments stacked into boxes: the next line down, close below and overlapping in x, with no ruling between."""
    open_boxes: list[list[_Segment]] = []
    for segment in segments:  # top to bottom already
        target = None
        for lines in reversed(open_boxes[-OPEN_BOXES:]):
            last = lines[-1]
            if last.cell != segment.cell or last.y0 - segment.y1 > LINE_GAP * max(last.size, segment.size):
                continue
            if last.y0 <= segment.y1 - 0.5 * segment.size:
                continue  # beside it on the same row, not below
            if min(last.x1, segment.x1) - max(last.x0, segment.x0) <= 0:
                continue
            if any(
                (segment.y0 + segment.y1) / 2 < y < (last.y0 + last.y1) / 2
                and x0 <= max(last.x0, segment.x0)
                and min(last.x1, segment.x1) <= x1
                for y, x0, x1 in horizontal
            ):
                continue
            target = lines
            break
        if target is None:
            open_boxes.append([segment])
        else:
            target.append(segment)
    boxes = []
    for lines in open_boxes:
        text_lines = tuple(segment.line() for segment in lines)
        first = lines[0].chars[0]
        edge, cell = None, None
        if first.left_ruling is not None and first.right_ruling is not None:
            middle = (first.left_ruling + first.right_ruling) / 2
            top = (lines[0].y0 + lines[0].y1) / 2
            row = sum(1 for y, x0, x1 in horizontal if y > top and x0 <= middle <= x1)
            cell = (row, first.cell)
            # Cells pad both sides alike: the text wraps as far from the right ruling as it starts from the left one.
            padding = min(max(min(segment.x0 for segment in lines) - first.left_ruling, 0.0), MAX_PADDING)
            edge = first.right_ruling - padding
        boxes.append(
            Box(
                min(segment.x0 for segment in lines),
                min(segment.y0 for segment in lines),
                max(segment.x1 for segment in lines),
                max(segment.y1 for segment in lines),
                "\n".join(line.text for line in text_lines),
                tuple(segment.y0 for segment in lines),
                text_lines,
                edge,
                cell,
            )
        )
    return boxes
