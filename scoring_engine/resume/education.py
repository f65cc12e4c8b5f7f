"""Education entries: school, degree (normalised), major, graduation year, in Chinese and English."""

import re

from scoring_engine.resume.chinese import CJK
from scoring_engine.resume.dates import find_date_ranges, YEAR
from scoring_engine.resume.degrees import find_degree
from scoring_engine.resume.model import Education
from scoring_engine.resume.pieces import remove_dates, split_pieces, strip_bullet
from scoring_engine.resume.vocabulary import SCHOOL_EN, SCHOOL_ZH, SCHOOL_ZH_PREFIX

_MAJOR_LABEL = re.compile(
    r"(?:专\s*业|major|speciali[sz]ation|field of study)\s*[:：]\s*(?P<major>[^|,;，；\n]{2,40})", re.I
)
_MAJOR_AFTER_DEGREE = (
    re.compile(r"\bin\s+(?P<major>[A-Za-z&,.()' \-]{2,60})$", re.I),
    re.compile(r"^\s*of\s+(?P<major>[A-Za-z&,.()' \-]{2,60})$", re.I),
)
_QUALIFIER = re.compile(r"\((?:hons?|honours|honors)\.?\)", re.I)
# A degree named "of X" where X is the degree's own field, not a major: "Master of Business Administration".
_DEGREE_NAMES = re.compile(
    r"^(?:business administration|arts|science|sciences|engineering|technology|commerce|laws|philosophy)$", re.I
)
_MAX_LINE = 160


def parse_education(lines: list[str]) -> list[Education]:
    """Group education lines into entries: a new entry starts when a slot (school, degree, dates) repeats."""
    entries: list[Education] = []
    current: Education | None = None
    has_dates = False
    for raw in lines:
        line = strip_bullet(raw).strip()
        if not line or len(line) > _MAX_LINE:
            continue
        school = find_school(line)
        degree = find_degree(line)
        years = [int(year) for year in YEAR.findall(line)]
        if not (school or degree or years or (current and _major_of(line, None))):
            continue
        starts_new = (
            current is None or (school and current.school) or (degree and current.degree) or (years and has_dates)
        )
        if starts_new:
            if current is not None and (current.school or current.degree):
                entries.append(current)
            current, has_dates = Education(), False
        _fill(current, line, school, degree, years)
        has_dates = has_dates or bool(years)
    if current is not None and (current.school or current.degree):
        entries.append(current)
    return entries


def _fill(entry: Education, line: str, school, degree, years: list[int]) -> None:
    entry.evidence = (entry.evidence + "\n" + line).strip()
    if school and not entry.school:
        entry.school = school
    if degree and not entry.degree:
        level, found = degree
        entry.degree = level
        entry.degree_raw = _degree_text(line, found, school)
    if years:
        ranges = find_date_ranges(line)
        if ranges and ranges[-1].end is None:
            entry.graduation_year = None  # still studying
        else:
            entry.graduation_year = max(years)
    if not entry.major:
        entry.major = _major_of(line, entry)


def find_school(line: str) -> str | None:
    """The school named in a line, as written."""
    if CJK.search(line):
        found = SCHOOL_ZH.search(remove_dates(line))
        if found:
            return SCHOOL_ZH_PREFIX.sub("", found.group()).strip("()（）") or None
    for piece in split_pieces(line, weak=False, at=False):
        if SCHOOL_EN.search(piece) and not find_degree(piece):
            return piece
    for piece in split_pieces(line, at=False):
        if SCHOOL_EN.search(piece):
            return piece
    return None


def _degree_text(line: str, found: re.Match, school: str | None) -> str:
    if CJK.search(found.group()):
        return found.group()
    for piece in split_pieces(line):
        if found.group() in piece and piece != school:
            return piece
    return found.group()


def _major_of(line: str, entry: Education | None) -> str | None:
    labelled = _MAJOR_LABEL.search(line)
    if labelled:
        return labelled.group("major").strip()
    if entry is None or not entry.degree:
        return None
    if CJK.search(line):
        return _chinese_major(line, entry)
    if entry.degree_raw and entry.degree_raw in line:
        return _english_major(entry.degree_raw)
    return None


def _english_major(degree_raw: str) -> str | None:
    """ "B.Tech in Computer Science" / "MSc Physics" / "Bachelor of Arts" (no major) -> the field of study."""
    found = find_degree(degree_raw)
    rest = _QUALIFIER.sub(" ", degree_raw[found[1].end() :] if found else degree_raw).strip(" .,:-")
    for pattern in _MAJOR_AFTER_DEGREE:  # "in X" names the major more surely than "of X"
        after = pattern.search(" " + rest)
        if after and not _DEGREE_NAMES.match(after.group("major").strip()):
            return after.group("major").strip(" .,")
    if rest and not re.match(r"(?i)(of|in)\b", rest) and len(rest.split()) <= 5 and not _DEGREE_NAMES.match(rest):
        return rest
    return None


def _chinese_major(line: str, entry: Education) -> str | None:
    """In "北京大学 计算机科学与技术 本科" the major is the field that is neither school nor degree."""
    for piece in split_pieces(line):
        if entry.school and entry.school in piece:
            continue
        if find_degree(piece) or not CJK.search(piece) or len(piece) > 20:
            continue
        return piece.removesuffix("专业") or None
    return None
