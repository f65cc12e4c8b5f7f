"""Negative BARS behaviour an answer tells: blaming others or hiding a mistake, unless the candidate rejects it."""

from __future__ import annotations

import re

from scoring_engine.interview.lexicon import lexicon
from scoring_engine.interview.text import sentences

NEGATIVE_BEHAVIOUR = "negative_behaviour"
# How far before a cue a guard ("instead of", "没有") still turns it round: three English words, four Chinese characters.
_GUARD_WORDS = 3
_GUARD_CHARACTERS = 4
_WORD = re.compile(r"[A-Za-z']+")


def _guarded(sentence: str, start: int, chinese: bool) -> bool:
    guards = lexicon().behaviour_guards
    if chinese:
        return bool(guards.chinese.search(sentence[max(0, start - _GUARD_CHARACTERS) : start]))
    before = " ".join(_WORD.findall(sentence[:start])[-_GUARD_WORDS:])
    return bool(guards.english.search(before))


def negative_behaviour(text: str) -> list[tuple[str, str]]:
    """(kind, cue) for each unguarded blame or concealment cue, in the order they occur."""
    found = []
    for sentence in sentences(text):
        for kind, cues in lexicon().negative_behaviour.items():
            for pattern, chinese in ((cues.english, False), (cues.chinese, True)):
                for match in pattern.finditer(sentence):
                    if not _guarded(sentence, match.start(), chinese):
                        found.append((kind, match.group(0)))
    return found
