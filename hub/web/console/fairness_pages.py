"""The console's Bias audit page: the report of hub/fairness/reports.py with bar charts drawn server-side (SVG, no
script), and its CSV. Every signed-in console user may read it (auditors and admins)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import request

from hub.errors import InvalidInput
from hub.fairness import categories, reports
from hub.web.console import charts, console
from hub.web.console.auth import hub_state
from hub.web.console.rendering import render
from hub.web.downloads import csv_response

LABEL_WIDTH = 230
BAR_WIDTH = 300
ROW_HEIGHT = 22
CHART_OUTCOMES = ("hired", "advanced", "score:overall")  # drawn; every outcome is in the tables and the CSV


def _date(name: str) -> datetime | None:
    raw = request.args.get(name) or None
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"{name} must be a date like 2026-01-01, got {raw!r}", errors=[{"pointer": f"?{name}", "message": "a date"}]
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def chart(table: dict) -> dict:
    """Geometry of one bar chart: a bar per category for its impact ratio (0-1), the four-fifths line."""
    rows = table["rows"]
    drawn = charts.bar_chart(
        [(row["category"], "", row["impact_ratio"]) for row in rows],
        title="",
        maximum=1.0,
        label_width=LABEL_WIDTH,
        track_width=BAR_WIDTH,
        bar_height=ROW_HEIGHT,
        gap=0,
        top=0,
    )
    bars = [
        {
            "label": bar.label,
            "y": bar.y,
            "width": bar.width if bar.value is not None else 0,
            "text": "excluded" if row["excluded"] else ("-" if bar.value is None else f"{bar.value:.2f}"),
            "css": "flagged" if row["flagged"] else ("small" if row["too_small"] else "ok"),
        }
        for bar, row in zip(drawn.bars, rows, strict=True)
    ]
    return {
        "bars": bars,
        "label_width": LABEL_WIDTH,
        "bar_width": BAR_WIDTH,
        "row_height": ROW_HEIGHT,
        "height": max(1, len(bars)) * ROW_HEIGHT + 18,
        "width": LABEL_WIDTH + BAR_WIDTH + 60,
        "line_x": LABEL_WIDTH + BAR_WIDTH * 0.8,
    }


@console.get("/reports/bias")
def bias_report():
    families = reports.job_families()
    filters = {
        "job_family": request.args.get("job_family") or families[-1],
        "since": request.args.get("since", ""),
        "until": request.args.get("until", ""),
        "category_set": request.args.get("category_set") or categories.DEFAULT_SET,
        "keep_small": request.args.get("keep_small") == "true",
    }
    query = reports.Query(
        job_family=filters["job_family"],
        since=_date("since"),
        until=_date("until"),
        category_set=filters["category_set"],
        exclude_small=not filters["keep_small"],
    )
    report = reports.bias(hub_state().session(), query)
    if request.args.get("format") == "csv":
        return csv_response(f"bias-{query.job_family}.csv", reports.CSV_COLUMNS, reports.csv_rows(report))
    drawn = [
        {"outcome": o["outcome"], "kind": o["kind"], "dimension": dimension, "chart": chart(table), "table": table}
        for o in report["outcomes"]
        if o["outcome"] in CHART_OUTCOMES
        for dimension, table in o["tables"].items()
    ]
    csv_args = {k: v for k, v in request.args.items() if k != "format" and v}
    return render(
        "bias.html",
        report=report,
        charts=drawn,
        filters=filters,
        families=families,
        category_sets=categories.names(),
        csv_args={**csv_args, "format": "csv"},
    )
