"""The capability profile: per-dimension scores with evidence, overall score, preferences and suggestions."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from scoring_engine import ENGINE_NAME
from scoring_engine.interview import embedding
from scoring_engine.interview.answer_score import AnswerScore, level_for
from scoring_engine.interview.competency_model import CompetencyModel
from scoring_engine.interview.lexicon import STAR_PARTS, lexicon
from scoring_engine.interview.version import ENGINE_VERSION

# Below this a dimension gets an improvement suggestion.
WEAK_SCORE = 60.0
# The overall score needs dimensions carrying at least this share of the job family's weight.
MIN_OVERALL_WEIGHT = 0.6
MAX_EVIDENCE = 3


@dataclass(frozen=True)
class DimensionResult:
    """One dimension of a profile."""

    key: str
    name: dict[str, str]
    score: float | None
    level: int | None
    confidence: float
    insufficient: bool
    evidence: list[dict[str, str]] = field(default_factory=list)
    missing_star: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-able form (the key is the enclosing mapping's)."""
        return {
            "name": dict(self.name),
            "score": self.score,
            "level": self.level,
            "confidence": self.confidence,
            "insufficient": self.insufficient,
            "evidence": [dict(item) for item in self.evidence],
            "missing_star": list(self.missing_star),
        }


@dataclass(frozen=True)
class Profile:
    """A scored capability profile. Advisory: it informs a human decision and rejects no one."""

    model: str | None
    source: str
    dimensions: dict[str, DimensionResult]
    overall: float | None
    preferences: dict
    suggestions: list[dict[str, str]]
    embedding_model: str | None = None
    job_family: str | None = None
    answers: list[AnswerScore] = field(default_factory=list)
    engine_version: str = ENGINE_VERSION
    code: list[dict] = field(default_factory=list)  # per code answer: tests, verdicts, timings (CodeScore.to_dict)

    @property
    def insufficient(self) -> list[str]:
        """Keys of the dimensions the input could not support."""
        return [key for key, dimension in self.dimensions.items() if dimension.insufficient]

    def to_dict(self) -> dict:
        """The JSON form the hub stores and the policy engine reads."""
        return {
            "engine": {"name": ENGINE_NAME, "version": self.engine_version, "embedding_model": self.embedding_model},
            "model": self.model,
            "source": self.source,
            "dimensions": {key: dimension.to_dict() for key, dimension in self.dimensions.items()},
            "overall": self.overall,
            "insufficient": self.insufficient,
            "preferences": {
                "work_schedule": self.preferences["work_schedule"],
                "preferred_hours": dict(self.preferences["preferred_hours"])
                if self.preferences.get("preferred_hours")
                else None,
            },
            "suggestions": [dict(item) for item in self.suggestions],
            "advisory": True,
            **({"code": [dict(item) for item in self.code]} if self.code else {}),
        }


def aggregate_dimension(
    key: str, name: dict[str, str], answers: list[tuple[AnswerScore, tuple[str, ...]]]
) -> DimensionResult:
    """One dimension from the answers to its questions; `insufficient` when none could be scored."""
    usable = [answer for answer, _ in answers if not answer.insufficient]
    if not usable:
        return DimensionResult(key=key, name=name, score=None, level=None, confidence=0.0, insufficient=True)
    score = round(statistics.fmean(answer.score for answer in usable), 1)
    confidence = statistics.fmean(answer.confidence for answer in usable)
    # One answer is thin evidence; answers that disagree a lot are weaker still.
    confidence *= 0.75 if len(usable) == 1 else 1.0
    if len(usable) > 1 and max(a.score for a in usable) - min(a.score for a in usable) > 30:
        confidence *= 0.8
    # One sentence is one piece of evidence, however many answers or STAR parts it shows up in.
    quotes = dict.fromkeys((answer.question_id, quote) for answer in usable for quote in answer.evidence)
    evidence = [{"question_id": question_id, "quote": quote} for question_id, quote in quotes][:MAX_EVIDENCE]
    missing = {
        part
        for answer, expected in answers
        if not answer.insufficient
        for part in answer.missing_star
        if part in expected
    }
    return DimensionResult(
        key=key,
        name=name,
        score=score,
        level=level_for(score),
        confidence=round(confidence, 3),
        insufficient=False,
        evidence=evidence,
        missing_star=[part for part in STAR_PARTS if part in missing],
    )


def overall_score(dimensions: dict[str, DimensionResult], weights: dict[str, float]) -> float | None:
    """Weighted mean over the scored dimensions, or None when too much of the weight is missing."""
    total = sum(weights.get(key, 0.0) for key in dimensions)
    scored = {key: d.score for key, d in dimensions.items() if d.score is not None and weights.get(key, 0.0) > 0}
    covered = sum(weights[key] for key in scored)
    if total <= 0 or covered / total < MIN_OVERALL_WEIGHT:
        return None
    return round(sum(weights[key] * score for key, score in scored.items()) / covered, 1)


def suggestions_for(
    model: CompetencyModel | None, dimensions: dict[str, DimensionResult], language: str
) -> list[dict[str, str]]:
    """An improvement hint for each weak or insufficient dimension, in the candidate's language."""
    if model is None:
        return []
    hints = lexicon().star_hints
    suggestions = []
    for key, result in dimensions.items():
        if key not in model.dimensions or (result.score is not None and result.score >= WEAK_SCORE):
            continue
        parts = [model.dimensions[key].suggestion[language]]
        parts += [hints[part][language] for part in result.missing_star]
        suggestions.append(
            {"dimension": key, "text": ("" if language == "zh" else " ").join(parts), "language": language}
        )
    return suggestions


def engine_embedding_label(use_embeddings: bool) -> str | None:
    """The embedding model's label when it took part in scoring."""
    return embedding.model_label() if use_embeddings else None


def is_score(value) -> bool:
    """A real, finite number (bool excluded)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
