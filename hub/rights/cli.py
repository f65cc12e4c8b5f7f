"""`hris-hub notices ...`, `hris-hub reviews ...`, `hris-hub candidates export` and `hris-hub compliance ...`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from hub.clitools import CLI_ACTOR
from hub.clitools import state as hub_state
from hub.storage.db import transaction


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@click.group("notices")
def notices_group():
    """Notices to candidates: shipped and HUB_NOTICES_DIR, by id, version, language and jurisdiction."""


@notices_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def notices_list(as_json):
    """List every notice the hub holds (a result's consent must cite one of them)."""
    from hub.rights import notices

    found = notices.catalog(hub_state().settings.notices_dir)
    if as_json:
        click.echo(json.dumps({"notices": [n.summary() for n in found]}, ensure_ascii=False, indent=2))
        return
    for n in found:
        click.echo(f"{n.id}  {n.version}  {n.language}  {n.jurisdiction}  ({n.source})  {n.title}")
    click.echo(f"{len(found)} notice(s)")


@notices_group.command("show")
@click.argument("notice_id")
@click.argument("version")
@click.argument("language")
@click.argument("jurisdiction")
@with_appcontext
def notices_show(notice_id, version, language, jurisdiction):
    """Print one notice's text."""
    from hub.rights import notices

    notice = notices.find(hub_state().settings.notices_dir, notice_id, version, language, jurisdiction)
    click.echo(f"{notice.title}\n\n{notice.text}")


@click.group("reviews")
def reviews_group():
    """The human review log: confirm or override the engine's output, or assess a human-only result."""


@reviews_group.command("add")
@click.argument("result_id")
@click.option("--subject", type=click.Choice(["score", "recommendation", "assessment"]), required=True)
@click.option("--action", type=click.Choice(["confirm", "override"]), default=None, help="Not for an assessment.")
@click.option("--dimension", default=None, help="The dimension key of a score review, or 'overall'.")
@click.option("--value", default=None, help="An override: a score 0-100, or advance/hold/decline.")
@click.option("--score", "scores", multiple=True, help="An assessment's dimension=score (repeat).")
@click.option("--reviewer", required=True, help="Who reviewed (a person).")
@click.option("--reason", required=True, help="Why.")
@with_appcontext
def reviews_add(result_id, subject, action, dimension, value, scores, reviewer, reason):
    """Record a review; the engine's output is kept as it is, beside it."""
    from hub.errors import InvalidInput, UnknownResult
    from hub.rights import reviews
    from hub.storage.models import InterviewResult

    document: dict = {"subject": subject, "reviewer": reviewer, "reason": reason}
    if action:
        document["action"] = action
    if dimension:
        document["dimension"] = dimension
    if value is not None:
        try:
            document["value"] = float(value)
        except ValueError:
            document["value"] = value
    if scores:
        dimensions = {}
        for item in scores:
            key, sep, number = item.partition("=")
            try:
                dimensions[key.strip()] = float(number)
            except ValueError:
                raise InvalidInput(
                    f"--score {item!r}: expected dimension=score, e.g. communication=80",
                    errors=[{"pointer": "--score", "message": "dimension=score"}],
                ) from None
            if not sep:
                raise InvalidInput(f"--score {item!r}: expected dimension=score, e.g. communication=80")
        document["dimensions"] = dimensions
    with transaction(hub_state().session_factory) as session:
        result = session.get(InterviewResult, result_id)
        if result is None:
            raise UnknownResult(f"no result {result_id!r}")
        review = reviews.record(session, result, document, actor=CLI_ACTOR)
        click.echo(f"review {review.id}: {review.subject} {review.action} {review.target or ''}".rstrip())


@reviews_group.command("list")
@click.argument("result_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def reviews_list(result_id, as_json):
    """A result's reviews, beside the engine's values."""
    from hub.errors import UnknownResult
    from hub.rights import reviews
    from hub.storage.models import InterviewResult

    with hub_state().session_factory() as session:
        if session.get(InterviewResult, result_id) is None:
            raise UnknownResult(f"no result {result_id!r}")
        rows = [reviews.view(row) for row in reviews.for_result(session, result_id)]
    if as_json:
        click.echo(json.dumps({"reviews": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['created_at']}  {row['subject']} {row['action']} {row['target'] or ''}  engine={row['engine']} "
            f"reviewer's={row['value']}  by {row['reviewer']}: {row['reason']}"
        )
    click.echo(f"{len(rows)} review(s)")


@click.command("export")
@click.argument("external_id")
@click.option("--client", "client_name", required=True, help="The API client that posted the candidate.")
@click.option("--format", "fmt", type=click.Choice(["json", "html"]), default="json", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to this file.")
@with_appcontext
def candidates_export(external_id, client_name, fmt, output):
    """Everything the hub holds about one candidate (subject access request); the export is audited."""
    from hub.rights import access, pages

    with transaction(hub_state().session_factory) as session:
        candidate = access.find_candidate(session, None, external_id, client_name)
        document = access.export(session, candidate, actor=CLI_ACTOR, fmt=fmt)
    text = pages.export_html(document) if fmt == "html" else json.dumps(document, ensure_ascii=False, indent=2)
    _emit(text, output)


@click.group("compliance")
def compliance_group():
    """Drafts for the employer: the record of processing activities and a DPIA/PIPIA, from the configuration."""


def _document_options(command):
    command = click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)(command)
    command = click.option(
        "--retention-days", type=click.IntRange(min=1), default=None, help="[default: HUB_RETENTION_DAYS]"
    )(command)
    command = click.option(
        "--home-country",
        default="CN",
        show_default=True,
        help="Where the hub runs: a connector sending elsewhere is cross-border.",
    )(command)
    return click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown")(command)


def _record(home_country: str, retention_days: int | None) -> dict:
    from hub.rights import processing

    state = hub_state()
    with state.session_factory() as session:
        return processing.record_of_processing(
            session,
            state.settings,
            home=home_country.upper(),
            retention_days=retention_days or state.settings.retention_days,
        )


@compliance_group.command("records")
@_document_options
@with_appcontext
def compliance_records(fmt, home_country, retention_days, output):
    """The record of processing activities: data kept, connectors and what they send where, notices."""
    from hub.rights import processing

    record = _record(home_country, retention_days)
    _emit(
        processing.markdown(record) if fmt == "markdown" else json.dumps(record, ensure_ascii=False, indent=2), output
    )


@compliance_group.command("dpia")
@_document_options
@with_appcontext
def compliance_dpia(fmt, home_country, retention_days, output):
    """A DPIA / PIPIA draft: risks, the hub's mechanisms, and what the employer must answer."""
    from hub.rights import processing

    document = processing.dpia(_record(home_country, retention_days))
    _emit(
        processing.markdown(document) if fmt == "markdown" else json.dumps(document, ensure_ascii=False, indent=2),
        output,
    )


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group (export joins the privacy room's `candidates` group)."""
    main.add_command(notices_group)
    main.add_command(reviews_group)
    main.add_command(compliance_group)
    candidates = main.commands.get("candidates")
    if isinstance(candidates, click.Group):
        candidates.add_command(candidates_export)
    else:
        main.add_command(candidates_export, "export")
