"""The console's report pages: validity and attendance, as HTML with SVG charts drawn on the server.

Both console roles (admin, auditor) may read them; they change nothing (drafts are proposed and approved with
`hris-hub models ...`, docs/outcomes.md)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from flask import request

from hub.errors import InvalidInput
from hub.outcomes import drafts, reports
from hub.web.console import charts, console
from hub.web.console.auth import hub_state
from hub.web.console.rendering import render
from mappings.document import MODEL_FAMILIES

FAMILIES = sorted(set(MODEL_FAMILIES.values()))


def _since() -> datetime | None:
    raw = request.args.get("since") or None
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"since must be a date like 2026-01-01, got {raw!r}", errors=[{"pointer": "?since", "message": "a date"}]
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _number(name: str, default: float) -> float:
    raw = request.args.get(name) or None
    try:
        value = float(raw) if raw is not None else default
        if not math.isfinite(value) or abs(value) > 1e9:
            raise ValueError(raw)
        return value
    except ValueError:
        raise InvalidInput(
            f"{name} must be a number, got {raw!r}", errors=[{"pointer": f"?{name}", "message": "a number"}]
        ) from None


@console.get("/reports/validity")
def validity_report():
    family = request.args.get("job_family") or "rnd"
    query = reports.Query(
        job_family=family,
        since=_since(),
        threshold=_number("threshold", reports.DEFAULT_THRESHOLD),
        min_n=int(_number("min_n", reports.DEFAULT_MIN_N)),
    )
    session = hub_state().session()
    gathered = reports.gather(session, query.check())
    report = reports.validity(session, query, gathered)
    outcomes = sorted({cell["outcome"] for cell in report["cells"]})
    predictors = sorted({cell["predictor"] for cell in report["cells"]}, key=lambda key: (key == "overall", key))
    outcome = request.args.get("outcome") or (reports.PERFORMANCE if reports.PERFORMANCE in outcomes else None)
    if outcome is None and outcomes:
        outcome = outcomes[0]
    if outcome is not None and outcome not in outcomes:
        raise InvalidInput(f"no outcome {outcome!r} in this report; known: {', '.join(outcomes)}")
    predictor = request.args.get("predictor") or "overall"
    if predictors and predictor not in predictors:
        raise InvalidInput(f"no predictor {predictor!r} in this report; known: {', '.join(predictors)}")
    cells = [cell for cell in report["cells"] if cell["outcome"] == outcome]
    cells.sort(key=lambda cell: (cell["predictor"] == "overall", cell["predictor"]))
    rows = [
        {
            "label": cell["predictor"],
            "value": (cell["corrected"] or {}).get("r"),
            "low": (cell["corrected"] or {}).get("low"),
            "high": (cell["corrected"] or {}).get("high"),
            "observed": (cell["pearson"] or {}).get("r"),
            "marked": cell["flagged"],
            "cell": cell,
        }
        for cell in cells
    ]
    validity_chart = charts.interval_rows(rows, low=-0.2, high=1.0, reference=query.threshold) if rows else None
    points = reports.scatter_points(session, query, predictor, outcome, gathered) if outcome else []
    scatter = charts.scatter(points)
    return render(
        "reports_validity.html",
        active_page="reports",
        report=report,
        query=query,
        families=FAMILIES,
        outcomes=outcomes,
        predictors=predictors,
        outcome=outcome,
        predictor=predictor,
        rows=rows,
        validity_chart=validity_chart,
        scatter=scatter,
        since=request.args.get("since") or "",
    )


@console.get("/reports/attendance")
def attendance_report():
    family = request.args.get("job_family") or None
    query = reports.AttendanceQuery(
        job_family=family,
        since=_since(),
        often_late_share=_number("often_late_share", reports.DEFAULT_OFTEN_LATE_SHARE),
        min_group=int(_number("min_group", reports.DEFAULT_MIN_GROUP)),
    )
    state = hub_state()
    session = state.session()
    found, proposals = drafts.attendance_preview(session, query, state.settings)
    report = reports.attendance(session, query, [proposal.to_dict() for proposal in proposals], found)
    groupings = []
    for grouping in dict.fromkeys(group["grouping"] for group in report["groups"]):
        groups = [group for group in report["groups"] if group["grouping"] == grouping]
        rows = [
            {
                "label": group["group"],
                "value": group["rate"],
                "low": group["low"],
                "high": group["high"],
                "marked": group["significant"],
                "group": group,
            }
            for group in groups
        ]
        top = max(0.1, min(1.0, max(group["high"] for group in groups) * 1.1))
        groupings.append(
            {
                "name": grouping,
                "rows": rows,
                "chart": charts.interval_rows(rows, low=0.0, high=round(top, 2), bars=True),
            }
        )
    return render(
        "reports_attendance.html",
        active_page="reports",
        report=report,
        query=query,
        families=FAMILIES,
        groupings=groupings,
        since=request.args.get("since") or "",
    )
