"""`hris-hub score resume FILE [--job JOB.yaml] [--recommend [--jobs DIR]] [--json]`: parse, match, recommend jobs."""

import json
import sys
from pathlib import Path

import click

from scoring_engine.errors import InvalidInput, ScoringError

# Exit code for input the command cannot use (unreadable resume, invalid job profile), as click uses for usage errors.
EXIT_BAD_INPUT = 2


@click.command("resume")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--job",
    "job_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Job profile YAML to match the resume against.",
)
@click.option("--recommend", is_flag=True, help="Rank every job of the catalog for this resume, with reasons.")
@click.option(
    "--jobs",
    "jobs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="HUB_JOBS_DIR",
    help="Job catalog folder of job profile YAML files (default: $HUB_JOBS_DIR).",
)
@click.option("--top", type=click.IntRange(min=1), default=None, help="With --recommend, show only the best N jobs.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def resume_command(
    file: Path, job_file: Path | None, recommend: bool, jobs_dir: Path | None, top: int | None, as_json: bool
):
    """Parse a resume (PDF, DOCX, text, image) and show its fields; with --job, how well it fits one job;
    with --recommend, the whole job catalog ranked for it."""
    from scoring_engine.resume import load_job, load_jobs, match, parse_resume
    from scoring_engine.resume import recommend as rank_jobs

    try:
        job = load_job(job_file) if job_file else None
        if recommend and jobs_dir is None:
            raise InvalidInput("--recommend needs a job catalog: pass --jobs DIR or set HUB_JOBS_DIR")
        catalog = load_jobs(jobs_dir) if recommend else None
        data = _read(file)
        resume = parse_resume(data, file.name)
    except ScoringError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    result = match(resume, job) if job else None
    ranked = rank_jobs(resume, catalog, top) if catalog is not None else None
    if as_json:
        document = {"resume": resume.to_dict(), "match": result.to_dict() if result else None}
        if ranked is not None:
            document["recommendations"] = [item.to_dict() for item in ranked]
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    click.echo(format_resume(resume, file.name))
    if result is not None:
        click.echo("")
        click.echo(format_match(result, job.title))
    if ranked is not None:
        click.echo("")
        click.echo(format_recommendations(ranked, len(catalog)))


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise ScoringError(f"{file}: cannot read the file ({error.strerror})", code="resume-unreadable") from error


def format_resume(resume, filename: str) -> str:
    """The parsed fields as text for a person."""
    pages = f", {resume.pages} page(s)" if resume.pages else ""
    lines = [
        f"{filename}: {resume.file_type}{pages}, {resume.text_chars} characters, language {resume.language}",
        f"Name:         {resume.name or '-'}",
        f"Phones:       {', '.join(resume.phones) or '-'}",
        f"Emails:       {', '.join(resume.emails) or '-'}",
        f"Links:        {', '.join(resume.links) or '-'}",
        "Education:" + ("" if resume.education else "    -"),
    ]
    for entry in resume.education:
        degree = f"{entry.degree} ({entry.degree_raw})" if entry.degree else "-"
        lines.append(f"  - {entry.school or '-'} | {degree} | {entry.major or '-'} | {entry.graduation_year or '-'}")
    total = f" (total {resume.total_years:g} years, overlaps counted once)" if resume.total_years is not None else ""
    lines.append("Experience:" + total + ("" if resume.experience else "   -"))
    for job in resume.experience:
        period = f"{job.start or '?'} - {job.end or 'present'}" if job.start else "undated"
        lines.append(f"  - {period}: {job.title or '-'} at {job.company or '-'}")
    lines.append("Skills:       " + (", ".join(_named(skill) for skill in resume.skills) or "-"))
    if resume.other_skills:
        lines.append("Also listed:  " + ", ".join(resume.other_skills))
    lines.append("Certificates: " + (", ".join(_named(item) for item in resume.certificates) or "-"))
    for warning in resume.warnings:
        lines.append(f"Warning:      {warning}")
    return "\n".join(lines)


def format_match(result, job_title: str) -> str:
    """The match as text: the score or why there is none, then each requirement with its evidence."""
    if result.score is None:
        lines = [f"Match with {result.job_code} ({job_title}): insufficient data, no score"]
        return "\n".join(lines + [f"  - {reason}" for reason in result.reasons])
    lines = [f"Match with {result.job_code} ({job_title}): {result.score}/100"]
    for status, items in result.breakdown().items():
        if not items:
            continue
        lines.append(f"  {status}:")
        for item in items:
            lines.append(f"    - {item['kind']}: {item['requirement']} ({item['detail']})")
            for quote in item["evidence"][:2]:
                lines.append(f'        "{_one_line(quote)}"')
    return "\n".join(lines)


def format_recommendations(ranked, catalog_size: int) -> str:
    """The ranked jobs as text: rank, score, job, then the reasons for each."""
    if not ranked:
        return "Recommended jobs: the job catalog is empty"
    lines = [f"Recommended jobs ({len(ranked)} of {catalog_size}):"]
    for item in ranked:
        score = f"{item.score}/100" if item.score is not None else "insufficient data"
        lines.append(f"  {item.rank}. {item.job_code} {item.job_title}: {score}")
        lines.extend(f"       - {reason}" for reason in item.reasons)
    return "\n".join(lines)


def _named(item) -> str:
    return item.name if item.surface.lower() == item.name.lower() else f"{item.name} ({item.surface})"


def _one_line(text: str, limit: int = 100) -> str:
    text = " / ".join(part.strip() for part in text.splitlines() if part.strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"
