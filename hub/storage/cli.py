"""`hris-hub db ...`: the database schema."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hub.clitools import state as hub_state


@click.group("db")
def db():
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply every migration not applied yet."""
    from hub.storage.migrate import current_revision, head_revision, upgrade

    state = hub_state()
    before = current_revision(state.engine)
    upgrade(state.engine)
    click.echo(f"database at revision {head_revision()} (was {before or 'empty'})")


@db.command("current")
@with_appcontext
def db_current():
    """Show the applied and the latest revision."""
    from hub.storage.migrate import current_revision, head_revision

    click.echo(f"current: {current_revision(hub_state().engine) or 'none'}  head: {head_revision()}")


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(db)
