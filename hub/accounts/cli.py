"""`hris-hub users ...`: the people who sign in to the web console."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from hub.web.console import accounts
from hub.storage.db import transaction
from hub.storage.models import ConsoleUser, utcnow

CLI_ACTOR = "cli"


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("users")
def users_group():
    """Console users: HR IT (admin) and auditors (read-only)."""


@users_group.command("create")
@click.option("--email", required=True, help="The address the person signs in with.")
@click.option("--role", required=True, type=click.Choice(accounts.ROLES),
              help="admin (HR IT: replay, enable/disable connectors) or auditor (read-only).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin instead of prompting.")
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
        elif user.locked_until and user.locked_until > utcnow():
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
    try:
        with transaction(current_app.extensions["hub"].session_factory) as session:
            accounts.disable_user(session, email=email, actor=CLI_ACTOR)
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"disabled {accounts.normalise_email(email)}")
