"""`hris-hub`: the command line for HR IT and operators (a Flask CLI group: `flask --app hub` works too)."""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from hub.audit import chain as audit
from hub.accounts.api_clients import ROLES, ClientExists, create_client, revoke_client
from hub.config import ConfigurationError, new_key_id_and_secret
from hub.storage.db import transaction
from hub.storage.models import ApiClient

CLI_ACTOR = "cli"


def _create_app():
    from hub import create_app

    try:
        return create_app()
    except ConfigurationError as error:
        raise click.ClickException(f"configuration: {error}") from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
@click.version_option(package_name="hris-hub", prog_name="hris-hub")
def main():
    """hris-hub: interview results to HR systems, scored, mapped, delivered and audited."""


def hub_state():
    return current_app.extensions["hub"]


# --- database -------------------------------------------------------------------------------------------

@main.group()
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


# --- API clients ----------------------------------------------------------------------------------------

@main.group()
def clients():
    """API clients and their keys."""


@clients.command("create")
@click.option("--name", required=True, help="A unique name, e.g. the mini-program backend's.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="ingest (post results), admin, or auditor (read-only).")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@with_appcontext
def clients_create(name, role, as_json):
    """Create a client and print its key (shown once; only a hash is stored)."""
    try:
        with transaction(hub_state().session_factory) as session:
            client, key = create_client(session, name=name, role=role, actor=CLI_ACTOR)
    except ClientExists as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps({"name": name, "role": role, "key": key}))
    else:
        click.echo(f"created client {name!r} with role {role}")
        click.echo(f"key (shown once, store it now): {key}")


@clients.command("list")
@with_appcontext
def clients_list():
    """List clients (never their keys)."""
    with transaction(hub_state().session_factory) as session:
        rows = session.scalars(select(ApiClient).order_by(ApiClient.id)).all()
    if not rows:
        click.echo("no clients yet: hris-hub clients create --name NAME --role ingest")
    for client in rows:
        state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
        click.echo(f"{client.name:30} {client.role:8} key id {client.key_prefix}  {state}")


@clients.command("revoke")
@click.argument("name")
@with_appcontext
def clients_revoke(name):
    """Revoke a client's key at once."""
    try:
        with transaction(hub_state().session_factory) as session:
            revoke_client(session, name=name, actor=CLI_ACTOR)
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"revoked {name!r}")


# --- encryption keys ------------------------------------------------------------------------------------

@main.group()
def keys():
    """Encryption keys (HUB_ENCRYPTION_KEYS)."""


@keys.command("generate")
@click.option("--id", "kid", default=None, help="The key id (default: random).")
def keys_generate(kid):
    """Print a new key entry to put first in HUB_ENCRYPTION_KEYS."""
    click.echo(new_key_id_and_secret(kid))


@keys.command("rotate")
@click.option("--batch-size", default=500, show_default=True, help="Rows re-encrypted per transaction.")
@with_appcontext
def keys_rotate(batch_size):
    """Re-encrypt every stored value under the first key of HUB_ENCRYPTION_KEYS."""
    from hub.privacy.rotation import count_stale, rotate

    state = hub_state()
    total = count_stale(state.engine, state.keyring)
    if total == 0:
        click.echo(f"nothing to do: every value is under key {state.keyring.primary_id}")
        return
    with click.progressbar(length=total, label=f"re-encrypting under {state.keyring.primary_id}") as bar:
        done = rotate(state.session_factory, state.keyring, batch_size=batch_size, progress=bar.update)
    with transaction(state.session_factory) as session:
        audit.append(session, actor=CLI_ACTOR, action="keys.rotated", object_type="keyring",
                     object_id=state.keyring.primary_id, details={"values": done})
    click.echo(f"re-encrypted {done} value(s); old keys may be removed once backups made before now expire")


# --- audit ----------------------------------------------------------------------------------------------

@main.group("audit")
def audit_group():
    """The hash-chained audit trail."""


@audit_group.command("verify")
@with_appcontext
def audit_verify():
    """Check the chain: exit 0 when intact, 1 naming the first broken entry."""
    with transaction(hub_state().session_factory) as session:
        report = audit.verify(session)
    if report.ok:
        click.echo(f"audit trail intact: {report.checked} entries verified")
        return
    click.echo(f"audit trail BROKEN at entry {report.first_broken_seq}: {report.reason} "
               f"({report.checked} entries before it verified)", err=True)
    sys.exit(1)


# --- serving --------------------------------------------------------------------------------------------

@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads of the WSGI server.")
@click.option("--upgrade/--no-upgrade", default=True, show_default=True, help="Apply pending migrations first.")
@with_appcontext
def serve(host, port, threads, upgrade):
    """Run the hub on waitress, a production WSGI server."""
    import waitress

    from hub.storage.migrate import upgrade as apply_migrations

    state = hub_state()
    if upgrade:
        apply_migrations(state.engine)
    click.echo(f"hris-hub listening on http://{host}:{port} (API /api/v1, OpenAPI /api/v1/openapi.json)")
    waitress.serve(current_app._get_current_object(), host=host, port=port, threads=threads, ident="hris-hub",
                   max_request_body_size=state.settings.max_upload_bytes + 1024 * 1024, _quiet=True)


def _register_commands() -> None:
    """Delivery commands, the demo, and the libraries' own groups (which need no app or database)."""
    from hub.delivery.cli import candidates_group, connectors_group, jobs_group, results_group, worker_command
    from hub.accounts.cli import users_group
    from hub.ops.demo import demo_command
    from mappings.cli import mappings_group, policies_group
    from scoring_engine.cli import score_group

    for command in (worker_command, connectors_group, jobs_group, results_group, candidates_group, demo_command, score_group, policies_group,
                    mappings_group, users_group):
        main.add_command(command)


_register_commands()
