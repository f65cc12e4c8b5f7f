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
    """Re-encrypt every stored value under the first key of HUB_ENCRYPTION_KEYS.

    Candidates' data keys are re-wrapped under it in the key store (the data under them is not touched), and
    candidates' values still under a master key (written before crypto-shredding) move under their own key."""
    from hub.privacy.rotation import count_stale, rotate
    from hub.privacy.shredding import count_under_master_key, move_under_candidate_keys

    state = hub_state()
    with state.session_factory() as session:
        to_move = count_under_master_key(session)
    to_rewrap = state.key_store.count_stale()
    stale = count_stale(state.engine, state.keyring)
    if to_move + to_rewrap + stale == 0:
        click.echo(
            f"nothing to do: every value is under key {state.keyring.primary_id} or its candidate's data key, "
            f"and every data key is wrapped by {state.keyring.primary_id}"
        )
        return
    moved = 0
    if to_move:
        with click.progressbar(length=to_move, label="moving candidates' values under their own keys") as bar:
            moved = move_under_candidate_keys(
                state.session_factory, state.keyring, batch_size=batch_size, progress=bar.update
            )
    done = 0
    if count_stale(state.engine, state.keyring):
        with click.progressbar(
            length=count_stale(state.engine, state.keyring), label=f"re-encrypting under {state.keyring.primary_id}"
        ) as bar:
            done = rotate(state.session_factory, state.keyring, batch_size=batch_size, progress=bar.update)
    rewrapped = state.key_store.rewrap(batch_size=batch_size)
    with transaction(state.session_factory) as session:
        audit.append(
            session,
            actor=CLI_ACTOR,
            action="keys.rotated",
            object_type="keyring",
            object_id=state.keyring.primary_id,
            details={"values": done, "moved_to_candidate_keys": moved, "data_keys_rewrapped": rewrapped},
        )
    click.echo(
        f"re-encrypted {done} value(s), moved {moved} candidate value(s) under their own keys, re-wrapped "
        f"{rewrapped} data key(s); old keys may be removed once backups made before now expire"
    )


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
    _echo_shredding(summary)
    _propagate_and_echo(summary.request_id)


def _echo_shredding(summary) -> None:
    if summary.key_destroyed and summary.backups_unreadable:
        click.echo("data key destroyed: copies of this candidate's data in backups can no longer be read")
    elif summary.key_destroyed:
        click.echo(
            f"data key destroyed, but {summary.values_under_master_key} value(s) were still under the master key "
            "(run `hris-hub keys rotate` after upgrading): their copies in backups stay readable"
        )
    elif summary.values_under_master_key:
        click.echo(
            f"no data key: {summary.values_under_master_key} value(s) were under the master key, and their copies "
            "in backups stay readable"
        )


def _propagate_and_echo(request_id: str) -> str:
    from hub.privacy.erasure import propagate

    state = hub_state()
    request = propagate(state.session_factory, state.settings, request_id, actor=CLI_ACTOR)
    for name, entry in sorted(request.propagation.items()):
        error = f" ({entry['error']})" if entry.get("error") else ""
        click.echo(f"connector {name}: {entry['status']}{error}")
    click.echo(f"erasure request {request.id}: {request.status}")
    return request.status


@candidates_group.command("erasures")
@click.option("--open", "only_open", is_flag=True, help="Only requests not completed yet.")
@click.option("--overdue", is_flag=True, help="Only open requests past the 30-day deadline.")
@click.option("--retry", is_flag=True, help="Ask the connectors of open requests again to delete the candidate.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@with_appcontext
def candidates_erasures(only_open, overdue, retry, as_json):
    """Erasure requests: key destroyed, each connector's answer, and which are overdue (open past 30 days)."""
    import json

    from hub.privacy.erasure import OVERDUE_DAYS, open_requests, view
    from hub.storage.models import Candidate, ErasureRequest

    state = hub_state()
    if retry:
        with state.session_factory() as session:
            ids = [request.id for request in open_requests(session)]
        for request_id in ids:
            _propagate_and_echo(request_id)
    with state.session_factory() as session:
        query = select(ErasureRequest, Candidate.external_id).join(
            Candidate, Candidate.id == ErasureRequest.candidate_id
        )
        if only_open or overdue:
            query = query.where(ErasureRequest.status == "open")
        rows = [
            view(request, external_id)
            for request, external_id in session.execute(query.order_by(ErasureRequest.requested_at))
        ]
    if overdue:
        rows = [row for row in rows if row["overdue"]]
    late = sum(1 for row in rows if row["overdue"])
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        connectors = ", ".join(f"{name}={entry['status']}" for name, entry in sorted(row["connectors"].items()))
        click.echo(
            f"{row['id']}  {row['candidate']['external_id']}  requested {row['requested_at'][:10]}  "
            f"{'OVERDUE' if row['overdue'] else row['status']}  key {'destroyed' if row['key_destroyed'] else 'none'}"
            f"{'  ' + connectors if connectors else ''}"
        )
    if not as_json:
        click.echo(f"{len(rows)} request(s), {late} overdue (open more than {OVERDUE_DAYS} days)")


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
        request_ids = []
        if not dry_run:
            with click.progressbar(expired, label="erasing") as bar:
                for candidate in bar:
                    summary = erase(session, candidate, actor=CLI_ACTOR, reason=f"retention limit of {days} days")
                    request_ids.append(summary.request_id)
    from hub.privacy.erasure import propagate

    state = hub_state()
    for request_id in request_ids:
        propagate(state.session_factory, state.settings, request_id, actor=CLI_ACTOR)
    click.echo(f"{'would erase' if dry_run else 'erased'} {len(expired)} candidate(s) past {days} days")


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(keys)
    main.add_command(candidates_group)
