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


def negative_behaviour(text: str, *, owning_a_mistake: bool = True) -> list[tuple[str, str]]:
    """(kind, cue) for each unguarded blame or concealment cue, in the order they occur.

    Naming someone else's failure ("the testers had missed it", "测试漏了") counts as blame only in an answer about
    owning a mistake (`owning_a_mistake`: the question scores responsibility) that owns no part of it itself ("my
    change", "是我的改动"); in a teamwork story a colleague's slip is just what happened.
    """
    cues = lexicon()
    found = []
    if owning_a_mistake and not cues.ownership.find(text):
        for pattern in cues.others_failed:
            found += [("blame", match.group(0)) for match in pattern.finditer(text)]
    kinds = list(cues.negative_behaviour.items())
    if owning_a_mistake:
        # Telling one's own failure: its cause put on others, or a culprit named, is blame even beside "my change".
        kinds.append(("blame", cues.blame_shifted))
    for sentence in sentences(text):
        for kind, cue_list in kinds:
            for pattern, chinese in ((cue_list.english, False), (cue_list.chinese, True)):
                for match in pattern.finditer(sentence):
                    if not _guarded(sentence, match.start(), chinese):
                        found.append((kind, match.group(0)))
    return found
