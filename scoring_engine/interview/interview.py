"""score_interview: a whole set of answers to a competency model's questions, into a Profile."""

from __future__ import annotations

from collections import Counter

from scoring_engine.errors import InvalidInput
from scoring_engine.interview.anchors import AnswerSpec, score_with_anchors
from scoring_engine.interview.answer import resolve_embeddings
from scoring_engine.interview.answer_score import AnswerScore, check_language, check_text
from scoring_engine.interview.code_answers import is_code_answer, score_code_answers
from scoring_engine.interview.competency_model import CompetencyModel, Question
from scoring_engine.interview.preferences import merge_preferences, parse_hours, parse_schedule, validate_preferences
from scoring_engine import ENGINE_NAME
from scoring_engine.interview.profile import (
    Profile,
    aggregate_dimension,
    engine_embedding_label,
    overall_score,
    suggestions_for,
)


def spec_for(model: CompetencyModel, question: Question) -> AnswerSpec:
    """What answers to one of the model's questions are judged against: its dimensions' BARS anchors."""
    anchors: dict[str, dict[int, list[str]]] = {}
    for language in ("zh", "en"):
        by_level: dict[int, list[str]] = {}
        for key in question.dimensions:
            for level in model.dimensions[key].bars:
                by_level.setdefault(level.level, []).extend(level.anchors(language))
        anchors[language] = by_level
    return AnswerSpec(
        question_id=question.id,
        question=question.text,
        expected_star=question.expected_star,
        key_concepts=question.key_concepts,
        anchors=anchors,
        component_weights=model.component_weights[question.type],
        dimensions=tuple(question.dimensions),
    )


def _checked_answers(answers, model: CompetencyModel) -> list[tuple[int, Question, str, str]]:
    """(index, question, text, language) per answer, or InvalidInput naming the JSON pointer at fault."""
    if not isinstance(answers, list):
        raise InvalidInput(f"/answers: expected a list, got {type(answers).__name__}", pointer="/answers")
    checked = []
    for index, item in enumerate(answers):
        pointer = f"/answers/{index}"
        if not isinstance(item, dict):
            raise InvalidInput(f"{pointer}: expected an object with question_id, text, language", pointer=pointer)
        if is_code_answer(item):
            continue  # checked and scored by code_answers
        question_id = item.get("question_id")
        if not isinstance(question_id, str) or question_id not in model.questions:
            raise InvalidInput(
                f"{pointer}/question_id: unknown question {question_id!r} for model {model.name!r}; "
                f"expected one of {sorted(model.questions)}",
                pointer=f"{pointer}/question_id",
            )
        text = check_text(item.get("text"), f"{pointer}/text")
        language = check_language(text, item.get("language"), f"{pointer}/language")
        checked.append((index, model.questions[question_id], text, language))
    return checked


def _candidate_language(checked) -> str:
    """The language most of the candidate's words are in (Chinese on a tie: the primary market)."""
    weight = Counter()
    for _, _, text, language in checked:
        weight[language] += len(text)
    if not weight:
        return "zh"
    return max(("zh", "en"), key=lambda language: weight[language])


def _preferences_from_answers(checked) -> dict:
    found = {}
    for _, question, text, _ in checked:
        if question.preference == "work_schedule":
            found["work_schedule"] = parse_schedule(question, text) or found.get("work_schedule")
        if question.preference in ("work_schedule", "preferred_hours"):
            found["preferred_hours"] = parse_hours(text) or found.get("preferred_hours")
    return found


def score_interview(
    answers: list[dict],
    model: CompetencyModel,
    *,
    job_family: str | None = None,
    preferences: dict | None = None,
    use_embeddings: bool | None = None,
) -> Profile:
    """Score every answer, aggregate per dimension, weigh by the job family and collect preferences."""
    weights = model.weights_for(job_family)
    given_preferences = validate_preferences(preferences)
    checked = _checked_answers(answers, model)
    with_embeddings = resolve_embeddings(use_embeddings)
    scored: list[tuple[AnswerScore, Question]] = []
    for _, question, text, language in checked:
        if question.type == "preference":
            continue
        scored.append(
            (score_with_anchors(spec_for(model, question), text, language, use_embeddings=with_embeddings), question)
        )
    code_scored = score_code_answers(answers, model)
    scored += [(answer, question) for answer, question, _ in code_scored]
    dimensions = {}
    for key, dimension in model.dimensions.items():
        relevant = [(answer, question.expected_star) for answer, question in scored if key in question.dimensions]
        dimensions[key] = aggregate_dimension(key, dimension.name, relevant)
    language = _candidate_language(checked)
    return Profile(
        model=model.name,
        source=ENGINE_NAME,
        dimensions=dimensions,
        overall=overall_score(dimensions, weights),
        preferences=merge_preferences(_preferences_from_answers(checked), given_preferences),
        suggestions=suggestions_for(model, dimensions, language),
        embedding_model=engine_embedding_label(with_embeddings),
        job_family=job_family or model.default_job_family,
        answers=[answer for answer, _ in scored],
        code=[code_score.to_dict() for _, _, code_score in code_scored],
    )
