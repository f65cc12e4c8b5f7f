"""Whether a skill named in prose is really claimed: not negated ("no Java experience"), not another sense of the word."""

import re

from scoring_engine.resume.taxonomy import Term

# Negation cues in English: up to four words may stand between the cue and the skill ("no prior
# hands-on Java"), never a clause break.
_NEGATION_EN = re.compile(
    r"\b(?:no|not|never|without|lack(?:s|ing|ed)?|zero|nor|neither|none|don[’']?t|doesn[’']?t|didn[’']?t|haven[’']?t"
    r"|hasn[’']?t|hadn[’']?t|cannot|can[’']?t|unfamiliar\s+with|not\s+familiar\s+with|little\s+or\s+no)"
    r"(?:\s+[\w+#./-]+){0,4}\s*$",
    re.IGNORECASE,
)
# "not only Java but...", "no later than": negation words that do not negate what follows.
_NOT_NEGATING = re.compile(r"\bnot\s+only\b|\bno\s+(?:later|less|more|fewer)\s+than\b|\bnot\s+just\b", re.IGNORECASE)
# Chinese cues directly before the skill (a few characters may stand between): 没有 / 不会 / 不熟悉 / 未接触过 / 缺乏 ...
_NEGATION_ZH = re.compile(
    r"(?:没有|没|不会|不懂|不熟悉|不了解|不擅长|从未|未曾|未|无|缺乏|缺少)[^，,。；;！!？?\n]{0,6}$"
)
_CLAUSE_BREAK = re.compile(r"[.;:!?。；：！？,，\n]|\b(?:but|however|although|though|while|whereas)\b|但是?|不过|然而")
CONTEXT_CHARS = 60


def is_claimed(term: Term | None, text: str, start: int, end: int) -> bool:
    """False when the words around text[start:end] negate the skill or use the word in another sense."""
    return not (negated(text, start) or (term is not None and other_sense(term, text, start, end)))


def negated(text: str, start: int) -> bool:
    """True when the clause before the skill negates it: "I have no Java experience", "没有Java经验"."""
    before = text[max(0, start - CONTEXT_CHARS) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    if _NOT_NEGATING.search(clause):
        return False
    return bool(_NEGATION_EN.search(clause) or _NEGATION_ZH.search(clause))


def other_sense(term: Term, text: str, start: int, end: int) -> bool:
    """True when one of the term's other senses ("in spring 2021", "Franz Kafka") covers the hit."""
    if not term.senses:
        return False
    window_start = max(0, start - CONTEXT_CHARS)
    window = text[window_start : end + CONTEXT_CHARS]
    for pattern in term.senses:
        for found in pattern.finditer(window):
            if found.start() + window_start <= start and end <= found.end() + window_start:
                return True
    return False
