"""Which sentences of an answer tell something: a list of concept words or figures is padding, not a story."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from scoring_engine.interview.concepts import concept_hits
from scoring_engine.interview.specificity import count_numbers
from scoring_engine.interview.text import has_cjk, sentences, tokenize

# A sentence naming this many concept groups with at most LIST_OTHER_WORDS other content words is a list of terms.
LIST_MIN_CONCEPTS = 3
LIST_OTHER_WORDS = 2
# This many figures, no one who did anything and hardly a function word: a list of numbers.
LIST_MIN_NUMBERS = 3
LIST_MAX_FUNCTION_RATIO = 0.15
_ACTOR = re.compile(r"\b(?:I|I'm|I've|I'd|we|we're|we've|he|she|they|my|our)\b|我|他|她", re.IGNORECASE)
_NUMBER_TOKEN = re.compile(r"^\d")


@dataclass(frozen=True)
class Clause:
    """One sentence of an answer and what it carries."""

    text: str
    list_like: bool
    actor: bool


@lru_cache(maxsize=256)
def _concept_words(key_concepts: tuple) -> frozenset[str]:
    words: set[str] = set()
    for group in key_concepts:
        for _, terms in group:
            for term in terms:
                words.add(term.lower())
                words.update(tokenize(term, "zh" if has_cjk(term) else "en").words)
    return frozenset(words)


def _freeze(key_concepts) -> tuple:
    return tuple(tuple((language, tuple(terms)) for language, terms in group.items()) for group in key_concepts)


def read_clauses(answer: str, language: str, key_concepts) -> list[Clause]:
    """Each sentence, marked list-like when it is concept terms or figures with hardly anything else."""
    frozen = _freeze(key_concepts)
    concept_words = _concept_words(frozen)
    clauses = []
    for sentence in sentences(answer):
        tokens = tokenize(sentence, language)
        actor = bool(_ACTOR.search(sentence))
        hits = len(concept_hits(key_concepts, sentence, tokens)) if key_concepts else 0
        others = [word for word in tokens.content if word not in concept_words and not _NUMBER_TOKEN.match(word)]
        term_list = hits >= LIST_MIN_CONCEPTS and len(others) <= LIST_OTHER_WORDS
        number_list = (
            count_numbers(sentence) >= LIST_MIN_NUMBERS
            and not actor
            and tokens.function_ratio < LIST_MAX_FUNCTION_RATIO
        )
        clauses.append(Clause(text=sentence, list_like=term_list or number_list, actor=actor))
    return clauses


def story_text(clauses: list[Clause], language: str) -> str:
    """The answer without its list-like sentences."""
    return ("" if language == "zh" else " ").join(clause.text for clause in clauses if not clause.list_like)
