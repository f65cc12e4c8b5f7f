"""Reading and replaying sync jobs: the queries behind the sync log API and CLI."""

from __future__ import annotations

import base64
import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Iterator

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from hub.audit import chain as audit
from hub.errors import BadQuery, Conflict, InvalidInput, NotFound
from hub.storage.models import Candidate, Connector, InterviewResult, SyncJob, utcnow
from hub.storage.statuses import DUE_JOB_STATUSES, JobStatus

STATUSES = tuple(JobStatus)
CSV_COLUMNS = [
    "job_id",
    "connector",
    "event",
    "status",
    "attempts",
    "result_id",
    "candidate",
    "created_at",
    "delivered_at",
    "next_attempt_at",
    "last_error",
    "skip_reason",
]
# Only dead jobs are replayed: a delivered job would be sent twice, a skipped one has nothing to send, a cancelled
# one belongs to a candidate whose data is gone, and a waiting or running one is on its way already.
REPLAYABLE = JobStatus.DEAD


@dataclass
class Filters:
    status: str | None = None
    connector: str | None = None
    candidate: str | None = None
    event: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def parse_time(value, pointer: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        parsed.astimezone(UTC)  # year 9999 with a negative offset is past what a column holds
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidInput(
            title="Bad time", errors=[{"pointer": pointer, "message": "an ISO-8601 time with an offset"}]
        )
    return parsed


def query(filters: Filters):
    statement = (
        select(SyncJob)
        .join(Connector)
        .join(InterviewResult)
        .join(Candidate)
        .options(selectinload(SyncJob.connector), selectinload(SyncJob.result).selectinload(InterviewResult.candidate))
    )
    if filters.status:
        statement = statement.where(SyncJob.status == filters.status)
    if filters.connector:
        statement = statement.where(Connector.name == filters.connector)
    if filters.candidate:
        statement = statement.where(Candidate.external_id == filters.candidate)
    if filters.event:
        statement = statement.where(SyncJob.event == filters.event)
    if filters.since:
        statement = statement.where(SyncJob.created_at >= filters.since)
    if filters.until:
        statement = statement.where(SyncJob.created_at < filters.until)
    return statement.order_by(SyncJob.created_at.desc(), SyncJob.id.desc())


def encode_cursor(row) -> str:
    """An opaque cursor for newest-first pages ordered by (created_at, id)."""
    return base64.urlsafe_b64encode(f"{row.created_at.isoformat()}|{row.id}".encode()).decode()


def decode_cursor(cursor: str):
    try:
        created, job_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(created), job_id
    except (ValueError, UnicodeDecodeError):
        raise BadQuery("before must be the cursor from a previous page's next link.", title="Bad cursor") from None


def page(session: Session, filters: Filters, *, limit: int, before: str | None) -> tuple[list[dict], str | None]:
    statement = query(filters)
    if before:
        created, job_id = decode_cursor(before)
        statement = statement.where(
            or_(SyncJob.created_at < created, and_(SyncJob.created_at == created, SyncJob.id < job_id))
        )
    jobs = session.scalars(statement.limit(limit + 1)).all()
    cursor = encode_cursor(jobs[limit - 1]) if len(jobs) > limit else None
    return [row(job) for job in jobs[:limit]], cursor


def iterate(factory: sessionmaker[Session], filters: Filters, page_size: int = 500) -> Iterator[dict]:
    before = None
    while True:
        with factory() as session:
            rows, before = page(session, filters, limit=page_size, before=before)
        yield from rows
        if before is None:
            return


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def row(job: SyncJob) -> dict:
    return {
        "job_id": job.id,
        "connector": job.connector.name,
        "event": job.event,
        "status": job.status,
        "attempts": job.attempts,
        "result_id": job.result_id,
        "candidate": job.result.candidate.external_id,
        "created_at": _iso(job.created_at),
        "delivered_at": _iso(job.delivered_at),
        "next_attempt_at": _iso(job.next_attempt_at) if job.status in DUE_JOB_STATUSES else None,
        "last_error": job.last_error,
        "skip_reason": job.skip_reason,
    }


def detail(job: SyncJob) -> dict:
    return {
        **row(job),
        "attempts_log": [
            {
                "number": a.number,
                "outcome": a.outcome,
                "status_code": a.status_code,
                "latency_ms": a.latency_ms,
                "error": a.error,
                "response_excerpt": a.response_excerpt,
                "worker": a.worker,
                "started_at": _iso(a.started_at),
                "finished_at": _iso(a.finished_at),
            }
            for a in job.attempts_log
        ],
    }


def replay_one(session: Session, job_id: str, *, actor: str) -> SyncJob:
    """Replay one job; NotFound when there is none, Conflict when it is not dead."""
    job = session.get(SyncJob, job_id)
    if job is None:
        raise NotFound(f"no job {job_id!r}", title="No such sync job")
    if job.status != REPLAYABLE:
        raise Conflict(
            f"job {job_id} is {job.status}; only dead jobs are replayed", title="Only dead jobs are replayed"
        )
    _replay(session, [job], actor=actor)
    return job


def replay_matching(session: Session, filters: Filters, *, actor: str) -> list[SyncJob]:
    """Replay every dead job the filters match (their status filter is always `dead`)."""
    jobs = list(session.scalars(query(dataclasses.replace(filters, status=REPLAYABLE))))
    _replay(session, jobs, actor=actor)
    return jobs


def _replay(session: Session, jobs: list[SyncJob], *, actor: str) -> None:
    """Put dead jobs back at the start of their retry schedule; their attempt log is kept."""
    now = utcnow()
    for job in jobs:
        job.status, job.attempts, job.next_attempt_at, job.last_error = JobStatus.PENDING, 0, now, None
        audit.append(
            session,
            actor=actor,
            action="sync_job.replayed",
            object_type="sync_job",
            object_id=job.id,
            details={"connector": job.connector.name},
        )
