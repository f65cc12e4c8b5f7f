"""Which language an answer is really in: script first, then py3langid for Latin-script text."""

from __future__ import annotations

import re
import threading
from functools import cache

from scoring_engine.interview.lexicon import lexicon
from scoring_engine.interview.text import detect_language

SUPPORTED = ("zh", "en")
LANGUAGE_MISMATCH = "language_mismatch"

_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# py3langid must be this sure, on at least this many words, before a Latin-script answer is called not English:
# short or list-like English (keywords, numbers) is often misread as another language.
MIN_CONFIDENCE = 0.9
MIN_WORDS = 6
# English prose has a function word in every three or four words; other Latin-script languages share few.
ENGLISH_FUNCTION_SHARE = 0.2

_lock = threading.Lock()


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    with _lock:
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _english_function_share(words: list[str]) -> float:
    stopwords = lexicon().stopwords
    return sum(word.lower() in stopwords for word in words) / len(words) if words else 0.0


def identify(text: str) -> str:
    """An ISO 639-1 code for the text: 'zh', 'en', or another language the engine does not score ('ja', 'es', ...)."""
    kana = len(_KANA.findall(text))
    if kana >= 3 and kana >= 0.1 * len(_CJK.findall(text)):
        return "ja"
    if len(_HANGUL.findall(text)) >= 3:
        return "ko"
    guess = detect_language(text)
    if guess == "zh":
        return "zh"
    words = _LATIN_WORD.findall(text)
    if len(words) < MIN_WORDS or _english_function_share(words) >= ENGLISH_FUNCTION_SHARE:
        return "en"
    code, confidence = _identifier().classify(text)
    if code in SUPPORTED or confidence < MIN_CONFIDENCE:
        return "en"
    return code


def resolve(text: str, declared: str) -> tuple[str, list[str]]:
    """The language to score the answer as, and signals: a declared language that the text contradicts is recorded.

    A Chinese answer full of English terms stays Chinese: only a text with no Chinese at all overrides 'zh'.
    """
    detected = identify(text)
    if detected not in SUPPORTED:
        return detected, []
    if detected == declared:
        return declared, []
    if declared == "zh" and _CJK.search(text):
        return declared, []
    return detected, [LANGUAGE_MISMATCH]
