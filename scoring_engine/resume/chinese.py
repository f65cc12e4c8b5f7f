"""Chinese text helpers: script detection and a private jieba tokenizer."""

import functools
import logging
import re

from scoring_engine.text_pieces import tokenize_bounded

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    """True when text contains a Chinese character."""
    return CJK.search(text) is not None


def detect_language(text: str) -> str:
    """'zh' when Chinese characters make up a fair share of the letters, else 'en'."""
    cjk = len(CJK.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    # One Chinese character carries about as much as a 3-4 letter word: weigh them so.
    return "zh" if cjk * 3 >= latin * 0.5 and cjk >= 2 else "en"


@functools.lru_cache(maxsize=1)
def tokenizer():
    """A jieba tokenizer of our own (so add_word never changes the global one), taxonomy terms added."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    from scoring_engine.resume.taxonomy import taxonomy

    instance = jieba.Tokenizer()
    for surface in taxonomy().cjk_surfaces():
        instance.add_word(surface, freq=2000)
    return instance


def word_boundaries(text: str) -> set[int]:
    """Offsets in text where jieba puts a word boundary."""
    boundaries = {0, len(text)}
    for _word, start, end in tokenize_bounded(tokenizer(), text):
        boundaries.add(start)
        boundaries.add(end)
    return boundaries
