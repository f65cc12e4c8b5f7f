"""The result of scoring one answer, and the input checks every scoring mode shares."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from scoring_engine.errors import InvalidInput
from scoring_engine.interview.text import detect_language

LANGUAGES = ("zh", "en")
MAX_ANSWER_CHARS = 20000
QUOTE_CHARS = 160


@dataclass(frozen=True)
class AnswerScore:
    """The score of one answer and everything that explains it."""

    question_id: str | None
    language: str
    score: float
    level: int | None
    insufficient: bool
    confidence: float
    flags: list[str]
    star: dict[str, str]
    missing_star: list[str]
    evidence: list[str]
    components: dict[str, float]
    grade: float | None = None
    mode: str = "anchors"
    # Observations that do not make the answer insufficient: language_mismatch, keyword_padding, negative_behaviour.
    signals: list[str] = field(default_factory=list)
    declared_language: str | None = None

    def to_dict(self) -> dict:
        """JSON-able form."""
        return asdict(self)


def level_for(score: float) -> int:
    """BARS level 1-5 for a 0-100 score, in bands of 20."""
    return min(5, int(score // 20) + 1)


def check_language(answer: str, language: str | None, pointer: str) -> str:
    """The declared language, checked, or the detected one when none is declared."""
    if language is None:
        return detect_language(answer)
    if language not in LANGUAGES:
        raise InvalidInput(f"{pointer}: expected 'zh', 'en' or null, got {language!r}", pointer=pointer)
    return language


def check_text(value, pointer: str) -> str:
    """A string of at most MAX_ANSWER_CHARS, or InvalidInput naming the pointer."""
    if not isinstance(value, str):
        raise InvalidInput(f"{pointer}: expected a string, got {type(value).__name__}", pointer=pointer)
    if len(value) > MAX_ANSWER_CHARS:
        raise InvalidInput(
            f"{pointer}: expected at most {MAX_ANSWER_CHARS} characters, got {len(value)}", pointer=pointer
        )
    return value


def quote(sentence: str) -> str:
    """The sentence, shortened with an ellipsis past QUOTE_CHARS."""
    return sentence if len(sentence) <= QUOTE_CHARS else sentence[: QUOTE_CHARS - 1] + "…"


def rounded(value: float, digits: int = 4) -> float:
    """A plain float rounded for stable, readable output."""
    return round(float(value), digits)
