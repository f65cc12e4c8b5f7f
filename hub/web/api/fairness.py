"""/api/v1/candidates/{external_id}/demographics (voluntary self-identification) and GET /api/v1/reports/bias."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from sqlalchemy import select

from hub.errors import Conflict, InvalidInput, NotFound
from hub.fairness import categories, demographics, reports
from hub.storage.db import transaction
from hub.storage.models import Candidate
from hub.web.api import api
from hub.web.api.listing import wants_csv
from hub.web.api.outcomes import _date_arg
from hub.web.api.requests import read_json
from hub.web.auth import require
from hub.web.downloads import csv_response


def _candidate(session, external_id: str, *, create: bool) -> Candidate | None:
    candidate = session.scalars(
        select(Candidate).where(Candidate.client_id == g.caller.client_id, Candidate.external_id == external_id)
    ).first()
    if candidate is None and create:
        candidate = Candidate(client_id=g.caller.client_id, external_id=external_id, pii={})
        session.add(candidate)
        session.flush()
    return candidate


@api.put("/candidates/<external_id>/demographics")
@require("ingest")
def put_demographics(external_id: str):
    """Store the candidate's voluntary self-identification (replacing any before); never read by scoring."""
    body = read_json()
    demographics.check(body)  # a 422 before anything is created
    with transaction(current_app.extensions["hub"].session_factory) as session:
        candidate = _candidate(session, external_id, create=True)
        assert candidate is not None
        if candidate.erased_at is not None:
            raise Conflict(f"candidate {external_id!r} was erased; nothing was stored", title="Candidate erased")
        stored, created = demographics.put(session, candidate, body, actor=g.caller.actor)
    response = jsonify(candidate={"external_id": external_id}, **stored)
    response.status_code = 201 if created else 200
    return response


@api.delete("/candidates/<external_id>/demographics")
@require("ingest")
def delete_demographics(external_id: str):
    """The candidate withdraws their self-identification: it is deleted (the audit counts them as unknown)."""
    with transaction(current_app.extensions["hub"].session_factory) as session:
        candidate = _candidate(session, external_id, create=False)
        if candidate is None or not demographics.withdraw(session, candidate, actor=g.caller.actor):
            raise NotFound(f"candidate {external_id!r} has no self-identification stored", title="No demographics")
    return "", 204


@api.get("/demographics/category-sets")
@require("ingest")
def category_sets():
    """The category sets a candidate may self-identify under, for the front end's form."""
    return jsonify(items=[categories.get(name).to_dict() for name in categories.names()])  # type: ignore[union-attr]


@api.get("/reports/bias")
@require("auditor")
def bias_report():
    """The bias audit for one job family as JSON (with the published-summary shape) or CSV."""
    keep_small = request.args.get("keep_small", "false").lower()
    if keep_small not in ("true", "false", "1", "0"):
        raise InvalidInput(
            "keep_small must be true or false", errors=[{"pointer": "?keep_small", "message": "a boolean"}]
        )
    query = reports.Query(
        job_family=request.args.get("job_family", ""),
        since=_date_arg("since"),
        until=_date_arg("until"),
        category_set=request.args.get("category_set", categories.DEFAULT_SET),
        exclude_small=keep_small in ("false", "0"),
    )
    report = reports.bias(current_app.extensions["hub"].session(), query)
    if wants_csv():
        return csv_response(f"bias-{query.job_family}.csv", reports.CSV_COLUMNS, reports.csv_rows(report))
    return jsonify(report)
