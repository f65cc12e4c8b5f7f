"""`hris-hub results ...`: interview results."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hub.clitools import CLI_ACTOR
from hub.clitools import state as hub_state


@click.group("results")
def results_group():
    """Interview results: re-score with the current engine."""


@results_group.command("rescore")
@click.argument("result_ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every result that has answers.")
@with_appcontext
def results_rescore(result_ids, every):
    """Queue results for scoring again; the worker adds a new profile version, the old ones stay."""
    from hub.intake.scoring import queue_rescore

    if not (result_ids or every):
        raise click.UsageError("give RESULT_IDS or --all")
    with hub_state().session_factory() as session, session.begin():
        queued, skipped = queue_rescore(session, None if every else list(result_ids), actor=CLI_ACTOR)
    click.echo(
        f"queued {queued} result(s) for re-scoring"
        + (f"; skipped {skipped} without answers or opted out of automated decisions" if skipped else "")
    )


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(results_group)
