"""Chinese named entities (NAME, ORG, TITLE, EDU, PRO, LOC, ...) with a character CRF (python-crfsuite)."""

import functools
import logging
import unicodedata
from importlib import resources
from pathlib import Path

from scoring_engine.resume.bmes import Entity, tags_to_entities
from scoring_engine.text_pieces import tokenize_bounded

logger = logging.getLogger(__name__)

MODEL_FILE = "data/zh_resume_ner.crfsuite"


def normalise_char(char: str) -> str:
    """The form the model sees: NFKC (as the extracted text), digits folded to one symbol."""
    char = unicodedata.normalize("NFKC", char)[:1] or char
    return "0" if char.isdigit() else char


def _char_class(char: str) -> str:
    if "\u4e00" <= char <= "\u9fff":
        return "zh"
    if char.isdigit():
        return "digit"
    if char.isalpha():
        return "latin"
    return "punct" if not char.isspace() else "space"


def sentence_features(chars: list[str]) -> list[list[str]]:
    """CRF features per character: the character window, bigrams, and jieba's word around it."""
    from scoring_engine.resume.chinese import tokenizer

    normal = [normalise_char(char) for char in chars]
    padded = ["<s2>", "<s1>", *normal, "</s1>", "</s2>"]
    word_position, word_of = _word_positions("".join(chars), len(chars), tokenizer())
    features = []
    for index in range(len(chars)):
        centre = index + 2
        features.append(
            [
                "bias",
                f"c0={padded[centre]}",
                f"c-1={padded[centre - 1]}",
                f"c+1={padded[centre + 1]}",
                f"c-2={padded[centre - 2]}",
                f"c+2={padded[centre + 2]}",
                f"c-1c0={padded[centre - 1]}{padded[centre]}",
                f"c0c+1={padded[centre]}{padded[centre + 1]}",
                f"c-1c+1={padded[centre - 1]}{padded[centre + 1]}",
                f"type={_char_class(normal[index])}",
                f"wpos={word_position[index]}",
                f"wpos-c0={word_position[index]}{padded[centre]}",
                f"wlen={min(len(word_of[index]), 5)}",
                f"w={word_of[index]}" if len(word_of[index]) > 1 else "w=single",
            ]
        )
    return features


def _word_positions(text: str, length: int, tokenizer) -> tuple[list[str], list[str]]:
    positions, words = ["S"] * length, [""] * length
    for word, start, end in tokenize_bounded(tokenizer, text):
        for index in range(start, min(end, length)):
            words[index] = word
            if end - start == 1:
                positions[index] = "S"
            else:
                positions[index] = "B" if index == start else "E" if index == end - 1 else "M"
    return positions, words


class EntityTagger:
    """A trained CRF model; tag() returns the entities of one sentence."""

    def __init__(self, model_path: str | Path):
        import pycrfsuite

        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))

    def tag(self, sentence: str) -> list[Entity]:
        chars = list(sentence)
        if not chars:
            return []
        tags = self._tagger.tag(sentence_features(chars))
        return tags_to_entities(chars, tags)


@functools.lru_cache(maxsize=1)
def default_tagger() -> EntityTagger | None:
    """The shipped model, or None (with a log line) when python-crfsuite or the model file is missing."""
    try:
        import pycrfsuite  # noqa: F401
    except ImportError:
        logger.info("python-crfsuite is not installed: Chinese entities come from rules only")
        return None
    model = resources.files("scoring_engine.resume").joinpath(MODEL_FILE)
    if not model.is_file():
        logger.warning("CRF model %s is missing: Chinese entities come from rules only", MODEL_FILE)
        return None
    with resources.as_file(model) as path:
        return EntityTagger(path)


def extract_entities(sentence: str, tagger: EntityTagger | None = None) -> list[Entity]:
    """Entities in one Chinese sentence, by the CRF model when available."""
    tagger = tagger or default_tagger()
    return tagger.tag(sentence) if tagger else []
