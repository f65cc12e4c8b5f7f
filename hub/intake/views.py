"""A result as its readers see it (the API's and the console's one shape): status, latest profile, decision, sync."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from hub.storage.models import InterviewResult, SyncJob
from hub.storage.statuses import DUE_JOB_STATUSES


def load_for_view(session, result_id: str) -> InterviewResult | None:
    """A result with what `result_view` reads: candidate and decision joined in, profiles in a second query."""
    return session.get(
        InterviewResult,
        result_id,
        options=[
            joinedload(InterviewResult.candidate),
            joinedload(InterviewResult.decision),
            selectinload(InterviewResult.profiles),
        ],
    )


def result_view(session, result: InterviewResult) -> dict:
    latest = result.profiles[-1] if result.profiles else None
    jobs = session.scalars(
        select(SyncJob)
        .where(SyncJob.result_id == result.id)
        .options(joinedload(SyncJob.connector))
        .order_by(SyncJob.created_at)
    ).all()
    return {
        "id": result.id,
        "external_id": result.external_id,
        "candidate": {"external_id": result.candidate.external_id},
        "job_code": result.job_code,
        "status": result.status,
        "scoring_error": result.scoring_error,
        "created_at": result.created_at.isoformat(),
        "profile": latest.data if latest else None,
        "profile_version": latest.version if latest else None,
        "profile_versions": len(result.profiles),
        "decision": decision_view(result.decision) if result.decision else None,
        "consent": consent_view(session, result),
        "human_review": human_review_view(session, result),
        "sync": [
            {
                "job_id": job.id,
                "connector": job.connector.name,
                "event": job.event,
                "status": job.status,
                "attempts": job.attempts,
                "last_error": job.last_error,
                "skip_reason": job.skip_reason,
                "next_attempt_at": job.next_attempt_at.isoformat()
                if job.next_attempt_at and job.status in DUE_JOB_STATUSES
                else None,
                "delivered_at": job.delivered_at.isoformat() if job.delivered_at else None,
            }
            for job in jobs
        ],
        "links": {"self": f"/api/v1/results/{result.id}"},
    }


def decision_view(decision) -> dict:
    return {
        "hired": decision.hired,
        "decided_by": decision.decided_by,
        "decided_at": decision.decided_at.isoformat(),
        "start_date": decision.start_date.isoformat() if decision.start_date else None,
        "employee_ids": decision.employee_ids,
    }


def consent_view(session, result: InterviewResult) -> dict:
    """The notice and consent the result came with (as recorded; older results: as their payload says)."""
    from hub.storage.rights import ConsentRecord

    row = session.scalars(select(ConsentRecord).where(ConsentRecord.result_id == result.id)).first()
    given = (result.payload or {}).get("consent") or {}
    if row is None:
        return {
            "notice_id": given.get("notice_id"),
            "notice_version": given.get("notice_version"),
            "language": given.get("language"),
            "jurisdiction": given.get("jurisdiction"),
            "scopes": given.get("scopes"),
            "automated_decision_opt_out": bool(given.get("automated_decision_opt_out")),
        }
    return {
        "notice_id": row.notice_id,
        "notice_version": row.notice_version,
        "language": row.language,
        "jurisdiction": row.jurisdiction,
        "scopes": row.scopes,
        "automated_decision_opt_out": row.automated_opt_out,
    }


def human_review_view(session, result: InterviewResult) -> dict:
    """Whether a person must review the result (the candidate opted out of automated decisions), and the reviews."""
    from hub.rights import reviews

    return reviews.human_review_state(session, result)
