"""Candidates' right to erasure and retention limits: personal data is removed, the record of what happened stays."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hub.audit import chain as audit
from hub.storage.models import (
    Candidate,
    Decision,
    DeliveryAttempt,
    InterviewResult,
    Profile,
    Resume,
    SyncJob,
    utcnow,
)
from hub.storage.statuses import DUE_JOB_STATUSES, JobStatus, ResultStatus

ERASED = {"erased": True}


@dataclass
class Erased:
    results: int
    profiles: int
    resumes: int
    jobs_cancelled: int


def erase(session: Session, candidate: Candidate, *, actor: str, reason: str) -> Erased:
    """Remove a candidate's personal data everywhere it is stored; undelivered jobs are cancelled.

    Kept: ids, statuses, timestamps, the consent record (evidence of lawful processing), and the audit
    trail, which never held personal data.
    """
    result_ids = session.scalars(select(InterviewResult.id).where(InterviewResult.candidate_id == candidate.id)).all()
    now = utcnow()
    candidate.pii, candidate.erased_at = {}, now
    for result in session.scalars(select(InterviewResult).where(InterviewResult.id.in_(result_ids))):
        consent = (result.payload or {}).get("consent")
        result.payload = {**ERASED, "consent": consent}
        if result.status == ResultStatus.QUEUED:
            result.status, result.scoring_due_at = ResultStatus.NOT_SCORED, None
    profiles = session.execute(update(Profile).where(Profile.result_id.in_(result_ids)).values(data=ERASED)).rowcount
    session.execute(update(Decision).where(Decision.result_id.in_(result_ids)).values(note=None))
    resumes = session.execute(update(Resume).where(Resume.candidate_id == candidate.id).values(
        content=b"", parsed=ERASED, file_name=None)).rowcount
    job_ids = select(SyncJob.id).where(SyncJob.result_id.in_(result_ids)).scalar_subquery()
    session.execute(update(DeliveryAttempt).where(DeliveryAttempt.job_id.in_(job_ids)).values(
        request=None, response_excerpt=None))
    cancelled = session.execute(update(SyncJob).where(
        SyncJob.result_id.in_(result_ids), SyncJob.status.in_((*DUE_JOB_STATUSES, JobStatus.DEAD))).values(
        status=JobStatus.CANCELLED, next_attempt_at=None, last_error="the candidate's data was erased")).rowcount
    summary = Erased(len(result_ids), profiles, resumes, cancelled)
    audit.append(session, actor=actor, action="candidate.erased", object_type="candidate", object_id=candidate.id,
                 details={"reason": reason, **summary.__dict__})
    return summary


def expired_candidates(session: Session, older_than: datetime) -> list[Candidate]:
    """Candidates not hired whose latest result is older than the limit and who are not erased yet."""
    latest = (select(InterviewResult.candidate_id, func.max(InterviewResult.created_at).label("latest"))
              .group_by(InterviewResult.candidate_id).subquery())
    hired = select(InterviewResult.candidate_id).join(Decision).where(Decision.hired.is_(True))
    return session.scalars(select(Candidate).join(latest, latest.c.candidate_id == Candidate.id).where(
        latest.c.latest < older_than, Candidate.erased_at.is_(None), Candidate.id.not_in(hired))).all()
