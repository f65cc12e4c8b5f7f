"""`hris-hub`: the command line for HR IT and operators.

A plain click group, not Flask's: `--help` and `--version` build no app (so they create no instance folder, no
keys and no log lines), and only the hub's own options are shown. Commands that need the app get it through
Flask's `with_appcontext`, from the `ScriptInfo` the group puts in the context.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import ScriptInfo

from hub.clitools import run_guarded
from hub.config import ConfigurationError

LEVELS: dict[bool | None, str | None] = {True: "DEBUG", False: "ERROR", None: None}  # None: HUB_LOG_LEVEL

# The commands that may start a new embedded instance (./instance: SQLite, key files); any other command run in
# a folder with no instance says so, instead of generating keys for an empty database nobody asked for.
CREATES_INSTANCE = {"db upgrade", "serve", "worker", "demo"}


def _command_path() -> str:
    ctx = click.get_current_context(silent=True)
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def _refuse_a_new_instance() -> None:
    """Raise when this command would create the default instance folder that does not exist yet."""
    import os

    from hub.config import DEFAULT_INSTANCE_PATH

    if os.environ.get("HUB_DATABASE_URL") or _command_path() in CREATES_INSTANCE:
        return
    folder = Path(os.environ.get("HUB_INSTANCE_PATH") or DEFAULT_INSTANCE_PATH).resolve()
    if not folder.exists():
        raise click.ClickException(
            f"no hub instance at {folder}. Run the command where the hub's instance folder is, point "
            "HUB_INSTANCE_PATH or HUB_DATABASE_URL at it, or start a new one with `hris-hub db upgrade`."
        )


def _app_factory(log_level: str | None):
    def create():
        from hub import create_app

        _refuse_a_new_instance()
        try:
            return create_app({"HUB_LOG_LEVEL": log_level} if log_level else None)
        except ConfigurationError as error:
            raise click.ClickException(f"configuration: {error}") from None
        except OSError as error:  # the instance folder or a key file cannot be written
            raise click.ClickException(
                f"cannot set up the instance folder: {error.strerror}: {error.filename} "
                "(set HUB_INSTANCE_PATH to a folder this user may write)"
            ) from None

    return create


class HubGroup(click.Group):
    """The root group: a domain error raised by any command ends it with a one-line message, not a traceback."""

    def invoke(self, ctx: click.Context):
        return run_guarded(ctx, super().invoke)


@click.group(cls=HubGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hris-hub", prog_name="hris-hub")
@click.option(
    "--verbose/--quiet",
    "verbose",
    default=None,
    help="Log lines on stderr: --verbose shows debug lines, --quiet only errors  [default: HUB_LOG_LEVEL]",
)
@click.pass_context
def main(ctx: click.Context, verbose: bool | None):
    """hris-hub: interview results to HR systems, scored, mapped, delivered and audited."""
    if not isinstance(ctx.obj, ScriptInfo):  # tests hand in their own app
        ctx.obj = ScriptInfo(create_app=_app_factory(LEVELS[verbose]), set_debug_flag=False)


def _register_commands() -> None:
    """Each room registers its own commands (flaskr's `init_app` habit); the libraries' groups need no app."""
    from hub.accounts import cli as accounts_cli
    from hub.audit import cli as audit_cli
    from hub.delivery import cli as delivery_cli
    from hub.intake import cli as intake_cli
    from hub.ops import cli as ops_cli
    from hub.outcomes import cli as outcomes_cli
    from hub.privacy import cli as privacy_cli
    from hub.storage import cli as storage_cli
    from mappings.cli import mappings_group, policies_group
    from scoring_engine.cli import score_group

    for room in (storage_cli, accounts_cli, privacy_cli, audit_cli, intake_cli, delivery_cli, outcomes_cli, ops_cli):
        room.init_app(main)
    for command in (score_group, policies_group, mappings_group):
        main.add_command(command)


_register_commands()
