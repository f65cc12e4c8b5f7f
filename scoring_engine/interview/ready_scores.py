"""Profiles from scores another engine produced: validated, then used as given and tagged with their source."""

from __future__ import annotations

from scoring_engine.errors import InvalidInput
from scoring_engine.interview.answer_score import LANGUAGES, level_for
from scoring_engine.interview.competency_model import CompetencyModel
from scoring_engine.interview.preferences import merge_preferences, validate_preferences
from scoring_engine.interview.profile import DimensionResult, Profile, is_score, overall_score, suggestions_for

# The other engine vouches for its scores; the hub does not second-guess them.
READY_SCORE_CONFIDENCE = 1.0


def _checked_scores(scores, model: CompetencyModel | None) -> dict[str, float]:
    if not isinstance(scores, dict) or not scores:
        raise InvalidInput("/scores: expected a non-empty object of dimension key to score 0-100", pointer="/scores")
    checked = {}
    for key, value in scores.items():
        pointer = f"/scores/{key}"
        if model is not None and key not in model.dimensions:
            raise InvalidInput(
                f"{pointer}: unknown dimension {key!r} for model {model.name!r}; "
                f"expected one of {list(model.dimensions)}",
                pointer=pointer,
            )
        if not is_score(value) or not 0 <= value <= 100:
            raise InvalidInput(f"{pointer}: expected a number from 0 to 100, got {value!r}", pointer=pointer)
        checked[key] = float(value)
    return checked


def profile_from_ready_scores(
    scores: dict[str, float],
    *,
    model: CompetencyModel | None,
    source: str,
    job_family: str | None = None,
    preferences: dict | None = None,
    language: str = "zh",
) -> Profile:
    """A profile from ready scores (0-100 per dimension key); dimensions of the model without a score are insufficient."""
    if not isinstance(source, str) or not source.strip():
        raise InvalidInput("/source: expected the name of the engine that produced the scores", pointer="/source")
    if language not in LANGUAGES:
        raise InvalidInput(f"/language: expected one of {list(LANGUAGES)}, got {language!r}", pointer="/language")
    checked = _checked_scores(scores, model)
    given_preferences = validate_preferences(preferences)
    if model is not None:
        names = {key: dimension.name for key, dimension in model.dimensions.items()}
        weights = model.weights_for(job_family)
    else:
        names = {key: {"zh": key, "en": key} for key in checked}
        weights = {key: 1.0 for key in checked}
    dimensions = {}
    for key, name in names.items():
        score = checked.get(key)
        dimensions[key] = DimensionResult(
            key=key,
            name=name,
            score=round(score, 1) if score is not None else None,
            level=level_for(score) if score is not None else None,
            confidence=READY_SCORE_CONFIDENCE if score is not None else 0.0,
            insufficient=score is None,
        )
    return Profile(
        model=model.name if model is not None else None,
        source=source,
        dimensions=dimensions,
        overall=overall_score(dimensions, weights),
        preferences=merge_preferences({}, given_preferences),
        suggestions=suggestions_for(model, dimensions, language),
        job_family=(job_family or model.default_job_family) if model is not None else job_family,
    )
