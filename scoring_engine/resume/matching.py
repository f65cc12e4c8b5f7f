"""match(): how well a resume fits a job, 0-100, with every requirement matched, partial or missing and its evidence."""

import re
from dataclasses import asdict, dataclass, field

from scoring_engine.resume.degrees import rank
from scoring_engine.resume.job import JobProfile
from scoring_engine.resume.model import Resume
from scoring_engine.resume.skills import line_around
from scoring_engine.resume.taxonomy import taxonomy

MATCHED, PARTIAL, MISSING = "matched", "partial", "missing"
SCORED, INSUFFICIENT = "scored", "insufficient"
# Credit for a partial: a related skill, a degree one level lower.
PARTIAL_CREDIT = 0.5
# Below this much text, or with nothing recognisable in it, a resume cannot support a score.
MIN_TEXT_CHARS = 80


@dataclass
class Requirement:
    """One thing the job asks for, how the resume meets it, and the resume text that shows it."""

    kind: str
    requirement: str
    status: str
    credit: float
    evidence: list[str] = field(default_factory=list)
    detail: str = ""


@dataclass
class Match:
    """The fit of one resume to one job; `score` is None when status is "insufficient"."""

    job_code: str
    status: str
    score: int | None
    requirements: list[Requirement] = field(default_factory=list)
    components: dict[str, dict] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def breakdown(self) -> dict[str, list[dict]]:
        """Requirements grouped as matched / partial / missing."""
        groups = {MATCHED: [], PARTIAL: [], MISSING: []}
        for requirement in self.requirements:
            groups[requirement.status].append(asdict(requirement))
        return groups

    def to_dict(self) -> dict:
        return {
            "job_code": self.job_code,
            "status": self.status,
            "score": self.score,
            "breakdown": self.breakdown(),
            "components": self.components,
            "reasons": self.reasons,
        }


def match(resume: Resume, job: JobProfile) -> Match:
    """Score the resume against the job; an empty or unreadable resume gets status "insufficient", not a number."""
    reasons = _insufficient(resume)
    if reasons:
        return Match(job.code, INSUFFICIENT, None, reasons=reasons)
    parts = {
        "must_have_skills": [_skill(resume, name, "must_have_skill") for name in job.must_have_skills],
        "nice_to_have_skills": [_skill(resume, name, "nice_to_have_skill") for name in job.nice_to_have_skills],
        "degree": [_degree(resume, job.min_degree)] if job.min_degree else [],
        "years": [_years(resume, job.min_years)] if job.min_years else [],
        "certificates": [_certificate(resume, name) for name in job.certificates],
    }
    components, weighted, total_weight = {}, 0.0, 0.0
    for part, requirements in parts.items():
        if not requirements:
            continue
        credit = sum(requirement.credit for requirement in requirements) / len(requirements)
        weight = float(job.weights.get(part, 0))
        components[part] = {"weight": weight, "credit": round(credit, 3)}
        weighted += weight * credit
        total_weight += weight
    requirements = [requirement for group in parts.values() for requirement in group]
    if total_weight == 0:
        return Match(
            job.code,
            INSUFFICIENT,
            None,
            requirements,
            components,
            ["the job profile asks for nothing that can be scored"],
        )
    score = round(100 * weighted / total_weight)
    missing_musts = [item.requirement for item in parts["must_have_skills"] if item.status == MISSING]
    reasons = [f"missing must-have skill: {name}" for name in missing_musts]
    return Match(job.code, SCORED, score, requirements, components, reasons)


def _insufficient(resume: Resume) -> list[str]:
    if resume.text_chars < MIN_TEXT_CHARS:
        return [f"the resume has {resume.text_chars} characters of text, too little to judge (need {MIN_TEXT_CHARS})"]
    if not (resume.skills or resume.education or resume.experience or resume.other_skills):
        return ["no skills, education or work experience could be read from the resume"]
    return []


def _skill(resume: Resume, name: str, kind: str) -> Requirement:
    found = {mention.name: mention for mention in resume.skills}
    if name in found:
        mention = found[name]
        return Requirement(kind, name, MATCHED, 1.0, [mention.evidence], f"named as {mention.surface!r}")
    if name not in taxonomy().skills.terms:
        evidence = _free_text(resume, name)
        if evidence:
            return Requirement(kind, name, MATCHED, 1.0, [evidence], "named in the resume")
    related = [found[other] for other in sorted(taxonomy().skills.related(name)) if other in found]
    if related:
        names = ", ".join(mention.name for mention in related)
        return Requirement(
            kind,
            name,
            PARTIAL,
            PARTIAL_CREDIT,
            [mention.evidence for mention in related],
            f"related skill(s) instead: {names}",
        )
    return Requirement(kind, name, MISSING, 0.0, [], "not found in the resume")


def _free_text(resume: Resume, name: str) -> str | None:
    """A skill the taxonomy does not know, searched for as written."""
    found = re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", resume.text, re.I)
    return line_around(resume.text, found.start(), found.end()) if found else None


def _degree(resume: Resume, minimum: str) -> Requirement:
    entries = sorted(resume.education, key=lambda entry: rank(entry.degree), reverse=True)
    best = entries[0] if entries and rank(entries[0].degree) else None
    requirement = f"{minimum} or higher"
    if best is None:
        return Requirement("degree", requirement, MISSING, 0.0, [], "no degree found in the resume")
    evidence = [best.evidence]
    if rank(best.degree) >= rank(minimum):
        return Requirement("degree", requirement, MATCHED, 1.0, evidence, f"highest degree: {best.degree}")
    if rank(best.degree) == rank(minimum) - 1:
        return Requirement(
            "degree", requirement, PARTIAL, PARTIAL_CREDIT, evidence, f"highest degree {best.degree} is one level below"
        )
    return Requirement("degree", requirement, MISSING, 0.0, evidence, f"highest degree: {best.degree}")


def _years(resume: Resume, minimum: float) -> Requirement:
    requirement = f"{minimum:g}+ years of experience"
    evidence = [job.evidence for job in resume.experience]
    if resume.total_years is None:
        return Requirement("years", requirement, MISSING, 0.0, [], "no dated work experience found")
    if resume.total_years >= minimum:
        return Requirement(
            "years", requirement, MATCHED, 1.0, evidence, f"{resume.total_years:g} years, overlaps counted once"
        )
    credit = resume.total_years / minimum
    status = PARTIAL if credit >= 0.5 else MISSING
    return Requirement(
        "years",
        requirement,
        status,
        round(credit, 3) if status == PARTIAL else 0.0,
        evidence,
        f"{resume.total_years:g} of {minimum:g} years",
    )


def _certificate(resume: Resume, name: str) -> Requirement:
    for mention in resume.certificates:
        if mention.name.lower() == name.lower():
            return Requirement("certificate", name, MATCHED, 1.0, [mention.evidence], f"named as {mention.surface!r}")
    evidence = _free_text(resume, name)
    if evidence:
        return Requirement("certificate", name, MATCHED, 1.0, [evidence], "named in the resume")
    return Requirement("certificate", name, MISSING, 0.0, [], "not found in the resume")
