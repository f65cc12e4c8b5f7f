"""Speed work must not move a score: a fixed corpus scores exactly as it did before the caches (interview_corpus.py)."""

from __future__ import annotations

import json

from tests.scoring_engine.interview_corpus import GOLDEN, _strip_engine, corpus_scores
from tests.support.embeddings import needs_embeddings

# The embedding path may batch texts through the model: the same vectors up to float rounding, so a reported figure
# (rounded to 4 places, scores to 1) may differ by one unit in its last place. The lexical path must be identical.
EMBEDDING_TOLERANCE = 0.1001


def _diff(expected, actual, path="", tolerance=0.0) -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = [f"{path}/{key}: missing" for key in expected if key not in actual]
        found += [f"{path}/{key}: unexpected" for key in actual if key not in expected]
        for key in expected.keys() & actual.keys():
            found += _diff(expected[key], actual[key], f"{path}/{key}", tolerance)
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            line
            for index, pair in enumerate(zip(expected, actual))
            for line in _diff(*pair, f"{path}/{index}", tolerance)
        ]
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers) and not isinstance(expected, bool):
        return [] if abs(expected - actual) <= tolerance else [f"{path}: {expected} -> {actual}"]
    return [] if expected == actual else [f"{path}: {expected!r} -> {actual!r}"]


def _golden(path: str) -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))[path]


def test_lexical_scores_of_the_corpus_are_unchanged():
    expected = _golden("lexical")
    actual = _strip_engine(corpus_scores(use_embeddings=False))
    if not any(key.startswith("mohler-eval/") for key in actual):
        expected = {key: value for key, value in expected.items() if not key.startswith("mohler-eval/")}
    assert len(expected) > 100
    differences = _diff(expected, actual)
    assert not differences, "\n".join(differences[:40])


@needs_embeddings
def test_embedding_scores_of_the_corpus_are_unchanged_within_rounding():
    expected = _golden("embedding")
    actual = _strip_engine(corpus_scores(use_embeddings=True))
    if not any(key.startswith("mohler-eval/") for key in actual):
        expected = {key: value for key, value in expected.items() if not key.startswith("mohler-eval/")}
    differences = _diff(expected, actual, tolerance=EMBEDDING_TOLERANCE)
    assert not differences, "\n".join(differences[:40])
