"""Candidates' rights over HTTP: notices, human reviews, explanations and the subject access export."""

from __future__ import annotations

import json

from flask import current_app, g, jsonify, make_response, request

from hub.errors import BadQuery, NotFound
from hub.rights import access, explanation, notices, pages, reviews
from hub.storage.db import transaction
from hub.storage.models import InterviewResult
from hub.web.api import api
from hub.web.api.requests import read_json
from hub.web.auth import require


def _state():
    return current_app.extensions["hub"]


def _visible_result(session, result_id: str) -> InterviewResult:
    result = session.get(InterviewResult, result_id)
    if result is None or (g.caller.role == "ingest" and result.client_id != g.caller.client_id):
        raise NotFound(f"No result {result_id!r} is visible to this key.", title="No such result")
    return result


def _choice(name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    value = request.args.get(name) or default
    if value is not None and value not in allowed:
        raise BadQuery(
            f"{name} must be one of {', '.join(allowed)}, got {value!r}",
            title=f"Bad {name}",
            errors=[{"pointer": f"?{name}", "message": f"one of {', '.join(allowed)}"}],
        )
    return value


# --- notices ---------------------------------------------------------------------------------------------


@api.get("/notices")
def list_notices():
    """Every notice the hub holds (public: the front end shows one before the interview and cites it)."""
    return jsonify({"notices": [n.summary() for n in notices.catalog(_state().settings.notices_dir)]})


@api.get("/notices/<notice_id>/<version>/<language>/<jurisdiction>")
def get_notice(notice_id: str, version: str, language: str, jurisdiction: str):
    """One notice with its text."""
    for notice in notices.catalog(_state().settings.notices_dir):
        if notice.key == (notice_id, version, language, jurisdiction):
            return jsonify(notice.to_dict())
    raise NotFound(
        f"No notice {notice_id}/{version}/{language}/{jurisdiction}; GET /api/v1/notices lists them.",
        title="No such notice",
    )


# --- human reviews ----------------------------------------------------------------------------------------


@api.post("/results/<result_id>/reviews")
@require("ingest")
def post_review(result_id: str):
    """A person confirms or overrides a score or the recommendation, or assesses a human-only result."""
    document = read_json()
    with transaction(_state().session_factory) as session:
        result = _visible_result(session, result_id)
        review = reviews.record(session, result, document, actor=g.caller.actor)
        body = reviews.view(review)
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/results/{result_id}/reviews"
    return response


@api.get("/results/<result_id>/reviews")
@require("ingest")
def list_reviews(result_id: str):
    """A result's reviews, each beside the engine's value it reviewed."""
    session = _state().session()
    result = _visible_result(session, result_id)
    return jsonify(reviews.human_review_state(session, result))


# --- explanation ------------------------------------------------------------------------------------------


def _explanation(result_id: str) -> dict:
    session = _state().session()
    result = _visible_result(session, result_id)
    consent_language = ((result.payload or {}).get("consent") or {}).get("language")
    language = _choice("language", explanation.LANGUAGES, consent_language or "zh")
    rows = [reviews.view(row) for row in reviews.for_result(session, result.id)]
    return explanation.explain(result, language or "zh", rows)


@api.get("/results/<result_id>/explanation")
@require("ingest")
def get_explanation(result_id: str):
    """The candidate-facing explanation (zh or en) for the backend to show: no weights, nothing about emotion."""
    return jsonify(_explanation(result_id))


@api.get("/results/<result_id>/explanation.html")
@require("ingest")
def get_explanation_html(result_id: str):
    """The same explanation as a printable HTML page."""
    response = make_response(pages.explanation_html(_explanation(result_id)))
    response.mimetype = "text/html"
    return response


# --- subject access export -------------------------------------------------------------------------------


@api.get("/candidates/<external_id>/export")
@require("ingest")
def export_candidate(external_id: str):
    """Everything the hub holds about one candidate, as JSON or HTML (?format=html); admins name ?client=NAME."""
    fmt = _choice("format", ("json", "html"), "json") or "json"
    client_name = request.args.get("client") if g.caller.role == "admin" else None
    with transaction(_state().session_factory) as session:
        candidate = access.find_candidate(session, g.caller.client_id, external_id, client_name or None)
        document = access.export(session, candidate, actor=g.caller.actor, fmt=fmt)
    if fmt == "html":
        response = make_response(pages.export_html(document))
        response.mimetype = "text/html"
    else:
        response = make_response(json.dumps(document, ensure_ascii=False))
        response.mimetype = "application/json"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = f'inline; filename="candidate-export.{fmt}"'
    return response
