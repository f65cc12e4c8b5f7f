"""A result as its readers see it (the API's and the console's one shape): status, latest profile, decision, sync."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.orm import joinedload, selectinload

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


_RESULT = ("id", "external_id", "job_code", "status", "scoring_error", "created_at", "payload")
_DECISION = ("id", "hired", "decided_by", "decided_at", "start_date", "employee_ids")
_RECORD = ("id", "notice_id", "notice_version", "language", "jurisdiction", "scopes", "automated_opt_out")
_PROFILE = ("id", "version", "data")
_JOB = (
    "id",
    "event",
    "status",
    "attempts",
    "last_error",
    "skip_reason",
    "next_attempt_at",
    "delivered_at",
    "created_at",
)
_REVIEW = ("id", "subject", "action", "target", "profile_version", "data", "created_at")


@functools.cache
def _status_statement(by_client: bool):
    """The poll's one SELECT, built once (Core columns, not ORM entities: a poll is a hot path)."""
    from hub.storage.models import Candidate, Connector, Decision, Profile
    from hub.storage.rights import ConsentRecord, Review

    result, candidate, decision = InterviewResult.__table__, Candidate.__table__, Decision.__table__
    record, profile, job = ConsentRecord.__table__, Profile.__table__, SyncJob.__table__
    connector, review = Connector.__table__, Review.__table__
    counted, before = profile.alias("counted"), result.alias("before")
    latest_version = select(func.max(counted.c.version)).where(counted.c.result_id == result.c.id).scalar_subquery()
    profile_count = select(func.count(counted.c.id)).where(counted.c.result_id == result.c.id).scalar_subquery()
    ahead = (
        select(func.count())
        .select_from(before)
        .where(before.c.status == ResultStatus.QUEUED, before.c.scoring_due_at < result.c.scoring_due_at)
        .scalar_subquery()
    )

    def columns(table, names, prefix):
        return [table.c[name].label(f"{prefix}_{name}") for name in names]

    statement = (
        select(
            *columns(result, _RESULT, "result"),
            candidate.c.external_id.label("candidate_external_id"),
            *columns(decision, _DECISION, "decision"),
            *columns(record, _RECORD, "record"),
            *columns(profile, _PROFILE, "profile"),
            profile_count.label("profile_count"),
            *columns(job, _JOB, "job"),
            connector.c.name.label("connector_name"),
            *columns(review, _REVIEW, "review"),
            case((result.c.status == ResultStatus.QUEUED, ahead), else_=None).label("queued_ahead"),
        )
        .select_from(result)
        .join(candidate, candidate.c.id == result.c.candidate_id)
        .outerjoin(decision, decision.c.result_id == result.c.id)
        .outerjoin(record, record.c.result_id == result.c.id)
        .outerjoin(profile, and_(profile.c.result_id == result.c.id, profile.c.version == latest_version))
        .outerjoin(job, job.c.result_id == result.c.id)
        .outerjoin(connector, connector.c.id == job.c.connector_id)
        .outerjoin(review, review.c.result_id == result.c.id)
        .where(result.c.id == bindparam("result_id"))
        .order_by(job.c.created_at, job.c.id, review.c.created_at, review.c.id)
    )
    if by_client:
        statement = statement.where(result.c.client_id == bindparam("client_id"))
    return statement


def _part(row, names, prefix) -> SimpleNamespace | None:
    """The columns `prefix_*` of a row as an object, None for a row the outer join did not find."""
    if row[f"{prefix}_id"] is None:
        return None
    return SimpleNamespace(**{name: row[f"{prefix}_{name}"] for name in names})


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
    parameters: dict = {"result_id": result_id}
    if client_id is not None:
        parameters["client_id"] = client_id
    rows = [
        row._mapping for row in session.connection().execute(_status_statement(client_id is not None), parameters).all()
    ]
    if not rows:
        return None
    first = rows[0]
    jobs: dict[str, tuple] = {}
    found_reviews: dict[str, SimpleNamespace] = {}
    for row in rows:
        job = _part(row, _JOB, "job")
        if job is not None and job.id not in jobs:
            jobs[job.id] = (job, row["connector_name"])
        review = _part(row, _REVIEW, "review")
        if review is not None and review.id not in found_reviews:
            found_reviews[review.id] = review
    ordered_reviews = sorted(found_reviews.values(), key=lambda review: (review.created_at, review.id))
    view = _view(
        _part(first, _RESULT, "result"),
        candidate_external_id=first["candidate_external_id"],
        latest=_part(first, _PROFILE, "profile"),
        profile_count=first["profile_count"] or 0,
        decision=_part(first, _DECISION, "decision"),
        record=_part(first, _RECORD, "record"),
        jobs=list(jobs.values()),
        reviews=ordered_reviews,
    )
    return Status(view, first["queued_ahead"])


def _view(
    result,  # an InterviewResult, or the poll's columns of one (attributes of the same names)
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


def _consent_view(result, row) -> dict:
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


def _human_review_view(result, rows: list) -> dict:
    """As `hub.rights.reviews.human_review_state`, from reviews already read."""
    from hub.rights import notices, reviews

    required = notices.opted_out(result.payload)
    pending = required and not any(row.subject == "assessment" for row in rows)
    return {"required": required, "pending": pending, "reviews": [reviews.view(row) for row in rows]}
