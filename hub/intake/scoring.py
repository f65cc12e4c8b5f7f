"""Scoring inside the hub: ready scores at ingest, answers in the background, profiles as versions."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import scoring_engine
from hub.audit import chain as audit
from hub.delivery import outbox
from hub.errors import InvalidInput, UnknownCompetencyModel
from hub.outcomes import drafts
from hub.rights import notices
from hub.storage.models import InterviewResult, Profile, utcnow
from hub.storage.statuses import ResultStatus
from scoring_engine.errors import ScoringError

log = logging.getLogger(__name__)
SHIPPED_MODELS = ("sales", "rnd")


def add_profile(
    session: Session, result: InterviewResult, profile: dict, *, actor: str, first: bool = False
) -> Profile:
    """Store a new profile version (`first`: the result is new, so this is version 1); earlier versions stay."""
    version = (
        1
        if first
        else (session.scalar(select(func.max(Profile.version)).where(Profile.result_id == result.id)) or 0) + 1
    )
    engine = profile.get("engine") or {}
    row = Profile(
        result_id=result.id,
        version=version,
        source=profile.get("source") or "unknown",
        engine_version=engine.get("version"),
        model=profile.get("model"),
        data=profile,
    )
    session.add(row)
    audit.append(
        session,
        actor=actor,
        action="profile.created",
        object_type="interview_result",
        object_id=result.id,
        details={
            "version": version,
            "source": row.source,
            "model": row.model,
            "engine_version": row.engine_version,
            "insufficient": profile.get("insufficient", []),
        },
    )
    return row


def store_ready_scores(
    session: Session, result: InterviewResult, scores: dict, *, actor: str, first: bool = False
) -> Profile:
    """Validate scores another engine produced and keep them as they are, tagged with their source."""
    model = None
    if scores.get("model"):
        try:
            model = (
                drafts.active_model(session, scores["model"])
                if scores["model"] in SHIPPED_MODELS
                else scoring_engine.load_competency_model(scores["model"])
            )
        except ScoringError:
            raise UnknownCompetencyModel(
                errors=[
                    {
                        "pointer": "/scores/model",
                        "message": f"unknown model {scores['model']!r}; shipped: {', '.join(SHIPPED_MODELS)}",
                    }
                ]
            ) from None
    try:
        profile = scoring_engine.profile_from_ready_scores(
            scores["dimensions"],
            model=model,
            source=f"external:{scores['source']}",
            preferences=(result.payload or {}).get("preferences"),
        )
    except ScoringError as error:
        # The engine points into the scores mapping it was given ("/scores/<key>" or "/<key>").
        key = (error.pointer or "").rstrip("/").rsplit("/", 1)[-1]
        pointer = f"/scores/dimensions/{key}" if key and key != "scores" else "/scores/dimensions"
        raise InvalidInput(
            title="The ready scores are not valid", errors=[{"pointer": pointer, "message": str(error)}]
        ) from None
    return add_profile(session, result, _with_version(profile.to_dict(), model), actor=actor, first=first)


def _with_version(profile: dict, model) -> dict:
    """The profile with the version of the competency model that weighed it (an approved draft's, or shipped)."""
    return {**profile, "model_version": model.version} if model is not None else profile


def choose_model(answers: list[dict], session: Session | None = None):
    """The competency model that knows every question id in the answers: for each shipped model, the version
    scoring uses now (the latest approved draft, else the shipped file; without a session, the shipped file)."""
    ids = {answer["question_id"] for answer in answers}
    for name in SHIPPED_MODELS:
        model = (
            drafts.active_model(session, name) if session is not None else scoring_engine.load_competency_model(name)
        )
        if ids <= set(model.questions) | set(model.coding_tasks):
            return model
    return None


def _fail(session: Session, result: InterviewResult, message: str, reason: str, actor: str) -> None:
    """Record that a result cannot be scored as given: failed for good (not retried), and on the audit trail."""
    result.status, result.scoring_error, result.scoring_due_at = ResultStatus.FAILED, message, None
    audit.append(
        session,
        actor=actor,
        action="result.scoring_failed",
        object_type="interview_result",
        object_id=result.id,
        details={"reason": reason},
    )


def score_result(
    session: Session, result: InterviewResult, *, use_embeddings: bool | None, actor: str = "worker"
) -> Profile | None:
    """Score a queued result's answers; an input that cannot be scored is recorded, not retried."""
    payload = result.payload or {}
    if notices.opted_out(payload):  # never scored, however it came to be queued: a person reviews it
        result.status, result.scoring_error, result.scoring_due_at = (
            ResultStatus.NOT_SCORED,
            notices.human_only_reason(result.id),
            None,
        )
        return None
    answers = payload.get("answers") or []
    model = choose_model(answers, session)
    if model is None:
        _fail(
            session,
            result,
            "no shipped competency model knows all of these question ids",
            "unknown question ids",
            actor,
        )
        return None
    try:
        profile = scoring_engine.score_interview(
            answers, model, preferences=payload.get("preferences"), use_embeddings=use_embeddings
        )
    except ScoringError as error:
        _fail(session, result, f"{error.pointer or ''} {error}".strip(), error.code, actor)
        return None
    row = add_profile(session, result, _with_version(profile.to_dict(), model), actor=actor)
    result.status, result.scoring_error, result.scoring_due_at = ResultStatus.SCORED, None, None
    outbox.enqueue(session, result, "result.scored")
    return row


def claim_due_results(session: Session, *, limit: int, lease_seconds: float) -> list[InterviewResult]:
    """Results waiting to be scored; each is pushed out by a lease so a crashed scorer's work comes back."""
    now = utcnow()
    query = (
        select(InterviewResult)
        .where(InterviewResult.status == ResultStatus.QUEUED, InterviewResult.scoring_due_at <= now)
        .order_by(InterviewResult.scoring_due_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    results = list(session.scalars(query).all())
    for result in results:
        result.scoring_due_at = now + timedelta(seconds=lease_seconds)
        result.scoring_attempts += 1
    return results


def queue_rescore(session: Session, result_ids: list[str] | None, *, actor: str) -> tuple[int, int]:
    """Queue results with answers for scoring again (None: all of them); returns (queued, skipped)."""
    query = select(InterviewResult)
    if result_ids is not None:
        query = query.where(InterviewResult.id.in_(result_ids))
    queued = skipped = 0
    for result in session.scalars(query):
        # A candidate who opted out of automated decisions is never scored, not even again.
        if not (result.payload or {}).get("answers") or notices.opted_out(result.payload):
            skipped += 1
            continue
        result.status, result.scoring_due_at, result.scoring_error = ResultStatus.QUEUED, utcnow(), None
        audit.append(
            session,
            actor=actor,
            action="result.rescore_queued",
            object_type="interview_result",
            object_id=result.id,
            details={},
        )
        queued += 1
    return queued, skipped
