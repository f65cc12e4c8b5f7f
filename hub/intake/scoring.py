"""Scoring inside the hub: ready scores at ingest, answers in the background, profiles as versions."""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import scoring_engine
from hub.audit import chain as audit
from hub.errors import InvalidInput, UnknownCompetencyModel
from hub.outcomes import drafts
from hub.rights import notices
from hub.storage.models import InterviewResult, Profile, utcnow
from hub.storage.statuses import ResultStatus
from scoring_engine.errors import ScoringError

log = logging.getLogger(__name__)
SHIPPED_MODELS = ("sales", "rnd")


def add_profile(
    session: Session,
    result: InterviewResult,
    profile: dict,
    *,
    actor: str,
    first: bool = False,
    version: int | None = None,
) -> Profile:
    """Store a new profile version (`first`: the result is new, so this is version 1; `version`: the caller read the
    versions already, for a batch, under the result's row lock); earlier versions stay."""
    if version is None:
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
