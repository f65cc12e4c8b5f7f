"""`hris-hub`: the command line for HR IT and operators (a Flask CLI group: `flask --app hub` works too)."""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from hub.clitools import run_guarded
from hub.config import ConfigurationError


def _create_app():
    from hub import create_app

    try:
        return create_app()
    except ConfigurationError as error:
        raise click.ClickException(f"configuration: {error}") from None


class HubGroup(FlaskGroup):
    """The root group: a domain error raised by any command ends it with a one-line message, not a traceback."""

    def invoke(self, ctx: click.Context):
        return run_guarded(ctx, super().invoke)


@click.group(cls=HubGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
@click.version_option(package_name="hris-hub", prog_name="hris-hub")
def main():
    """hris-hub: interview results to HR systems, scored, mapped, delivered and audited."""


def _register_commands() -> None:
    """Each room registers its own commands (flaskr's `init_app` habit); the libraries' groups need no app."""
    from hub.accounts import cli as accounts_cli
    from hub.audit import cli as audit_cli
    from hub.delivery import cli as delivery_cli
    from hub.intake import cli as intake_cli
    from hub.ops import cli as ops_cli
    from hub.privacy import cli as privacy_cli
    from hub.storage import cli as storage_cli
    from mappings.cli import mappings_group, policies_group
    from scoring_engine.cli import score_group

    for room in (storage_cli, accounts_cli, privacy_cli, audit_cli, intake_cli, delivery_cli, ops_cli):
        room.init_app(main)
    for command in (score_group, policies_group, mappings_group):
        main.add_command(command)


_register_commands()
