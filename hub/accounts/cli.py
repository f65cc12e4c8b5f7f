"""`hris-hub users ...`: the people who sign in to the web console."""

from __future__ import annotations

import json
import sys
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from hub.accounts import console_users as accounts
from hub.accounts import signing
from hub.accounts.api_clients import ROLES, ClientExists, create_client, revoke_client
from hub.clitools import CLI_ACTOR
from hub.clitools import state as hub_state
from hub.storage.db import transaction
from hub.storage.models import ApiClient, ConsoleUser, utcnow


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("users")
def users_group():
    """Console users: HR IT (admin) and auditors (read-only)."""


@users_group.command("create")
@click.option("--email", required=True, help="The address the person signs in with.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(accounts.ROLES),
    help="admin (HR IT: replay, enable/disable connectors) or auditor (read-only).",
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin instead of prompting."
)
@with_appcontext
def users_create(email, role, password_stdin):
    """Create a console user; the password is stored only as a salted hash."""
    try:
        email = accounts.check_email(email)
        password = _password(password_stdin)
        accounts.check_password(password)
        with transaction(current_app.extensions["hub"].session_factory) as session:
            accounts.create_user(session, email=email, role=role, password=password, actor=CLI_ACTOR)
    except (accounts.InvalidAccount, accounts.AccountExists) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created console user {email} with role {role}; sign in at /console/")


@users_group.command("list")
@with_appcontext
def users_list():
    """List console users (never their password hashes)."""
    with current_app.extensions["hub"].read_session_factory() as session:
        users = session.scalars(select(ConsoleUser).order_by(ConsoleUser.email)).all()
    if not users:
        click.echo("no console users yet: hris-hub users create --email EMAIL --role admin")
    for user in users:
        if user.disabled_at:
            state = f"disabled {user.disabled_at:%Y-%m-%d}"
        elif accounts.is_locked(user):
            state = f"locked until {user.locked_until:%H:%M} UTC"
        else:
            state = "active"
        last = f"last sign-in {user.last_login_at:%Y-%m-%d %H:%M} UTC" if user.last_login_at else "never signed in"
        click.echo(f"{user.email:40} {user.role:8} {state:24} {last}")


@users_group.command("disable")
@click.argument("email")
@with_appcontext
def users_disable(email):
    """Stop a user signing in; a session they have open ends at its next request."""
    _change_user(accounts.disable_user, email)
    click.echo(f"disabled {accounts.normalise_email(email)}")


@users_group.command("enable")
@click.argument("email")
@with_appcontext
def users_enable(email):
    """Let a disabled user sign in again."""
    _change_user(accounts.enable_user, email)
    click.echo(f"enabled {accounts.normalise_email(email)}")


@users_group.command("unlock")
@click.argument("email")
@with_appcontext
def users_unlock(email):
    """End a lockout after failed sign-ins now, instead of in 15 minutes."""
    _change_user(accounts.unlock_user, email)
    click.echo(f"unlocked {accounts.normalise_email(email)}")


def _change_user(change, email: str) -> None:
    try:
        with transaction(current_app.extensions["hub"].session_factory) as session:
            change(session, email=email, actor=CLI_ACTOR)
    except LookupError as error:
        raise click.ClickException(str(error)) from None


@click.group("clients")
def clients():
    """API clients and their keys."""


@clients.command("create")
@click.option("--name", required=True, help="A unique name, e.g. the mini-program backend's.")
@click.option(
    "--role", required=True, type=click.Choice(ROLES), help="ingest (post results), admin, or auditor (read-only)."
)
@click.option(
    "--expires-in-days",
    type=click.IntRange(min=1),
    default=None,
    help="Refuse the key this many days from now (default: never expires).",
)
@click.option(
    "--signed",
    is_flag=True,
    help="Require signed requests (webhook-id/-timestamp/-signature) besides the key; prints the signing secret.",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@with_appcontext
def clients_create(name, role, expires_in_days, signed, as_json):
    """Create a client and print its key (shown once; only a hash is stored)."""
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    secret = None
    try:
        with transaction(hub_state().session_factory) as session:
            client, key = create_client(session, name=name, role=role, actor=CLI_ACTOR, expires_at=expires_at)
            if signed:
                _, secret = signing.set_mode(session, name=name, mode="required", actor=CLI_ACTOR)
    except ClientExists as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        out = {"name": name, "role": role, "key": key, "expires_at": expires_at.isoformat() if expires_at else None}
        if signed:
            out.update(signing="required", signing_secret=secret)
        click.echo(json.dumps(out))
    else:
        until = f", expires {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else ""
        click.echo(
            f"created client {name!r} with role {role}{until}" + (", signed requests required" if signed else "")
        )
        click.echo(f"key (shown once, store it now): {key}")
        if secret:
            click.echo(f"signing secret (shown once, store it now): {secret}")


@clients.command("list")
@with_appcontext
def clients_list():
    """List clients (never their keys)."""
    with hub_state().read_session_factory() as session:
        rows = session.scalars(select(ApiClient).order_by(ApiClient.id)).all()
    if not rows:
        click.echo("no clients yet: hris-hub clients create --name NAME --role ingest")
    now = utcnow()
    for client in rows:
        if client.revoked_at:
            state = f"revoked {client.revoked_at:%Y-%m-%d}"
        elif client.expires_at and client.expires_at <= now:
            state = f"expired {client.expires_at:%Y-%m-%d}"
        elif client.expires_at:
            state = f"expires {client.expires_at:%Y-%m-%d}"
        else:
            state = "never expires"
        used = f"last used {client.last_used_at:%Y-%m-%d %H:%M} UTC" if client.last_used_at else "never used"
        signed = f"  signing {client.signing_mode}" if client.signing_mode else ""
        click.echo(f"{client.name:30} {client.role:8} key id {client.key_prefix}  {state:18} {used}{signed}")


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


@clients.group("signing")
def clients_signing():
    """Signed requests (Standard Webhooks): require them of a client, rotate its secret, turn them off."""


def _show_secret(name: str, mode: str, secret: str | None, as_json: bool, until=None) -> None:
    if as_json:
        out = {"name": name, "signing": mode, "signing_secret": secret}
        if until is not None:
            out["old_secret_until"] = until.isoformat()
        click.echo(json.dumps(out))
        return
    if secret:
        click.echo(f"signing secret (shown once, store it now): {secret}")
    else:
        click.echo("the client keeps the signing secret it has (rotate it to get a new one)")


def _signing_mode(name: str, mode: str, as_json: bool) -> None:
    try:
        with transaction(hub_state().session_factory) as session:
            _, secret = signing.set_mode(session, name=name, mode=mode, actor=CLI_ACTOR)
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    if not as_json:
        if mode == "required":
            click.echo(f"{name!r} must now sign every request; unsigned ones are refused (401 signature-refused)")
        else:
            click.echo(f"{name!r} may sign its requests: signed ones are checked, unsigned ones still pass")
    _show_secret(name, mode, secret, as_json)


@clients_signing.command("require")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@with_appcontext
def signing_require(name, as_json):
    """Refuse the client's unsigned requests from now on (a secret is made and shown if it has none)."""
    _signing_mode(name, "required", as_json)


@clients_signing.command("optional")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@with_appcontext
def signing_optional(name, as_json):
    """Check the client's signatures when it sends them, and let unsigned requests through (to switch over)."""
    _signing_mode(name, "optional", as_json)


@clients_signing.command("rotate")
@click.argument("name")
@click.option(
    "--overlap-hours",
    type=click.FloatRange(min=0),
    default=24.0,
    show_default=True,
    help="How long the old secret keeps verifying, so the backend can switch over (0: it stops at once).",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@with_appcontext
def signing_rotate(name, overlap_hours, as_json):
    """Give the client a new signing secret; the old one verifies until the overlap ends."""
    try:
        with transaction(hub_state().session_factory) as session:
            client, secret, until = signing.rotate(
                session, name=name, actor=CLI_ACTOR, overlap=timedelta(hours=overlap_hours)
            )
            mode = client.signing_mode
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    if not as_json:
        click.echo(f"new signing secret for {name!r}; the old one verifies until {until:%Y-%m-%d %H:%M:%S} UTC")
    _show_secret(name, mode, secret, as_json, until)


@clients_signing.command("off")
@click.argument("name")
@with_appcontext
def signing_off(name):
    """Stop checking the client's signatures and erase its signing secrets."""
    try:
        with transaction(hub_state().session_factory) as session:
            signing.turn_off(session, name=name, actor=CLI_ACTOR)
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{name!r} no longer signs its requests; its signing secrets are erased")


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(users_group)
    main.add_command(clients)
