"""A result as its readers see it (the API's and the console's one shape): status, latest profile, decision, sync."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from hub.storage.models import InterviewResult, SyncJob
from hub.storage.statuses import DUE_JOB_STATUSES, ResultStatus


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
    jobs = session.scalars(
        select(SyncJob)
        .where(SyncJob.result_id == result.id)
        .options(joinedload(SyncJob.connector))
        .order_by(SyncJob.created_at)
    ).all()
    from hub.rights import reviews
    from hub.storage.rights import ConsentRecord

    record = session.scalars(select(ConsentRecord).where(ConsentRecord.result_id == result.id)).first()
    return _view(
        result,
        candidate_external_id=result.candidate.external_id,
        latest=result.profiles[-1] if result.profiles else None,
        profile_count=len(result.profiles),
        decision=result.decision,
        record=record,
        jobs=[(job, job.connector.name) for job in jobs],
        reviews=reviews.for_result(session, result.id),
    )


@dataclass
class Status:
    """What a status poll reads: the view, and for a queued result how many queued results are due before it."""

    view: dict
    queued_ahead: int | None


def status_view(session, result_id: str, *, client_id: int | None = None) -> Status | None:
    """The status poll's view of a result in ONE query (None when there is none, or none of `client_id`'s):
    the result, its candidate's external id, decision, consent record, latest profile and number of profiles, its
    jobs with their connectors' names and its reviews, outer-joined (a row per job x review: a handful at most);
    and, only while it is queued, the number of queued results due before it (an index range count)."""
    from hub.storage.models import Candidate, Connector, Decision, Profile
    from hub.storage.rights import ConsentRecord, Review

    counted = aliased(Profile)
    latest_version = select(func.max(counted.version)).where(counted.result_id == InterviewResult.id)
    profile_count = select(func.count(counted.id)).where(counted.result_id == InterviewResult.id)
    before = aliased(InterviewResult)
    ahead = (
        select(func.count())
        .select_from(before)
        .where(before.status == ResultStatus.QUEUED, before.scoring_due_at < InterviewResult.scoring_due_at)
    )
    statement = (
        select(
            InterviewResult,
            Candidate.external_id,
            Decision,
            ConsentRecord,
            Profile,
            profile_count.scalar_subquery(),
            SyncJob,
            Connector.name,
            Review,
            case((InterviewResult.status == ResultStatus.QUEUED, ahead.scalar_subquery()), else_=None),
        )
        .join(Candidate, Candidate.id == InterviewResult.candidate_id)
        .outerjoin(Decision, Decision.result_id == InterviewResult.id)
        .outerjoin(ConsentRecord, ConsentRecord.result_id == InterviewResult.id)
        .outerjoin(
            Profile, and_(Profile.result_id == InterviewResult.id, Profile.version == latest_version.scalar_subquery())
        )
        .outerjoin(SyncJob, SyncJob.result_id == InterviewResult.id)
        .outerjoin(Connector, Connector.id == SyncJob.connector_id)
        .outerjoin(Review, Review.result_id == InterviewResult.id)
        .where(InterviewResult.id == result_id)
        .order_by(SyncJob.created_at, SyncJob.id, Review.created_at, Review.id)
    )
    if client_id is not None:
        statement = statement.where(InterviewResult.client_id == client_id)
    rows = session.execute(statement).all()
    if not rows:
        return None
    first = rows[0]
    jobs: dict[str, tuple] = {}
    found_reviews: dict[str, object] = {}
    for row in rows:
        job, connector_name, review = row[6], row[7], row[8]
        if job is not None and job.id not in jobs:
            jobs[job.id] = (job, connector_name)
        if review is not None and review.id not in found_reviews:
            found_reviews[review.id] = review
    ordered_reviews = sorted(found_reviews.values(), key=lambda review: (review.created_at, review.id))
    view = _view(
        first[0],
        candidate_external_id=first[1],
        latest=first[4],
        profile_count=first[5] or 0,
        decision=first[2],
        record=first[3],
        jobs=list(jobs.values()),
        reviews=ordered_reviews,
    )
    return Status(view, first[9])


def _view(
    result: InterviewResult,
    *,
    candidate_external_id: str,
    latest,
    profile_count: int,
    decision,
    record,
    jobs: list[tuple],
    reviews: list,
) -> dict:
    return {
        "id": result.id,
        "external_id": result.external_id,
        "candidate": {"external_id": candidate_external_id},
        "job_code": result.job_code,
        "status": result.status,
        "scoring_error": result.scoring_error,
        "created_at": result.created_at.isoformat(),
        "profile": latest.data if latest else None,
        "profile_version": latest.version if latest else None,
        "profile_versions": profile_count,
        "decision": decision_view(decision) if decision else None,
        "consent": _consent_view(result, record),
        "human_review": _human_review_view(result, reviews),
        "sync": [
            {
                "job_id": job.id,
                "connector": connector_name,
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
            for job, connector_name in jobs
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

    record = session.scalars(select(ConsentRecord).where(ConsentRecord.result_id == result.id)).first()
    return _consent_view(result, record)


def _consent_view(result: InterviewResult, row) -> dict:
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


def _human_review_view(result: InterviewResult, rows: list) -> dict:
    """As `hub.rights.reviews.human_review_state`, from reviews already read."""
    from hub.rights import notices, reviews

    required = notices.opted_out(result.payload)
    pending = required and not any(row.subject == "assessment" for row in rows)
    return {"required": required, "pending": pending, "reviews": [reviews.view(row) for row in rows]}
