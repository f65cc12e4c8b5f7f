"""Charts drawn on the server as SVG geometry, for templates to render (no script, no external asset; the CSP
stays as strict as it is). Each function returns plain numbers and labels; `templates/charts.html` draws them."""

from __future__ import annotations

from dataclasses import dataclass


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


def bar_chart(
    rows: list[tuple[str, str, float | None]],
    *,
    title: str,
    maximum: float = 100.0,
    label_width: int = 190,
    track_width: int = 360,
    bar_height: int = 18,
    gap: int = 12,
) -> BarChart:
    """Horizontal bars, one per (label, sublabel, value) row, scaled to `maximum`."""
    bars = []
    for index, (label, sublabel, value) in enumerate(rows):
        y = 10 + index * (bar_height + gap)
        clipped = None if value is None else max(0.0, min(float(value), maximum))
        width = 0.0 if clipped is None else round(track_width * clipped / maximum, 1)
        bars.append(Bar(label, sublabel, value, y, width, label_width + width + 6))
    height = 10 + len(rows) * (bar_height + gap) + 24
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
