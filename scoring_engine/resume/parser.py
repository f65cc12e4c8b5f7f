"""parse_resume(): bytes in, a Resume out."""

import logging

from scoring_engine.resume import sections as section_names
from scoring_engine.resume.chinese import detect_language, has_cjk
from scoring_engine.resume.contacts import find_emails, find_links, find_phones
from scoring_engine.resume.degrees import find_degree
from scoring_engine.resume.education import find_school, parse_education
from scoring_engine.resume.entities import default_tagger
from scoring_engine.resume.experience import (
    headline_entry,
    parse_experience,
    total_years,
    undated_entry,
)
from scoring_engine.resume.extraction import extract_text
from scoring_engine.resume.limits import ParseLimits
from scoring_engine.resume.model import Resume
from scoring_engine.resume.names import HEADER_LINES, find_name
from scoring_engine.resume.sections import lines_of, split_sections
from scoring_engine.resume.skills import find_certificates, find_skills

logger = logging.getLogger(__name__)
_DEFAULTS = ParseLimits()


def parse_resume(
    data: bytes,
    filename: str | None = None,
    *,
    max_bytes: int = _DEFAULTS.max_bytes,
    max_pages: int = _DEFAULTS.max_pages,
    max_chars: int = _DEFAULTS.max_chars,
    timeout_seconds: float = _DEFAULTS.timeout_seconds,
    max_uncompressed_bytes: int = _DEFAULTS.max_uncompressed_bytes,
) -> Resume:
    """Read a PDF, DOCX, text or image resume; raise a ResumeFileError subclass when the file can't be read."""
    limits = ParseLimits(max_bytes, max_pages, max_chars, timeout_seconds, max_uncompressed_bytes)
    return parse_resume_with_limits(data, filename, limits)


def parse_resume_with_limits(data: bytes, filename: str | None, limits: ParseLimits) -> Resume:
    """parse_resume() with every limit given as one ParseLimits (the PDF budgets included)."""
    extracted = extract_text(data, filename, limits)
    resume = parse_text(extracted.text)
    resume.file_type, resume.pages = extracted.file_type, extracted.pages
    resume.warnings = extracted.warnings + resume.warnings
    return resume


def parse_text(text: str) -> Resume:
    """The fields of a resume already turned into text."""
    language = detect_language(text)
    sections = split_sections(text)
    lines = text.split("\n")
    tagger = default_tagger() if language == "zh" else None
    header = lines_of(sections, section_names.HEADER) or lines
    name, _ = find_name(header, language, _entity_texts(tagger, header[:HEADER_LINES], "NAME"))
    education_lines = lines_of(sections, section_names.EDUCATION) or [
        line for line in lines if find_degree(line) or find_school(line)
    ]
    experience_lines = lines_of(sections, section_names.EXPERIENCE)
    strict = not experience_lines
    if strict:
        # No heading to trust: look everywhere but at schools and projects, and keep only recognised jobs.
        skip = {section_names.EDUCATION, section_names.PROJECTS}
        experience_lines = [line for section in sections if section.name not in skip for line in section.lines]
    entity_lookup = _piece_classifier(tagger) if tagger else None
    jobs = parse_experience(experience_lines, entity_lookup, strict=strict)
    experience = [job for job, _ in jobs]
    if not jobs and not strict:
        experience += filter(None, [undated_entry(experience_lines, entity_lookup)])
    headline = _headline(header, name)
    current = headline_entry(headline, entity_lookup) if headline else None
    if current and not any(_same_company(current.company, job.company) for job in experience):
        experience.insert(0, current)
    skills, other_skills = find_skills(
        text, lines_of(sections, section_names.SKILLS), lines_of(sections, section_names.SKILLS, source=True)
    )
    resume = Resume(
        name=name,
        phones=find_phones(text),
        emails=find_emails(text),
        links=find_links(text),
        education=parse_education(education_lines),
        experience=experience,
        total_years=total_years([period for _, period in jobs]),
        skills=skills,
        other_skills=other_skills,
        certificates=find_certificates(text, lines_of(sections, section_names.CERTIFICATES)),
        language=language,
        text_chars=len(text.strip()),
        text=text,
    )
    if language == "zh" and tagger is None:
        resume.warnings.append("Chinese entity model unavailable: fields found by rules only")
    return resume


def _headline(header: list[str], name: str | None) -> str | None:
    """The line right under the name, where many resumes state the current role."""
    lines = [line.strip() for line in header if line.strip()]
    if name and lines and name in lines[0] and len(lines) > 1:
        return lines[1]
    return None


def _same_company(first: str | None, second: str | None) -> bool:
    if not first or not second:
        return False
    first, second = first.lower(), second.lower()
    return first in second or second in first


# A name stands near the start of a header line: the model reads no further (a 200,000-character line took 10 s).
_TAGGED_CHARS = 200


def _entity_texts(tagger, lines: list[str], kind: str) -> list[str]:
    if tagger is None:
        return []
    return [
        entity.text
        for line in lines
        if has_cjk(line)
        for entity in tagger.tag(line.strip()[:_TAGGED_CHARS])
        if entity.type == kind
    ]


def _piece_classifier(tagger):
    """'company' or 'title' for a Chinese field, by the entity the model sees covering most of it."""

    def classify(piece: str) -> str | None:
        covered = {"ORG": 0, "TITLE": 0}
        for entity in tagger.tag(piece):
            if entity.type in covered:
                covered[entity.type] += entity.end - entity.start
        kind, length = max(covered.items(), key=lambda item: item[1])
        if length * 2 < len(piece):
            return None
        return "company" if kind == "ORG" else "title"

    return classify
