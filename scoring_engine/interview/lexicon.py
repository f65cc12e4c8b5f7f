"""The language cues (stopwords, STAR cues, specificity cues) shipped in lexicon.yaml, loaded once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import safeyaml

STAR_PARTS = ("situation", "task", "action", "result")


@dataclass(frozen=True)
class CueList:
    """Cues in both languages, compiled into one matcher per language."""

    english: re.Pattern
    chinese: re.Pattern

    def find(self, text: str) -> list[re.Match]:
        """Every non-overlapping cue in the text, English and Chinese."""
        return list(self.english.finditer(text)) + list(self.chinese.finditer(text))


@dataclass(frozen=True)
class Lexicon:
    """Stopwords and cue lists for Chinese and English."""

    stopwords: frozenset[str]
    star: dict[str, CueList]
    first_person: frozenset[str]
    action_verbs: frozenset[str]
    number_words: CueList
    star_hints: dict[str, dict[str, str]]
    injection: tuple[re.Pattern, ...]
    negative_behaviour: dict[str, CueList]
    behaviour_guards: CueList
    others_failed: tuple[re.Pattern, ...]
    ownership: CueList
    domains: dict[str, dict[str, frozenset[str]]]
    common_verbs: frozenset[str]


def _compile(cues: dict[str, list[str]]) -> CueList:
    english = sorted(cues.get("en", []), key=len, reverse=True)
    chinese = sorted(cues.get("zh", []), key=len, reverse=True)
    english_pattern = r"\b(?:" + "|".join(re.escape(cue) for cue in english) + r")\b" if english else r"(?!)"
    chinese_pattern = "|".join(re.escape(cue) for cue in chinese) if chinese else r"(?!)"
    return CueList(re.compile(english_pattern, re.IGNORECASE), re.compile(chinese_pattern))


def _check_strings(node, pointer: str) -> None:
    """Every cue must be text: unquoted YAML words such as on/off/yes/no silently become booleans."""
    if isinstance(node, dict):
        for key, value in node.items():
            _check_strings(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_strings(value, f"{pointer}/{index}")
    elif not isinstance(node, str):
        raise ValueError(f"{pointer}: expected a string, got {node!r} (quote it in the YAML)")


@cache
def lexicon() -> Lexicon:
    """The shipped lexicon (read on first use)."""
    from scoring_engine.interview.text import _stem

    data = safeyaml.safe_load(resources.files(__package__).joinpath("lexicon.yaml").read_text(encoding="utf-8"))
    _check_strings(data, "lexicon.yaml")
    stopwords = frozenset(data["stopwords"]["en"]) | frozenset(data["stopwords"]["zh"])
    return Lexicon(
        stopwords=stopwords,
        star={part: _compile(data["star"][part]) for part in STAR_PARTS},
        first_person=frozenset(data["first_person"]["en"]) | frozenset(data["first_person"]["zh"]),
        action_verbs=frozenset(_stem(verb) for verb in data["action_verbs"]["en"])
        | frozenset(data["action_verbs"]["zh"]),
        number_words=_compile(data["number_words"]),
        star_hints=data["star_hints"],
        injection=tuple(
            re.compile(pattern, re.IGNORECASE) for language in ("en", "zh") for pattern in data["injection"][language]
        ),
        negative_behaviour={
            kind: _compile(cues)
            for kind, cues in data["negative_behaviour"].items()
            if kind in ("blame", "concealment")
        },
        others_failed=tuple(
            re.compile(pattern, re.IGNORECASE)
            for language in ("en", "zh")
            for pattern in data["negative_behaviour"]["others_failed"][language]
        ),
        ownership=_compile(data["negative_behaviour"]["ownership"]),
        behaviour_guards=_compile(data["negative_behaviour"]["guards"]),
        common_verbs=frozenset(data["common_verbs"]["en"]),
        domains={
            name: {"en": frozenset(_stem(word) for word in words["en"]), "zh": frozenset(words["zh"])}
            for name, words in data["domains"].items()
        },
    )
