"""Names and gendered words masked before a text is embedded, so that swapping them cannot move a score.

The sentence-embedding model carries the associations of its training text: the same answer about a customer
scored 36.5 with "John ... he/him" and 43.8 with "Emily ... she/her" (bench/counterfactual.py). Masking maps both
sides of every such swap to the same text before the model sees it:

- gendered words become neutral ones (he/she -> they; his/her/him -> their; Mr/Ms dropped; 她 -> 他; ...);
- names become one placeholder: a capitalised listed given name (with the capitalised word after it, a
  surname), a pinyin surname next to another capitalised word ("Zhang Wei"), any capitalised words after a title
  (Mr, Ms, Dr) or in "my name is ...", a run of Chinese characters inside an English text, and in Chinese text
  a word jieba's dictionary tags as a person's name, or a word of two or three characters it is not in the
  dictionary that opens with a listed surname (jieba found it as an unknown word: 李娜, 王强).

Embedding (embedding.py) and tokenizing for the lexical path (text.py) both mask: in Chinese, jieba segments the
words next to a name differently for different names ("李明想用" -> 想/用, "李娜想用" -> 想用), and in English a
two-word name counts as two content words where another counts one; each moved lexical scores by 1-3 points.
Evidence quotes and the STAR reading use the answer as given.

The lists are data (masking.yaml). A name outside them, in no such context, is not masked: the benchmark reports
that case apart.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import safeyaml
from scoring_engine.text_pieces import bounded_pieces

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
        "given": re.compile(rf"(?<![A-Za-z])(?:{given})(?![A-Za-z])(?:\s+{_CAPITALISED})?"),
        # A pinyin surname next to a capitalised word, either order ("Zhang Wei", "Wei Zhang").
        "pinyin": re.compile(
            rf"(?<![A-Za-z])(?:(?:{surnames})\s+{_CAPITALISED}|{_CAPITALISED}\s+(?:{surnames}))(?![A-Za-z])"
        ),
        "gendered": re.compile(rf"\b(?:{gendered})\b", re.IGNORECASE),
        "zh": re.compile(zh),
    }


def _mask_english(text: str, placeholder: str = PLACEHOLDER_EN) -> str:
    patterns = _patterns()

    def my_name(match: re.Match) -> str:
        lead, name = match.group(1), match.group(2)
        if lead.lower() in ("i'm", "i am", "this is") and name.split()[0].lower() in _NOT_AFTER_I_AM:
            return match.group(0)
        if lead.lower() in ("i'm", "i am", "this is") and not _is_listed_or_capitalised_name(name):
            return match.group(0)
        return f"{lead} {placeholder}"

    text = _MY_NAME.sub(my_name, text)
    text = patterns["titled"].sub(placeholder, text)
    text = patterns["pinyin"].sub(placeholder, text)
    text = patterns["given"].sub(placeholder, text)
    text = patterns["gendered"].sub(lambda m: _data()["gendered_en"][m.group(0).lower()], text)
    return re.sub(r"[ \t]{2,}", " ", text)


def _is_listed_or_capitalised_name(name: str) -> bool:
    first = name.split()[0]
    return first[:1].isupper() and first.lower() not in _NOT_AFTER_I_AM


NAME_TAGS = ("nr", "nrfg", "nrt")


@lru_cache(maxsize=1)
def _jieba():
    """jieba's segmenter, its word frequencies and part-of-speech tags (loaded once; plain cut, no slow posseg)."""
    import jieba
    import jieba.posseg

    jieba.dt.check_initialized()
    return jieba, jieba.dt.FREQ, jieba.posseg.dt.word_tag_tab


# Characters that often follow a name and that jieba glues onto an unknown one ("杨燕想" + "用").
_AFTER_NAME = set("想说是在和也就都把被给让请跟对用要会能叫问讲")
_HONORIFICS = "(?:先生|女士|小姐|太太|老师|经理|总监|主管|同学|师傅)"


# A dictionary word rarer than this, of a surname and given-name characters, is a name (李娜 438, 高明 791).
RARE_WORD = 500


def _dictionary_name(word: str, frequencies: dict, surnames: set[str]) -> bool:
    given = _data()["given_name_chars_zh"]
    return (
        2 <= len(word) <= 3
        and word[0] in surnames
        and all(char in given for char in word[1:])
        and (frequencies.get(word) or 0) < RARE_WORD
    )


def _mask_chinese(text: str) -> str:
    jieba, frequencies, tags = _jieba()
    surnames = set(_data()["surnames_zh"])
    # A surname and one or two characters before an honorific is a name, however jieba would cut it ("客户王强先生").
    text = re.sub(rf"[{_data()['surnames_zh']}][\u4e00-\u9fff]{{1,2}}?(?={_HONORIFICS})", PLACEHOLDER_ZH, text)
    pieces: list[str] = []
    # Piece by piece: jieba's HMM costs the square of an unbroken run (text_pieces.py); a cut changes no word.
    for word in (word for _offset, piece in bounded_pieces(text) for word in jieba.cut(piece)):
        if _CJK.match(word) is None:
            pieces.append(word)
            continue
        tail = ""
        if len(word) == 3 and word[-1] in _AFTER_NAME and not frequencies.get(word):
            word, tail = word[:2], word[-1]
        glued = len(word) == 1 and bool(pieces) and len(pieces[-1]) > 1 and pieces[-1][-1] in surnames
        # jieba's dictionary tags many common words as names (顾客, 谢谢, 安静): only a rare one of a surname and a
        # given-name character counts (李娜), or the given name after a glued surname.
        known_name = tags.get(word) in NAME_TAGS and (glued or _dictionary_name(word, frequencies, surnames))
        # A word jieba found by itself (not in its dictionary) that opens with a surname: a name it did not know.
        unknown_name = 2 <= len(word) <= 3 and word[0] in surnames and not frequencies.get(word)
        if known_name or unknown_name:
            # jieba may have glued the surname onto the word before ("客户王" + "芳"): give it to the name.
            if glued:
                pieces[-1] = pieces[-1][:-1]
            if pieces and pieces[-1] == PLACEHOLDER_ZH:
                pieces.append(tail)
                continue
            pieces.append(PLACEHOLDER_ZH + tail)
        else:
            pieces.append(word + tail)
    text = "".join(pieces)
    return _patterns()["zh"].sub(lambda m: _data()["gendered_zh"][m.group(0)], text)


def mask(text: str, language: str | None = None) -> str:
    """The text with names and gendered words masked; the same text for both sides of a name or gender swap.
    Without `language`, text is Chinese when it has more Chinese words (about two characters each) than Latin ones."""
    if language is None:
        cjk_words = len(_CJK.findall(text)) / 2
        language = "zh" if cjk_words and cjk_words >= len(re.findall(r"[A-Za-z]+", text)) else "en"
    if language == "zh":
        # Chinese text (English names in it are masked by the English rules too).
        return _mask_english(_mask_chinese(text), PLACEHOLDER_ZH)
    # English text: a run of Chinese characters in it is a name written in Chinese.
    return _mask_english(_CJK_RUN.sub(PLACEHOLDER_EN, text))
