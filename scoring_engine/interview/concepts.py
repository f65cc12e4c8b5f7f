"""Key concepts: which of a question's concept groups an answer mentions (any synonym, either language)."""

from __future__ import annotations

from functools import lru_cache

from scoring_engine.interview.text import Tokens, has_cjk, tokenize


@lru_cache(maxsize=4096)
def _term_words(term: str) -> tuple[str, ...]:
    return tokenize(term, "en").words


def _mentions(term: str, text: str, tokens: Tokens) -> bool:
    if has_cjk(term):
        return term in text
    # English terms match on stemmed words, so "listening" finds "listen" and "followed up" finds "follow up".
    wanted = _term_words(term)
    if not wanted:
        return False
    words = tokens.words
    return any(words[index : index + len(wanted)] == wanted for index in range(len(words) - len(wanted) + 1))


def concept_hits(key_concepts: tuple[dict[str, list[str]], ...], text: str, tokens: Tokens) -> list[int]:
    """Indexes of the concept groups the answer mentions."""
    lowered = text.lower()
    return [
        index
        for index, group in enumerate(key_concepts)
        if any(_mentions(term.lower(), lowered, tokens) for terms in group.values() for term in terms)
    ]
