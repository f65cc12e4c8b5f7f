"""Skills and certificates: taxonomy terms anywhere in the resume, plus what skills sections list."""

import bisect
import re

from scoring_engine.resume.dates import DATE_RANGE
from scoring_engine.resume.model import CertificateMention, SkillMention
from scoring_engine.resume.pieces import strip_bullet
from scoring_engine.resume.sections import heading_of
from scoring_engine.resume.skill_context import is_claimed
from scoring_engine.resume.taxonomy import TermMatcher, taxonomy

_LIST_LINE = re.compile(r"[,，、;；|/]|^\s*[•●▪■◆\-*·]")
_QUALIFIER = re.compile(r"\([^)]*\)|（[^）]*）")
_ITEM_SEPARATORS = re.compile(r"[,，、;；|•●▪■◆·]+|\s{2,}")
_LABEL = re.compile(r"^[^:：]{1,40}[:：]\s*|^[^-–]{1,30}\s[-–]\s")
_NOT_AN_ITEM = re.compile(r"https?:|www\.|\.com\b|@")
# A piece of a sentence cut at its commas, not a name: it starts or ends on a word that joins it to the rest
# ("and uninstalling", "monitoring daily backup status and", "to project needs", "is the process of identifying").
_FRAGMENT = re.compile(
    r"^(?:and|or|nor|but|to|of|in|on|at|by|for|with|from|into|is|are|was|were|when|which|that|the)\b"
    r"|\b(?:and|or|nor|but|to|of|in|on|at|by|for|with|from|into|the|a|an|is|are)$",
    re.IGNORECASE,
)
# A list's category written without a colon at the start of its first item ("Tools Selenium, JMeter").
_CATEGORY = re.compile(
    r"^(?:(?:programming|scripting|query|web|markup)\s+)?languages?\s+(?=\S)|^(?:web\s+)?technolog(?:y|ies)\s+(?=\S)"
    r"|^(?:operating\s+systems?|(?:software\s+)?tools(?:\s+and\s+utilities)?|frameworks?|rdbms|databases?"
    r"|methodologies|ides?|platforms?|(?:application|web)\s+servers?)\s+(?=\S)",
    re.IGNORECASE,
)
MAX_ITEM_WORDS = 5
MAX_ITEM_CHARS = 40


def line_around(text: str, start: int, end: int) -> str:
    """The whole line holding text[start:end], trimmed; the evidence quoted back to HR."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start : line_end if line_end != -1 else len(text)].strip()


class _Lines:
    """line_around() for many hits in one text: line starts found once, each line's verdicts kept.

    Searching (or copying, or hashing) the line again for every hit is quadratic on one long line holding
    thousands of skill names: the same line object is handed out again, so its hash is computed once.
    """

    def __init__(self, text: str):
        self._text = text
        self._starts = [0, *(found.end() for found in re.finditer("\n", text))]
        self._lines: dict[tuple[int, int], str] = {}
        self._list_line: dict[int, bool] = {}

    def around(self, start: int, end: int) -> str:
        span = (bisect.bisect_right(self._starts, start) - 1, bisect.bisect_right(self._starts, end) - 1)
        if span not in self._lines:
            first, last = span
            line_end = self._starts[last + 1] - 1 if last + 1 < len(self._starts) else len(self._text)
            self._lines[span] = self._text[self._starts[first] : line_end].strip()
        return self._lines[span]

    def is_list_line(self, line: str) -> bool:
        if id(line) not in self._list_line:
            self._list_line[id(line)] = _LIST_LINE.search(line) is not None
        return self._list_line[id(line)]


def find_skills(
    text: str, skills_lines: list[str], skills_source_lines: list[str]
) -> tuple[list[SkillMention], list[str]]:
    """(taxonomy skills with the text that named them, other items listed under a skills heading).

    `skills_lines` are the skills sections' lines without inline headings, `skills_source_lines` as in the text.
    A skill is `listed` when a skills list names it as an item of its own: "Oracle" inside the item
    "Oracle PL/SQL" is mentioned, not listed (the item is kept whole in the other list).
    """
    matcher = taxonomy().skills
    in_skills_section = {line.strip() for line in skills_source_lines}
    listed_names, other_items = _listed_items(skills_lines, matcher)
    mentions: dict[str, SkillMention] = {}
    lines = _Lines(text)
    for hit in matcher.find(text):
        line = lines.around(hit.start, hit.end)
        listed = hit.name in listed_names and line in in_skills_section
        if not listed and not is_claimed(matcher.terms.get(hit.name), text, hit.start, hit.end):
            continue  # "I have no Java experience", "in spring 2021", "reading Franz Kafka"
        if hit.strict and not listed and not lines.is_list_line(line):
            continue  # "C" or "R" outside a list is a letter, not a language
        known = mentions.get(hit.name)
        if known is None or (listed and not known.listed):
            mentions[hit.name] = SkillMention(hit.name, hit.surface, line, listed)
    return list(mentions.values()), other_items


def _listed_items(lines: list[str], matcher: TermMatcher) -> tuple[set[str], list[str]]:
    """(canonical names listed as items, other items as written) of the skills lists.

    Items are split on commas, bullets and line breaks, qualifiers like "(2 years)" and labels like
    "Languages:" dropped. An item too long to be a name (a phrase under the heading) contributes the
    taxonomy terms inside it instead.
    """
    # Qualifiers can wrap onto the next line: "Procurement (Less than 1\nyear)".
    text = _QUALIFIER.sub(" ", "\n".join(lines))
    names, items = set(), []
    for line in text.split("\n"):
        if _NOT_AN_ITEM.search(line) or DATE_RANGE.search(line) or _is_prose(line):
            continue  # links, dated lines and sentences under the heading are not list items
        line = _LABEL.sub("", strip_bullet(line))
        for item in _ITEM_SEPARATORS.split(line):
            item = item.strip(" .:：-–")
            if not re.search(r"[A-Za-z\u4e00-\u9fff]", item) or heading_of(item):
                continue
            canonical = matcher.lookup(item)
            if canonical is None and _CATEGORY.match(item):
                # "Frameworks Spring", "Operating Systems Windows 10": the category without its colon.
                item = _CATEGORY.sub("", item, count=1).strip(" .:：-–")
                canonical = matcher.lookup(item)
            if canonical:
                names.add(canonical)
            elif len(item.split()) > MAX_ITEM_WORDS or len(item) > MAX_ITEM_CHARS:
                names.update(hit.name for hit in matcher.find(item))
            elif not _FRAGMENT.search(item):
                items.append(item)
    return names, list(dict.fromkeys(items))


def _is_prose(line: str) -> bool:
    words = line.split()
    return len(words) > 12 and len(_LIST_LINE.findall(line)) < len(words) / 6


def find_certificates(text: str, certificate_lines: list[str]) -> list[CertificateMention]:
    """Known certificates anywhere, plus each line of a certificates section as written."""
    matcher = taxonomy().certificates
    found: dict[str, CertificateMention] = {}
    lines = _Lines(text)
    for hit in matcher.find(text):
        if hit.name not in found:
            found[hit.name] = CertificateMention(hit.name, hit.surface, lines.around(hit.start, hit.end))
    known_lines = {mention.evidence for mention in found.values()}
    for line in certificate_lines:
        item = strip_bullet(line).strip()
        if item and item not in known_lines and len(item) <= 80:
            found.setdefault(item, CertificateMention(item, item, item))
    return list(found.values())
