"""The sync log: /api/v1/sync-jobs for admins and auditors, and replay of dead jobs."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, g, jsonify, request
from sqlalchemy.orm import selectinload

from hub.delivery import sync_log
from hub.storage.models import SyncJob
from hub.web.api import api
from hub.web.api.listing import limit_arg, time_arg, wants_csv
from hub.web.api.requests import read_json
from hub.web.auth import require
from hub.web.downloads import csv_response
from hub.web.problems import Problem


def _filters() -> sync_log.Filters:
    status = request.args.get("status")
    if status and status not in sync_log.STATUSES:
        raise Problem(400, "bad-query", "Bad status", f"status must be one of {', '.join(sync_log.STATUSES)}.",
                      errors=[{"pointer": "?status", "message": "unknown status"}])
    return sync_log.Filters(status=status, connector=request.args.get("connector"),
                            candidate=request.args.get("candidate"), event=request.args.get("event"),
                            since=time_arg("since"), until=time_arg("until"))


@api.get("/sync-jobs")
@require("auditor")
def list_sync_jobs():
    """Jobs newest first, filtered by status, connector, candidate (external id), event and time; JSON or CSV."""
    filters = _filters()
    state = current_app.extensions["hub"]
    if wants_csv():
        rows = sync_log.iterate(state.read_session_factory, filters)
        return csv_response("sync-jobs.csv", sync_log.CSV_COLUMNS, rows)
    limit = limit_arg()
    page, cursor = sync_log.page(state.session(), filters, limit=limit, before=request.args.get("before"))
    next_link = None
    if cursor:
        args = {k: v for k, v in request.args.items() if k != "before"}
        next_link = request.path + "?" + urlencode({**args, "before": cursor})
    return jsonify(items=page, next=next_link)


@api.get("/sync-jobs/<job_id>")
@require("auditor")
def get_sync_job(job_id: str):
    """One job with every attempt: outcome, status code, latency, the start of the reply (secrets masked)."""
    session = current_app.extensions["hub"].session()
    job = session.get(SyncJob, job_id, options=[selectinload(SyncJob.attempts_log)])
    if job is None:
        raise Problem(404, "not-found", "No such sync job", f"no job {job_id!r}")
    return jsonify(sync_log.detail(job))


@api.post("/sync-jobs/<job_id>/replay")
@require("admin")
def replay_one(job_id: str):
    """Send a dead job again from the start of its retry schedule."""
    with current_app.extensions["hub"].session_factory() as session, session.begin():
        job = session.get(SyncJob, job_id)
        if job is None:
            raise Problem(404, "not-found", "No such sync job", f"no job {job_id!r}")
        if job.status != "dead":
            raise Problem(409, "conflict", "Only dead jobs are replayed", f"job {job_id} is {job.status}")
        sync_log.replay(session, [job], actor=g.caller.actor)
        body = sync_log.row(job)
    return jsonify(body)


@api.post("/sync-jobs/replay")
@require("admin")
def replay_many():
    """Replay every dead job matching a filter: {connector, event, since, until}."""
    spec = read_json()
    if not isinstance(spec, dict):
        raise Problem(422, "validation-failed", "Expected an object", errors=[{"pointer": "", "message": "an object"}])
    unknown = set(spec) - {"connector", "event", "since", "until"}
    if unknown:
        raise Problem(422, "validation-failed", "Unknown filter",
                      errors=[{"pointer": f"/{k}", "message": "unknown filter; use connector, event, since, until"} for k in sorted(unknown)])
    filters = sync_log.Filters(status="dead", connector=spec.get("connector"), event=spec.get("event"),
                               since=sync_log.parse_time(spec.get("since"), "/since"),
                               until=sync_log.parse_time(spec.get("until"), "/until"))
    with current_app.extensions["hub"].session_factory() as session, session.begin():
        jobs = session.scalars(sync_log.query(filters)).all()
        sync_log.replay(session, jobs, actor=g.caller.actor)
    return jsonify(replayed=len(jobs), job_ids=[job.id for job in jobs])
