"""Reference-answer mode: features of an answer against a model answer, mapped to 0-5 by fitted coefficients."""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources

from scoring_engine.interview import embedding, robustness
from scoring_engine.interview.answer_score import AnswerScore, level_for, rounded
from scoring_engine.interview.lexical import cosine, coverage, demote
from scoring_engine.interview.text import char_ngrams, tokenize

LEXICAL_FEATURES = (
    "word_cosine",
    "reference_recall",
    "reference_recall_sqrt",
    "answer_precision",
    "char_cosine",
    "length_ratio",
)
EMBEDDING_FEATURES = LEXICAL_FEATURES + ("embedding_cosine", "embedding_cosine_squared")
CALIBRATION_FILE = "calibration.json"


def reference_features(
    question: str, answer: str, reference: str, *, language: str | None, use_embeddings: bool
) -> dict[str, float]:
    """Closeness of `answer` to `reference`, with the question's own words demoted."""
    answer_tokens = tokenize(answer, language)
    reference_tokens = tokenize(reference, language)
    question_tokens = tokenize(question, language)
    answer_words = demote(answer_tokens, question_tokens)
    reference_words = demote(reference_tokens, question_tokens)
    features = {
        "word_cosine": cosine(answer_words, reference_words),
        "reference_recall": coverage(answer_words, reference_words),
        "answer_precision": coverage(reference_words, answer_words),
        # Graders give much of the credit for the first key points covered: recall pays off concavely.
        "reference_recall_sqrt": math.sqrt(coverage(answer_words, reference_words)),
        "char_cosine": cosine(char_ngrams(answer_tokens), char_ngrams(reference_tokens)),
        # Much shorter than the model answer usually means parts are missing; capped both ways.
        "length_ratio": max(-1.0, min(1.0, math.log((len(answer_words) + 1) / (len(reference_words) + 1)))),
    }
    if use_embeddings:
        features["embedding_cosine"] = embedding.similarity(answer, reference)
        # Only close paraphrases earn full credit: the square separates the top of the cosine range.
        features["embedding_cosine_squared"] = features["embedding_cosine"] ** 2
    return features


@cache
def calibration() -> dict:
    """The coefficients `python -m scoring_engine.interview.calibrate` fitted on the training file."""
    return json.loads(resources.files(__package__).joinpath(CALIBRATION_FILE).read_text(encoding="utf-8"))


def predict_grade(features: dict[str, float], *, use_embeddings: bool) -> float:
    """A 0-5 grade from the features, by the fitted linear map, clipped."""
    fitted = calibration()["embedding" if use_embeddings else "lexical"]
    grade = fitted["intercept"] + sum(fitted["coefficients"][name] * features[name] for name in fitted["coefficients"])
    return max(0.0, min(5.0, grade))


def score_with_reference(
    question: str, answer: str, reference: str, language: str, *, use_embeddings: bool
) -> AnswerScore:
    """Reference-answer mode: a 0-5 grade from closeness to a model answer (score = grade * 20)."""
    tokens = tokenize(answer, language)
    flags = []
    if not tokens.words:
        flags.append(robustness.EMPTY)
    elif robustness.is_gibberish(answer):
        flags.append(robustness.GIBBERISH)
    elif robustness.echoes_question(
        tokens.words, tokenize(question, language).words, allowed_new_words=0, min_new_share=0.0
    ):
        # Short factual answers often restate the question ("... is one."): only a word-for-word echo is flagged here.
        flags.append(robustness.ECHO)
    features = reference_features(
        question, answer, reference, language=language, use_embeddings=use_embeddings and not flags
    )
    grade = 0.0 if flags else predict_grade(features, use_embeddings=use_embeddings)
    score = grade * 20
    return AnswerScore(
        question_id=None,
        language=language,
        score=rounded(score, 2),
        level=None if flags else level_for(score),
        insufficient=bool(flags),
        confidence=0.0 if flags else rounded(min(1.0, 0.4 + 0.6 * min(len(tokens.content) / 15, 1.0)), 3),
        flags=flags,
        star={},
        missing_star=[],
        evidence=[],
        components={name: rounded(value) for name, value in features.items()},
        grade=rounded(grade, 3),
        mode="reference",
    )
