"""Lexical similarity over content words (jieba / Snowball) and character n-grams."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from scoring_engine.interview.text import Tokens, char_ngrams


def cosine(left: Iterable[str], right: Iterable[str]) -> float:
    """Cosine of two bags of items (term frequencies)."""
    left_counts, right_counts = Counter(left), Counter(right)
    if not left_counts or not right_counts:
        return 0.0
    dot = sum(count * right_counts[item] for item, count in left_counts.items())
    norm = math.sqrt(sum(c * c for c in left_counts.values())) * math.sqrt(sum(c * c for c in right_counts.values()))
    return dot / norm


def coverage(covering: Iterable[str], covered: Iterable[str]) -> float:
    """Share of the distinct items of `covered` that `covering` contains."""
    covered_set = set(covered)
    if not covered_set:
        return 0.0
    return len(covered_set & set(covering)) / len(covered_set)


def demote(tokens: Tokens, question: Tokens) -> tuple[str, ...]:
    """Content words not already in the question (Mohler's question demoting), or all when none remain."""
    question_words = set(question.content)
    kept = tuple(word for word in tokens.content if word not in question_words)
    return kept or tokens.content


def lexical_similarity(left: Tokens, right: Tokens) -> float:
    """One 0-1 closeness of two texts: word cosine and character n-gram cosine, averaged."""
    return 0.5 * cosine(left.content, right.content) + 0.5 * cosine(char_ngrams(left), char_ngrams(right))
