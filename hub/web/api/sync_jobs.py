"""The sync log: /api/v1/sync-jobs for admins and auditors, and replay of dead jobs."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, g, jsonify, request
from sqlalchemy.orm import selectinload
from werkzeug.routing import BaseConverter

from hub.delivery import sync_log
from hub.storage.models import SyncJob
from hub.web.api import api
from hub.web.api.listing import limit_arg, time_arg, wants_csv
from hub.web.api.requests import read_json
from hub.web.auth import require
from hub.web.downloads import csv_response
from hub.web.problems import Problem


class JobIdConverter(BaseConverter):
    """A job id in a path: any segment but `replay`, so /sync-jobs/replay is only the bulk replay (a GET there is
    405, and its Allow header names POST alone) rather than also a lookup of a job called "replay"."""

    regex = r"(?!replay$)[^/]+"


def _filters() -> sync_log.Filters:
    status = request.args.get("status")
    if status and status not in sync_log.STATUSES:
        raise Problem(
            400,
            "bad-query",
            "Bad status",
            f"status must be one of {', '.join(sync_log.STATUSES)}.",
            errors=[{"pointer": "?status", "message": "unknown status"}],
        )
    return sync_log.Filters(
        status=status,
        connector=request.args.get("connector"),
        candidate=request.args.get("candidate"),
        event=request.args.get("event"),
        since=time_arg("since"),
        until=time_arg("until"),
    )


@api.get("/sync-jobs")
@require("auditor")
def list_sync_jobs():
    """Jobs newest first, filtered by status, connector, candidate (external id), event and time; JSON or CSV."""
    filters = _filters()
    limit = limit_arg()  # read (and a bad one refused) whatever the format, though CSV takes no page
    state = current_app.extensions["hub"]
    if wants_csv():
        rows = sync_log.iterate(state.read_session_factory, filters)
        return csv_response("sync-jobs.csv", sync_log.CSV_COLUMNS, rows)
    page, cursor = sync_log.page(state.session(), filters, limit=limit, before=request.args.get("before"))
    next_link = None
    if cursor:
        args = {k: v for k, v in request.args.items() if k != "before"}
        next_link = request.path + "?" + urlencode({**args, "before": cursor})
    return jsonify(items=page, next=next_link)


@api.get("/sync-jobs/<job_id:job_id>")
@require("auditor")
def get_sync_job(job_id: str):
    """One job with every attempt: outcome, status code, latency, the start of the reply (secrets masked)."""
    session = current_app.extensions["hub"].session()
    job = session.get(SyncJob, job_id, options=[selectinload(SyncJob.attempts_log)])
    if job is None:
        raise Problem(404, "not-found", "No such sync job", f"no job {job_id!r}")
    return jsonify(sync_log.detail(job))


@api.post("/sync-jobs/<job_id:job_id>/replay")
@require("admin")
def replay_one(job_id: str):
    """Send a dead job again from the start of its retry schedule."""
    with current_app.extensions["hub"].session_factory() as session, session.begin():
        job = sync_log.replay_one(session, job_id, actor=g.caller.actor)
        body = sync_log.row(job)
    return jsonify(body)


@api.post("/sync-jobs/replay")
@require("admin")
def replay_many():
    """Replay every dead job matching a filter: {connector, event, since, until}."""
    spec = read_json("ReplayFilter")
    filters = sync_log.Filters(
        connector=spec.get("connector"),
        event=spec.get("event"),
        since=sync_log.parse_time(spec.get("since"), "/since"),
        until=sync_log.parse_time(spec.get("until"), "/until"),
    )
    with current_app.extensions["hub"].session_factory() as session, session.begin():
        jobs = sync_log.replay_matching(session, filters, actor=g.caller.actor)
    return jsonify(replayed=len(jobs), job_ids=[job.id for job in jobs])
