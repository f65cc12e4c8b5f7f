"""Candidates' right to erasure and retention limits: personal data is removed, the record of what happened stays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hub.audit import chain as audit
from hub.outcomes import records
from hub.rights import reviews
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
# Who decided is named only here (the trail says `decision:<id>`); the name goes with the candidate's data.
ERASED_DECIDER = "(erased)"


@dataclass
class Erased:
    results: int
    profiles: int
    resumes: int
    jobs_cancelled: int
    outcomes: int = 0
    reviews: int = 0


def erase(session: Session, candidate: Candidate, *, actor: str, reason: str) -> Erased:
    """Remove a candidate's personal data everywhere it is stored; undelivered jobs are cancelled.

    Kept: ids, statuses, timestamps, the consent record (evidence of lawful processing), and the audit
    trail, which never held personal data.
    """
    result_ids = session.scalars(select(InterviewResult.id).where(InterviewResult.candidate_id == candidate.id)).all()
    # The candidate's jobs are locked first. A worker recording an attempt locks its job too
    # (hub/delivery/attempts.py), so it records either before this erasure (and the scrub below finds
    # its attempt) or after it (and finds the job cancelled, so it keeps nothing the target was sent or said).
    session.execute(select(SyncJob.id).where(SyncJob.result_id.in_(result_ids)).with_for_update())
    now = utcnow()
    candidate.pii, candidate.erased_at = {}, now
    for result in session.scalars(select(InterviewResult).where(InterviewResult.id.in_(result_ids))):
        consent = (result.payload or {}).get("consent")
        result.payload = {**ERASED, "consent": consent}
        if result.status == ResultStatus.QUEUED:
            result.status, result.scoring_due_at = ResultStatus.NOT_SCORED, None
    profiles = session.execute(update(Profile).where(Profile.result_id.in_(result_ids)).values(data=ERASED)).rowcount  # type: ignore[attr-defined]
    session.execute(
        update(Decision).where(Decision.result_id.in_(result_ids)).values(note=None, decided_by=ERASED_DECIDER)
    )
    resumes = session.execute(
        update(Resume).where(Resume.candidate_id == candidate.id).values(content=b"", parsed=ERASED, file_name=None)
    ).rowcount  # type: ignore[attr-defined]
    job_ids = select(SyncJob.id).where(SyncJob.result_id.in_(result_ids)).scalar_subquery()
    # The error text is erased too: it quotes the target's reply, which may echo what it was sent.
    session.execute(
        update(DeliveryAttempt)
        .where(DeliveryAttempt.job_id.in_(job_ids))
        .values(request=None, response_excerpt=None, error=None)
    )
    # A job in flight is cancelled as well: its attempt is recorded without content, and never retried.
    cancelled = session.execute(
        update(SyncJob)
        .where(
            SyncJob.result_id.in_(result_ids),
            SyncJob.status.in_((*DUE_JOB_STATUSES, JobStatus.DEAD, JobStatus.IN_PROGRESS)),
        )
        .values(
            status=JobStatus.CANCELLED,
            next_attempt_at=None,
            lease_until=None,
            leased_by=None,
            last_error="the candidate's data was erased",
        )
    ).rowcount  # type: ignore[attr-defined]
    # Outcomes are personal data too (an employee's ratings and lateness): gone with the candidate.
    outcomes = records.erase_for_results(session, list(result_ids))
    # Human reviews name the reviewer and say why, about this candidate: gone too (the fact of each review stays).
    reviewed = reviews.erase_for_results(session, list(result_ids))
    summary = Erased(len(result_ids), profiles, resumes, cancelled, outcomes, reviewed)
    audit.append(
        session,
        actor=actor,
        action="candidate.erased",
        object_type="candidate",
        object_id=candidate.id,
        details={"reason": reason, **summary.__dict__},
    )
    return summary


def expired_candidates(session: Session, older_than: datetime) -> list[Candidate]:
    """Candidates not hired whose latest result is older than the limit and who are not erased yet."""
    latest = (
        select(InterviewResult.candidate_id, func.max(InterviewResult.created_at).label("latest"))
        .group_by(InterviewResult.candidate_id)
        .subquery()
    )
    hired = select(InterviewResult.candidate_id).join(Decision).where(Decision.hired.is_(True))
    return session.scalars(
        select(Candidate)
        .join(latest, latest.c.candidate_id == Candidate.id)
        .where(latest.c.latest < older_than, Candidate.erased_at.is_(None), Candidate.id.not_in(hired))
    ).all()  # type: ignore[return-value]
