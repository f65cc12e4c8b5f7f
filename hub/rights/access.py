"""Subject access: everything the hub holds about one candidate, as one JSON document (and, in hub/web, as a
readable page): the candidate, results with their consent and notice, profiles (every version), decisions, sync
jobs, human reviews, outcomes and resumes' extracted data. Every export is on the audit trail (without the data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hub.audit import chain as audit
from hub.errors import NotFound
from hub.storage.models import ApiClient, Candidate, DeliveryAttempt, InterviewResult, Resume, SyncJob, utcnow
from hub.storage.outcomes import Outcome
from hub.storage.rights import ConsentRecord, Review

FORMAT_VERSION = 1


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def find_candidate(session: Session, client_id: int | None, external_id: str, client_name: str | None = None):
    """The candidate an API client (or, by name, an admin) posted; NotFound names what was looked for."""
    if client_name is not None:
        client_id = session.scalar(select(ApiClient.id).where(ApiClient.name == client_name))
        if client_id is None:
            raise NotFound(f"no API client named {client_name!r}", title="No such client")
    candidate = session.scalars(
        select(Candidate).where(Candidate.client_id == client_id, Candidate.external_id == external_id)
    ).first()
    if candidate is None:
        raise NotFound(f"no candidate {external_id!r} for this client", title="No such candidate")
    return candidate


def export(session: Session, candidate: Candidate, *, actor: str, fmt: str) -> dict:
    """The candidate's data as one document; the export itself is audited (counts only)."""
    results = list(
        session.scalars(
            select(InterviewResult)
            .where(InterviewResult.candidate_id == candidate.id)
            .options(selectinload(InterviewResult.profiles), selectinload(InterviewResult.decision))
            .order_by(InterviewResult.created_at, InterviewResult.id)
        )
    )
    ids = [result.id for result in results]
    consents = {
        row.result_id: row for row in session.scalars(select(ConsentRecord).where(ConsentRecord.result_id.in_(ids)))
    }
    reviews: dict[str, list[Review]] = {}
    for review in session.scalars(select(Review).where(Review.result_id.in_(ids)).order_by(Review.created_at)):
        reviews.setdefault(review.result_id, []).append(review)
    jobs: dict[str, list[SyncJob]] = {}
    for job in session.scalars(select(SyncJob).where(SyncJob.result_id.in_(ids)).order_by(SyncJob.created_at)):
        jobs.setdefault(job.result_id, []).append(job)
    outcomes = list(session.scalars(select(Outcome).where(Outcome.result_id.in_(ids)).order_by(Outcome.received_at)))
    resumes = list(
        session.scalars(select(Resume).where(Resume.candidate_id == candidate.id).order_by(Resume.created_at))
    )
    from hub.rights import reviews as review_log

    document = {
        "format": "hris-hub subject access export",
        "format_version": FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
        "candidate": {
            "external_id": candidate.external_id,
            "hub_id": candidate.id,
            "personal_data": candidate.pii or {},
            "created_at": _iso(candidate.created_at),
            "erased_at": _iso(candidate.erased_at),
        },
        "results": [
            {
                "id": result.id,
                "external_id": result.external_id,
                "job_code": result.job_code,
                "status": str(result.status),
                "scoring_error": result.scoring_error,
                "received_at": _iso(result.created_at),
                "submitted": result.payload,
                "consent": _consent(consents.get(result.id), result.payload),
                "profiles": [
                    {
                        "version": p.version,
                        "source": p.source,
                        "model": p.model,
                        "engine_version": p.engine_version,
                        "created_at": _iso(p.created_at),
                        "data": p.data,
                    }
                    for p in result.profiles
                ],
                "decision": None
                if result.decision is None
                else {
                    "hired": result.decision.hired,
                    "decided_by": result.decision.decided_by,
                    "decided_at": _iso(result.decision.decided_at),
                    "start_date": result.decision.start_date.isoformat() if result.decision.start_date else None,
                    "employee_ids": result.decision.employee_ids,
                    "note": result.decision.note,
                },
                "reviews": [review_log.view(review) for review in reviews.get(result.id, [])],
                "sync_jobs": [_job(session, job) for job in jobs.get(result.id, [])],
                "outcomes": [
                    {
                        "kind": o.kind,
                        "period": o.period,
                        "employee_id": o.employee_id,
                        "received_at": _iso(o.received_at),
                        "record": o.record,
                    }
                    for o in outcomes
                    if o.result_id == result.id
                ],
            }
            for result in results
        ],
        "resumes": [
            {
                "id": r.id,
                "file_name": r.file_name,
                "media_type": r.media_type,
                "size": r.size,
                "sha256": r.sha256,
                "received_at": _iso(r.created_at),
                "extracted": r.parsed,
            }
            for r in resumes
        ],
    }
    audit.append(
        session,
        actor=actor,
        action="candidate.access_exported",
        object_type="candidate",
        object_id=candidate.id,
        details={
            "format": fmt,
            "results": len(results),
            "resumes": len(resumes),
            "reviews": sum(len(v) for v in reviews.values()),
            "outcomes": len(outcomes),
        },
    )
    return document


def _consent(row: ConsentRecord | None, payload: dict | None) -> dict:
    given = (payload or {}).get("consent") or {}
    if row is None:  # a result from before consent records were kept: what its payload says
        return {"recorded": given}
    return {
        "recorded": given,
        "notice": {
            "id": row.notice_id,
            "version": row.notice_version,
            "language": row.language,
            "jurisdiction": row.jurisdiction,
        },
        "scopes": row.scopes,
        "automated_decision_opt_out": row.automated_opt_out,
        "given_at": _iso(row.given_at) or given.get("given_at"),
    }


def _job(session: Session, job: SyncJob) -> dict:
    attempts = session.scalars(
        select(DeliveryAttempt).where(DeliveryAttempt.job_id == job.id).order_by(DeliveryAttempt.number)
    ).all()
    return {
        "connector": job.connector.name,
        "event": job.event,
        "status": str(job.status),
        "attempts": job.attempts,
        "delivered_at": _iso(job.delivered_at),
        # What was sent to the HR system on each attempt is the candidate's data too.
        "sent": [a.request for a in attempts if a.request is not None],
    }
