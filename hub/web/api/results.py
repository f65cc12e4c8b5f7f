"""POST /api/v1/results (ingest) and GET /api/v1/results/{id} (status, profile, sync status)."""

from __future__ import annotations

import hashlib
import json
import re

from flask import current_app, g, jsonify, request

from hub.intake import ingest
from hub.intake.validation import load_schema
from hub.intake.views import decision_view, status_view
from hub.storage.models import InterviewResult
from hub.storage.statuses import ResultStatus
from hub.web.api import api
from hub.web.api.requests import read_json
from hub.web.auth import require
from hub.web.problems import Problem
from mappings import document

# Visible ASCII: header values travel as Latin-1, so anything else arrives garbled.
IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,200}")
QUEUED_RETRY_AFTER_SECONDS = 2  # scoring takes a second or two; polling faster only costs both sides
# Behind a queue, look again later: a second more per this many results due first, up to the maximum. In a burst
# (1000 interviews at once) the polls of the results at the back of the queue were most of the serve processes' CPU.
QUEUED_AHEAD_PER_SECOND = 25
QUEUED_RETRY_AFTER_MAX_SECONDS = 30


def retry_after_seconds(queued_ahead: int | None) -> int:
    """Retry-After for a queued result with `queued_ahead` queued results due before it."""
    extra = (queued_ahead or 0) // QUEUED_AHEAD_PER_SECOND
    return min(QUEUED_RETRY_AFTER_MAX_SECONDS, QUEUED_RETRY_AFTER_SECONDS + extra)


SCHEMAS = {"interview-result": "interview-result", "decision": "decision", "canonical-document": "canonical-document"}


@api.post("/results")
@require("ingest")
def post_result():
    """Accept an InterviewResult; duplicates replay the first answer."""
    document = read_json()
    key = request.headers.get("Idempotency-Key")
    if key is not None and IDEMPOTENCY_KEY.fullmatch(key) is None:
        raise Problem(
            400,
            "bad-idempotency-key",
            "Bad Idempotency-Key",
            "The key must be 1-200 visible ASCII characters (a UUID, say).",
            errors=[{"pointer": "header:Idempotency-Key", "message": "expected 1-200 of ! to ~"}],
        )
    state = current_app.extensions["hub"]
    accepted = ingest.ingest(state.session_factory, g.caller, document, key, notices_dir=state.settings.notices_dir)
    response = jsonify(accepted.body)
    response.status_code = accepted.status
    response.headers["Location"] = accepted.body["links"]["self"]
    if accepted.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@api.get("/results/<result_id>")
@require("ingest")
def get_result(result_id: str):
    """A result's status, its latest profile (with the number of versions) and per-connector sync status."""
    session = current_app.extensions["hub"].session()
    try:
        # One query: the result with everything the view shows (an ingest key sees only its own results).
        status = status_view(session, result_id, client_id=g.caller.client_id if g.caller.role == "ingest" else None)
    finally:
        session.close()  # the read transaction ends before the answer is written out
    if status is None:
        raise Problem(404, "not-found", "No such result", f"No result {result_id!r} is visible to this key.")
    return conditional_view(status.view, queued_ahead=status.queued_ahead)


def conditional_view(view: dict, *, queued_ahead: int | None = None):
    """The view with a strong ETag of its content: a poll sending that ETag in If-None-Match gets 304 and no body.
    While the result waits to be scored, Retry-After says when looking again is worth it (later, the more results
    are due to be scored before it)."""
    body = json.dumps(view, ensure_ascii=False, separators=(",", ":"))
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    queued = view["status"] == ResultStatus.QUEUED
    if etag in request.if_none_match:
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(etag)
    if queued:
        response.headers["Retry-After"] = str(retry_after_seconds(queued_ahead))
    return response


@api.get("/schemas/")
def list_schemas():
    """The JSON Schemas the API accepts (public: front ends validate before posting)."""
    return jsonify({"schemas": [{"name": name, "href": f"/api/v1/schemas/{name}.json"} for name in SCHEMAS]})


@api.get("/schemas/<name>.json")
def get_schema(name: str):
    """One JSON Schema (draft 2020-12)."""
    if name not in SCHEMAS:
        raise Problem(404, "not-found", "No such schema", f"Known schemas: {', '.join(SCHEMAS)}.")
    response = jsonify(document.schema() if name == "canonical-document" else load_schema(SCHEMAS[name]))
    response.mimetype = "application/schema+json"
    return response


@api.post("/results/<result_id>/decision")
@require("ingest")
def post_decision(result_id: str):
    """Record a person's hire decision; a hire sends goals and attendance rules to subscribed HR systems."""
    from hub.intake import decisions

    document = read_json()
    state = current_app.extensions["hub"]
    with state.session_factory() as session, session.begin():
        result = session.get(InterviewResult, result_id)
        if result is None or (g.caller.role == "ingest" and result.client_id != g.caller.client_id):
            raise Problem(404, "not-found", "No such result", f"No result {result_id!r} is visible to this key.")
        decision, created = decisions.record(session, result, document, actor=g.caller.actor)
        body = decision_view(decision)
    response = jsonify(body)
    response.status_code = 201 if created else 200
    return response
