"""Lexical similarity over content words (jieba / Snowball) and character n-grams."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from scoring_engine.interview.text import Tokens, char_ngrams


def cosine(left: Iterable[str], right: Iterable[str]) -> float:
    """Cosine of two bags of items (term frequencies)."""
    return bag_cosine(Bag.of(left), Bag.of(right))


class Bag:
    """A bag of items with its norm, counted once and reused for every text it is compared with."""

    __slots__ = ("counts", "norm")

    def __init__(self, counts: Counter):
        self.counts = counts
        self.norm = math.sqrt(sum(c * c for c in counts.values()))

    @classmethod
    def of(cls, items: Iterable[str]) -> Bag:
        return cls(Counter(items))


def bag_cosine(left: Bag, right: Bag) -> float:
    """Cosine of two bags: the same arithmetic, in the same order, as counting them afresh."""
    left_counts, right_counts = left.counts, right.counts
    if not left_counts or not right_counts:
        return 0.0
    if len(left_counts) > len(right_counts):  # the counts are integers: the dot product is exact in any order
        left_counts, right_counts = right_counts, left_counts
    get = right_counts.get
    dot = sum(count * get(item, 0) for item, count in left_counts.items())
    return dot / (left.norm * right.norm)


@lru_cache(maxsize=8192)
def bags(tokens: Tokens) -> tuple[Bag, Bag]:
    """A text's content-word bag and character n-gram bag, counted once per text (anchors recur in every answer
    to their question; an answer is compared with every anchor)."""
    return Bag.of(tokens.content), Bag.of(char_ngrams(tokens))


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
    left_words, left_grams = bags(left)
    right_words, right_grams = bags(right)
    return 0.5 * bag_cosine(left_words, right_words) + 0.5 * bag_cosine(left_grams, right_grams)
