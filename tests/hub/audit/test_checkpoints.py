"""Signed checkpoints: each attack that a hash chain alone lets through is caught, and named for what it was."""

from __future__ import annotations

import base64
import json
import os
import stat
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, text, update

from hub import create_app
from hub.audit import chain as audit
from hub.audit import checkpoints
from hub.config import ConfigurationError, Settings, audit_signing_seed
from hub.delivery.worker import Worker
from hub.storage.db import transaction
from hub.storage.migrate import upgrade
from hub.storage.models import AuditCheckpoint, AuditEntry
from tests.conftest import hub_config
from tests.hub.web.test_console import Browser, add_user
from tests.support.cli import invoke


def add_entries(state, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with transaction(state.session_factory) as session:
            audit.append(
                session,
                actor="user:1",
                action="thing.done",
                object_type="thing",
                object_id=str(i),
                details={"i": i, "名": "条目"},
            )


def chain_alone_passes(state) -> bool:
    with state.read_session_factory() as session:
        return audit.verify(session).ok


def checkpoint(app) -> str:
    result = invoke(app, "audit", "checkpoint")
    assert result.exit_code == 0, result.output
    return result.output


def verify(app, *args: str):
    return invoke(app, "audit", "verify", *args)


def export_file(state):
    return state.settings.audit_checkpoint_file


def test_checkpoint_on_demand_is_stored_exported_and_verified(app, hub_state):
    add_entries(hub_state, 4)
    assert "checkpoint at entry 4 (4 entries)" in checkpoint(app)
    # The periodic writer adds nothing on an idle hub; on demand always signs.
    assert checkpoints.write_for(hub_state).seq == 4
    add_entries(hub_state, 2, start=4)
    checkpoint(app)
    lines = export_file(hub_state).read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [4, 6]
    assert stat.S_IMODE(os.stat(export_file(hub_state)).st_mode) == 0o600
    with hub_state.read_session_factory() as session:
        assert [row.seq for row in session.scalars(select(AuditCheckpoint))] == [4, 6]
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "6 entries verified, 2 signed checkpoint(s)" in result.output
    # Entries after the last checkpoint are fine: the chain grows.
    add_entries(hub_state, 3, start=6)
    assert verify(app).exit_code == 0


def test_deleting_the_last_entries_is_reported_as_truncation(app, hub_state):
    add_entries(hub_state, 6)
    checkpoint(app)
    with hub_state.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entries WHERE seq > 4"))
    assert chain_alone_passes(hub_state)  # what the chain alone cannot see
    result = verify(app)
    assert result.exit_code == 1
    assert "TRUNCATED" in result.output and "the chain now ends at entry 4" in result.output
    assert "RECOMPUTED" not in result.output and "FORGED" not in result.output


def test_deleting_and_appending_again_past_the_checkpoint_is_reported(app, hub_state):
    """Truncate, then write new entries until the chain is as long as before: the signed hash differs."""
    add_entries(hub_state, 5)
    checkpoint(app)
    with hub_state.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entries WHERE seq > 3"))
    add_entries(hub_state, 3, start=100)
    assert chain_alone_passes(hub_state)
    result = verify(app)
    assert (
        result.exit_code == 1
        and "RECOMPUTED" in result.output
        and "entry 5 no longer has the signed hash" in result.output
    )


def recompute_every_hash(state) -> None:
    """What an attacker with the database does after editing history: re-seal the chain from the start."""
    with transaction(state.session_factory) as session:
        prev = audit.GENESIS_HASH
        for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all():
            digest = audit.entry_hash(
                entry.seq,
                prev,
                entry.occurred_at,
                entry.actor,
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.details,
            )
            session.execute(update(AuditEntry).where(AuditEntry.seq == entry.seq).values(prev_hash=prev, hash=digest))
            prev = digest


def test_rewriting_history_and_recomputing_every_hash_is_reported(app, hub_state):
    add_entries(hub_state, 5)
    checkpoint(app)
    with hub_state.engine.begin() as connection:
        connection.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(actor="user:99"))
    recompute_every_hash(hub_state)
    assert chain_alone_passes(hub_state)
    result = verify(app)
    assert result.exit_code == 1
    assert "RECOMPUTED" in result.output and "TRUNCATED" not in result.output


def test_deleted_checkpoint_rows_are_caught_through_the_exported_file(app, hub_state, tmp_path):
    add_entries(hub_state, 6)
    checkpoint(app)
    offsite = tmp_path / "offsite-copy.jsonl"  # the copy ops keep on another machine or write-once storage
    offsite.write_bytes(export_file(hub_state).read_bytes())
    export_file(hub_state).unlink()  # the attacker holds this machine: the local copy goes too
    with hub_state.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entries WHERE seq > 2"))
        connection.execute(delete(AuditCheckpoint))
    assert verify(app).exit_code == 0  # the database alone now tells a consistent, shorter story
    result = verify(app, "--checkpoints", str(offsite))
    assert result.exit_code == 1
    assert "CHECKPOINT ROWS DELETED" in result.output and "TRUNCATED" in result.output


def test_a_forged_checkpoint_is_reported(app, hub_state, tmp_path):
    """Someone without the key writes a checkpoint that blesses a rewritten chain."""
    add_entries(hub_state, 4)
    attacker = checkpoints.Signer(Ed25519PrivateKey.generate())
    with hub_state.read_session_factory() as session:
        head = session.scalar(select(AuditEntry).where(AuditEntry.seq == 4))
    forged, _ = checkpoints.write(hub_state.session_factory, attacker, None)
    assert forged.seq == head.seq
    result = verify(app)
    assert result.exit_code == 1 and "FORGED CHECKPOINT" in result.output and attacker.key_id not in result.output

    # A genuine line of the file with its count raised is forged too: the signature covers every field.
    with hub_state.engine.begin() as connection:
        connection.execute(delete(AuditCheckpoint))
    checkpoint(app)
    line = json.loads(export_file(hub_state).read_text().splitlines()[-1])
    altered = tmp_path / "altered.jsonl"
    altered.write_text(json.dumps({**line, "count": 40}) + "\n")
    result = verify(app, "--checkpoints", str(altered))
    assert result.exit_code == 1 and "FORGED CHECKPOINT" in result.output


def test_verify_with_only_the_public_key(app, hub_state, tmp_path):
    add_entries(hub_state, 3)
    checkpoint(app)
    printed = invoke(app, "audit", "public-key").output.split()
    assert printed[1].startswith("ed25519:")
    assert verify(app, "--public-key", printed[0]).exit_code == 0
    other = checkpoints.public_key_text(Ed25519PrivateKey.generate().public_key())
    assert verify(app, "--public-key", other).exit_code == 1
    # After a key change, the old key's checkpoints are trusted only when its public key is given too.
    retired = printed[0]
    new_key = checkpoints.Signer(Ed25519PrivateKey.generate())
    add_entries(hub_state, 2, start=3)
    checkpoints.write(hub_state.session_factory, new_key, None)
    new_public = checkpoints.public_key_text(new_key.public_key)
    assert verify(app, "--public-key", new_public).exit_code == 1  # the retired key's checkpoint is unknown
    assert verify(app, "--public-key", new_public, "--public-key", retired).exit_code == 0
    bad = verify(app, "--public-key", "not a key")
    assert bad.exit_code == 1 and "base64 of 32 bytes" in bad.output and "Traceback" not in bad.output


def test_an_unwritable_export_file_is_named_not_a_traceback(tmp_path, database_url):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    application = create_app(
        hub_config(tmp_path, database_url, HUB_AUDIT_CHECKPOINT_FILE=str(blocker / "checkpoints.jsonl"))
    )
    state = application.extensions["hub"]
    try:
        upgrade(state.engine)
        add_entries(state, 1)
        result = invoke(application, "audit", "checkpoint")
        assert result.exit_code == 1 and "could not be appended to" in result.output
        assert "Traceback" not in result.output
        add_entries(state, 1, start=1)
        assert checkpoints.write_for(state) is None  # the worker logs it and tries again next time
    finally:
        state.dispose()


def test_a_broken_checkpoint_file_is_named_not_a_traceback(app, hub_state, tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"seq": 1}\n')
    result = verify(app, "--checkpoints", str(broken))
    assert result.exit_code == 1 and "line 1" in result.output and "Traceback" not in result.output
    missing = verify(app, "--checkpoints", str(tmp_path / "nowhere.jsonl"))
    assert missing.exit_code == 1 and "no checkpoint file" in missing.output


def test_the_console_shows_truncation(live, hub_state):
    add_user(hub_state, "auditor@example.cn", "auditor")
    add_entries(hub_state, 5)
    checkpoint(live.app)
    with hub_state.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entries WHERE seq > 3"))
    browser = Browser(live)
    try:
        assert browser.sign_in("auditor@example.cn").status_code == 200
        browser.get("/console/audit")
        browser.post("/console/audit/verify")
        assert "Audit trail truncated" in browser.text() and "Audit trail intact" not in browser.text()
    finally:
        browser.close()
    with hub_state.read_session_factory() as session:
        run = session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.verified")).one()
    assert run.details["ok"] is False and run.details["truncated"] is True


def test_the_worker_writes_checkpoints_every_n_minutes(tmp_path, database_url):
    application = create_app(hub_config(tmp_path, database_url, HUB_AUDIT_CHECKPOINT_MINUTES="0.01"))
    state = application.extensions["hub"]
    try:
        upgrade(state.engine)
        add_entries(state, 2)
        worker = Worker(state, threads=1)
        started = time.monotonic()
        worker.run(max_seconds=2.5)
        assert time.monotonic() - started < 20
        with state.read_session_factory() as session:
            rows = session.scalars(select(AuditCheckpoint)).all()
        assert rows and rows[0].seq == 2  # once: nothing new was appended after it
        assert len(rows) == 1
        assert invoke(application, "audit", "verify").exit_code == 0
    finally:
        state.dispose()


def test_the_signing_key_is_generated_once_and_checked(tmp_path):
    environ = {
        "HUB_INSTANCE_PATH": str(tmp_path / "inst"),
        "HUB_ENCRYPTION_KEYS": "k:" + "A" * 43 + "=",
        "HUB_SECRET_KEY": "x" * 20,
    }
    first = Settings.from_env(environ)
    key_file = tmp_path / "inst" / "audit-signing-key"
    assert not key_file.exists()  # made on first use, not at every start
    seed = audit_signing_seed(first)
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert audit_signing_seed(Settings.from_env(environ)) == seed
    given = Settings.from_env({**environ, "HUB_AUDIT_SIGNING_KEY": base64.b64encode(b"k" * 32).decode()})
    assert audit_signing_seed(given) == b"k" * 32
    assert "audit_signing_key" not in repr(given) and b"k" * 32 not in repr(given).encode()
    assert first.audit_checkpoint_file == tmp_path / "inst" / "audit-checkpoints.jsonl"
    with pytest.raises(ConfigurationError, match="HUB_AUDIT_SIGNING_KEY must be the base64 of 32 bytes"):
        Settings.from_env({**environ, "HUB_AUDIT_SIGNING_KEY": "c2hvcnQ="})
    with pytest.raises(ConfigurationError, match="not valid base64"):
        Settings.from_env({**environ, "HUB_AUDIT_SIGNING_KEY": "%%%"})
