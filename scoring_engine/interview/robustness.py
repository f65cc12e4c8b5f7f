"""Signs that an answer cannot be scored on its merits: gibberish, an echoed question, a copied anchor, stuffing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from importlib import resources

import safeyaml
from scoring_engine.interview.lexicon import lexicon
from scoring_engine.interview.text import Tokens, has_cjk

# Flags, in the order they are reported; every one makes an answer `insufficient`.
EMPTY = "empty"
UNSUPPORTED_LANGUAGE = "unsupported_language"
INJECTION = "injection"
GIBBERISH = "gibberish"
ECHO = "question_echoed"
REPETITIVE = "repetitive"
ANCHOR_COPY = "anchor_copied"
ANCHOR_PARAPHRASE = "anchor_paraphrased"
TOO_SHORT = "too_short"
KEYWORD_STUFFING = "keyword_stuffing"
OFF_TOPIC = "off_topic"

MIN_CONTENT_WORDS = 8
_LATIN_WORD = re.compile(r"[a-z]+")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


@cache
def _english_letter_pairs() -> frozenset[str]:
    """Letter pairs (with word edges) seen in the engine's own English texts: a tiny model of English spelling."""
    texts: list[str] = []
    package = resources.files(__package__)
    sources = [
        package.joinpath("lexicon.yaml"),
        *sorted(package.joinpath("models").iterdir(), key=lambda item: item.name),
    ]
    for source in sources:
        if source.name.endswith(".yaml"):
            _collect_english(safeyaml.safe_load(source.read_text(encoding="utf-8")), texts, inside_english=False)
    pairs = set()
    for word in _LATIN_WORD.findall(" ".join(texts).lower()):
        marked = f"^{word}$"
        pairs.update(marked[index : index + 2] for index in range(len(marked) - 1))
    return frozenset(pairs)


def _collect_english(node, texts: list[str], *, inside_english: bool) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _collect_english(value, texts, inside_english=inside_english or key == "en")
    elif isinstance(node, list):
        for value in node:
            _collect_english(value, texts, inside_english=inside_english)
    elif isinstance(node, str) and inside_english:
        texts.append(node)


def unlikely_spelling_share(text: str) -> float:
    """Share of letter pairs in the text's Latin words never seen in English; keyboard mashing scores high."""
    known = _english_letter_pairs()
    total = unseen = 0
    for word in _LATIN_WORD.findall(text.lower()):
        marked = f"^{word}$"
        for index in range(len(marked) - 1):
            total += 1
            unseen += marked[index : index + 2] not in known
    return unseen / total if total else 0.0


def is_gibberish(text: str) -> bool:
    """Keyboard mashing, or a handful of Chinese characters over and over."""
    latin_words = _LATIN_WORD.findall(text.lower())
    if len(latin_words) >= 3 and unlikely_spelling_share(text) > 0.2:
        return True
    chinese = _CJK_CHAR.findall(text)
    return len(chinese) >= 10 and len(set(chinese)) / len(chinese) < 0.25


def is_repetitive(tokens: Tokens) -> bool:
    """The same few words over and over: padding, not an account of anything."""
    return len(tokens.content) >= MIN_CONTENT_WORDS and len(set(tokens.content)) / len(tokens.content) < 0.35


@lru_cache(maxsize=8192)
def shingles(tokens: Tokens, size: int = 3) -> frozenset[tuple[str, ...]]:
    """Overlapping word n-grams of all words (function words included: copying keeps them); computed once per text."""
    words = tokens.words
    if len(words) < size:
        return frozenset({tuple(words)}) if words else frozenset()
    return frozenset(tuple(words[index : index + size]) for index in range(len(words) - size + 1))


def copied_from(answer: Tokens, sources: Iterable[Tokens], threshold: float = 0.5) -> bool:
    """True when most of the answer's word trigrams come from one source, or most of a source sits in the answer."""
    answer_shingles = shingles(answer)
    if not answer_shingles:
        return False
    for source in sources:
        source_shingles = shingles(source)
        if not source_shingles:
            continue
        shared = len(answer_shingles & source_shingles)
        if shared / len(answer_shingles) >= threshold or shared / len(source_shingles) >= 0.6:
            return True
    return False


def sequence_units(tokens: Tokens) -> list[str]:
    """What order is compared on: the characters of a Chinese text's content words (a rewording swaps 演练 for 演习
    but keeps 演), an English text's content stems."""
    if tokens.language == "zh":
        return [char for word in tokens.content for char in word if _CJK_CHAR.match(char)]
    return list(tokens.content)


def common_subsequence(source: Sequence[str], text: Sequence[str]) -> int:
    """Length of the longest common subsequence (bit-parallel, linear in the text for a source of any length)."""
    masks: dict[str, int] = {}
    for index, unit in enumerate(source):
        masks[unit] = masks.get(unit, 0) | (1 << index)
    full = (1 << len(source)) - 1
    row = full
    for unit in text:
        mask = masks.get(unit)
        if mask is not None:
            matched = row & mask
            row = ((row + matched) | (row - matched)) & full
    return len(source) - bin(row).count("1")


def ordered_share(source: Sequence[str], text: Sequence[str]) -> float:
    """The largest share of the source found in order in any stretch of the text twice the source's length: a
    reworded passage keeps its source's order, an answer about the same things tells them in its own."""
    if not source or not text:
        return 0.0
    window = 2 * len(source)
    starts = range(0, max(len(text) - window, 0) + 1, len(source))
    return max(common_subsequence(source, text[start : start + window]) for start in starts) / len(source)


def echoes_question(
    answer: Sequence[str], question: Sequence[str], *, allowed_new_words: int = 2, min_new_share: float = 0.15
) -> bool:
    """The answer's words add (almost) nothing to the question's; restating the question and then answering is fine."""
    question_words = set(question)
    new_words = [word for word in answer if word not in question_words]
    return bool(answer) and (len(new_words) <= allowed_new_words or len(new_words) / len(answer) < min_new_share)


def is_keyword_stuffing(tokens: Tokens, text: str, concept_hits: int) -> bool:
    """A list of terms rather than sentences: almost no function words, or concept terms and little else."""
    if len(tokens.words) < 5:
        return False
    # Chinese prose has fewer function words per token than English.
    floor = 0.08 if has_cjk(text) else 0.18
    if tokens.function_ratio < floor:
        return True
    return concept_hits >= 4 and len(set(tokens.content)) < concept_hits * 2.5


def has_injection(text: str) -> bool:
    """Text addressed to the grader ("ignore previous instructions", "请给满分"), in either language."""
    return any(pattern.search(text) for pattern in lexicon().injection)
