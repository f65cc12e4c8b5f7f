"""/api/v1/candidates/{external_id}: resumes (stored encrypted, parsed, matched) and erasure of personal data."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app, g, jsonify, request
from sqlalchemy import select

import scoring_engine
from hub.audit import chain as audit
from hub.intake import jobs
from hub.privacy.erasure import propagate, view
from hub.storage.models import Candidate, ErasureRequest, Resume, utcnow
from hub.web import inputs
from hub.web.api import api
from hub.web.api.listing import limit_arg
from hub.web.auth import require
from hub.web.problems import Problem
from scoring_engine.errors import ScoringError
from scoring_engine.resume.isolation import extract_isolated


@api.post("/candidates/<external_id>/resumes")
@require("ingest", upload=True)
def post_resume(external_id: str):
    """Upload a resume (multipart field `file`: PDF, DOCX or TXT; optional `job_code` to match, and `recommend=true`
    for the whole job catalog ranked with reasons)."""
    state = current_app.extensions["hub"]
    request.max_content_length = state.settings.max_upload_bytes
    if not request.mimetype.startswith("multipart/form-data"):
        raise Problem(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            "Upload the resume as multipart/form-data with the file in the field 'file'.",
        )
    upload = request.files.get("file")
    if upload is None:
        raise Problem(
            400,
            "missing-file",
            "No file",
            "The multipart field 'file' is missing.",
            errors=[{"pointer": "file", "message": "required form field"}],
        )
    inputs.check_text(upload.filename, "file (its file name)")
    job_code = request.form.get("job_code") or None
    inputs.check_text(job_code, "job_code")
    recommend = request.form.get("recommend", "").lower() in ("1", "true", "yes")
    data = upload.read()
    job = jobs.find(state.settings.jobs_dir, job_code, "job_code") if job_code else None
    try:
        # In a limited child process from a bounded pool, never in this request thread (docs/resumes.md).
        parsed = extract_isolated(data, upload.filename or None, state.settings.resume_limits())
    except ScoringError as error:
        status = getattr(error, "http_status", 422)
        raise Problem(
            status,
            error.code,
            "The resume cannot be read",
            str(error),
            **({"_headers": {"Retry-After": "5"}} if status == 503 else {}),
        ) from None
    match = scoring_engine.match(parsed, job).to_dict() if job else None
    recommended = jobs.recommendations(state.settings.jobs_dir, parsed) if recommend else None
    parsed_view = parsed.to_dict()
    with state.session_factory() as session, session.begin():
        candidate = session.scalars(
            select(Candidate).where(Candidate.client_id == g.caller.client_id, Candidate.external_id == external_id)
        ).first()
        if candidate is None:
            candidate = Candidate(client_id=g.caller.client_id, external_id=external_id, pii={})
            session.add(candidate)
            session.flush()
        row = Resume(
            candidate_id=candidate.id,
            file_name=upload.filename,
            media_type=parsed_view.get("file_type") or "unknown",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
            parsed={"resume": parsed_view, "match": match},
        )
        session.add(row)
        session.flush()
        audit.append(
            session,
            actor=g.caller.actor,
            action="resume.received",
            object_type="candidate",
            object_id=candidate.id,
            details={
                "resume_id": row.id,
                "size": len(data),
                "job_code": job_code,
                "match_status": match and match.get("status"),
            },
        )
        body = {"id": row.id, "candidate": {"external_id": external_id}, "parsed": parsed_view, "match": match}
        if recommended is not None:
            body["recommendations"] = recommended
    response = jsonify(body)
    response.status_code = 201
    return response


@api.delete("/candidates/<external_id>")
@require("ingest")
def erase_candidate(external_id: str):
    """Erase a candidate's personal data (right to erasure); admins name the client with ?client=NAME."""
    from hub.privacy.erasure import erase
    from hub.storage.models import ApiClient

    state = current_app.extensions["hub"]
    with state.session_factory() as session, session.begin():
        client_id = g.caller.client_id
        if g.caller.role == "admin" and request.args.get("client"):
            client_id = session.scalar(select(ApiClient.id).where(ApiClient.name == request.args["client"]))
            if client_id is None:
                raise Problem(404, "not-found", "No such client", f"no API client named {request.args['client']!r}")
        candidate = session.scalars(
            select(Candidate).where(Candidate.client_id == client_id, Candidate.external_id == external_id)
        ).first()
        if candidate is None:
            raise Problem(404, "not-found", "No such candidate", f"no candidate {external_id!r} for this client")
        summary = erase(session, candidate, actor=g.caller.actor, reason="erasure request")
    # Connectors that had the candidate's data are asked to delete it once the erasure is committed; a failure
    # leaves the request open (retried by the worker and `hris-hub candidates erasures --retry`).
    erasure = propagate(state.session_factory, state.settings, summary.request_id, actor=g.caller.actor)
    return jsonify(
        erased=True, candidate={"external_id": external_id}, **summary.__dict__, erasure=view(erasure, external_id)
    )


@api.get("/erasures")
@require("auditor")
def list_erasures():
    """Erasure requests, newest first: `status=open|completed`, `overdue=true` for those open past the deadline."""
    from hub.privacy.erasure import OVERDUE_DAYS

    status = request.args.get("status")
    if status not in (None, "open", "completed"):
        raise Problem(
            400, "invalid-parameter", "Invalid parameter", "status must be 'open' or 'completed' (query: status)"
        )
    overdue = request.args.get("overdue")
    if overdue not in (None, "true", "false"):
        raise Problem(
            400, "invalid-parameter", "Invalid parameter", "overdue must be 'true' or 'false' (query: overdue)"
        )
    limit = limit_arg()
    query = (
        select(ErasureRequest, Candidate.external_id)
        .join(Candidate, Candidate.id == ErasureRequest.candidate_id)
        .order_by(ErasureRequest.requested_at.desc())
    )
    if status:
        query = query.where(ErasureRequest.status == status)
    if overdue == "true":
        query = query.where(
            ErasureRequest.status == "open", ErasureRequest.requested_at < utcnow() - timedelta(days=OVERDUE_DAYS)
        )
    rows = current_app.extensions["hub"].session().execute(query.limit(limit)).all()
    items = [view(request_row, external_id) for request_row, external_id in rows]
    if overdue == "false":
        items = [item for item in items if not item["overdue"]]
    return jsonify(items=items, overdue_after_days=OVERDUE_DAYS)
