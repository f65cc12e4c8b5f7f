"""score_answer: one answer, against a reference answer (grade 0-5) or against BARS anchors (score 0-100)."""

from __future__ import annotations

from collections.abc import Mapping

from scoring_engine.errors import InvalidInput
from scoring_engine.interview import embedding
from scoring_engine.interview.anchors import AnswerSpec, score_with_anchors
from scoring_engine.interview.answer_score import AnswerScore, check_language, check_text
from scoring_engine.interview.reference import score_with_reference


def resolve_embeddings(use_embeddings: bool | None) -> bool:
    """None means 'when installed'; True insists (and fails clearly when the package is missing)."""
    if use_embeddings is None:
        return embedding.available()
    if use_embeddings:
        embedding.load()
    return bool(use_embeddings)


def _anchors_from_argument(anchors, language: str) -> dict[str, dict[int, list[str]]]:
    if isinstance(anchors, Mapping):
        items = anchors.items()
    elif isinstance(anchors, (list, tuple)):
        items = enumerate(anchors, start=1)
    else:
        raise InvalidInput(
            f"/anchors: expected a mapping of level 1-5 to text(s), got {type(anchors).__name__}", pointer="/anchors"
        )
    by_level: dict[int, list[str]] = {}
    for level, texts in items:
        pointer = f"/anchors/{level}"
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
            raise InvalidInput(f"{pointer}: expected a level from 1 to 5", pointer=pointer)
        texts = [texts] if isinstance(texts, str) else texts
        if not isinstance(texts, (list, tuple)) or not all(isinstance(text, str) and text.strip() for text in texts):
            raise InvalidInput(f"{pointer}: expected a non-empty text or list of texts", pointer=pointer)
        by_level[level] = list(texts)
    if not by_level:
        raise InvalidInput("/anchors: expected at least one level", pointer="/anchors")
    return {language: by_level}


def score_answer(
    question: str,
    answer: str,
    *,
    reference: str | None = None,
    anchors=None,
    language: str | None = None,
    use_embeddings: bool | None = None,
) -> AnswerScore:
    """Score one answer to `question`: against a reference answer, or against BARS anchors ({level: text(s)})."""
    question = check_text(question, "/question")
    answer = check_text(answer, "/answer")
    language = check_language(answer, language, "/language")
    with_embeddings = resolve_embeddings(use_embeddings)
    if reference is not None:
        reference = check_text(reference, "/reference")
        return score_with_reference(question, answer, reference, language, use_embeddings=with_embeddings)
    spec = AnswerSpec(
        question_id=None,
        question={language: question},
        anchors=_anchors_from_argument(anchors, language) if anchors is not None else {},
    )
    return score_with_anchors(spec, answer, language, use_embeddings=with_embeddings)
