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
