"""The audit trail: chained, verifiable, tamper-evident, readable by auditors."""

from __future__ import annotations

import csv
import io
import multiprocessing

import pytest
from sqlalchemy import select, text, update

from hub.audit import chain as audit
from hub.storage.db import transaction
from hub.storage.models import AuditEntry
from tests.conftest import BACKENDS, TEST_KEY
from tests.support.cli import invoke


def add_entries(state, n: int) -> None:
    for i in range(n):
        with transaction(state.session_factory) as session:
            audit.append(
                session, actor="test", action="thing.done", object_type="thing", object_id=str(i), details={"i": i}
            )


def verify_cli(app):
    return invoke(app, "audit", "verify")


def test_intact_chain_verifies(runner, hub_state):
    add_entries(hub_state, 5)
    result = runner.invoke("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "5 entries verified" in result.output


def test_reading_the_trail_leaves_the_callers_session_as_it_was(hub_state):
    """Walking the entries (batch by batch) detaches only what the walk loaded, never the caller's objects."""
    from hub.storage.models import ApiClient

    add_entries(hub_state, 7)
    with transaction(hub_state.session_factory) as session:
        session.add(ApiClient(name="kept", role="ingest", key_prefix="abcdef012345", key_hash="x" * 64))
    with hub_state.session_factory() as session:
        client = session.scalar(select(ApiClient).where(ApiClient.name == "kept"))
        walked = [entry.seq for entry in audit.entries(session, batch_size=3)]
        assert walked == list(range(1, 8))
        assert client in session, "the walk expunged an object the caller had loaded"
        assert not [o for o in session.identity_map.values() if isinstance(o, AuditEntry)], "entries pile up in memory"


@pytest.mark.parametrize(
    "tamper,broken_at",
    [
        ("edit", 3),
        ("delete", 3),
        ("reorder", 2),
    ],
)
def test_tampering_is_found_and_named(app, hub_state, tamper, broken_at):
    add_entries(hub_state, 5)
    with hub_state.engine.begin() as connection:
        if tamper == "edit":
            connection.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(actor="someone-else"))
        elif tamper == "delete":
            connection.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
        else:  # swap the whole content of entries 2 and 3, keeping their seq numbers
            columns = ["occurred_at", "actor", "action", "object_type", "object_id", "details", "prev_hash", "hash"]
            rows = {r.seq: r for r in connection.execute(select(AuditEntry).where(AuditEntry.seq.in_([2, 3])))}
            connection.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(hash="moving"))
            for seq, other in ((3, 2), (2, 3)):
                connection.execute(
                    update(AuditEntry)
                    .where(AuditEntry.seq == seq)
                    .values({c: getattr(rows[other], c) for c in columns})
                )
    result = verify_cli(app)
    assert result.exit_code == 1
    assert f"BROKEN at entry {broken_at}" in result.output


def test_auditor_pages_filters_and_exports(live, hub_state):
    add_entries(hub_state, 7)
    key = live.key("auditor")
    first = live.request("GET", "/api/v1/audit?limit=3&action=thing.done", key).json()
    assert [e["object_id"] for e in first["items"]] == ["0", "1", "2"]
    second = live.request("GET", first["next"], key).json()
    assert [e["object_id"] for e in second["items"]] == ["3", "4", "5"]
    exported = live.request("GET", "/api/v1/audit?format=csv&action=thing.done", key)
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 7 and rows[0]["action"] == "thing.done"
    assert live.request("GET", "/api/v1/audit", live.key("ingest")).status_code == 403
    bad = live.request("GET", "/api/v1/audit?since=yesterday", key)
    assert bad.status_code == 400 and bad.json()["errors"][0]["pointer"] == "?since"


def _append_many(database_url, instance, count):
    from hub import create_app

    app = create_app(
        {
            "HUB_DATABASE_URL": database_url,
            "HUB_INSTANCE_PATH": instance,
            "HUB_ENCRYPTION_KEYS": TEST_KEY,
            "HUB_SECRET_KEY": "x" * 20,
            "HUB_LOG_LEVEL": "WARNING",
        }
    )
    add_entries(app.extensions["hub"], count)


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_concurrent_writers_never_fork_the_chain(app, hub_state, database_url, tmp_path):
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_append_many, args=(database_url, str(tmp_path / "instance"), 25)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    with transaction(hub_state.session_factory) as session:
        report = audit.verify(session)
    assert report.ok and report.checked == 100
