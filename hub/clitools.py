"""What every room's commands share: the app state, JSON options, the CLI actor, and the mapping of domain and
database errors to messages of a line or two (done once, in `HubGroup.invoke`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
from flask import current_app
from flask.cli import ScriptInfo
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

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
    """Invoke a command, turning a domain error, or a database that cannot be used, into a message of a line or
    two saying what to do, instead of a traceback."""
    try:
        return invoke(ctx)
    except HubError as error:
        fail(error)
    except DBAPIError as error:
        raise click.ClickException("\n".join(database_lines(error, _database_url(ctx)))) from None


def _database_url(ctx: click.Context) -> str | None:
    app = getattr(ctx.find_object(ScriptInfo), "_loaded_app", None)
    return app.extensions["hub"].settings.database_url if app is not None else None


def database_lines(error: DBAPIError, url: str | None) -> list[str]:
    """What a person does about a database error: run the migrations, start or name the server, fix the path."""
    text = str(error.orig)
    first = text.strip().splitlines()[0] if text.strip() else type(error.orig).__name__
    where = make_url(url).render_as_string(hide_password=True) if url else "the database"
    if "no such table" in text or getattr(error.orig, "sqlstate", None) == "42P01":
        return [
            f"{where} has no hub tables yet ({first}).",
            "Run `hris-hub db upgrade`, or point HUB_DATABASE_URL or HUB_INSTANCE_PATH at the hub's database "
            "(by default ./instance in the current folder).",
        ]
    if url and url.startswith("sqlite") and "unable to open database file" in text:
        path = make_url(url).database or url
        return [
            f"cannot open the SQLite database {path}: its folder does not exist or this user may not write there.",
            "Create the folder, or set HUB_DATABASE_URL (or HUB_INSTANCE_PATH) to one that works.",
        ]
    missing = re.search(r'database "([^"]+)" does not exist', text)
    if missing:
        return [
            f"PostgreSQL answers, but has no database {missing.group(1)!r} ({where}).",
            f"Create it (createdb {missing.group(1)}) or fix the name in HUB_DATABASE_URL.",
        ]
    if isinstance(error, OperationalError) and url and url.startswith("postgresql"):
        return [
            f"cannot reach PostgreSQL at {where}: {first}",
            "Is the server running and listening there? Check the host, port and credentials in HUB_DATABASE_URL.",
        ]
    return [f"database error on {where}: {first}"]
