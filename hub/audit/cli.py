"""`hris-hub audit ...`: the hash-chained audit trail."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from hub.audit import chain as audit
from hub.clitools import state as hub_state
from hub.storage.db import transaction


@click.group("audit")
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


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(audit_group)
