"""Charts drawn on the server as SVG geometry, for templates to render (no script, no external asset; the CSP
stays as strict as it is). Each function returns plain numbers and labels; `templates/charts.html` draws them.

Bars (a result's profile, the bias audit's impact ratios), stacked columns (deliveries per day and month), and the
report pages' scatter and interval rows (validity, attendance). No inline style anywhere (the console's CSP forbids
it): the templates use SVG presentation attributes, and every label goes through Jinja's autoescaping."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bar:
    label: str
    sublabel: str
    value: float | None  # None: no score (insufficient evidence); drawn as an empty track
    y: float
    width: float
    text_x: float


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    label_width: int
    track_width: int
    bar_height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (x, text) under the bars


def _text_width(text: str, size: float = 12) -> int:
    """About how wide `text` draws in a sans-serif font: CJK characters are square, Latin ones about 0.6 em."""
    return round(sum(size if ord(character) >= 0x2E80 else size * 0.6 for character in text))


def bar_chart(
    rows: list[tuple[str, str, float | None]],
    *,
    title: str,
    maximum: float = 100.0,
    label_width: int | None = None,
    track_width: int = 360,
    bar_height: int = 18,
    gap: int = 12,
    top: int = 10,
) -> BarChart:
    """Horizontal bars, one per (label, sublabel, value) row, scaled to `maximum`; the first bar's top at `top`."""
    if label_width is None:  # wide enough for the longest "label · sublabel" at 12 px, so no label is cut off
        label_width = max([190] + [_text_width(f"{label} · {sublabel}") + 16 for label, sublabel, _ in rows])
    bars = []
    for index, (label, sublabel, value) in enumerate(rows):
        y = top + index * (bar_height + gap)
        clipped = None if value is None else max(0.0, min(float(value), maximum))
        width = 0.0 if clipped is None else round(track_width * clipped / maximum, 1)
        bars.append(Bar(label, sublabel, value, y, width, label_width + width + 6))
    height = top + len(rows) * (bar_height + gap) + 24
    ticks = [(label_width + track_width * step / 4, f"{maximum * step / 4:g}") for step in range(5)]
    return BarChart(title, label_width + track_width + 50, height, label_width, track_width, bar_height, bars, ticks)


# Status colours, the badges' hues, dark enough on white for text beside them (WCAG AA against #fff).
STATUS_COLOURS = {
    "delivered": "#15803d",
    "skipped": "#6b7280",
    "dead": "#b91c1c",
    "retrying": "#b45309",
    "pending": "#1d4ed8",
    "in_progress": "#7c3aed",
    "cancelled": "#374151",
}


@dataclass(frozen=True)
class Segment:
    status: str
    count: int
    y: float
    height: float
    colour: str


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    total: int
    segments: list[Segment]
    show_label: bool


@dataclass(frozen=True)
class ColumnChart:
    title: str
    width: int
    height: int
    plot_top: int
    plot_height: int
    column_width: float
    columns: list[Column]
    legend: list[tuple[str, str]]  # (status, colour)
    maximum: int


def stacked_columns(
    labels: list[str],
    counts: dict[str, list[int]],
    *,
    title: str,
    width: int = 720,
    plot_height: int = 160,
    label_every: int = 1,
) -> ColumnChart:
    """One column per label, stacked by status in STATUS_COLOURS order, scaled to the tallest column."""
    order = [status for status in STATUS_COLOURS if status in counts] + sorted(set(counts) - set(STATUS_COLOURS))
    totals = [sum(counts[status][i] for status in order) for i in range(len(labels))]
    maximum = max(totals, default=0) or 1
    left, top = 40, 10
    slot = (width - left - 10) / max(len(labels), 1)
    column_width = round(slot * 0.7, 1)
    columns = []
    for i, label in enumerate(labels):
        y: float = top + plot_height
        segments = []
        for status in order:
            count = counts[status][i]
            if not count:
                continue
            height = round(plot_height * count / maximum, 1)
            y -= height
            segments.append(Segment(status, count, round(y, 1), height, STATUS_COLOURS.get(status, "#0f766e")))
        columns.append(
            Column(
                label, round(left + i * slot + (slot - column_width) / 2, 1), totals[i], segments, i % label_every == 0
            )
        )
    legend = [(status, STATUS_COLOURS.get(status, "#0f766e")) for status in order]
    return ColumnChart(title, width, top + plot_height + 30, top, plot_height, column_width, columns, legend, maximum)


# ---- the report pages: scatter and interval rows ----------------------------------------------------------

WIDTH, HEIGHT = 640, 360
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 150, 20, 20, 40
MAX_POINTS = 2000  # beyond this the scatter shows an even sample (every k-th hire) and says so


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        return [low]
    raw = (high - low) / count
    step = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * step:
            step *= multiple
            break
    first = math.ceil(low / step) * step
    values = []
    value = first
    while value <= high + step * 1e-9:
        values.append(round(value, 10))
        value += step
    return values


@dataclass
class Axis:
    low: float
    high: float
    start: float  # pixel of `low`
    end: float  # pixel of `high`

    def at(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return round(self.start + (value - self.low) / span * (self.end - self.start), 1)

    def ticks(self, count: int = 5) -> list[dict]:
        return [
            {"value": value, "label": f"{value:g}", "at": self.at(value)}
            for value in _ticks(self.low, self.high, count)
        ]


@dataclass
class Scatter:
    width: int
    height: int
    x_axis: Axis
    y_axis: Axis
    points: list[tuple[float, float]]
    total: int
    line: dict | None
    slope: float | None = None
    intercept: float | None = None
    frame: dict = field(default_factory=dict)


def fitted_line(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares slope and intercept of y on x, or None when x does not vary."""
    n = len(points)
    if n < 2:
        return None
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    return slope, mean_y - slope * mean_x


def _range(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.05
    return low - pad, high + pad


def scatter(points: list[tuple[float, float]], *, width: int = WIDTH, height: int = HEIGHT) -> Scatter | None:
    """Every pair as a dot (an even sample beyond MAX_POINTS) and the fitted line over all of them."""
    if not points:
        return None
    x_axis = Axis(*_range([x for x, _ in points]), 60, width - MARGIN_RIGHT)
    y_axis = Axis(*_range([y for _, y in points]), height - MARGIN_BOTTOM, MARGIN_TOP)
    step = math.ceil(len(points) / MAX_POINTS)
    shown = [(x_axis.at(x), y_axis.at(y)) for x, y in points[::step]]
    fit = fitted_line(points)
    line = None
    if fit is not None:
        slope, intercept = fit
        x1, x2 = x_axis.low, x_axis.high
        line = {
            "x1": x_axis.at(x1),
            "y1": y_axis.at(intercept + slope * x1),
            "x2": x_axis.at(x2),
            "y2": y_axis.at(intercept + slope * x2),
        }
    frame = {"left": 60, "right": width - MARGIN_RIGHT, "top": MARGIN_TOP, "bottom": height - MARGIN_BOTTOM}
    return Scatter(
        width,
        height,
        x_axis,
        y_axis,
        shown,
        len(points),
        line,
        fit[0] if fit else None,
        fit[1] if fit else None,
        frame,
    )


@dataclass
class IntervalChart:
    """One row per label: a point estimate with a whisker for its interval, and an optional reference line."""

    width: int
    height: int
    axis: Axis
    rows: list[dict]
    reference: dict | None
    frame: dict
    bars: bool = False


ROW_HEIGHT = 28


def interval_rows(
    rows: list[dict], *, low: float, high: float, reference: float | None = None, bars: bool = False, width: int = WIDTH
) -> IntervalChart:
    """`rows` have label, value, low, high and marked (flagged or significant); None values get no mark.

    `bars`: draw the value as a bar from `low` (a rate); otherwise as a dot (a correlation)."""
    height = MARGIN_TOP + MARGIN_BOTTOM + ROW_HEIGHT * max(len(rows), 1)
    axis = Axis(low, high, MARGIN_LEFT, width - MARGIN_RIGHT)
    drawn = []
    for index, row in enumerate(rows):
        middle = MARGIN_TOP + ROW_HEIGHT * index + ROW_HEIGHT / 2
        item = {**row, "y": round(middle, 1), "text_y": round(middle + 4, 1)}
        if row.get("value") is not None:
            clamp = lambda v: min(max(v, low), high)  # noqa: E731
            item.update(
                x=axis.at(clamp(row["value"])),
                x_low=axis.at(clamp(row["low"])),
                x_high=axis.at(clamp(row["high"])),
                bar_top=round(middle - ROW_HEIGHT * 0.3, 1),
                bar_height=round(ROW_HEIGHT * 0.6, 1),
            )
            item["bar_x"] = axis.at(low)
            item["bar_width"] = round(item["x"] - item["bar_x"], 1)
        drawn.append(item)
    reference_line = None
    if reference is not None and low <= reference <= high:
        reference_line = {"x": axis.at(reference), "label": f"{reference:g}"}
    frame = {"left": MARGIN_LEFT, "right": width - MARGIN_RIGHT, "top": MARGIN_TOP, "bottom": height - MARGIN_BOTTOM}
    return IntervalChart(width, height, axis, drawn, reference_line, frame, bars)
