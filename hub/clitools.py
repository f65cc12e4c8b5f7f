"""What every room's commands share: the app state, JSON options, the CLI actor, and the mapping of domain errors
to one-line messages (done once, in `HubGroup.invoke`)."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app

from hub.errors import HubError

CLI_ACTOR = "cli"  # who the audit trail names for commands run at the server's console


def state():
    """The running hub's `HubState` (inside a command decorated with `with_appcontext`)."""
    return current_app.extensions["hub"]


def json_option(value: str | None, what: str):
    """A JSON value given inline or as @file."""
    if value is None:
        return None
    try:
        text = Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value
        return json.loads(text)
    except (OSError, json.JSONDecodeError) as error:
        raise click.BadParameter(f"{what}: {error}") from None


def fail(error: HubError):
    """Stop the command with the error's lines (exit status 1)."""
    raise click.ClickException("\n".join(error.lines())) from None


def run_guarded(ctx: click.Context, invoke):
    """Invoke a command, turning a domain error into its one-line message instead of a traceback."""
    try:
        return invoke(ctx)
    except HubError as error:
        fail(error)
