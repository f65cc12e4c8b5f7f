"""BARS-anchor mode: an interview answer judged on STAR structure, specificity, key concepts and closeness to anchors."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from scoring_engine.interview import embedding, robustness
from scoring_engine.interview import language as languages
from scoring_engine.interview.answer_score import AnswerScore, level_for, quote, rounded
from scoring_engine.interview.behaviour import NEGATIVE_BEHAVIOUR, negative_behaviour
from scoring_engine.interview.clauses import read_clauses, story_text, substance
from scoring_engine.interview.closeness import closeness
from scoring_engine.interview.competency_model import DEFAULT_COMPONENT_WEIGHTS
from scoring_engine.interview.concepts import concept_hits
from scoring_engine.interview.lexical import coverage
from scoring_engine.interview.lexicon import STAR_PARTS, lexicon
from scoring_engine.interview.specificity import specificity
from scoring_engine.interview.star import find_star_parts, missing_parts
from scoring_engine.interview.text import char_ngrams, sentences, tokenize

# A flagged answer keeps a score for transparency, but never more than this.
FLAGGED_SCORE_CAP = 15.0
# Softmax temperature over the per-level anchor closeness: small differences in closeness should still pick a level.
BARS_TEMPERATURE = 0.03
# Off-topic: under a fifth of the answer's words, and fewer than four distinct ones, come from the question's topic.
OFF_TOPIC_OVERLAP = 0.2
OFF_TOPIC_MAX_WORDS = 4
# An answer telling level-1 behaviour (blaming others, hiding a mistake) scores at most this: level 2, whatever its form.
NEGATIVE_BEHAVIOUR_CAP = 35.0
# A reworded anchor example: at least this many of a long example's distinct content words (or this share of its
# words or character bigrams) reappear. Honest answers in the suites share at most 7 with any example.
PARAPHRASE_MIN_SHARED = 10
PARAPHRASE_MIN_SHARE = 0.4
PARAPHRASE_MIN_ANCHOR_WORDS = 20
# Or this share of the example (its content words' characters in Chinese, its content stems in English) reappears in
# the example's order. On the benchmark suites reworded anchors reach 0.25-0.56 (en) and 0.44-0.80 (zh), answers
# that are not rewordings at most 0.11 (en) and 0.26 (zh).
PARAPHRASE_ORDERED_SHARE = 0.35
# Neither test reads an answer over this many times a long example's length whose words are under this share the
# example's: rewordings of long anchors in the suites run 0.92-1.27 times the length with 0.24-0.77 of their words
# from the example; honest answers telling the same kind of story with their own details 1.5 times and more.
LONG_RETELLING_MAX_LENGTH = 1.5
LONG_RETELLING_ANSWER_SHARE = 0.35
# A short anchor example (under PARAPHRASE_MIN_ANCHOR_WORDS) retold: the answer is at most this many times the
# example's length, keeps at least this many (and this share) of the example's own details (content words that no
# other anchor of the question, its concepts or the question use), and this share of the example in its order. On the
# suites, rewordings of short anchors keep 4-13 of their 6-14 details (0.62-0.92) at 1.05-1.35 times the length (order
# 0.58-0.83); the honest answers closest to a short anchor keep at most 2 details, or run 1.7 times its length and more.
SHORT_RETELLING_MAX_LENGTH = 1.4
SHORT_RETELLING_MIN_OWN = 4
SHORT_RETELLING_OWN_SHARE = 0.5
SHORT_RETELLING_ORDERED_SHARE = 0.5
# Or, when its details are concept terms: half of the example's words make up this share of the answer's (question
# words aside). Rewordings of short anchors reach 0.45-0.84; other answers within 1.4 times a short anchor's length
# at most 0.31 (bench/suites, engine 1.4.0).
SHORT_RETELLING_ANSWER_SHARE = 0.4
KEYWORD_PADDING = "keyword_padding"
# The concept component of an answer that tells a full story (clauses.substance 1: three first-person actions and an
# outcome after them), whatever its words: honest answers in plain words scored 48-62 for want of the model's terms.
PLAIN_WORDS_CONCEPTS = 0.5
# Dimensions whose questions ask the candidate to own a mistake: there, naming only others' failures is blame.
OWNERSHIP_DIMENSIONS = frozenset({"responsibility"})
# Private-life and surroundings words (lexicon.yaml `domains`) outnumbering work words, at least this many, in an
# answer with under this share of topic words: an answer about something else, however long.
OFF_TOPIC_PRIVATE_WORDS = 4
OFF_TOPIC_DOMAIN_OVERLAP = 0.3
# English on the embedding path: a question similarity below this is an answer to something else. On the benchmark
# suites on-topic English answers sit at 0.136 and above, long off-topic ones at 0.00-0.25.
OFF_TOPIC_UNRELATED = 0.08
# English on the embedding path: an answer this close to one anchor example is that example reworded. On the suites
# rewordings sit at 0.83-0.96 (one heavy rewording at 0.67), every other answer at 0.66 and below.
PARAPHRASE_EMBEDDING_SIMILARITY = 0.8


@dataclass(frozen=True)
class AnswerSpec:
    """What one answer is judged against: the question, its anchors per BARS level and its concepts."""

    question_id: str | None
    question: dict[str, str]
    expected_star: tuple[str, ...] = STAR_PARTS
    key_concepts: tuple[dict[str, list[str]], ...] = ()
    anchors: dict[str, dict[int, list[str]]] = field(default_factory=dict)
    component_weights: dict[str, float] = field(default_factory=lambda: DEFAULT_COMPONENT_WEIGHTS["behavioural"])
    dimensions: tuple[str, ...] = ()

    def question_text(self, language: str) -> str:
        """The question in the answer's language, else whichever is there."""
        return self.question.get(language) or next(iter(self.question.values()))

    def anchors_for(self, language: str) -> dict[int, list[str]]:
        """Anchor texts per level in the answer's language, falling back to the other one."""
        return self.anchors.get(language) or next(iter(self.anchors.values()), {})


def _bars_closeness(
    answer: str, anchors: dict[int, list[str]], language: str, *, use_embeddings: bool
) -> tuple[float, int, dict[int, float]]:
    """Expected BARS level (softmax over per-level closeness), the nearest level, and the closeness per level."""
    per_level = {
        level: max(closeness(answer, text, language, use_embeddings=use_embeddings) for text in texts)
        for level, texts in sorted(anchors.items())
        if texts
    }
    if not per_level:
        return 0.0, 0, {}
    best = max(per_level.values())
    weights = {level: math.exp((value - best) / BARS_TEMPERATURE) for level, value in per_level.items()}
    expected = sum(level * weight for level, weight in weights.items()) / sum(weights.values())
    nearest = max(per_level, key=lambda level: (per_level[level], -level))
    return expected, nearest, per_level


def _topic_overlap(tokens, spec: AnswerSpec) -> tuple[float, int]:
    """Share of the answer's content words found in the question, its concepts or its anchors (both languages),
    and how many distinct such words it uses."""
    texts = [*spec.question.values()]
    texts += [term for group in spec.key_concepts for terms in group.values() for term in terms]
    texts += [text for by_level in spec.anchors.values() for level_texts in by_level.values() for text in level_texts]
    vocabulary = _vocabulary(tuple(texts))
    return coverage(vocabulary, tokens.content), len(vocabulary & set(tokens.content))


@lru_cache(maxsize=256)
def _vocabulary(texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(word for text in texts for word in tokenize(text).content)


def _domain_counts(answer: str, tokens) -> dict[str, int]:
    """How many work and private-life words the answer uses."""
    domains = lexicon().domains
    if tokens.language == "zh":
        return {name: sum(answer.count(word) for word in words["zh"]) for name, words in domains.items()}
    return {name: sum(word in words["en"] for word in tokens.words) for name, words in domains.items()}


def _talks_about_private_life(answer: str, tokens) -> bool:
    """Private life or the surroundings (lexicon.yaml `domains`) outweigh the work words."""
    counts = _domain_counts(answer, tokens)
    elsewhere = counts["personal"] + counts.get("setting", 0)
    return elsewhere >= OFF_TOPIC_PRIVATE_WORDS and elsewhere > counts["work"]


def _paraphrases_anchor(tokens, spec: AnswerSpec, language: str) -> bool:
    """Most of one long anchor example's content reappears in other words (question words aside), or a short one is
    retold whole (`_retells_short_anchor`)."""
    texts = tuple(text for level_texts in spec.anchors_for(language).values() for text in level_texts)
    question_words = frozenset(word for text in spec.question.values() for word in tokenize(text, language).content)
    concept_words = frozenset(
        word
        for group in spec.key_concepts
        for terms in group.values()
        for term in terms
        for word in tokenize(term, language).content
    )
    answer_words = set(tokens.content)
    answer_grams = set(char_ngrams(tokens))
    answer_units = robustness.sequence_units(tokens)
    for anchor in _anchor_readings(texts, language, question_words, concept_words):
        if not anchor.long:
            if _retells_short_anchor(anchor, tokens, answer_words, answer_units, question_words):
                return True
            continue
        shared = len(anchor.words & answer_words)
        if len(tokens.content) > LONG_RETELLING_MAX_LENGTH * len(anchor.tokens.content) and shared < (
            LONG_RETELLING_ANSWER_SHARE * len(answer_words - question_words)
        ):
            # Much longer than the example and mostly its own words: the same kind of story, told with its own
            # details ("订单列表在高峰期卡了二十分钟 ... 其他组也用上了" beside the missed-index example).
            continue
        share = max(
            shared / len(anchor.words), len(anchor.grams & answer_grams) / len(anchor.grams) if anchor.grams else 0.0
        )
        if shared >= PARAPHRASE_MIN_SHARED and share >= PARAPHRASE_MIN_SHARE:
            return True
        if robustness.ordered_share(anchor.units, answer_units) >= PARAPHRASE_ORDERED_SHARE:
            return True
    return False


@dataclass(frozen=True)
class _AnchorReading:
    """What the paraphrase checks compare of one anchor example, read once per competency model version."""

    tokens: object
    words: frozenset[str]  # content words, the question's left out
    grams: frozenset[str]
    units: tuple[str, ...]
    own: frozenset[str]  # words no other anchor of the question, its concepts or the question use: its details
    long: bool


@lru_cache(maxsize=512)
def _anchor_readings(
    texts: tuple[str, ...], language: str, question_words: frozenset[str], concept_words: frozenset[str]
) -> tuple[_AnchorReading, ...]:
    readings = []
    for index, text in enumerate(texts):
        anchor = tokenize(text, language)
        words = frozenset(anchor.content) - question_words
        others = {word for other, t in enumerate(texts) if other != index for word in tokenize(t, language).content}
        readings.append(
            _AnchorReading(
                tokens=anchor,
                words=words,
                grams=frozenset(char_ngrams(anchor)),
                units=tuple(robustness.sequence_units(anchor)),
                own=words - others - concept_words,
                long=len(words) >= PARAPHRASE_MIN_ANCHOR_WORDS,
            )
        )
    return tuple(readings)


def _retells_short_anchor(
    anchor: _AnchorReading, tokens, answer_words: set[str], answer_units, question_words: frozenset[str]
) -> bool:
    """A short anchor example retold whole: about its length, in its order, with its own details. An honest answer
    to the same kind of story tells it in its order but with its own details (a different system, figure, person),
    or at greater length; the retelling keeps the anchor's particulars and adds little."""
    if len(tokens.content) > SHORT_RETELLING_MAX_LENGTH * max(1, len(anchor.tokens.content)):
        return False
    kept = len(anchor.own & answer_words)
    own_details = kept >= SHORT_RETELLING_MIN_OWN and kept >= SHORT_RETELLING_OWN_SHARE * len(anchor.own)
    # A technical anchor's details are the model's own terms (hashing, idempotency keys), which `own` leaves out: then
    # the retelling shows in how much of the answer is the anchor's words.
    shared = anchor.words & answer_words
    mostly_anchor = len(shared) >= SHORT_RETELLING_OWN_SHARE * len(anchor.words) and len(shared) >= (
        SHORT_RETELLING_ANSWER_SHARE * len(answer_words - question_words)
    )
    if not (own_details or mostly_anchor):
        return False
    return robustness.ordered_share(anchor.units, answer_units) >= SHORT_RETELLING_ORDERED_SHARE


def _flags(
    answer: str,
    tokens,
    story_tokens,
    language: str,
    spec: AnswerSpec,
    hits: list[int],
    story_hits: list[int],
    topic_overlap: tuple[float, int],
    relevance: float | None,
    anchor_similarity: float = 0.0,
) -> list[str]:
    if not tokens.content:
        return [robustness.EMPTY]
    if robustness.has_injection(answer):
        return [robustness.INJECTION]
    if robustness.is_gibberish(answer):
        return [robustness.GIBBERISH]
    if len(story_tokens.content) < robustness.MIN_CONTENT_WORDS:
        # Counted without list-like sentences: a line of concept words does not make a one-liner an answer.
        return [robustness.TOO_SHORT]
    question_tokens = [tokenize(text) for text in spec.question.values()]
    if any(robustness.echoes_question(tokens.content, question.content) for question in question_tokens):
        return [robustness.ECHO]
    anchor_tokens = [
        tokenize(text) for by_level in spec.anchors.values() for texts in by_level.values() for text in texts
    ]
    if robustness.copied_from(tokens, anchor_tokens):
        return [robustness.ANCHOR_COPY]
    if _paraphrases_anchor(tokens, spec, language) or anchor_similarity >= PARAPHRASE_EMBEDDING_SIMILARITY:
        return [robustness.ANCHOR_PARAPHRASE]
    flags = []
    if robustness.is_repetitive(tokens):
        flags.append(robustness.REPETITIVE)
    if robustness.is_keyword_stuffing(tokens, answer, len(hits)):
        flags.append(robustness.KEYWORD_STUFFING)
    topic_share, topic_words = topic_overlap
    off_topic = topic_share < OFF_TOPIC_OVERLAP and topic_words < OFF_TOPIC_MAX_WORDS and not story_hits
    # A long ramble picks up a few topic words by chance; what it is about shows in its private-life words.
    off_topic = off_topic or (
        topic_share < OFF_TOPIC_DOMAIN_OVERLAP and len(story_hits) <= 1 and _talks_about_private_life(answer, tokens)
    )
    if not spec.key_concepts and relevance is None:
        # A few ad-hoc anchors are too small a vocabulary to call an answer off-topic on words alone.
        off_topic = False
    if relevance is not None:
        # The embedding sees paraphrases the word overlap misses, so either may clear an answer; and an answer it
        # finds unrelated to the question is off-topic whatever its words (a story about the office's furniture).
        off_topic = (off_topic and relevance < 0.35) or relevance < OFF_TOPIC_UNRELATED
    if off_topic:
        flags.append(robustness.OFF_TOPIC)
    return flags


def _confidence(tokens, components: dict[str, float], weights: dict[str, float], *, use_embeddings: bool) -> float:
    """Longer answers whose parts agree support a score better; embeddings add a little."""
    used = [components[name] for name, weight in weights.items() if weight > 0]
    spread = (max(used) - min(used)) if used else 1.0
    length = min(len(tokens.content) / 40, 1.0)
    value = 0.25 + 0.35 * length + 0.25 * (1 - spread) + (0.15 if use_embeddings else 0.05)
    return rounded(min(1.0, value), 3)


def _unsupported(spec: AnswerSpec, detected: str, declared: str) -> AnswerScore:
    """An answer in a language the engine does not score: insufficient, never guessed at."""
    return AnswerScore(
        question_id=spec.question_id,
        language=detected,
        score=0.0,
        level=None,
        insufficient=True,
        confidence=0.0,
        flags=[robustness.UNSUPPORTED_LANGUAGE],
        star={},
        missing_star=[],
        evidence=[],
        components={},
        declared_language=declared,
    )


def _evidence(star: dict[str, str], story: str, language: str, tokens) -> list[str]:
    """The action and the result sentences (once each), else the answer's fullest sentence."""
    evidence = list(dict.fromkeys(quote(star[part]) for part in ("action", "result") if part in star))
    if not evidence and tokens.content:
        evidence = [quote(max(sentences(story), key=lambda sentence: len(tokenize(sentence, language).content)))]
    return evidence


def score_with_anchors(spec: AnswerSpec, answer: str, language: str, *, use_embeddings: bool) -> AnswerScore:
    """Anchor mode: STAR structure, specificity, key concepts and closeness to BARS anchors, as 0-100.

    Sentences that only list concept terms or figures are left out of every component (and signalled as
    keyword_padding); an answer that tells level-1 behaviour is capped at NEGATIVE_BEHAVIOUR_CAP.
    """
    declared = language
    language, signals = languages.resolve(answer, declared)
    if language not in languages.SUPPORTED:
        return _unsupported(spec, language, declared)
    tokens = tokenize(answer, language)
    clauses = read_clauses(answer, language, spec.key_concepts)
    listed = any(clause.list_like for clause in clauses)
    story = story_text(clauses, language) if listed else answer
    if listed and story:
        signals.append(KEYWORD_PADDING)
    story_tokens = tokenize(story, language) if story else tokens
    story = story or answer
    star = find_star_parts(story)
    missing = missing_parts(star, spec.expected_star)
    detail = specificity(story, story_tokens)
    hits = concept_hits(spec.key_concepts, story, story_tokens)
    # What the answer is about is judged without its list-like lines: a line of concept words makes nothing on-topic.
    topic_overlap = _topic_overlap(story_tokens, spec)
    relevance = None
    anchor_similarity = 0.0
    if use_embeddings and language == "en" and tokens.content:
        # One encode per answer: the story (the answer without its list-like lines) is what the anchors are compared
        # with, and what the answer is about, as for the word overlap.
        relevance = embedding.similarity(story, spec.question_text(language), right_is_model_text=True)
        examples = [text for texts in spec.anchors_for(language).values() for text in texts]
        anchor_similarity = max(
            (embedding.similarity(story, text, right_is_model_text=True) for text in examples), default=0.0
        )
    expected_level, nearest_level, per_level = (0.0, 0, {})
    if story_tokens.content:
        expected_level, nearest_level, per_level = _bars_closeness(
            story, spec.anchors_for(language), language, use_embeddings=use_embeddings
        )
    told = substance([clause for clause in clauses if not clause.list_like])
    concepts = min(1.0, len(hits) / max(1, math.ceil(0.6 * len(spec.key_concepts)))) if spec.key_concepts else 0.0
    if told >= 1.0:
        # A full story in the candidate's own words ("我先让他把话说完" for listening, "查了物流" for checking the cause)
        # shows the concepts without the model's vocabulary: it earns part of the component whatever words it uses.
        concepts = max(concepts, PLAIN_WORDS_CONCEPTS)
    components = {
        "bars": max(0.0, (expected_level - 1) / 4) if per_level else 0.0,
        "star": (len(spec.expected_star) - len(missing)) / len(spec.expected_star) if spec.expected_star else 0.0,
        "specificity": detail["specificity"],
        "concepts": concepts,
        "substance": told,
    }
    weights = {name: spec.component_weights.get(name, 0.0) for name in components}
    if not spec.expected_star:
        weights["star"] = 0.0
    if not spec.key_concepts:
        weights["concepts"] = 0.0
    if not per_level:
        weights["bars"] = 0.0
    total_weight = sum(weights.values()) or 1.0
    score = 100 * sum(weights[name] * components[name] for name in components) / total_weight
    negative = negative_behaviour(story, owning_a_mistake=bool(set(spec.dimensions) & OWNERSHIP_DIMENSIONS))
    if negative:
        signals.append(NEGATIVE_BEHAVIOUR)
        score = min(score, NEGATIVE_BEHAVIOUR_CAP)
    flags = _flags(
        answer,
        tokens,
        story_tokens,
        language,
        spec,
        concept_hits(spec.key_concepts, answer, tokens),
        hits,
        topic_overlap,
        relevance,
        anchor_similarity,
    )
    if flags:
        score = min(score, FLAGGED_SCORE_CAP)
    reported = {name: rounded(value) for name, value in components.items()}
    reported.update(
        bars_nearest_level=nearest_level,
        topic_overlap=rounded(topic_overlap[0]),
        concept_hits=len(hits),
        numbers=detail["numbers"],
        first_person=detail["first_person"],
        action_verbs=detail["action_verbs"],
        list_sentences=sum(clause.list_like for clause in clauses),
        negative_cues=len(negative),
    )
    if relevance is not None:
        reported["question_similarity"] = rounded(relevance)
    return AnswerScore(
        question_id=spec.question_id,
        language=language,
        score=rounded(score, 1),
        level=None if flags else level_for(score),
        insufficient=bool(flags),
        confidence=0.0 if flags else _confidence(tokens, components, weights, use_embeddings=use_embeddings),
        flags=flags,
        star={part: quote(sentence) for part, sentence in star.items()},
        missing_star=missing,
        evidence=[] if flags else _evidence(star, story, language, tokens),
        components=reported,
        signals=signals,
        declared_language=declared if declared != language else None,
    )
