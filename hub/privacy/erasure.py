"""Candidates' right to erasure and retention limits: personal data is removed, the record of what happened stays.

Erasure scrubs the live rows, destroys the candidate's data keys (crypto-shredding, hub/privacy/shredding.py), so
that copies of the data in backups can no longer be decrypted, and records an erasure request: whether the key went,
and how each connector that had the candidate's data answered the request to delete it there (hub_erase). A request
is open until every such connector is done, and overdue when open past `OVERDUE_DAYS`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hub.audit import chain as audit
from hub.fairness import demographics
from hub.outcomes import records
from hub.privacy import shredding
from hub.rights import reviews
from hub.storage.models import (
    Candidate,
    Connector,
    Decision,
    DeliveryAttempt,
    ErasureRequest,
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


# An erasure request still open this many days after it was made is overdue (GDPR Art. 12(3): one month).
OVERDUE_DAYS = 30
OPEN, COMPLETED = "open", "completed"
# How often the worker asks the connectors of open requests again.
RETRY_MINUTES = 10
DONE = ("sent", "not_supported")


@dataclass
class Erased:
    results: int
    profiles: int
    resumes: int
    jobs_cancelled: int
    outcomes: int = 0
    demographics: int = 0
    request_id: str = ""
    key_destroyed: bool = False
    data_keys_destroyed: int = 0
    # The candidate's values that were still under the master key (written before crypto-shredding, never moved by
    # `keys rotate`): their copies in backups stay readable with the master key.
    values_under_master_key: int = 0
    backups_unreadable: bool = False
    connectors: list[str] = field(default_factory=list)
    reviews: int = 0


def erase(session: Session, candidate: Candidate, *, actor: str, reason: str) -> Erased:
    """Remove a candidate's personal data everywhere it is stored; undelivered jobs are cancelled.

    Kept: ids, statuses, timestamps, the consent record (evidence of lawful processing), and the audit
    trail, which never held personal data.
    """
    # What the candidate's rows are scrubbed to stays under the master key: their own key is about to go.
    session.info.setdefault(shredding.ERASING, set()).add(candidate.id)
    session.flush()
    under_master_key = shredding.count_under_master_key(session, candidate.id)
    result_ids = session.scalars(select(InterviewResult.id).where(InterviewResult.candidate_id == candidate.id)).all()
    # The connectors the candidate's data may have reached: asked to delete it there once this commits.
    targets = sorted(
        session.scalars(
            select(Connector.name)
            .join(SyncJob, SyncJob.connector_id == Connector.id)
            .where(SyncJob.result_id.in_(result_ids), SyncJob.attempts > 0, Connector.deleted_at.is_(None))
            .distinct()
        )
    )
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
    # Self-identified demographics go too (a row of their own; the bias audit then counts one applicant fewer).
    erased_demographics = demographics.erase_for_candidates(session, [candidate.id])
    # Human reviews name the reviewer and say why, about this candidate: gone too (the fact of each review stays).
    reviewed = reviews.erase_for_results(session, list(result_ids))
    session.flush()
    # The keys go last: in this transaction when the key store shares the database (PostgreSQL by default), else in
    # the key store's own, so that should this unit of work then fail, what is left of the candidate reads as erased,
    # and erasing again completes the scrub.
    key_ids = shredding.destroy_keys(session, candidate.id)
    request = ErasureRequest(
        id="er_" + uuid.uuid4().hex[:20],
        candidate_id=candidate.id,
        requested_at=now,
        requested_by=actor,
        reason=reason[:200],
        status=OPEN if targets else COMPLETED,
        erased_at=now,
        completed_at=None if targets else now,
        key_destroyed=bool(key_ids),
        data_keys=key_ids,
        values_under_master_key=under_master_key,
        propagation={name: {"status": "pending", "attempts": 0} for name in targets},
    )
    session.add(request)
    summary = Erased(
        len(result_ids),
        profiles,
        resumes,
        cancelled,
        outcomes,
        erased_demographics,
        reviews=reviewed,
        request_id=request.id,
        key_destroyed=bool(key_ids),
        data_keys_destroyed=len(key_ids),
        values_under_master_key=under_master_key,
        backups_unreadable=under_master_key == 0,
        connectors=targets,
    )
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


# ---- erasure requests: propagation to connectors, deadlines ---------------------------------------------------


def subject_of(session: Session, request: ErasureRequest) -> dict:
    """The ids a target may know the candidate by (ids stay after erasure; no personal data)."""
    candidate = session.get(Candidate, request.candidate_id)
    assert candidate is not None
    results = session.execute(
        select(InterviewResult.id, InterviewResult.external_id).where(InterviewResult.candidate_id == candidate.id)
    ).all()
    employee_ids: list[str] = []
    for ids in session.scalars(
        select(Decision.employee_ids).where(Decision.result_id.in_([row.id for row in results]))
    ):
        employee_ids += [str(v) for v in (ids or {}).values() if v and str(v) not in employee_ids]
    return {
        "request_id": request.id,
        "candidate_external_id": candidate.external_id,
        "results": [{"id": row.id, "external_id": row.external_id} for row in results],
        "employee_ids": employee_ids,
    }


def propagate(factory, settings, request_id: str, *, actor: str = "hub") -> ErasureRequest:
    """Ask each connector of an erasure request that is not done yet to delete the candidate; record each answer,
    and complete the request once every connector is done (sent, or cannot delete)."""
    from hub.delivery.connector_admin import erase_candidate_at_target

    with factory() as session, session.begin():
        request = session.get(ErasureRequest, request_id)
        assert request is not None
        subject = subject_of(session, request)
        pending = [name for name, entry in request.propagation.items() if entry.get("status") not in DONE]
        connectors = {c.name: c for c in session.scalars(select(Connector).where(Connector.name.in_(pending)))}
    answers: dict[str, tuple[str, str | None]] = {}
    for name in pending:
        connector = connectors.get(name)
        if connector is None or connector.deleted_at is not None:
            answers[name] = ("not_supported", "the connector was deleted")
        else:
            answers[name] = erase_candidate_at_target(connector, subject, settings)
    with factory() as session, session.begin():
        request = session.get(ErasureRequest, request_id, with_for_update=True)
        assert request is not None
        propagation = dict(request.propagation)
        now = utcnow()
        for name, (status, error) in answers.items():
            entry = dict(propagation.get(name) or {})
            entry.update(status=status, attempts=int(entry.get("attempts", 0)) + 1, at=now.isoformat(), error=error)
            propagation[name] = entry
        request.propagation = propagation
        if request.status == OPEN and all(entry.get("status") in DONE for entry in propagation.values()):
            request.status, request.completed_at = COMPLETED, now
        if answers:
            audit.append(
                session,
                actor=actor,
                action="erasure.propagated",
                object_type="erasure_request",
                object_id=request.id,
                details={"connectors": {name: status for name, (status, _error) in answers.items()}},
            )
        session.flush()
        session.expunge(request)
    return request


def retry_open(state, *, actor: str = "worker") -> int:
    """Ask again every connector of every open erasure request that has not confirmed (the worker does this every
    `RETRY_MINUTES`); returns how many requests completed."""
    with state.session_factory() as session:
        ids = [request.id for request in open_requests(session)]
    completed = 0
    for request_id in ids:
        if propagate(state.session_factory, state.settings, request_id, actor=actor).status == COMPLETED:
            completed += 1
    return completed


def open_requests(session: Session) -> list[ErasureRequest]:
    return list(
        session.scalars(
            select(ErasureRequest).where(ErasureRequest.status == OPEN).order_by(ErasureRequest.requested_at)
        )
    )


def is_overdue(request: ErasureRequest, now: datetime | None = None) -> bool:
    """Open more than OVERDUE_DAYS after it was made."""
    now = now or utcnow()
    return request.status == OPEN and request.requested_at < now - timedelta(days=OVERDUE_DAYS)


def count_overdue(session: Session) -> int:
    cutoff = utcnow() - timedelta(days=OVERDUE_DAYS)
    return (
        session.scalar(
            select(func.count())
            .select_from(ErasureRequest)
            .where(ErasureRequest.status == OPEN, ErasureRequest.requested_at < cutoff)
        )
        or 0
    )


def view(request: ErasureRequest, external_id: str | None = None, now: datetime | None = None) -> dict:
    """An erasure request as the API and the CLI show it (ids, states and times only)."""
    return {
        "id": request.id,
        "candidate": {"external_id": external_id},
        "requested_at": request.requested_at.isoformat(),
        "requested_by": request.requested_by,
        "reason": request.reason,
        "status": request.status,
        "overdue": is_overdue(request, now),
        "due_at": (request.requested_at + timedelta(days=OVERDUE_DAYS)).isoformat(),
        "erased_at": request.erased_at.isoformat() if request.erased_at else None,
        "completed_at": request.completed_at.isoformat() if request.completed_at else None,
        "key_destroyed": request.key_destroyed,
        "values_under_master_key": request.values_under_master_key,
        "backups_unreadable": request.values_under_master_key == 0,
        "connectors": request.propagation,
    }
