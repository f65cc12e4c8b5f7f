"""`hris-hub audit ...`: the hash-chained audit trail and its signed checkpoints."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from hub.audit import checkpoints
from hub.clitools import state as hub_state


@click.group("audit")
def audit_group():
    """The hash-chained audit trail."""


def _signer() -> checkpoints.Signer:
    return checkpoints.Signer.for_settings(hub_state().settings)


@audit_group.command("verify")
@click.option(
    "--checkpoints",
    "checkpoint_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also check the checkpoints of this exported file (a copy kept outside the database); "
    "default: HUB_AUDIT_CHECKPOINT_FILE when it exists.",
)
@click.option(
    "--public-key",
    "public_keys",
    multiple=True,
    help="Check signatures with this public key (`hris-hub audit public-key` prints it) instead of "
    "the one of HUB_AUDIT_SIGNING_KEY; repeat it to trust a retired key's checkpoints too.",
)
@with_appcontext
def audit_verify(checkpoint_file, public_keys):
    """Check the chain and its checkpoints: exit 0 when intact, 1 naming each problem found."""
    settings = hub_state().settings
    keys = [checkpoints.parse_public_key(text) for text in public_keys] or [_signer().public_key]
    if checkpoint_file is None and settings.audit_checkpoint_file and settings.audit_checkpoint_file.exists():
        checkpoint_file = settings.audit_checkpoint_file
    from_file = checkpoints.read_file(checkpoint_file) if checkpoint_file else None
    with hub_state().read_session_factory() as session:
        report = checkpoints.verify(session, keys, from_file)
    chain = report.chain
    if not chain.ok:
        click.echo(
            f"audit trail BROKEN at entry {chain.first_broken_seq}: {chain.reason} "
            f"({chain.checked} entries before it verified)",
            err=True,
        )
    for title, findings in (
        ("TRUNCATED", report.truncated),
        ("RECOMPUTED", report.rewritten),
        ("CHECKPOINT ROWS DELETED", report.rows_missing),
        ("FORGED CHECKPOINT", report.forged),
    ):
        for finding in findings:
            click.echo(f"audit trail {title}: {finding}", err=True)
    if not report.ok:
        sys.exit(1)
    where = f" and {checkpoint_file}" if checkpoint_file else ""
    click.echo(
        f"audit trail intact: {chain.checked} entries verified, "
        f"{report.checkpoints} signed checkpoint(s) from the database{where} agree"
    )


@audit_group.command("checkpoint")
@with_appcontext
def audit_checkpoint():
    """Sign the chain's head now, store it and append it to HUB_AUDIT_CHECKPOINT_FILE (for cron, or by hand)."""
    settings = hub_state().settings
    try:
        checkpoint, _ = checkpoints.write(hub_state().session_factory, _signer(), settings.audit_checkpoint_file)
    except OSError as error:
        raise click.ClickException(
            f"the checkpoint is stored in the database but could not be appended to {settings.audit_checkpoint_file} "
            f"({error.strerror or error.__class__.__name__}); fix HUB_AUDIT_CHECKPOINT_FILE or its folder's "
            "permissions and run `hris-hub audit checkpoint` again"
        ) from None
    click.echo(
        f"checkpoint at entry {checkpoint.seq} ({checkpoint.count} entries), signed by {checkpoint.key_id}, "
        f"appended to {settings.audit_checkpoint_file}"
    )


@audit_group.command("public-key")
@with_appcontext
def audit_public_key():
    """Print the checkpoints' public key, for checking them away from the hub (`verify --public-key`)."""
    signer = _signer()
    click.echo(f"{checkpoints.public_key_text(signer.public_key)}  {signer.key_id}")


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(audit_group)
