"""Language detection, tokenising, sentence splitting and n-grams for Chinese and English text."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import cache, lru_cache

from scoring_engine.interview import masking
from scoring_engine.interview.lexicon import lexicon
from scoring_engine.text_pieces import bounded_pieces

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'+#.-]*[A-Za-z0-9+#]|[A-Za-z]|\d+(?:[.,]\d+)?%?")
_SENTENCE_END = re.compile(r"(?<=[.!?;。！？；\n])\s*")
_WORDISH = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)


@dataclass(frozen=True)
class Tokens:
    """One text's tokens: every word (lower-cased, stemmed) and the content words among them."""

    language: str
    words: tuple[str, ...]
    content: tuple[str, ...]

    @property
    def function_ratio(self) -> float:
        """Share of words that are function words; natural prose sits well above keyword lists."""
        if not self.words:
            return 0.0
        return 1.0 - len(self.content) / len(self.words)


def detect_language(text: str) -> str:
    """'zh' when Chinese characters carry the text, else 'en'."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    # A Chinese character carries about as much as a three-letter English word.
    return "zh" if cjk * 3 >= latin and cjk > 0 else "en"


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


_STEMMERS = threading.local()


def _english_stemmer():
    """This thread's Snowball stemmer: a stemmer keeps the word it works on in itself, so one shared by the
    hub's request and scoring threads read another thread's word mid-stem (IndexError, a 500 on ingest)."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _english_stemmer().stemWord(word)


def _raw_words(text: str, language: str) -> list[str]:
    if language == "zh" or _CJK.search(text):
        pieces = [word for _offset, piece in bounded_pieces(text) for word in _jieba().lcut(piece)]
        words = []
        for piece in pieces:
            piece = piece.strip()
            if not piece or not _WORDISH.search(piece):
                continue
            if _CJK.search(piece):
                words.append(piece)
            else:
                words.extend(_LATIN_WORD.findall(piece))
        return words
    return _LATIN_WORD.findall(text)


def _normalise(word: str) -> str:
    if _CJK.search(word):
        return word
    lowered = word.lower().strip(".'-")
    if lowered[:1].isdigit():
        return lowered
    return _stem(lowered)


@lru_cache(maxsize=8192)
def tokenize(text: str, language: str | None = None) -> Tokens:
    """Words of a text (jieba for Chinese, Snowball-stemmed English) and its content words."""
    language = language or detect_language(text)
    text = masking.mask(text, language)  # names and gendered words: a swap must not move a score (masking.py)
    stopwords = lexicon().stopwords
    words = []
    content = []
    for raw in _raw_words(text, language):
        word = _normalise(raw)
        if not word:
            continue
        words.append(word)
        if raw.lower() not in stopwords and word not in stopwords:
            content.append(word)
    return Tokens(language=language, words=tuple(words), content=tuple(content))


def sentences(text: str) -> list[str]:
    """Sentences (or clauses ended by ; and line breaks), stripped, empty ones dropped."""
    return [piece.strip() for piece in _SENTENCE_END.split(text) if piece.strip()]


def char_ngrams(tokens: Tokens, size: int = 3) -> list[str]:
    """Character n-grams inside each content word; Chinese words give their character bigrams."""
    grams = []
    for word in tokens.content:
        n = 2 if _CJK.search(word) else size
        if len(word) <= n:
            grams.append(word)
        else:
            grams.extend(word[index : index + n] for index in range(len(word) - n + 1))
    return grams


def has_cjk(text: str) -> bool:
    """True when the text contains any Chinese character."""
    return bool(_CJK.search(text))


@lru_cache(maxsize=8192)
def chinese_verbs(text: str) -> tuple[str, ...]:
    """The verbs jieba's part-of-speech tagger finds in a Chinese text (verbal nouns such as 测试 left out)."""
    _jieba()  # loads the dictionary quietly
    from jieba import posseg

    return tuple(pair.word for pair in posseg.lcut(text) if pair.flag.startswith("v") and pair.flag != "vn")
