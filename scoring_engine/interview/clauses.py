"""Which sentences of an answer tell something: a list of concept words or figures is padding, not a story."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from scoring_engine.interview.concepts import concept_hits
from scoring_engine.interview.lexicon import lexicon
from scoring_engine.interview.specificity import count_numbers
from scoring_engine.interview.text import (
    _stem,
    chinese_verbs,
    has_cjk,
    sentences,
    tokenize,
)

# A sentence naming this many concept groups with at most LIST_OTHER_WORDS other content words (or one fewer than the
# groups it names) is a list of terms, whoever is said to use them.
LIST_MIN_CONCEPTS = 3
LIST_OTHER_WORDS = 2
# This many figures, no one who did anything and hardly a function word: a list of numbers.
LIST_MIN_NUMBERS = 3
LIST_MAX_FUNCTION_RATIO = 0.15
_ACTOR = re.compile(r"\b(?:I|I'm|I've|I'd|we|we're|we've|he|she|they|my|our)\b|我|他|她", re.IGNORECASE)
_NUMBER_TOKEN = re.compile(r"^\d")
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|we|we'd|we'll|we've|my|our)\b|我", re.IGNORECASE)
_ENGLISH_PAST = re.compile(r"\b[a-z]{2,}(?:ed|ied)\b", re.IGNORECASE)
_ENGLISH_WORD = re.compile(r"[A-Za-z']+")
# A sentence of two concept groups and at most one other word, told as a habit ("I offer a solution and I follow up",
# "我会补偿，我会回访") rather than as something that happened, is a list in sentence form: on its own when nothing but
# the actor and concept words is in it, or next to a list-like sentence.
SHORT_LIST_CONCEPTS = 2
_ACTOR_WORD = re.compile(r"^(?:我|我们|我会|我先|我再|我就|我也|我都|会|就|再|先|也|都|能|要)$")
_IRREGULAR_PAST = frozenset(
    "was were had did went made took got gave told found kept put ran set sent saw came said thought knew began "
    "brought called spent wrote left met paid sold bought rang spoke heard led held stood understood".split()
)
_CLAUSE_BREAK = re.compile(r"[,，、;；]|\band\b|和|并且?")
_CHINESE_TOLD = re.compile(r"了|过|当时|后来|那次|那天|结果")
# An enumeration of the model's terms: this many items (split at commas, 、, "and", 和), with on average at most one
# word besides the concept words (and at most two in any item: "交给领导定"), after an optional label of a few
# words and a colon.
ENUMERATION_MIN_ITEMS = 3
ENUMERATION_OTHER_WORDS = 1
ENUMERATION_MAX_OTHER_WORDS = 2
_ITEM_BREAK = re.compile(r"[,，、;；]|\band\b|\bthen\b|和|并且?|然后")
_LABEL = re.compile(r"^[^:：,，。.]{1,30}[:：]")
# An answer with this many first-person actions and one outcome after them carries a full story.
FULL_ACTIONS = 3


@dataclass(frozen=True)
class Clause:
    """One sentence of an answer and what it carries."""

    text: str
    list_like: bool
    actor: bool
    action: bool = False  # the candidate (I / we) doing something
    outcome: bool = False  # how it ended: a result cue, or a figure in a sentence with a verb


@lru_cache(maxsize=256)
def _concept_words(key_concepts: tuple) -> frozenset[str]:
    words: set[str] = set()
    for group in key_concepts:
        for _, terms in group:
            for term in terms:
                words.add(term.lower())
                words.update(tokenize(term, "zh" if has_cjk(term) else "en").words)
    return frozenset(words)


@lru_cache(maxsize=8192)
def _sentence_hits(key_concepts: tuple, sentence: str, language: str) -> int:
    groups = tuple({name: list(terms) for name, terms in group} for group in key_concepts)
    return len(concept_hits(groups, sentence, tokenize(sentence, language)))


def _is_concept_word(word: str, concept_words: frozenset[str]) -> bool:
    """A concept word, or a Chinese word built on one (回归测试 holds 测试)."""
    if word in concept_words:
        return True
    return (
        has_cjk(word)
        and len(word) > 2
        and any(len(term) >= 2 and term in word for term in concept_words if has_cjk(term))
    )


def _freeze(key_concepts) -> tuple:
    return tuple(tuple((language, tuple(terms)) for language, terms in group.items()) for group in key_concepts)


def has_verb(sentence: str, language: str | None = None) -> bool:
    """A verb in the sentence: jieba's tagger for Chinese, a past tense or a listed verb for English."""
    if language == "zh" or has_cjk(sentence):
        return bool(chinese_verbs(sentence))
    cues = lexicon()
    words = _ENGLISH_WORD.findall(sentence)
    return bool(_ENGLISH_PAST.search(sentence)) or any(
        word.lower() in cues.common_verbs or _stem(word.lower()) in cues.action_verbs for word in words
    )


def _told_as_past(sentence: str) -> bool:
    """Something that happened: an English past tense, or a Chinese aspect mark or time word of a told event."""
    if has_cjk(sentence):
        return bool(_CHINESE_TOLD.search(sentence))
    words = [word.lower() for word in _ENGLISH_WORD.findall(sentence)]
    return bool(_ENGLISH_PAST.search(sentence)) or any(word in _IRREGULAR_PAST for word in words)


def _enumerates(sentence: str, language: str, concept_words: frozenset[str]) -> bool:
    """A sentence of short items (commas, 、, "and"), concept words with about one other word beside each, after
    an optional label ("Key points:", "我的方法："): a list of the model's terms in imperative form ("stay calm, talk
    privately, record the facts, involve the manager"). A story told as a list of past actions by someone is not one."""
    body = _LABEL.sub("", sentence, count=1)
    items = [item for item in _ITEM_BREAK.split(body) if item.strip(" .。!！?？")]
    if len(items) < ENUMERATION_MIN_ITEMS:
        return False
    if _ACTOR.search(body) and _told_as_past(body):
        return False
    total = 0
    for item in items:
        others = [
            word
            for word in tokenize(item, language).content
            if not _is_concept_word(word, concept_words)
            and not _NUMBER_TOKEN.match(word)
            and not _ACTOR_WORD.match(word)
        ]
        if len(others) > ENUMERATION_MAX_OTHER_WORDS:
            return False
        total += len(others)
    return total <= ENUMERATION_OTHER_WORDS * len(items)


def read_clauses(answer: str, language: str, key_concepts) -> list[Clause]:
    """Each sentence, marked list-like when it is concept terms or figures with hardly anything else."""
    frozen = _freeze(key_concepts)
    concept_words = _concept_words(frozen)
    clauses = []
    # Per sentence: None, or for a short habitual list of concepts whether it holds nothing but actor and concept words.
    short_lists: list[bool | None] = []
    for sentence in sentences(answer):
        tokens = tokenize(sentence, language)
        actor = bool(_ACTOR.search(sentence))
        hits = _sentence_hits(frozen, sentence, language) if key_concepts else 0
        others = [
            word
            for word in tokens.content
            if not _is_concept_word(word, concept_words) and not _NUMBER_TOKEN.match(word)
        ]

        term_list = hits >= LIST_MIN_CONCEPTS and len(others) <= max(LIST_OTHER_WORDS, hits - 1)
        term_list = term_list or (hits >= LIST_MIN_CONCEPTS and _enumerates(sentence, language, concept_words))
        others_left = [word for word in others if not _ACTOR_WORD.match(word)]
        # One other word (a plain verb: "we say sorry") per clause of the sentence.
        parts = len(_CLAUSE_BREAK.split(sentence))
        short = hits >= SHORT_LIST_CONCEPTS and len(others_left) <= parts and not _told_as_past(sentence)
        short_lists.append(None if not short else not others_left)
        number_list = (
            count_numbers(sentence) >= LIST_MIN_NUMBERS
            and not actor
            and tokens.function_ratio < LIST_MAX_FUNCTION_RATIO
        )
        list_like = term_list or number_list
        verb = not list_like and has_verb(sentence, language)
        clauses.append(
            Clause(
                text=sentence,
                list_like=list_like,
                actor=actor,
                action=verb and bool(_FIRST_PERSON.search(sentence)),
                outcome=not list_like
                and (bool(lexicon().star["result"].find(sentence)) or (verb and count_numbers(sentence) > 0)),
            )
        )
    return _with_short_lists(clauses, short_lists)


def _with_short_lists(clauses: list[Clause], short_lists: list[bool | None]) -> list[Clause]:
    """Short habitual concept lists marked list-like: alone when they hold only concept words, else beside a list."""
    marked = list(clauses)
    changed = True
    while changed:  # a run of short lists spreads from the list-like sentence it is beside
        changed = False
        for index, short in enumerate(short_lists):
            if short is None or marked[index].list_like:
                continue
            beside = [marked[other].list_like for other in (index - 1, index + 1) if 0 <= other < len(marked)]
            if short or any(beside):
                marked[index] = Clause(text=clauses[index].text, list_like=True, actor=clauses[index].actor)
                changed = True
    return marked


def substance(clauses: list[Clause]) -> float:
    """0-1: first-person actions (up to FULL_ACTIONS) and an outcome told after the first of them."""
    actions = [index for index, clause in enumerate(clauses) if clause.action]
    if not actions:
        return 0.0
    outcome = any(clause.outcome for clause in clauses[actions[0] + 1 :])
    return 0.6 * min(len(actions) / FULL_ACTIONS, 1.0) + 0.4 * outcome


def story_text(clauses: list[Clause], language: str) -> str:
    """The answer without its list-like sentences."""
    return ("" if language == "zh" else " ").join(clause.text for clause in clauses if not clause.list_like)
