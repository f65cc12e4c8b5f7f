"""Names and gendered words masked before a text is embedded, so that swapping them cannot move a score.

The sentence-embedding model carries the associations of its training text: the same answer about a customer
scored 36.5 with "John ... he/him" and 43.8 with "Emily ... she/her" (bench/counterfactual.py). Masking maps both
sides of every such swap to the same text before the model sees it:

- gendered words become neutral ones (he/she -> they; his/her/him -> their; Mr/Ms dropped; 他/她 -> TA; ...);
- names become one placeholder: a capitalised listed given name (with the capitalised word after it, a
  surname), a pinyin surname next to another capitalised word ("Zhang Wei"), any capitalised words after a title
  (Mr, Ms, Dr) or in "my name is ...", a run of Chinese characters inside an English text, and in Chinese text
  the words jieba tags as a person's name or a listed surname with the one or two characters after it.

The lists are data (masking.yaml). A name outside them, in no such context, is not masked: the benchmark reports
that case apart. The lexical path never sees this (it reads the answer's own words, which names rarely match).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import safeyaml

PLACEHOLDER_EN = "the person"
PLACEHOLDER_ZH = "某人"
_DATA = Path(__file__).with_name("masking.yaml")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,4}")
_CAPITALISED = r"[A-Z][a-z'’\-]+"
# Case-insensitive for the lead only: the name itself must be capitalised.
_MY_NAME = re.compile(
    rf"\b((?i:my name is|my name's|i am called|call me|this is|i'm|i am))\s+({_CAPITALISED}(?:\s+{_CAPITALISED})?)"
)
# After "I'm"/"I am" a capitalised word is a name only if it is not a word that often follows there.
_NOT_AFTER_I_AM = {
    "a",
    "an",
    "the",
    "not",
    "sure",
    "very",
    "really",
    "glad",
    "happy",
    "able",
    "going",
    "in",
    "at",
    "from",
    "responsible",
    "good",
    "proud",
    "always",
    "still",
    "also",
    "so",
}


@lru_cache(maxsize=1)
def _data() -> dict:
    return safeyaml.safe_load(_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    data = _data()
    given = "|".join(sorted(map(re.escape, data["given_names_en"]), key=len, reverse=True))
    surnames = "|".join(sorted(map(re.escape, data["surnames_pinyin"]), key=len, reverse=True))
    titles = "|".join(sorted(map(re.escape, data["titles_en"]), key=len, reverse=True))
    gendered = "|".join(sorted(map(re.escape, data["gendered_en"]), key=len, reverse=True))
    zh = "|".join(sorted(map(re.escape, data["gendered_zh"]), key=len, reverse=True))
    return {
        # "Mr. Zhang", "Ms Emily Stone", "Dr Wang Fang": the title and up to three capitalised words after it.
        "titled": re.compile(rf"\b(?i:{titles})\b\.?\s+{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,2}}"),
        # A listed given name, and a capitalised surname after it ("Emily Stone").
        "given": re.compile(rf"\b(?:{given})\b(?:\s+{_CAPITALISED})?"),
        # A pinyin surname next to a capitalised word, either order ("Zhang Wei", "Wei Zhang").
        "pinyin": re.compile(rf"\b(?:(?:{surnames})\s+{_CAPITALISED}|{_CAPITALISED}\s+(?:{surnames}))\b"),
        "gendered": re.compile(rf"\b(?:{gendered})\b", re.IGNORECASE),
        "zh": re.compile(zh),
        "zh_surname": re.compile(
            rf"(?<![\u3400-\u9fff])[{data['surnames_zh']}][\u3400-\u9fff]{{1,2}}(?=说|讲|问|是|和|跟|对|告诉|经理|主管|同事|老师|先生|女士|小姐|[，,。.、：:！!？?\s]|$)"
        ),
    }


def _mask_english(text: str) -> str:
    patterns = _patterns()

    def my_name(match: re.Match) -> str:
        lead, name = match.group(1), match.group(2)
        if lead.lower() in ("i'm", "i am", "this is") and name.split()[0].lower() in _NOT_AFTER_I_AM:
            return match.group(0)
        if lead.lower() in ("i'm", "i am", "this is") and not _is_listed_or_capitalised_name(name):
            return match.group(0)
        return f"{lead} {PLACEHOLDER_EN}"

    text = _MY_NAME.sub(my_name, text)
    text = patterns["titled"].sub(PLACEHOLDER_EN, text)
    text = patterns["pinyin"].sub(PLACEHOLDER_EN, text)
    text = patterns["given"].sub(PLACEHOLDER_EN, text)
    text = patterns["gendered"].sub(lambda m: _data()["gendered_en"][m.group(0).lower()], text)
    return re.sub(r"[ \t]{2,}", " ", text)


def _is_listed_or_capitalised_name(name: str) -> bool:
    first = name.split()[0]
    return first[:1].isupper() and first.lower() not in _NOT_AFTER_I_AM


def _mask_chinese(text: str) -> str:
    import jieba.posseg

    patterns = _patterns()
    pieces = []
    for word, flag in jieba.posseg.cut(text):
        pieces.append(PLACEHOLDER_ZH if flag in ("nr", "nrfg", "nrt") and _CJK.search(word) else word)
    text = "".join(pieces)
    text = patterns["zh_surname"].sub(PLACEHOLDER_ZH, text)
    text = patterns["zh"].sub(lambda m: _data()["gendered_zh"][m.group(0)], text)
    return text


def mask(text: str) -> str:
    """The text with names and gendered words masked; the same text for both sides of a name or gender swap."""
    cjk = len(_CJK.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    if cjk and cjk >= latin / 3:
        # Chinese text (English names in it are masked by the English rules too).
        return _mask_english(_mask_chinese(text))
    # English text: a run of Chinese characters in it is a name written in Chinese.
    return _mask_english(_CJK_RUN.sub(PLACEHOLDER_EN, text))
