"""The transactional outbox: sync jobs are written in the same transaction as the event causing them."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hub.audit import chain as audit
from hub.intake import consent
from hub.rights import notices
from hub.storage.db import is_postgres
from hub.storage.models import Connector, InterviewResult, Profile, SyncJob, new_id, utcnow
from hub.storage.statuses import JobStatus

EVENTS = ("result.scored", "candidate.hired")
NOTIFY_CHANNEL = "hris_hub_jobs"


def subscribed(connector: Connector, result: InterviewResult, event: str) -> bool:
    return (
        connector.enabled
        and event in (connector.events or [])
        and (not connector.job_codes or result.job_code in connector.job_codes)
    )


def enqueue(session: Session, result: InterviewResult, event: str) -> list[SyncJob]:
    """Create one job per subscribed connector; idle workers hear of them on commit (PostgreSQL NOTIFY).

    Nothing goes to HR systems without the candidate's consent to the transfer.
    """
    if not consent.allows(result.payload, consent.TRANSFER):
        audit.append(
            session,
            actor="hub",
            action="sync.withheld",
            object_type="interview_result",
            object_id=result.id,
            details={"event": event, "reason": "no consent to transfer_to_hr_systems"},
        )
        return []
    if event == "candidate.hired" and notices.opted_out(result.payload) and not _has_profile(session, result):
        # A human-only result has no plan to derive until a person records an assessment; the hire is sent then.
        audit.append(
            session,
            actor="hub",
            action="sync.deferred",
            object_type="interview_result",
            object_id=result.id,
            details={"event": event, "reason": "human review: no assessment recorded yet"},
        )
        return []
    jobs = []
    for connector in session.scalars(select(Connector).where(Connector.enabled.is_(True)).order_by(Connector.id)):
        if not subscribed(connector, result, event):
            continue
        exists = session.scalar(
            select(SyncJob.id).where(
                SyncJob.connector_id == connector.id, SyncJob.result_id == result.id, SyncJob.event == event
            )
        )
        if exists:
            continue
        job = SyncJob(
            id=new_id(),
            connector_id=connector.id,
            result_id=result.id,
            event=event,
            status=JobStatus.PENDING,
            next_attempt_at=utcnow(),
        )
        session.add(job)
        audit.append(
            session,
            actor="hub",
            action="sync_job.created",
            object_type="sync_job",
            object_id=job.id,
            details={"connector": connector.name, "event": event, "result_id": result.id},
        )
        jobs.append(job)
    if jobs and is_postgres(session):
        # NOTIFY is transactional: listeners hear it only if this transaction commits.
        session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
    return jobs


def _has_profile(session: Session, result: InterviewResult) -> bool:
    return session.scalar(select(Profile.id).where(Profile.result_id == result.id).limit(1)) is not None
