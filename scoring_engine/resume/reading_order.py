"""Order a page's text boxes for reading: a recursive XY-cut, so columns are read one after the other."""

from collections.abc import Callable
from dataclasses import dataclass

from scoring_engine.resume.labels import is_field_label

# A vertical gutter narrower than this (points) is word spacing, not a column break.
MIN_GUTTER = 8.0
# A column break needs both sides at least this share of the region's width...
MIN_COLUMN_SHARE = 0.2
# ...or, for a narrow sidebar, at least this share and lines that do not sit on the other side's
# baselines: a narrow date column whose lines all line up with entries is a table, read row by row.
MIN_SIDEBAR_SHARE = 0.08
# Two boxes whose baselines are this close (points) sit on one visual row.
SAME_ROW_TOLERANCE = 2.5


@dataclass(frozen=True)
class Line:
    """One text line of a box: its extent, its text, and how wide its first word is (points)."""

    x0: float
    x1: float
    text: str
    first_word_width: float = 0.0
    font_size: float = 10.0


@dataclass(frozen=True)
class Box:
    """A text box in PDF coordinates (y grows upwards)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    baselines: tuple[float, ...] = ()
    text_lines: tuple[Line, ...] = ()
    # Where its lines wrap, when the page draws it (a table cell's right ruling, less the cell's padding).
    wrap_edge: float | None = None
    # (row, column) of the ruled table cell it sits in, counted from the top left; None outside a ruled table.
    cell: tuple[int, int] | None = None

    def lines(self) -> tuple[float, ...]:
        return self.baselines or (self.y0,)


@dataclass
class Block:
    """Boxes read together, and the left and right edges of the column they sit in.

    `right_measured` says the right edge is only the widest line's end (an inner column), not a margin.
    """

    boxes: list[Box]
    left: float
    right: float
    right_measured: bool = False


def reading_order(boxes: list[Box]) -> list[list[Box]]:
    """Return blocks of boxes in reading order; a new block starts at every column or row cut."""
    return [block.boxes for block in reading_blocks(boxes)]


def reading_blocks(boxes: list[Box], page_width: float | None = None) -> list[Block]:
    """Blocks in reading order, each with its column's edges; the page's right margin mirrors its left one."""
    if not boxes:
        return []
    left = min(box.x0 for box in boxes)
    right = max(box.x1 for box in boxes)
    if not page_width:
        return _blocks(boxes, (left, right, True))
    margin_right = max(right, page_width - left)
    # Text that fills only part of the page's width (a table cell that went on to this page) wraps at its own edge.
    if right - left < 0.75 * (margin_right - left) and _edge_confirmed(boxes, left, right):
        return _blocks(boxes, (left, right, False))
    return _blocks(boxes, (left, margin_right, False))


def _blocks(boxes: list[Box], edges: tuple[float, float, bool]) -> list[Block]:
    rows = _table_rows(boxes)
    if rows is not None:
        top, rest = _first_horizontal_cut(rows)
        if rest:  # a table's rows are read one after the other, each row's cells as columns
            return _blocks(top, edges) + _blocks(rest, edges)
        boxes = rows
    columns = _vertical_cut(boxes)
    if columns:
        first, second = columns
        first_edges = (min(box.x0 for box in first), max(box.x1 for box in first), True)
        first_edges = (*first_edges[:2], not _edge_confirmed(first, *first_edges[:2]))
        second_edges = (min(box.x0 for box in second), edges[1], edges[2])
        return _blocks(first, first_edges) + _blocks(second, second_edges)
    top, rest = _first_horizontal_cut(boxes)
    if rest:
        return _blocks(top, edges) + _blocks(rest, edges)
    return [Block(sorted(boxes, key=lambda box: (-box.y1, box.x0)), *edges)]


def _vertical_cut(boxes: list[Box]) -> list[list[Box]] | None:
    left_edge = min(box.x0 for box in boxes)
    width = max(box.x1 for box in boxes) - left_edge
    if width <= 0:
        return None
    for gap_start, gap_end in _gaps([(box.x0, box.x1) for box in boxes], MIN_GUTTER):
        left = [box for box in boxes if box.x1 <= gap_start]
        right = [box for box in boxes if box.x0 >= gap_end]
        left_width = gap_start - left_edge
        right_width = max(box.x1 for box in right) - gap_end
        narrower = min(left_width, right_width) / width
        aligned = _rows_aligned(left, right)
        if aligned and _labels(left):
            continue  # "姓名 | 张丽华", "SKILLS | Java, ...": labels or headings beside their rows: a table, read by rows
        if narrower >= MIN_COLUMN_SHARE or (narrower >= MIN_SIDEBAR_SHARE and not aligned):
            return [left, right]
    return None


def _rows_aligned(left: list[Box], right: list[Box]) -> bool:
    """True when most lines on the side with fewer lines share a baseline with the other side."""
    left_lines = [y for box in left for y in box.lines()]
    right_lines = [y for box in right for y in box.lines()]
    fewer, more = sorted((left_lines, right_lines), key=len)
    aligned = sum(1 for y in fewer if any(abs(y - other) <= SAME_ROW_TOLERANCE for other in more))
    return aligned > 0.6 * len(fewer)


def _edge_confirmed(boxes: list[Box], left: float, right: float) -> bool:
    """True when several lines of a column end near its widest one: text wrapped there, the edge is real."""
    ends = [line.x1 for box in boxes for line in box.text_lines]
    near = sum(1 for end in ends if right - end <= 0.12 * (right - left))
    return near >= 3 and near >= 0.25 * len(ends)


def _table_rows(boxes: list[Box]) -> list[Box] | None:
    """A table whose first column heads each row ("SKILLS" level with the first line of its cell): the boxes
    with every right-hand box split where a row starts, so the rows can be cut apart; None for no such table.

    pdfminer merges the lines of cells stacked in one column into one box, rows and all.
    """
    left_edge = min(box.x0 for box in boxes)
    for gap_start, gap_end in _gaps([(box.x0, box.x1) for box in boxes], MIN_GUTTER):
        left = [box for box in boxes if box.x1 <= gap_start]
        right = [box for box in boxes if box.x0 >= gap_end]
        if len(left) < 2 or gap_start - left_edge <= 0:
            return None
        right_lines = [y for box in right for y in box.lines()]
        starts = [y for box in left for y in box.lines()]
        heads = [y for y in starts if any(abs(y - line) <= SAME_ROW_TOLERANCE for line in right_lines)]
        # Rows hold more than one line each; lines merely side by side (two columns on one grid) do not.
        if len(heads) >= max(2, 0.75 * len(starts)) and len(right_lines) > 1.5 * len(heads):
            return [piece for box in left + right for piece in _split_at(box, heads)]
        return None
    return None


def _split_at(box: Box, starts: list[float]) -> list[Box]:
    """The box cut into pieces, a new piece at each line level with one of `starts`."""
    if not box.text_lines or len(box.baselines) != len(box.text_lines):
        return [box]
    pieces: list[list[int]] = [[]]
    for index, baseline in enumerate(box.baselines):
        if pieces[-1] and any(abs(baseline - start) <= SAME_ROW_TOLERANCE for start in starts):
            pieces.append([])
        pieces[-1].append(index)
    if len(pieces) == 1:
        return [box]
    result = []
    for indexes in pieces:
        lines = tuple(box.text_lines[index] for index in indexes)
        baselines = tuple(box.baselines[index] for index in indexes)
        top = max(baselines) + max(line.font_size for line in lines)
        result.append(
            Box(
                min(line.x0 for line in lines),
                min(baselines),
                max(line.x1 for line in lines),
                min(top, box.y1),
                "\n".join(line.text for line in lines),
                baselines,
                lines,
            )
        )
    return result


def _labels(boxes: list[Box]) -> bool:
    """True when most of these boxes are one short field label each ("姓名", "Email:")."""
    texts = [box.text.strip() for box in boxes if box.text.strip()]
    return bool(texts) and sum(1 for text in texts if is_field_label(text)) > 0.6 * len(texts)


def _first_horizontal_cut(boxes: list[Box]) -> tuple[list[Box], list[Box]]:
    # y grows upwards, so negate to scan from the top of the page down.
    gaps = _gaps([(-box.y1, -box.y0) for box in boxes], 0.5)
    if not gaps:
        return boxes, []
    cut = -gaps[0][0]
    return [box for box in boxes if box.y0 >= cut], [box for box in boxes if box.y0 < cut]


def _gaps(intervals: list[tuple[float, float]], min_width: float) -> list[tuple[float, float]]:
    """Uncovered stretches at least min_width wide between the given intervals, in order."""
    ordered = sorted(intervals)
    gaps = []
    covered_to = ordered[0][1]
    for start, end in ordered[1:]:
        if start - covered_to >= min_width:
            gaps.append((covered_to, start))
        covered_to = max(covered_to, end)
    return gaps


# A page's columns go on in their own columns on the next page (a table row split across pages: Word and LibreOffice
# templates), rather than the left one after the right one (newspaper columns, frames), only when the text says so.
# Where a page's two columns stand must agree with the next page's to this (points).
COLUMN_SLOP = 6.0
# A column reaches the page's bottom when it ends at most this share of the page's height above the lowest text:
# widow and orphan control leave a few lines' worth short.
BOTTOM_SLOP = 0.08


def _extent(block: Block) -> tuple[float, float, float]:
    return (min(box.x0 for box in block.boxes), max(box.x1 for box in block.boxes), min(box.y0 for box in block.boxes))


def _page_columns(blocks: list[Block]) -> tuple[int, float, float, float] | None:
    """(blocks in the header, left column's x0, the gutter's middle, right column's x0) when the page's blocks past
    a header across the page are a left column's then a right column's."""
    for head in range(min(3, len(blocks) - 1)):
        rest = [block for block in blocks[head:] if block.boxes]
        if len(rest) < 2:
            return None
        gaps = _gaps([(box.x0, box.x1) for block in rest for box in block.boxes], MIN_GUTTER)
        if not gaps:
            continue
        start, end = gaps[0]
        sides = [_extent(block)[1] <= start for block in rest]
        if not sides[0] or all(sides) or any(sides[sides.index(False) :]):
            continue  # not all left-column blocks before all right-column ones
        top = max(box.y1 for block in rest for box in block.boxes)
        if any(_extent(block)[2] < top - 1 for block in blocks[:head]):
            return None  # what precedes the columns must stand above them
        left = min(_extent(block)[0] for block in rest)
        return head, left, (start + end) / 2, end
    return None


Evidence = Callable[[list[Block], list[Block]], float]


def continued_columns(pages: list[tuple[list[Block], float]], evidence: Evidence) -> list[list[Block]]:
    """The pages' blocks regrouped for reading. Where two columns go on over pages, each filling its page to the
    bottom, the left column's parts are read first, then the right column's, when `evidence` (how much the second
    blocks' text reads as the continuation of the first's) favours that over reading page by page.
    `pages` holds each page's blocks in reading order and its height; each returned group is read as one."""
    groups: list[list[Block]] = []
    index = 0
    while index < len(pages):
        blocks, _height = pages[index]
        found = _page_columns(blocks)
        if found is None:
            groups.append(blocks)
            index += 1
            continue
        head, left_x0, middle, right_x0 = found
        first = _sides(blocks[head:], middle, left_x0, right_x0)
        sides = [first] if first else []
        following = index + 1
        while sides and following < len(pages):
            split = _sides(pages[following][0], middle, left_x0, right_x0)
            if split is None or not _goes_on(sides[-1], split, pages[following - 1][1]):
                break
            sides.append(split)
            following += 1
        # Where the columns open on this page (the document's first page, or below a header across both), two
        # columns that fill page after page are one table row split over the pages (Word and LibreOffice templates)
        # unless the text at the seams reads better page by page; elsewhere the text must say so.
        opens_here = index == 0 or head > 0
        gain = _by_columns(sides, evidence) if len(sides) > 1 else 0.0
        if len(sides) > 1 and (gain > 0 or (opens_here and gain == 0)):
            groups.append(blocks[:head] + [block for left, _ in sides for block in left])
            groups.append([block for _, right in sides for block in right])
            index = following
        else:
            groups.append(blocks)
            index += 1
    return groups


def _by_columns(sides: list[tuple[list[Block], list[Block]]], evidence: Evidence) -> float:
    """How much better the text reads column by column over the pages than page by page (positive: better; 0 when
    the text gives no sign either way): the sum of `evidence` over the seams of each reading."""
    by_pages = [part for left, right in sides for part in (left, right) if part]
    by_columns = [left for left, _ in sides if left] + [right for _, right in sides if right]
    return sum(evidence(a, b) for a, b in zip(by_columns, by_columns[1:])) - sum(
        evidence(a, b) for a, b in zip(by_pages, by_pages[1:])
    )


def _sides(
    blocks: list[Block], middle: float, left_x0: float, right_x0: float
) -> tuple[list[Block], list[Block]] | None:
    """The blocks as (left column, right column) at the gutter's middle; None when one stands across it or a column
    starts elsewhere than on the first page."""
    left, right = [], []
    for block in blocks:
        if not block.boxes:
            continue
        x0, x1, _ = _extent(block)
        if x1 <= middle and abs(x0 - left_x0) <= COLUMN_SLOP:
            left.append(block)
        elif x0 >= middle and abs(x0 - right_x0) <= COLUMN_SLOP:
            right.append(block)
        else:
            return None
    return (left, right) if left or right else None


def _goes_on(before: tuple[list[Block], list[Block]], after: tuple[list[Block], list[Block]], height: float) -> bool:
    """True when each column the next page holds filled this page to its bottom (a cell split at the page's end)."""
    lowest = min(_extent(block)[2] for side in before for block in side)
    for side_before, side_after in zip(before, after):
        if side_after and (not side_before or min(_extent(b)[2] for b in side_before) - lowest > BOTTOM_SLOP * height):
            return False
    return True
