"""Specificity of an answer: numbers, first-person statements and concrete action verbs."""

from __future__ import annotations

import re

from scoring_engine.interview.lexicon import lexicon
from scoring_engine.interview.text import Tokens, chinese_verbs, sentences

_DIGITS = re.compile(r"\d+(?:[.,]\d+)?\s*%?")
# A Chinese numeral only counts with a measure word or unit after it ("三个月", "两周", "百分之二十").
# A numeral starts where a run of numerals starts: tried from inside the run too, a long run of 一 is scanned to
# its end once per character (quadratic), and a later start never finds what the first one did not.
_CHINESE_QUANTITY = re.compile(
    r"(?:百分之[零一二两三四五六七八九十百]+"
    r"|(?<![一二两三四五六七八九十百千万])[一二两三四五六七八九十百千万]+(?:个|次|天|周|月|年|倍|位|家|条|项|人|万|小时|分钟|点))"
)


def count_numbers(text: str) -> int:
    """Quantities in the text: digits, Chinese numerals with a unit, English number words."""
    english_words = [match for match in lexicon().number_words.english.finditer(text)]
    return len(_DIGITS.findall(text)) + len(_CHINESE_QUANTITY.findall(text)) + len(english_words)


def first_person_count(text: str, tokens: Tokens) -> int:
    """First-person words; in Chinese every 我 counts, since jieba often fuses it with the next word (我先, 我就)."""
    if tokens.language == "zh":
        return text.count("我") + text.count("本人")
    return sum(1 for word in tokens.words if word in lexicon().first_person)


def specificity(text: str, tokens: Tokens) -> dict[str, float]:
    """Counts of numbers, first-person words and action verbs, and a 0-1 specificity from them."""
    cues = lexicon()
    numbers = count_numbers(text)
    first_person = first_person_count(text, tokens)
    actions = sum(1 for word in tokens.words if word in cues.action_verbs)
    if tokens.language == "zh":
        # Chinese verbs are an open class: count what the tagger finds in the candidate's own sentences too.
        tagged = sum(len(chinese_verbs(sentence)) for sentence in sentences(text) if "我" in sentence)
        actions = max(actions, tagged)
    # Two quantities, three first-person statements and three actions make a fully specific answer.
    value = 0.35 * min(numbers / 2, 1.0) + 0.30 * min(first_person / 3, 1.0) + 0.35 * min(actions / 3, 1.0)
    return {"numbers": numbers, "first_person": first_person, "action_verbs": actions, "specificity": value}
