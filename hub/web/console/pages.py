"""The console's read-only pages: overview, results, sync jobs, connectors, audit trail and CSV exports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from flask import abort, g, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import load_only, selectinload

import mappings
from connectors.schema import MASK
from hub.accounts import console_users as accounts
from hub.audit import chain as audit
from hub.delivery import connector_admin, documents, sync_log
from hub.delivery.outbox import EVENTS
from hub.intake.views import result_view
from hub.storage.models import (
    AuditEntry,
    Candidate,
    Connector,
    ConsoleUser,
    DeliveryAttempt,
    InterviewResult,
    SyncJob,
)
from hub.storage.statuses import JobStatus, ResultStatus
from hub.web.console import activity, charts, console
from hub.web.console.auth import admin_only, hub_state
from hub.web.console.i18n import gettext as _
from hub.web.console.rendering import render
from hub.web.downloads import audit_csv as audit_csv_export
from hub.web.downloads import csv_response
from hub.web.problems import Problem

PAGE_SIZE = 50
RESULT_STATUSES = tuple(ResultStatus)


def _page_link(cursor_name: str, cursor: str | None) -> str | None:
    """The current page's URL with its filters and a new cursor, or None when there is no next page."""
    if cursor is None:
        return None
    args = {k: v for k, v in request.args.items() if k != cursor_name and v}
    return request.path + "?" + urlencode({**args, cursor_name: cursor})


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        raise Problem(400, "bad-query", f"Bad {name}", f"{name} must be one of {', '.join(allowed)}, got {value!r}.")
    return value


def _time(name: str) -> datetime | None:
    """A time filter from a form: ISO-8601, read as UTC when it has no offset (what a datetime-local field sends)."""
    raw = request.args.get(name) or None
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        value.astimezone(UTC)  # year 9999 with a negative offset is past what a column holds
    except (ValueError, OverflowError):
        raise Problem(
            400, "bad-query", f"Bad {name}", f"{name} must be a time like 2026-11-20T09:30, got {raw!r}."
        ) from None
    return value


@console.get("/")
def overview():
    session = hub_state().session()
    results = dict(session.execute(select(InterviewResult.status, func.count()).group_by(InterviewResult.status)).all())
    jobs = dict(session.execute(select(SyncJob.status, func.count()).group_by(SyncJob.status)).all())
    connectors = session.scalars(connector_admin.live(select(Connector).order_by(Connector.name))).all()
    dead_by_connector = dict(
        session.execute(
            select(SyncJob.connector_id, func.count())
            .where(SyncJob.status == JobStatus.DEAD)
            .group_by(SyncJob.connector_id)
        ).all()
    )
    now = datetime.now(UTC)
    day = activity.jobs_by_status(session, buckets=24, step=timedelta(hours=1), now=now)
    month = activity.jobs_by_status(session, buckets=30, step=timedelta(days=1), now=now)
    oldest_job, oldest_age = activity.oldest_due(session, now)
    return render(
        "overview.html",
        day_chart=charts.stacked_columns(
            day.labels, day.counts, title=_("Sync jobs created per hour, last 24 h (UTC), by status now"), label_every=3
        ),
        month_chart=charts.stacked_columns(
            month.labels,
            month.counts,
            title=_("Sync jobs created per day, last 30 days (UTC), by status now"),
            label_every=5,
        ),
        latency=activity.latency_percentiles(session, since=now - timedelta(hours=24)),
        breakers=activity.breakers(session),
        oldest_job=oldest_job,
        oldest_age=oldest_age,
        results=results,
        result_total=sum(results.values()),
        jobs=jobs,
        job_total=sum(jobs.values()),
        dead=jobs.get(JobStatus.DEAD, 0),
        statuses=sync_log.STATUSES,
        connectors=[{"view": connector_admin.view(c), "dead": dead_by_connector.get(c.id, 0)} for c in connectors],
    )


# --- results --------------------------------------------------------------------------------------------


@console.get("/results")
def results():
    status = _choice("status", RESULT_STATUSES)
    job_code = request.args.get("job_code") or None
    query = select(InterviewResult).options(
        selectinload(InterviewResult.candidate).options(load_only(Candidate.external_id, Candidate.erased_at)),
        selectinload(InterviewResult.profiles),
        selectinload(InterviewResult.decision),
    )
    if status:
        query = query.where(InterviewResult.status == status)
    if job_code:
        query = query.where(InterviewResult.job_code == job_code)
    rows, cursor = _keyset_page(query, InterviewResult)
    export_args = {k: v for k, v in request.args.items() if k != "before" and v}
    return render(
        "results.html",
        csv_link=url_for("console.results_csv", **export_args),
        results=rows,
        next_link=_page_link("before", cursor),
        statuses=RESULT_STATUSES,
        filters={"status": status or "", "job_code": job_code or ""},
    )


RESULT_CSV_COLUMNS = [
    "result_id", "external_id", "candidate_external_id", "job_code", "status", "received_at", "profile_version",
    "model", "overall", "dimensions", "hired", "decided_at", "start_date",
]  # fmt: skip


def _result_query():
    status = _choice("status", RESULT_STATUSES)
    job_code = request.args.get("job_code") or None
    query = select(InterviewResult).options(
        selectinload(InterviewResult.candidate), selectinload(InterviewResult.profiles),
        selectinload(InterviewResult.decision),
    )  # fmt: skip
    if status:
        query = query.where(InterviewResult.status == status)
    if job_code:
        query = query.where(InterviewResult.job_code == job_code)
    return query


@console.get("/results.csv")
def results_csv():
    """The filtered results as CSV, newest first: scores and decisions by external id. Admins also get the candidate's
    name; nobody gets phone or email here (the API's erasure and access-export paths are where personal data goes)."""
    with_name = g.console_user.is_admin
    columns = RESULT_CSV_COLUMNS[:3] + (["candidate_name"] if with_name else []) + RESULT_CSV_COLUMNS[3:]
    query = _result_query().order_by(InterviewResult.created_at.desc(), InterviewResult.id.desc())

    def rows():
        with hub_state().read_session_factory() as session:
            for found in session.scalars(query.execution_options(yield_per=500)):
                latest = found.profiles[-1] if found.profiles else None
                data = (latest.data if latest else None) or {}
                decision = found.decision
                row = {
                    "result_id": found.id,
                    "external_id": found.external_id,
                    "candidate_external_id": found.candidate.external_id,
                    "job_code": found.job_code,
                    "status": str(found.status),
                    "received_at": found.created_at.isoformat(),
                    "profile_version": latest.version if latest else None,
                    "model": data.get("model"),
                    "overall": data.get("overall"),
                    "dimensions": "; ".join(
                        f"{key}={'insufficient' if d.get('insufficient') else d.get('score')}"
                        for key, d in (data.get("dimensions") or {}).items()
                    ),
                    "hired": None if decision is None else ("yes" if decision.hired else "no"),
                    "decided_at": decision.decided_at.isoformat() if decision else None,
                    "start_date": decision.start_date.isoformat() if decision and decision.start_date else None,
                }
                if with_name:
                    row["candidate_name"] = (
                        None if found.candidate.erased_at else (found.candidate.pii or {}).get("name")
                    )
                yield row

    return csv_response("results.csv", columns, rows())


def _keyset_page(query, model):
    """Newest first, PAGE_SIZE rows after the `before` cursor; the same cursor format as the sync log API."""
    before = request.args.get("before")
    if before:
        created, row_id = sync_log.decode_cursor(before)
        query = query.where((model.created_at < created) | ((model.created_at == created) & (model.id < row_id)))
    rows = (
        hub_state()
        .session()
        .scalars(query.order_by(model.created_at.desc(), model.id.desc()).limit(PAGE_SIZE + 1))
        .all()
    )
    cursor = sync_log.encode_cursor(rows[PAGE_SIZE - 1]) if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], cursor


def _derived(found: InterviewResult) -> tuple[dict | None, str | None]:
    """The plan and attendance rule the policy in force derives from the latest profile now (as a hire's document
    would carry them), or why there are none."""
    settings = hub_state().settings
    try:
        built = documents.for_result(
            found, "candidate.hired", None, default_policy=settings.policy, catalog=settings.catalog
        )
    except documents.NotReady as not_ready:
        return None, str(not_ready)
    except (mappings.PolicyError, mappings.InputError) as refused:
        return None, f"the policy cannot derive a plan: {refused}"
    return {key: built.get(key) for key in ("policy", "fired", "plan", "attendance")}, None


def _received(session, found: InterviewResult, hidden: set[str]) -> dict[str, list]:
    """Per sync job, the payloads its latest attempt sent (as rendered by the mapping); the candidate's contact
    details masked, as everywhere else in the console."""
    attempts = session.scalars(
        select(DeliveryAttempt)
        .join(SyncJob, SyncJob.id == DeliveryAttempt.job_id)
        .where(SyncJob.result_id == found.id, DeliveryAttempt.request.is_not(None))
        .order_by(DeliveryAttempt.job_id, DeliveryAttempt.number)
    ).all()
    latest = {attempt.job_id: attempt for attempt in attempts}
    return {
        job_id: _masked((attempt.request or {}).get("payloads") or [], hidden) for job_id, attempt in latest.items()
    }


def _masked(value, hidden: set[str]):
    if isinstance(value, str):
        return MASK if value in hidden else value
    if isinstance(value, list):
        return [_masked(item, hidden) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item, hidden) for key, item in value.items()}
    return value


def _profile_chart(profile: dict | None):
    dimensions = (profile or {}).get("dimensions") or {}
    rows = []
    for key, dimension in dimensions.items():
        label = dimension.get("name") or {}
        score = None if dimension.get("insufficient") else dimension.get("score")
        rows.append((label.get("zh") or key, label.get("en") or "", score))
    return charts.bar_chart(rows, title=_("Capability profile: score per dimension (0-100)")) if rows else None


@console.get("/results/<result_id>")
def result(result_id: str):
    session = hub_state().session()
    found = session.get(InterviewResult, result_id)
    if found is None:
        abort(404, f"No result {result_id!r}.")
    view = result_view(session, found)
    candidate = found.candidate
    pii = {} if candidate.erased_at else (candidate.pii or {})
    name = pii.get("name")
    hidden = {str(value) for key, value in pii.items() if key != "name" and value}
    derived, not_derived = _derived(found) if view["profile"] and not candidate.erased_at else (None, None)
    return render(
        "result.html",
        result=view,
        candidate_name=name,
        erased=candidate.erased_at is not None,
        chart=_profile_chart(view["profile"]),
        derived=derived,
        not_derived=not_derived,
        received=_received(session, found, hidden),
        versions=[
            {
                "version": p.version,
                "source": p.source,
                "engine_version": p.engine_version,
                "model": p.model,
                "created_at": p.created_at,
                "overall": (p.data or {}).get("overall"),
            }
            for p in found.profiles
        ],
    )


# --- sync jobs ------------------------------------------------------------------------------------------


def _job_filters() -> sync_log.Filters:
    return sync_log.Filters(
        status=_choice("status", sync_log.STATUSES),
        connector=request.args.get("connector") or None,
        candidate=request.args.get("candidate") or None,
        event=_choice("event", EVENTS),
        since=_time("since"),
        until=_time("until"),
    )


@console.get("/jobs")
def jobs():
    filters = _job_filters()
    rows, cursor = sync_log.page(hub_state().session(), filters, limit=PAGE_SIZE, before=request.args.get("before"))
    connector_names = hub_state().session().scalars(select(Connector.name).order_by(Connector.name)).all()
    export_args = {k: v for k, v in request.args.items() if k != "before" and v}
    return render(
        "jobs.html",
        jobs=rows,
        next_link=_page_link("before", cursor),
        statuses=sync_log.STATUSES,
        events=EVENTS,
        connectors=connector_names,
        filters={k: request.args.get(k, "") for k in ("status", "connector", "candidate", "event", "since", "until")},
        csv_link=url_for("console.jobs_csv", **export_args),
    )


@console.get("/jobs.csv")
def jobs_csv():
    """The filtered sync log as CSV, the same columns as GET /api/v1/sync-jobs?format=csv."""
    rows = sync_log.iterate(hub_state().read_session_factory, _job_filters())
    return csv_response("sync-jobs.csv", sync_log.CSV_COLUMNS, rows)


@console.get("/jobs/<job_id>")
def job(job_id: str):
    found = hub_state().session().get(SyncJob, job_id, options=[selectinload(SyncJob.attempts_log)])
    if found is None:
        abort(404, f"No sync job {job_id!r}.")
    return render("job.html", job=sync_log.detail(found))


# --- connectors -----------------------------------------------------------------------------------------


@console.get("/connectors")
def connectors():
    session = hub_state().session()
    dead = dict(
        session.execute(
            select(SyncJob.connector_id, func.count())
            .where(SyncJob.status == JobStatus.DEAD)
            .group_by(SyncJob.connector_id)
        ).all()
    )
    found = session.scalars(connector_admin.live(select(Connector).order_by(Connector.name))).all()
    return render(
        "connectors.html", connectors=[{"view": connector_admin.view(c), "dead": dead.get(c.id, 0)} for c in found]
    )


@console.get("/connectors/<name>")
def connector(name: str):
    session = hub_state().session()
    found = connector_admin.get(session, name)
    dead = session.scalar(
        select(func.count())
        .select_from(SyncJob)
        .where(SyncJob.connector_id == found.id, SyncJob.status == JobStatus.DEAD)
    )
    return render("connector.html", connector=connector_admin.view(found), dead=dead)


# --- console users (admins only: who may sign in) ------------------------------------------------------


@console.get("/users")
@admin_only
def users():
    found = hub_state().session().scalars(select(ConsoleUser).order_by(ConsoleUser.email)).all()
    return render("users.html", users=[{"user": u, "locked": accounts.is_locked(u)} for u in found])


# --- audit trail ----------------------------------------------------------------------------------------


def _audit_query():
    query = select(AuditEntry)
    for name in ("action", "object_id"):
        if request.args.get(name):
            query = query.where(getattr(AuditEntry, name) == request.args[name])
    return query


@console.get("/audit")
def audit_trail():
    """Newest first; `before` is a seq, so a link can open the trail at any entry."""
    before = request.args.get("before", "")
    if before and not before.isdigit():
        raise Problem(400, "bad-query", "Bad cursor", f"before must be an entry's number, got {before!r}.")
    query = _audit_query().order_by(AuditEntry.seq.desc())
    if before:
        query = query.where(AuditEntry.seq < int(before))
    entries = hub_state().session().scalars(query.limit(PAGE_SIZE + 1)).all()
    cursor = str(entries[PAGE_SIZE - 1].seq) if len(entries) > PAGE_SIZE else None
    export_args = {k: request.args[k] for k in ("action", "object_id") if request.args.get(k)}
    return render(
        "audit.html",
        entries=[audit.as_dict(e) for e in entries[:PAGE_SIZE]],
        next_link=_page_link("before", cursor),
        csv_link=url_for("console.audit_csv", **export_args),
        filters={k: request.args.get(k, "") for k in ("action", "object_id")},
    )


@console.get("/audit.csv")
def audit_csv():
    """The filtered trail in chain order as CSV, the same columns as GET /api/v1/audit?format=csv."""
    query = _audit_query().order_by(AuditEntry.seq)
    return audit_csv_export(hub_state().read_session_factory, query)
