"""Order a page's text boxes for reading: a recursive XY-cut, so columns are read one after the other."""
from dataclasses import dataclass

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
class Box:
    """A text box in PDF coordinates (y grows upwards)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    baselines: tuple[float, ...] = ()

    def lines(self) -> tuple[float, ...]:
        return self.baselines or (self.y0,)


def reading_order(boxes: list[Box]) -> list[list[Box]]:
    """Return blocks of boxes in reading order; a new block starts at every column or row cut."""
    if not boxes:
        return []
    columns = _vertical_cut(boxes)
    if columns:
        return [block for column in columns for block in reading_order(column)]
    top, rest = _first_horizontal_cut(boxes)
    if rest:
        return reading_order(top) + reading_order(rest)
    return [sorted(boxes, key=lambda box: (-box.y1, box.x0))]


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
        if narrower >= MIN_COLUMN_SHARE or (narrower >= MIN_SIDEBAR_SHARE and not _rows_aligned(left, right)):
            return [left, right]
    return None


def _rows_aligned(left: list[Box], right: list[Box]) -> bool:
    """True when most lines on the side with fewer lines share a baseline with the other side."""
    left_lines = [y for box in left for y in box.lines()]
    right_lines = [y for box in right for y in box.lines()]
    fewer, more = sorted((left_lines, right_lines), key=len)
    aligned = sum(1 for y in fewer if any(abs(y - other) <= SAME_ROW_TOLERANCE for other in more))
    return aligned > 0.6 * len(fewer)


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
