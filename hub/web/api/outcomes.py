"""POST /api/v1/outcomes (reviews and attendance coming back), GET /api/v1/reports/validity and /reports/attendance."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, g, jsonify, request

from hub.errors import InvalidInput
from hub.outcomes import drafts, records, reports
from hub.storage.db import transaction
from hub.web.api import api
from hub.web.api.listing import wants_csv
from hub.web.api.requests import read_json
from hub.web.auth import require
from hub.web.downloads import csv_response


@api.post("/outcomes")
@require("outcomes")
def post_outcomes():
    """Store outcome records; re-sending one is idempotent (natural key), unlinked ones are reported."""
    body = read_json()
    batch = body.get("records") if isinstance(body, dict) else None
    errors = records.check(batch)
    if errors:
        raise InvalidInput(
            f"{len(errors)} problem(s); nothing was stored", title="The outcome records are not valid", errors=errors
        )
    with transaction(current_app.extensions["hub"].session_factory) as session:
        stored = records.store(session, batch, actor=f"client:{g.caller.client_id}", via="api")
    return jsonify(stored.to_dict()), 200


def _float_arg(name: str, default: float) -> float:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return float(raw)  # an empty value is refused, as an empty limit= is
    except ValueError:
        raise InvalidInput(
            f"{name} must be a number, got {raw!r}", errors=[{"pointer": f"?{name}", "message": "a number"}]
        ) from None


MAX_COUNT = 1_000_000  # min_n, min_group: beyond any company's hires


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) > MAX_COUNT:
        raise InvalidInput(
            f"{name} must be a whole number up to {MAX_COUNT:,}, got {raw[:20]!r}",
            errors=[{"pointer": f"?{name}", "message": "a whole number, e.g. 30"}],
        )
    return int(raw)


def _date_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"{name} must be a date like 2026-01-01, got {raw!r}",
            errors=[{"pointer": f"?{name}", "message": "an ISO date"}],
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # a bare date is UTC, as in the CLI


@api.get("/reports/validity")
@require("auditor")
def validity_report():
    """Each dimension's validity against each outcome for one job family, as JSON or CSV (advisory)."""
    query = reports.Query(
        job_family=request.args.get("job_family", ""),
        since=_date_arg("since"),
        threshold=_float_arg("threshold", reports.DEFAULT_THRESHOLD),
        min_n=_int_arg("min_n", reports.DEFAULT_MIN_N),
    )
    report = reports.validity(current_app.extensions["hub"].session(), query)
    if wants_csv():
        return csv_response(f"validity-{query.job_family}.csv", reports.CSV_COLUMNS, reports.csv_rows(report))
    return jsonify(report)


@api.get("/reports/attendance")
@require("auditor")
def attendance_report():
    """Late rate per stated preference, department and job family, with Wilson intervals, tests and proposals."""
    state = current_app.extensions["hub"]
    query = reports.AttendanceQuery(
        job_family=request.args.get("job_family") or None,
        since=_date_arg("since"),
        often_late_share=_float_arg("often_late_share", reports.DEFAULT_OFTEN_LATE_SHARE),
        min_group=_int_arg("min_group", reports.DEFAULT_MIN_GROUP),
        alpha=_float_arg("alpha", reports.DEFAULT_ALPHA),
    )
    session = state.session()
    found, proposals = drafts.attendance_preview(session, query, state.settings)
    report = reports.attendance(session, query, [proposal.to_dict() for proposal in proposals], found)
    if wants_csv():
        name = f"attendance-{query.job_family or 'all'}.csv"
        return csv_response(name, reports.ATTENDANCE_CSV_COLUMNS, reports.attendance_csv_rows(report))
    return jsonify(report)
