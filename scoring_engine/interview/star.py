"""STAR structure: which of situation, task, action and result an answer shows, with the sentence that shows it."""

from __future__ import annotations

import re

from scoring_engine.interview.clauses import has_verb
from scoring_engine.interview.lexicon import STAR_PARTS, lexicon
from scoring_engine.interview.specificity import count_numbers
from scoring_engine.interview.text import chinese_verbs, has_cjk, sentences, tokenize

# STAR's action is what the candidate did: "I", not "we" (我, not 我们).
_FIRST_PERSON_SINGULAR = re.compile(r"\b(?:I|I'm|I've|I'd|myself)\b|我(?!们)")


def _is_first_person_action(sentence: str) -> bool:
    """ "I <did something>": a first-person-singular sentence with a concrete action verb, whatever the phrasing."""
    if not _FIRST_PERSON_SINGULAR.search(sentence):
        return False
    if has_cjk(sentence):
        # The verb list cannot name every Chinese verb; the part-of-speech tagger can.
        return bool(chinese_verbs(sentence))
    return any(word in lexicon().action_verbs for word in tokenize(sentence).words)


def find_star_parts(text: str) -> dict[str, str]:
    """For each STAR part the answer shows, the sentence that shows it.

    Situation, task and action: the first cued sentence. Result: the outcome comes after what was done, so the
    result-cued sentence after the first action, one with a figure before one without, the later before the earlier
    ("Finally there was time to look at it" opens a story; it does not end one). An uncued sentence before the
    first action is the situation when no sentence is cued as one.
    """
    found: dict[str, str] = {}
    results: list[tuple[int, str]] = []
    context: list[str] = []  # uncued sentences before the first action
    first_action: int | None = None
    cues = lexicon().star
    for index, sentence in enumerate(sentences(text)):
        cued = [part for part in STAR_PARTS if cues[part].find(sentence)]
        # "I was asked to find out why" is the task, not an action: the verb heuristic only reads uncued sentences.
        if not cued and _is_first_person_action(sentence):
            cued = ["action"]
        if not cued and first_action is None:
            context.append(sentence)
        for part in cued:
            if part == "result":
                results.append((index, sentence))
            else:
                found.setdefault(part, sentence)
        if "action" in cued and first_action is None:
            first_action = index
    if "situation" not in found and context and first_action is not None:
        # What comes before the first thing the candidate did, uncued, sets the scene.
        found["situation"] = context[0]
    if first_action is not None and not any(index > first_action for index, _ in results):
        # No cue after what the candidate did: how it ended is the last later sentence that tells a figure with a
        # verb ("我们当月就签了二十家门店的合同"), the outcome clauses.substance reads too.
        results += [
            (index, sentence)
            for index, sentence in list(enumerate(sentences(text)))[first_action + 1 :]
            if count_numbers(sentence) > 0 and has_verb(sentence)
        ][-1:]
    if results:
        later = [item for item in results if first_action is None or item[0] > first_action] or results
        found["result"] = max(later, key=lambda item: (count_numbers(item[1]) > 0, item[0]))[1]
    return {part: found[part] for part in STAR_PARTS if part in found}


def missing_parts(found: dict[str, str], expected: tuple[str, ...]) -> list[str]:
    """Expected STAR parts the answer does not show, in STAR order."""
    return [part for part in STAR_PARTS if part in expected and part not in found]
