"""Job recommendation: one resume against every job of a catalog, ranked, with the reasons for each job."""

from dataclasses import dataclass, field
from pathlib import Path

from scoring_engine.errors import InvalidInput
from scoring_engine.resume.job import JobProfile, load_job
from scoring_engine.resume.matching import (
    MATCHED,
    MISSING,
    PARTIAL,
    SCORED,
    Match,
    match,
)
from scoring_engine.resume.model import Resume


@dataclass
class Recommendation:
    """One job of the catalog, where it ranks for the resume, and why."""

    rank: int
    job_code: str
    job_title: str
    family: str | None
    status: str
    score: int | None
    reasons: list[str] = field(default_factory=list)
    match: Match | None = None

    def to_dict(self) -> dict:
        return {
            "rank": self.rank,
            "job_code": self.job_code,
            "job_title": self.job_title,
            "family": self.family,
            "status": self.status,
            "score": self.score,
            "reasons": self.reasons,
            "match": self.match.to_dict() if self.match else None,
        }


def load_jobs(directory: str | Path) -> list[JobProfile]:
    """Every job profile (*.yaml, *.yml) in a folder, in file-name order; InvalidInput names a bad file."""
    folder = Path(directory)
    if not folder.is_dir():
        raise InvalidInput(f"{folder}: the job catalog folder does not exist")
    jobs = [load_job(path) for path in sorted(folder.iterdir()) if path.suffix in (".yaml", ".yml")]
    codes = [job.code for job in jobs]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise InvalidInput(f"{folder}: job code(s) used by more than one file: {', '.join(duplicates)}")
    return jobs


def recommend(resume: Resume, jobs: list[JobProfile], top: int | None = None) -> list[Recommendation]:
    """The jobs ranked for this resume: best score first, then more must-have skills met, then job code.

    A resume that cannot support a score gets every job with status "insufficient" and no rank order
    beyond the job code: no number is invented.
    """
    scored = []
    for job in jobs:
        result = match(resume, job)
        must = [item for item in result.requirements if item.kind == "must_have_skill"]
        coverage = sum(item.credit for item in must) / len(must) if must else 0.0
        scored.append((result, job, coverage))
    scored.sort(key=lambda entry: (entry[0].status != SCORED, -(entry[0].score or 0), -entry[2], entry[1].code))
    recommendations = [
        Recommendation(rank, job.code, job.title, job.family, result.status, result.score, _reasons(result), result)
        for rank, (result, job, _) in enumerate(scored, start=1)
    ]
    return recommendations[:top] if top else recommendations


def _reasons(result: Match) -> list[str]:
    """Plain sentences for HR: what the resume meets, what is close, what is missing."""
    if result.status != SCORED:
        return list(result.reasons)
    groups: dict[str, dict[str, list[str]]] = {}
    for item in result.requirements:
        groups.setdefault(item.kind, {MATCHED: [], PARTIAL: [], MISSING: []})[item.status].append(item.requirement)
    reasons = []
    must = groups.get("must_have_skill")
    if must:
        total = sum(len(names) for names in must.values())
        if must[MATCHED]:
            reasons.append(f"has {len(must[MATCHED])} of {total} must-have skills: {', '.join(must[MATCHED])}")
        if must[PARTIAL]:
            reasons.append(f"related skills only for: {', '.join(must[PARTIAL])}")
        if must[MISSING]:
            reasons.append(f"missing must-have skills: {', '.join(must[MISSING])}")
    nice = groups.get("nice_to_have_skill")
    if nice and nice[MATCHED]:
        reasons.append(f"also has: {', '.join(nice[MATCHED])}")
    for item in result.requirements:
        if item.kind in ("degree", "years", "certificate"):
            reasons.append(f"{item.kind} {item.requirement}: {item.status} ({item.detail})")
    return reasons
