"""/api/v1/drafts: competency model and attendance policy drafts over HTTP, as `hris-hub models ...` does.

Auditors and admins read them (GET); only an admin proposes, approves or rejects (POST). Nothing here changes how
anyone is scored by itself: a model draft is scored with only once a person approves it, and a policy draft is
exported as YAML for an operator to deploy (hub/outcomes/drafts.py). Every decision is on the audit trail.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, current_app, g, jsonify, request

from hub.errors import InvalidInput
from hub.outcomes import drafts, reports
from hub.storage.db import transaction
from hub.web.api import api
from hub.web.api.requests import read_json
from hub.web.auth import require

SOURCES = ("validity", "attendance")


def _actor() -> str:
    return f"client:{g.caller.client_id}"


def _choice(name: str, allowed: tuple[str, ...]) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        raise InvalidInput(
            f"{name} must be one of {', '.join(allowed)}, got {raw[:40]!r}",
            errors=[{"pointer": f"?{name}", "message": f"one of {', '.join(allowed)}"}],
        )
    return raw


@api.get("/drafts")
@require("auditor")
def list_drafts():
    """Drafts, newest first; `status` and `kind` filter."""
    status, kind = _choice("status", drafts.STATUSES), _choice("kind", drafts.KINDS)
    with current_app.extensions["hub"].read_session_factory() as session:
        found = [drafts.view(d) for d in drafts.listing(session, status=status, kind=kind)]
    return jsonify({"drafts": found})


@api.get("/drafts/<draft_id>")
@require("auditor")
def show_draft(draft_id: str):
    """One draft as JSON (why it was proposed, what it changes), or its whole document with `format=yaml`."""
    as_yaml = _choice("format", ("json", "yaml")) == "yaml"
    with current_app.extensions["hub"].read_session_factory() as session:
        draft = drafts.get(session, draft_id)
        if as_yaml:
            return Response(drafts.export_yaml(draft), mimetype="application/yaml")
        return jsonify(drafts.view(draft))


def _since(body: dict) -> datetime | None:
    raw = body.get("since")
    if not raw:
        return None
    value = datetime.fromisoformat(raw)  # the schema's format: date checked it already
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _body_pointers(error: InvalidInput) -> InvalidInput:
    """The report functions name query parameters (`?job_family`); here the same values come in the JSON body."""
    error.errors = [
        {**e, "pointer": "/" + e["pointer"][1:]} if str(e.get("pointer", "")).startswith("?") else e
        for e in error.errors
    ]
    return error


@api.post("/drafts")
@require("admin")
def propose_drafts():
    """Write drafts from a report (validity: weights; attendance: time management and the flexible window)."""
    body = read_json("DraftProposal")
    try:
        _since_value = _since(body)
    except ValueError:
        raise InvalidInput(
            f"since must be a date like 2026-01-01, got {body.get('since')!r}",
            errors=[{"pointer": "/since", "message": "an ISO date"}],
        ) from None
    state = current_app.extensions["hub"]
    try:
        with transaction(state.session_factory) as session:
            if body["from"] == "validity":
                draft = drafts.propose_weights(
                    session,
                    reports.Query(job_family=body["job_family"], since=_since_value),
                    actor=_actor(),
                    family_key=body.get("family"),
                    outcome=body.get("outcome") or drafts.DEFAULT_OUTCOME,
                )
                made = [draft] if draft else []
            else:
                made = drafts.propose_from_attendance(
                    session,
                    reports.AttendanceQuery(job_family=body["job_family"], since=_since_value),
                    state.settings,
                    actor=_actor(),
                )
            views = [drafts.view(d) for d in made]
    except InvalidInput as refused:
        raise _body_pointers(refused) from None
    if not views:
        return jsonify({"drafts": [], "note": "the report supports no change; nothing was proposed"}), 200
    return jsonify({"drafts": views}), 201


def _decide(draft_id: str, approve: bool):
    body = read_json("DraftDecision")
    state = current_app.extensions["hub"]
    with transaction(state.session_factory) as session:
        if approve:
            draft = drafts.approve(session, draft_id, actor=_actor(), note=body.get("note"), settings=state.settings)
        else:
            draft = drafts.reject(session, draft_id, actor=_actor(), note=body.get("note"))
        view = drafts.view(draft)
    return jsonify(view)


@api.post("/drafts/<draft_id>/approve")
@require("admin")
def approve_draft(draft_id: str):
    """Approve a draft: a competency model is scored with from now on; a policy is ready to export (audited)."""
    return _decide(draft_id, approve=True)


@api.post("/drafts/<draft_id>/reject")
@require("admin")
def reject_draft(draft_id: str):
    """Reject a draft (audited); it stays listed with its reason."""
    return _decide(draft_id, approve=False)
