"""`hris-hub keys ...` and `hris-hub candidates ...`: encryption keys, erasure and retention."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from hub.audit import chain as audit
from hub.clitools import CLI_ACTOR
from hub.clitools import state as hub_state
from hub.config import new_key_id_and_secret
from hub.storage.db import transaction


@click.group("keys")
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
        audit.append(
            session,
            actor=CLI_ACTOR,
            action="keys.rotated",
            object_type="keyring",
            object_id=state.keyring.primary_id,
            details={"values": done},
        )
    click.echo(f"re-encrypted {done} value(s); old keys may be removed once backups made before now expire")


@click.group("candidates")
def candidates_group():
    """Candidates' rights: erasure, and retention limits."""


@candidates_group.command("erase")
@click.argument("external_id")
@click.option("--client", "client_name", required=True, help="The API client that posted the candidate.")
@with_appcontext
def candidates_erase(external_id, client_name):
    """Erase one candidate's personal data everywhere it is stored."""
    from hub.privacy.erasure import erase
    from hub.storage.models import ApiClient, Candidate

    with hub_state().session_factory() as session, session.begin():
        candidate = session.scalars(
            select(Candidate)
            .join(ApiClient, ApiClient.id == Candidate.client_id)
            .where(ApiClient.name == client_name, Candidate.external_id == external_id)
        ).first()
        if candidate is None:
            raise click.ClickException(f"no candidate {external_id!r} posted by client {client_name!r}")
        summary = erase(session, candidate, actor=CLI_ACTOR, reason="erasure request")
    click.echo(
        f"erased {external_id!r}: {summary.results} result(s), {summary.profiles} profile(s), "
        f"{summary.resumes} resume(s); {summary.jobs_cancelled} undelivered job(s) cancelled"
    )


@candidates_group.command("retention")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Keep candidates not hired this many days  [default: HUB_RETENTION_DAYS]",
)
@click.option("--dry-run", is_flag=True, help="Only count who would be erased.")
@with_appcontext
def candidates_retention(days, dry_run):
    """Erase candidates who were not hired and whose latest interview is older than --days."""
    from datetime import timedelta

    from hub.privacy.erasure import erase, expired_candidates
    from hub.storage.models import utcnow

    days = days or hub_state().settings.retention_days
    if days is None:
        raise click.UsageError("give --days, or set HUB_RETENTION_DAYS")
    with hub_state().session_factory() as session, session.begin():
        expired = expired_candidates(session, utcnow() - timedelta(days=days))
        if not dry_run:
            with click.progressbar(expired, label="erasing") as bar:
                for candidate in bar:
                    erase(session, candidate, actor=CLI_ACTOR, reason=f"retention limit of {days} days")
    click.echo(f"{'would erase' if dry_run else 'erased'} {len(expired)} candidate(s) past {days} days")


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(keys)
    main.add_command(candidates_group)
