"""The language cues (stopwords, STAR cues, specificity cues) shipped in lexicon.yaml, loaded once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import safeyaml

STAR_PARTS = ("situation", "task", "action", "result")


@dataclass(frozen=True)
class CueList:
    """Cues in both languages, compiled into one matcher per language."""

    english: re.Pattern
    chinese: re.Pattern

    def find(self, text: str) -> list[re.Match]:
        """Every non-overlapping cue in the text, English and Chinese."""
        return list(self.english.finditer(text)) + list(self.chinese.finditer(text))


@dataclass(frozen=True)
class Lexicon:
    """Stopwords and cue lists for Chinese and English."""

    stopwords: frozenset[str]
    star: dict[str, CueList]
    first_person: frozenset[str]
    action_verbs: frozenset[str]
    number_words: CueList
    star_hints: dict[str, dict[str, str]]
    injection: tuple[re.Pattern, ...]
    negative_behaviour: dict[str, CueList]
    behaviour_guards: CueList
    others_failed: tuple[re.Pattern, ...]
    blame_shifted: CueList  # read only where the answer tells the candidate's own mistake
    ownership: CueList
    domains: dict[str, dict[str, frozenset[str]]]
    common_verbs: frozenset[str]


def _compile(cues: dict[str, list[str]], patterns: dict[str, list[str]] | None = None) -> CueList:
    """Phrases (escaped, English ones on word boundaries), and regular expressions taken as written."""
    english = sorted(cues.get("en", []), key=len, reverse=True)
    chinese = sorted(cues.get("zh", []), key=len, reverse=True)
    english_parts = [r"\b(?:" + "|".join(re.escape(cue) for cue in english) + r")\b"] if english else []
    chinese_parts = ["|".join(re.escape(cue) for cue in chinese)] if chinese else []
    english_parts += [f"(?:{pattern})" for pattern in (patterns or {}).get("en", [])]
    chinese_parts += [f"(?:{pattern})" for pattern in (patterns or {}).get("zh", [])]
    english_pattern = "|".join(english_parts) or r"(?!)"
    chinese_pattern = "|".join(chinese_parts) or r"(?!)"
    return CueList(re.compile(english_pattern, re.IGNORECASE), re.compile(chinese_pattern))


_PLACEHOLDER = re.compile(r"\{([^\d{},\s][^{},\s]*)\}")  # {他}, {their}; not a quantifier such as {0,6}


def _expand(cue: str, forms: dict[str, list[str]]) -> list[str]:
    """A cue with {placeholders} as one cue per form of each (negative_behaviour.others in lexicon.yaml)."""
    found = _PLACEHOLDER.search(cue)
    if not found:
        return [cue]
    if found.group(1) not in forms:
        raise ValueError(f"lexicon.yaml: unknown placeholder {found.group(0)} in {cue!r}; known: {sorted(forms)}")
    return [
        expanded
        for form in forms[found.group(1)]
        for expanded in _expand(cue[: found.start()] + form + cue[found.end() :], forms)
    ]


def _expand_pattern(pattern: str, forms: dict[str, list[str]]) -> str:
    """A regular expression with {placeholders}: each becomes an alternation of its forms, longest first."""

    def alternation(found: re.Match) -> str:
        if found.group(1) not in forms:
            raise ValueError(f"lexicon.yaml: unknown placeholder {found.group(0)} in {pattern!r}")
        return "(?:" + "|".join(re.escape(form) for form in sorted(forms[found.group(1)], key=len, reverse=True)) + ")"

    return _PLACEHOLDER.sub(alternation, pattern)


def _with_others(cues: dict[str, list[str]], others: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    return {
        language: [expanded for cue in items for expanded in _expand(cue, others.get(language, {}))]
        for language, items in cues.items()
    }


def _patterns(data: dict, kind: str, others: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    """negative_behaviour.patterns.<kind> per language, {placeholders} expanded."""
    found = data["negative_behaviour"].get("patterns", {}).get(kind, {})
    return {
        language: [_expand_pattern(pattern, others.get(language, {})) for pattern in patterns]
        for language, patterns in found.items()
    }


def _check_strings(node, pointer: str) -> None:
    """Every cue must be text: unquoted YAML words such as on/off/yes/no silently become booleans."""
    if isinstance(node, dict):
        for key, value in node.items():
            _check_strings(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_strings(value, f"{pointer}/{index}")
    elif not isinstance(node, str):
        raise ValueError(f"{pointer}: expected a string, got {node!r} (quote it in the YAML)")


@cache
def lexicon() -> Lexicon:
    """The shipped lexicon (read on first use)."""
    from scoring_engine.interview.text import _stem

    data = safeyaml.safe_load(resources.files(__package__).joinpath("lexicon.yaml").read_text(encoding="utf-8"))
    _check_strings(data, "lexicon.yaml")
    stopwords = frozenset(data["stopwords"]["en"]) | frozenset(data["stopwords"]["zh"])
    others = data["negative_behaviour"].get("others", {})
    return Lexicon(
        stopwords=stopwords,
        star={part: _compile(data["star"][part]) for part in STAR_PARTS},
        first_person=frozenset(data["first_person"]["en"]) | frozenset(data["first_person"]["zh"]),
        action_verbs=frozenset(_stem(verb) for verb in data["action_verbs"]["en"])
        | frozenset(data["action_verbs"]["zh"]),
        number_words=_compile(data["number_words"]),
        star_hints=data["star_hints"],
        injection=tuple(
            re.compile(pattern, re.IGNORECASE) for language in ("en", "zh") for pattern in data["injection"][language]
        ),
        negative_behaviour={
            kind: _compile(_with_others(cues, others), _patterns(data, kind, others))
            for kind, cues in data["negative_behaviour"].items()
            if kind in ("blame", "concealment")
        },
        blame_shifted=_compile({}, _patterns(data, "shifted", others)),
        others_failed=tuple(
            re.compile(_expand_pattern(pattern, others.get(language, {})), re.IGNORECASE)
            for language in ("en", "zh")
            for pattern in data["negative_behaviour"]["others_failed"][language]
        ),
        ownership=_compile(data["negative_behaviour"]["ownership"]),
        behaviour_guards=_compile(data["negative_behaviour"]["guards"]),
        common_verbs=frozenset(data["common_verbs"]["en"]),
        domains={
            name: {"en": frozenset(_stem(word) for word in words["en"]), "zh": frozenset(words["zh"])}
            for name, words in data["domains"].items()
        },
    )
