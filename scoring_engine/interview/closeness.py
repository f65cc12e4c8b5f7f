"""Closeness of two texts: lexical always, blended with sentence embeddings when they are in use."""

from __future__ import annotations

from scoring_engine.interview import embedding
from scoring_engine.interview.lexical import lexical_similarity
from scoring_engine.interview.text import tokenize

# all-MiniLM-L6-v2 is trained on English. On the shipped BARS texts (bench/answer_agreement.py, docs/scoring.md)
# its cosine tells related from unrelated Chinese text at chance level (AUC 0.52, jieba-token measure 0.64) and any
# weight on it lowers the blend, so Chinese uses the lexical measure alone; English gains from an even blend.
EMBEDDING_WEIGHT = {"en": 0.5, "zh": 0.0}


def closeness(left: str, right: str, language: str, *, use_embeddings: bool) -> float:
    """0-1 closeness of an answer (`left`) to a competency model's text, an anchor (`right`), in `language`."""
    lexical = lexical_similarity(tokenize(left, language), tokenize(right, language))
    if not use_embeddings:
        return lexical
    weight = EMBEDDING_WEIGHT.get(language, EMBEDDING_WEIGHT["en"])
    if weight == 0:
        return lexical
    return weight * embedding.similarity(left, right, right_is_model_text=True) + (1 - weight) * lexical
