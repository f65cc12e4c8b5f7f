"""The human review log: a person confirms or overrides a score or a recommendation, with a reason, kept beside
the engine's output (never replacing it); for a candidate who opted out of automated decisions, a person's own
assessment is the only profile the result gets."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring_engine
from hub.audit import chain as audit
from hub.delivery import outbox
from hub.errors import Conflict, InvalidInput
from hub.intake import scoring, validation
from hub.rights import notices
from hub.storage.models import InterviewResult
from hub.storage.rights import Review
from hub.storage.statuses import ResultStatus
from scoring_engine.errors import ScoringError

SUBJECTS = ("score", "recommendation", "assessment")
ACTIONS = ("confirm", "override", "assess")
RECOMMENDATIONS = ("advance", "hold", "decline")
HUMAN_SOURCE = "human:review"

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Review",
    "type": "object",
    "additionalProperties": False,
    "required": ["subject", "reviewer", "reason"],
    "properties": {
        "subject": {"enum": list(SUBJECTS)},
        "action": {"enum": ["confirm", "override"]},
        "dimension": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"},
        "value": {"anyOf": [{"type": "number", "minimum": 0, "maximum": 100}, {"enum": list(RECOMMENDATIONS)}]},
        "dimensions": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 50,
            "propertyNames": {"pattern": "^[a-z][a-z0-9_]{0,63}$"},
            "additionalProperties": {"type": "number", "minimum": 0, "maximum": 100},
        },
        "reviewer": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"},
        "reason": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": "\\S"},
    },
}
_validator = Draft202012Validator(SCHEMA, format_checker=validation.format_checker)


def _invalid(pointer: str, message: str) -> InvalidInput:
    return InvalidInput(message, title="The review is not valid", errors=[{"pointer": pointer, "message": message}])


def check(document: Any) -> None:
    """The rules of a review document, each fault at its JSON pointer."""
    errors = validation.schema_errors(_validator, document)
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s)", title="The review is not valid", errors=errors)
    subject, action, value = document["subject"], document.get("action"), document.get("value")
    if subject == "assessment":
        for name in ("action", "value", "dimension"):
            if name in document:
                raise _invalid(f"/{name}", f"an assessment takes 'dimensions' (a score per dimension), not '{name}'")
        if "dimensions" not in document:
            raise _invalid("/dimensions", "an assessment needs 'dimensions': the reviewer's score per dimension")
        return
    if "dimensions" in document:
        raise _invalid("/dimensions", "'dimensions' belongs to an assessment; a review names one 'dimension'")
    if action is None:
        raise _invalid("/action", "say whether the reviewer confirms or overrides: 'confirm' or 'override'")
    if subject == "score" and "dimension" not in document:
        raise _invalid("/dimension", "name the dimension reviewed (a key of the profile's dimensions, or 'overall')")
    if subject == "recommendation" and "dimension" in document:
        raise _invalid("/dimension", "a recommendation is about the whole result; leave 'dimension' out")
    if action == "confirm" and value is not None:
        raise _invalid("/value", "a confirmation keeps the engine's output; leave 'value' out")
    if action == "override":
        if value is None:
            raise _invalid("/value", "an override needs the reviewer's 'value'")
        if subject == "score" and (isinstance(value, str) or isinstance(value, bool)):
            raise _invalid("/value", "a score override is a number from 0 to 100")
        if subject == "recommendation" and value not in RECOMMENDATIONS:
            raise _invalid("/value", f"a recommendation is one of {', '.join(RECOMMENDATIONS)}")


def engine_reading(profile: dict) -> dict:
    """The engine's overall reading of a profile, which a recommendation review confirms or overrides."""
    overall = profile.get("overall")
    return {"overall": overall, "level": None if overall is None else _level(overall)}


def _level(score: float) -> int:
    return min(5, max(1, int(score // 20) + 1))


def record(session: Session, result: InterviewResult, document: Any, *, actor: str) -> Review:
    """Store one review (the engine's output stays as it is) and note it on the audit trail (no names, no values)."""
    check(document)
    subject = document["subject"]
    latest = result.profiles[-1] if result.profiles else None
    profile = (latest.data if latest else None) or {}
    if subject == "assessment":
        return _assess(session, result, document, actor=actor)
    if latest is None or profile.get("erased"):
        raise Conflict(
            f"result {result.id} has no profile to review"
            + (
                " (the candidate opted out of automated decisions: record an assessment)"
                if notices.opted_out(result.payload)
                else ""
            ),
            title="Nothing to review yet",
        )
    target = document.get("dimension") if subject == "score" else "overall"
    if subject == "score":
        if target == "overall":
            engine = profile.get("overall")
        elif target in (profile.get("dimensions") or {}):
            engine = profile["dimensions"][target].get("score")
        else:
            known = ", ".join(["overall", *sorted(profile.get("dimensions") or {})])
            raise _invalid("/dimension", f"the profile has no dimension {target!r}; known: {known}")
    else:
        engine = engine_reading(profile)
    review = Review(
        result_id=result.id,
        subject=subject,
        action=document["action"],
        target=target,
        profile_version=latest.version,
        data={
            "reviewer": document["reviewer"].strip(),
            "reason": document["reason"],
            "engine": engine,
            "value": document.get("value") if document["action"] == "override" else None,
        },
    )
    session.add(review)
    session.flush()
    _audit(session, review, actor)
    return review


def _assess(session: Session, result: InterviewResult, document: dict, *, actor: str) -> Review:
    """A person's own assessment of a result whose candidate refused automated decisions: it becomes the profile."""
    if not notices.opted_out(result.payload):
        raise Conflict(
            f"result {result.id} was not sent to human review (its candidate did not opt out of automated "
            "decisions); confirm or override the engine's scores instead",
            title="Not a human-only result",
        )
    payload = result.payload or {}
    model = scoring.choose_model(payload.get("answers") or [])
    if model is not None:
        unknown = sorted(set(document["dimensions"]) - set(model.dimensions))
        if unknown:
            raise _invalid(
                f"/dimensions/{unknown[0]}",
                f"model {model.name!r} has no dimension {unknown[0]!r}; known: {', '.join(sorted(model.dimensions))}",
            )
    try:
        profile = scoring_engine.profile_from_ready_scores(
            document["dimensions"], model=model, source=HUMAN_SOURCE, preferences=payload.get("preferences")
        )
    except ScoringError as error:
        raise _invalid("/dimensions", str(error)) from None
    row = scoring.add_profile(session, result, profile.to_dict(), actor=actor)
    session.flush()
    result.status, result.scoring_error, result.scoring_due_at = ResultStatus.SCORED, None, None
    review = Review(
        result_id=result.id,
        subject="assessment",
        action="assess",
        target=None,
        profile_version=row.version,
        data={
            "reviewer": document["reviewer"].strip(),
            "reason": document["reason"],
            "engine": None,
            "value": dict(document["dimensions"]),
        },
    )
    session.add(review)
    session.flush()
    _audit(session, review, actor)
    outbox.enqueue(session, result, "result.scored")
    if result.decision is not None and result.decision.hired:
        outbox.enqueue(session, result, "candidate.hired")  # deferred until now: the plan needs this profile
    return review


def _audit(session: Session, review: Review, actor: str) -> None:
    audit.append(
        session,
        actor=actor,
        action=f"review.{review.action}",
        object_type="interview_result",
        object_id=review.result_id,
        details={
            "review_id": review.id,
            "subject": review.subject,
            "target": review.target,
            "profile_version": review.profile_version,
        },
    )


def view(review: Review) -> dict:
    data = review.data or {}
    return {
        "id": review.id,
        "subject": review.subject,
        "action": review.action,
        "target": review.target,
        "profile_version": review.profile_version,
        "engine": data.get("engine"),
        "value": data.get("value"),
        "reviewer": data.get("reviewer"),
        "reason": data.get("reason"),
        "erased": bool(data.get("erased")),
        "created_at": review.created_at.isoformat(),
    }


def for_result(session: Session, result_id: str) -> list[Review]:
    return list(
        session.scalars(select(Review).where(Review.result_id == result_id).order_by(Review.created_at, Review.id))
    )


def erase_for_results(session: Session, result_ids: list[str]) -> int:
    """Erasure: who reviewed, why and the values go with the candidate; the fact of each review stays."""
    from sqlalchemy import update

    if not result_ids:
        return 0
    return session.execute(  # type: ignore[attr-defined]
        update(Review).where(Review.result_id.in_(result_ids)).values(data={"erased": True})
    ).rowcount


def human_review_state(session: Session, result: InterviewResult) -> dict:
    """What the result's readers see of human review: required (opted out) and the reviews so far."""
    rows = for_result(session, result.id)
    required = notices.opted_out(result.payload)
    pending = required and not any(row.subject == "assessment" for row in rows)
    return {"required": required, "pending": pending, "reviews": [view(row) for row in rows]}
