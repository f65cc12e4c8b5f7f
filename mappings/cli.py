"""Click commands `policies` and `mappings`; the hub CLI registers these groups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .errors import InputError, MappingError, PolicyError
from .policy import load_policy
from .policy_outcome import PolicyOutcome
from .sample import sample_document
from .target_mapping import list_presets, load_mapping


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise click.ClickException(f"{path}: cannot read the {what} ({error.strerror})") from error
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{path}:{error.lineno}: the {what} is not valid JSON ({error.msg})") from error


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _name_text(name: Any) -> str:
    return " / ".join(name.values()) if isinstance(name, dict) else str(name)


def _echo_outcome(outcome: PolicyOutcome) -> None:
    click.echo(f"policy {outcome.policy_name}@{outcome.policy_version}")
    click.echo("fired:")
    for output in outcome.fired or []:
        click.echo(f"  {output.rule} -> {output.output}  ({output.reason})")
    if not outcome.fired:
        click.echo("  (none)")
    for title, skips in (("not fired", outcome.not_fired), ("undetermined (data missing)", outcome.undetermined)):
        if skips:
            click.echo(f"{title}:")
            for skip in skips:
                click.echo(f"  {skip.rule}  ({skip.reason})")
    click.echo(f"plan {outcome.plan['period']}:")
    for goal in outcome.plan["goals"]:
        click.echo(
            f"  {goal['key']}: {_name_text(goal['name'])}  target {goal['target']}{goal['unit']}  "
            f"weight {goal['weight']}  period {goal['period']}"
        )
    if not outcome.plan["goals"]:
        click.echo("  (no goals)")
    click.echo("attendance:")
    for field_name, value in outcome.attendance.items():
        if field_name != "rationale":
            click.echo(f"  {field_name}: {json.dumps(value, ensure_ascii=False)}")


@click.group("policies")
def policies_group() -> None:
    """Check and try out HR policies (profile -> performance plan and attendance rule)."""


@policies_group.command("test")
@click.argument("policy")
@click.option(
    "--profile",
    "profile_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help='Profile JSON, or {"profile": ..., "context": ...}.',
)
@click.option(
    "--context",
    "context_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Context JSON (job_code, job_family, start_date, preferences).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def test_policy(policy: str, profile_file: Path, context_file: Path | None, as_json: bool) -> None:
    """Evaluate POLICY (a path or a shipped name like "default") for a profile; show which rules fired."""
    data = _read_json(profile_file, "profile")
    profile, context = (data.get("profile"), data.get("context") or {}) if "profile" in data else (data, {})
    if context_file:
        context = _read_json(context_file, "context")
    try:
        outcome = load_policy(policy).evaluate(profile, context)
    except (PolicyError, InputError) as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        _echo_json(outcome.to_dict())
    else:
        _echo_outcome(outcome)


@policies_group.command("validate")
@click.argument("policy")
def validate_policy(policy: str) -> None:
    """Validate POLICY against the policy schema and its own references."""
    try:
        loaded = load_policy(policy)
    except PolicyError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{loaded.file}: policy {loaded.reference} is valid ({len(loaded.rules)} rules)")


@click.group("mappings")
def mappings_group() -> None:
    """List and try out target mappings (canonical document -> target payload)."""


@mappings_group.command("list")
def list_mappings() -> None:
    """List the shipped mapping presets."""
    for name in list_presets():
        mapping = load_mapping(name)
        click.echo(f"{name:<26} {mapping.kind:<5} {','.join(mapping.events):<32} {mapping.description}")


@mappings_group.command("render")
@click.argument("mapping")
@click.option(
    "--document", "document_file", type=click.Path(path_type=Path, dir_okay=False), help="Canonical document JSON."
)
@click.option(
    "--sample",
    type=click.Choice(["candidate.hired", "result.scored"]),
    help="Use the shipped sample document for this event instead of --document.",
)
def render_mapping(mapping: str, document_file: Path | None, sample: str | None) -> None:
    """Render MAPPING (a path or a preset name) for a canonical document and print the payloads as JSON."""
    if (document_file is None) == (sample is None):
        raise click.UsageError("give exactly one of --document FILE or --sample EVENT")
    document = sample_document(sample) if sample else _read_json(document_file, "document")  # type: ignore[arg-type]
    try:
        payloads = load_mapping(mapping).render(document)
    except MappingError as error:
        raise click.ClickException(str(error)) from error
    _echo_json(payloads)
