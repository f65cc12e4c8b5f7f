"""Degrees named in Chinese or English, normalised to one scale so they compare across languages."""

import re
from collections.abc import Iterable

# Normalised degree names, lowest to highest.
DEGREE_LEVELS = ("secondary", "associate", "bachelor", "master", "doctorate")

# Left edge of an English degree token: not inside a word (so "BS" in "JOBS" is not a degree).
_L = r"(?<![A-Za-z])"
_R = r"(?![A-Za-z])"
# Abbreviations are matched case-sensitively (no re.I): "MS" is a degree, "ms" is not.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("doctorate", re.compile(r"博士|" + _L + r"(ph\.?\s?d|d\.?phil|doctor\s+of|doctorate|ed\.?d)" + _R, re.I)),
    (
        "master",
        re.compile(
            r"硕士|研究生|"
            + _L
            + r"(masters?|m\.?\s?tech|m\.?\s?sc|m\.?\s?eng|m\.?\s?com|m\.?\s?phil|post[\s-]?graduat\w*|pgdm|pgdba)"
            + _R,
            re.I,
        ),
    ),
    ("master", re.compile(_L + r"(E?MBA|MPA|MCA|MSW|LLM|M\.S\.?|MS|M\.A\.?|MA|M\.E\.?|ME|MFA|MPH)" + _R)),
    (
        "bachelor",
        re.compile(
            r"本科|学士|"
            + _L
            + r"(bachelors?|b\.?\s?tech|b\.?\s?sc|b\.?\s?eng|b\.?\s?com|under[\s-]?graduate|baccalaureate)"
            + _R,
            re.I,
        ),
    ),
    ("bachelor", re.compile(_L + r"(BBA|BBM|BCA|BMS|LLB|MBBS|B\.S\.?|BS|B\.A\.?|BA|B\.E\.?|BE|BFA|B\.Arch)" + _R)),
    (
        "associate",
        re.compile(r"大专|专科|高职|" + _L + r"(associate\s+(degree|of)|diploma|higher\s+national)" + _R, re.I),
    ),
    (
        "secondary",
        re.compile(
            r"高中|中专|职高|中技|"
            + _L
            + r"(high\s+school|higher\s+secondary|senior\s+secondary|secondary\s+school|intermediate|a[\s-]levels?)"
            + _R,
            re.I,
        ),
    ),
    ("secondary", re.compile(_L + r"(HSC|SSC|SSLC|HSLC|12th|10th|XII|CBSE|ICSE)" + _R)),
]


def find_degree(text: str) -> tuple[str, re.Match] | None:
    """The highest degree named in text, with its match; None if none is named."""
    best = None
    for level, pattern in _PATTERNS:
        found = pattern.search(text)
        if found and (best is None or rank(level) > rank(best[0])):
            best = (level, found)
    return best


def normalise_degree(text: str | None) -> str | None:
    """A degree as written ("硕士", "M.Sc.", "Bachelor of Arts") to its normalised name, or None."""
    if not text:
        return None
    if text.strip().lower() in DEGREE_LEVELS:
        return text.strip().lower()
    found = find_degree(text)
    return found[0] if found else None


def rank(level: str | None) -> int:
    """Position on the scale; 0 for unknown."""
    return DEGREE_LEVELS.index(level) + 1 if level in DEGREE_LEVELS else 0


def highest(levels: Iterable[str | None]) -> str | None:
    """The highest of the given normalised degrees."""
    known = [level for level in levels if rank(level)]
    return max(known, key=rank) if known else None
