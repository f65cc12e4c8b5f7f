"""The candidate's name: a labelled "Name:"/"姓名" field, else the first line that reads as a person's name."""

import re

from scoring_engine.resume.chinese import CJK
from scoring_engine.resume.labels import LABEL_AFTER_VALUE, is_field_label
from scoring_engine.resume.vocabulary import TITLE_WORDS_EN

# The label opens the line or a cell: "Company Name: Acme" names a company, not the candidate.
# A cell gap is a whole run of spaces (two or more, or holding a tab), taken from where the run starts and never
# given back: "\s{2,}\s*" split each run every possible way, from each of its characters (cubic on a long run).
_LABELLED = re.compile(
    r"(?:^\s*+|[|｜]\s*+|(?<!\s)(?=\s\s|\s*+\t)\s++)(?:姓\s*名|name|full name|candidate name)\s*[:：|]\s*(?P<name>[^|,;:：\n]{2,40})",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*(?:[|｜•·,;/]|\s{3,}|\t)\s*")
_NOT_NAMES = re.compile(
    r"resume|curriculum|vitae|\bcv\b|profile|summary|objective|contact|address|phone|mobile|email|e-mail|"
    r"personal|details|information|简历|履历|个人|求职|应聘|电话|手机|邮箱|地址|基本信息",
    re.IGNORECASE,
)
_LATIN_NAME_TOKEN = re.compile(r"^(?:[A-Z][a-zA-Z'’\-]*\.?|[A-Z]\.)$")
_CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff](?:\s?[\u4e00-\u9fff·]){1,3}$")
HEADER_LINES = 8


def find_name(lines: list[str], language: str, entity_names: list[str] | None = None) -> tuple[str | None, str]:
    """(name, the line it came from); the header lines and any NAME entities the model found."""
    for line in lines[: HEADER_LINES * 2]:
        labelled = _LABELLED.search(line)
        if labelled:
            name = _clean(labelled.group("name"))
            if name:
                return name, line
    candidates = [line for line in lines if line.strip()][:HEADER_LINES]
    for line in candidates:
        for piece in _SEPARATORS.split(line.strip()):
            if _NOT_NAMES.search(piece) or is_field_label(piece):
                continue  # "姓名" alone in a cell is the label, never the name
            if language == "zh" and _CHINESE_NAME.match(LABEL_AFTER_VALUE.sub("", piece)):
                return LABEL_AFTER_VALUE.sub("", piece).replace(" ", ""), line
            if _looks_like_latin_name(piece):
                return piece, line
            break  # only the first piece of a line ("Jane Doe | Engineer") can be the name
    if entity_names:
        return entity_names[0], entity_names[0]
    return None, ""


def _looks_like_latin_name(piece: str) -> bool:
    tokens = piece.split()
    if not 2 <= len(tokens) <= 4 or CJK.search(piece) or any(char.isdigit() for char in piece):
        return False
    if any(token.lower().strip(".") in TITLE_WORDS_EN for token in tokens):
        return False
    capitalised = all(_LATIN_NAME_TOKEN.match(token) for token in tokens)
    # Some people type their names in lower case; a short all-letter line at the top still reads as one.
    lower_but_plain = all(re.fullmatch(r"[a-z][a-z'\-]+", token) for token in tokens)
    return capitalised or lower_but_plain


def _clean(name: str) -> str | None:
    name = name.strip().strip("|:：,")
    if CJK.search(name):
        name = LABEL_AFTER_VALUE.sub("", name)  # "张丽华 性别：女" or "张丽华性别": the next label ends the name
        name = re.split(r"\s{2,}|\s(?=[^\u4e00-\u9fff·])", name)[0].replace(" ", "")
        return name if 2 <= len(name) <= 5 else None
    words = name.split()
    return " ".join(words[:4]) if words else None
