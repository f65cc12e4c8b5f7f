"""Crypto-shredding: each candidate's data under their own key, kept apart from the data, destroyed by erasure.

The attack: a backup of the data taken before an erasure, read afterwards with everything the hub still holds (the
master key and the key store), must yield none of the erased candidate's data, and still all of everyone else's."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Text, create_engine, select, text, type_coerce, update

from hub.privacy import crypto, shredding
from hub.privacy.keystore import candidate_keys
from hub.storage.models import Base, ErasureRequest, utcnow
from tests.conftest import interview_result
from tests.hub.delivery_support import add_rest_connector, run_worker
from tests.scoring_engine.resume_fixtures import ENGLISH_RESUME, resume_pdf
from tests.support.cli import invoke
from tests.support.http_receiver import HttpReceiver, Reply

ALICE = {"external_id": "cand-alice", "name": "王小明", "email": "wxm@example.cn", "phone": "+86 139 0000 1111"}
BOB = {"external_id": "cand-bob", "name": "Li Lei", "email": "lilei@example.com"}


def encrypted_columns():
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (crypto.EncryptedJSON, crypto.EncryptedBytes)):
                yield table.name, column.name


def take_backup(hub_state, database_url: str, tmp_path: Path):
    """A copy of the data as an operator's backup makes it (docs/operations.md, "Backups"): SQLite's online backup
    of the database file, or on PostgreSQL a copy of every hub table into another schema. The key store is not part
    of it. Returns a function giving the raw encrypted values of the copy."""
    if database_url.startswith("sqlite"):
        copy = tmp_path / "backup-before-erasure.sqlite"
        source = sqlite3.connect(database_url.split(":///", 1)[1])
        target = sqlite3.connect(copy)
        source.backup(target)
        source.close()
        target.close()
        engine = create_engine(f"sqlite:///{copy}")
        prefix = ""
    else:
        schema = "backup_" + uuid.uuid4().hex[:10]
        with hub_state.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            for table in Base.metadata.sorted_tables:
                connection.execute(text(f'CREATE TABLE "{schema}"."{table.name}" AS SELECT * FROM "{table.name}"'))
        engine = hub_state.engine
        prefix = f'"{schema}".'

    def values() -> list[str]:
        found = []
        with engine.connect() as connection:
            for table, column in encrypted_columns():
                found += [v for v in connection.execute(text(f"SELECT {column} FROM {prefix}{table}")).scalars() if v]
        return found

    return values


def open_all(values: list[str]) -> tuple[list[str], int]:
    """Decrypt every value with what the hub holds now: (the plaintexts, how many could not be opened)."""
    opened, refused = [], 0
    for value in values:
        try:
            opened.append(crypto.decrypt_stored(value).decode("utf-8", "replace"))
        except crypto.KeyDestroyedError:
            refused += 1
    return opened, refused


def post_candidate(live, key, who: dict, **extra):
    accepted = live.request("POST", "/api/v1/results", key, json=interview_result(candidate=who, **extra))
    assert accepted.status_code == 202, accepted.text
    return accepted.json()


def test_a_backup_taken_before_erasure_cannot_be_read_after_it(live, hub_state, database_url, tmp_path):
    key = live.key()
    alice = post_candidate(live, key, ALICE)
    post_candidate(live, key, BOB)
    decided = live.request(
        "POST",
        f"/api/v1/results/{alice['id']}/decision",
        key,
        json={
            "hired": True,
            "decided_by": "hr",
            "note": "strong closer, 王小明 asked for Shanghai",
            "employee_ids": {"default": "E77"},
        },
    )
    assert decided.status_code in (200, 201), decided.text
    resume = live.request(
        "POST",
        f"/api/v1/candidates/{ALICE['external_id']}/resumes",
        key,
        files={"file": ("wxm-cv.pdf", resume_pdf(ENGLISH_RESUME))},
    )
    assert resume.status_code == 201, resume.text

    # Every value of a candidate is under that candidate's own data key, none under the master key.
    with hub_state.session_factory() as session:
        assert shredding.count_under_master_key(session) == 0
    backup = take_backup(hub_state, database_url, tmp_path)
    before, refused = open_all(backup())
    assert refused == 0
    assert any("王小明" in v for v in before) and any("Shanghai" in v for v in before)  # the attack can succeed

    erased = live.request("DELETE", f"/api/v1/candidates/{ALICE['external_id']}", key)
    assert erased.status_code == 200, erased.text
    body = erased.json()
    assert body["key_destroyed"] is True and body["data_keys_destroyed"] == 1
    assert body["backups_unreadable"] is True and body["values_under_master_key"] == 0
    assert body["erasure"]["status"] == "completed" and body["erasure"]["key_destroyed"] is True

    after, refused = open_all(backup())
    leaked = [v for v in after if any(secret in v for secret in ("王小明", "wxm@example.cn", "Shanghai", "139 0000"))]
    assert leaked == []
    assert refused >= 4  # pii, payload, profile, decision note, resume content, parse and name
    assert any("Li Lei" in v for v in after)  # the other candidate's copy still reads
    # The live database reads the erased candidate as erased, the other as before.
    view = live.request("GET", alice["links"]["self"], key).json()
    assert view["profile"] == {"erased": True}
    with pytest.raises(crypto.KeyDestroyedError):
        hub_state.key_store.get(_key_ids(hub_state, destroyed=True)[0])


def _key_ids(hub_state, *, destroyed: bool) -> list[str]:
    with hub_state.key_store.engine.connect() as connection:
        condition = candidate_keys.c.wrapped.is_(None) if destroyed else candidate_keys.c.wrapped.is_not(None)
        return list(connection.execute(select(candidate_keys.c.key_id).where(condition)).scalars())


def test_the_key_store_is_apart_from_the_data_and_forgets_a_destroyed_key(live, hub_state, database_url):
    key = live.key()
    post_candidate(live, key, ALICE)
    with hub_state.key_store.engine.connect() as connection:
        wrapped = connection.execute(select(candidate_keys.c.wrapped)).scalar_one()
    assert wrapped.startswith("enc1:test1:")  # wrapped by the master key
    with hub_state.engine.connect() as connection:
        tables = set(Base.metadata.tables)
        assert "candidate_keys" not in tables
    if database_url.startswith("sqlite"):
        keys_file = Path(hub_state.settings.key_store_url.split(":///", 1)[1])
        assert keys_file.name == "hub.keys.sqlite" and keys_file.exists()
        files = [keys_file, keys_file.with_name(keys_file.name + "-wal")]
        assert wrapped.encode() in b"".join(f.read_bytes() for f in files if f.exists())
        assert live.request("DELETE", f"/api/v1/candidates/{ALICE['external_id']}", key).status_code == 200
        hub_state.key_store.dispose()
        # secure_delete: the destroyed key's bytes are overwritten in the file, not just unlinked; the write-ahead
        # log that held the page before is checkpointed and truncated.
        left = b"".join(f.read_bytes() for f in files if f.exists())
        assert wrapped.encode() not in left
        assert wrapped.split(":")[2][:24].encode() not in left


def test_new_data_after_erasure_gets_a_new_key(live, hub_state):
    key = live.key()
    post_candidate(live, key, ALICE)
    assert live.request("DELETE", f"/api/v1/candidates/{ALICE['external_id']}", key).status_code == 200
    again = post_candidate(live, key, ALICE)
    assert len(_key_ids(hub_state, destroyed=True)) == 1 and len(_key_ids(hub_state, destroyed=False)) == 1
    with hub_state.session_factory() as session:
        from hub.storage.models import InterviewResult

        assert session.get(InterviewResult, again["id"]).candidate.pii["name"] == "王小明"


def _write_as_before_crypto_shredding(hub_state) -> int:
    """Put every candidate value under the master key and forget the data keys, as a hub before this one left them."""
    moved = 0
    with hub_state.engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (crypto.EncryptedJSON, crypto.EncryptedBytes))]
            key = table.primary_key.columns.values()[0]
            for column in columns:
                rows = connection.execute(select(key, type_coerce(column, Text))).all()
                for row_key, raw in rows:
                    if raw and raw.startswith("enc2:"):
                        plain = crypto.decrypt_stored(raw)
                        connection.execute(
                            update(table)
                            .where(key == row_key)
                            .values({column: type_coerce(hub_state.keyring.encrypt(plain), Text)})
                        )
                        moved += 1
    with hub_state.key_store.engine.begin() as connection:
        connection.execute(candidate_keys.delete())
    return moved


def test_rotate_moves_data_written_before_crypto_shredding_under_candidate_keys(live, hub_state):
    key = live.key()
    alice = post_candidate(live, key, ALICE)
    post_candidate(live, key, BOB)
    moved = _write_as_before_crypto_shredding(hub_state)
    assert moved >= 6
    with hub_state.session_factory() as session:
        assert shredding.count_under_master_key(session) == moved
    # An erasure now says plainly that backups keep what was under the master key.
    cli = invoke(live.app, "candidates", "erase", BOB["external_id"], "--client", _client_name(hub_state))
    assert cli.exit_code == 0, cli.output
    assert "stay readable" in cli.output
    with hub_state.session_factory() as session:
        request = session.scalars(select(ErasureRequest)).one()
        assert request.values_under_master_key > 0 and request.key_destroyed is False

    rotated = invoke(live.app, "keys", "rotate", "--batch-size", "2")
    assert rotated.exit_code == 0, rotated.output
    assert "moved" in rotated.output
    with hub_state.session_factory() as session:
        assert shredding.count_under_master_key(session) == 0
    with hub_state.session_factory() as session:
        from hub.storage.models import InterviewResult

        result = session.get(InterviewResult, alice["id"])
        assert result.candidate.pii["name"] == "王小明" and result.payload["job_code"] == "SALES-REP"
    again = invoke(live.app, "keys", "rotate")
    assert "nothing to do" in again.output


def _client_name(hub_state) -> str:
    from hub.storage.models import ApiClient

    with hub_state.session_factory() as session:
        return session.scalars(select(ApiClient.name).where(ApiClient.role == "ingest")).first()


ERASING_MAPPING = """
name: erasing-rest
version: "1"
kind: rest
events: [candidate.hired]
payload:
  method: POST
  path: /events
  body:
    candidate: "{{ candidate.external_id }}"
erase:
  path: /candidates/{candidate_external_id}
"""


def test_erasure_propagates_a_delete_to_connectors_and_tracks_the_deadline(live, hub_state, tmp_path):
    (tmp_path / "mappings").mkdir(exist_ok=True)
    (tmp_path / "mappings" / "erasing-rest.yaml").write_text(ERASING_MAPPING)
    key = live.key()
    with HttpReceiver() as receiver:
        receiver.script("/candidates/cand-alice", Reply(503), Reply(204))
        add_rest_connector(hub_state, "deletes", receiver.url, mapping="erasing-rest")
        add_rest_connector(hub_state, "keeps", receiver.url)  # generic-rest names no delete
        accepted = post_candidate(live, key, ALICE)
        live.request(
            "POST",
            f"/api/v1/results/{accepted['id']}/decision",
            key,
            json={"hired": True, "decided_by": "hr", "employee_ids": {"default": "E1"}},
        )
        run_worker(hub_state, max_seconds=5)
        assert len(receiver.requests_for("/events")) == 1

        erased = live.request("DELETE", "/api/v1/candidates/cand-alice", key).json()
        erasure = erased["erasure"]
        assert erasure["connectors"]["deletes"]["status"] == "failed"
        assert "503" in erasure["connectors"]["deletes"]["error"]
        assert erasure["connectors"]["keeps"]["status"] == "not_supported"
        assert erasure["status"] == "open" and erasure["overdue"] is False
        deletes = [r for r in receiver.requests if r.path == "/candidates/cand-alice"]
        assert [r.method for r in deletes] == ["DELETE"]
        assert deletes[0].headers.get("Idempotency-Key") == erasure["id"]

        # Thirty-one days later it is still open: overdue, in the API and the CLI.
        with hub_state.session_factory() as session, session.begin():
            session.execute(update(ErasureRequest).values(requested_at=utcnow() - timedelta(days=31)))
        auditor = live.key("auditor")
        listed = live.request("GET", "/api/v1/erasures?overdue=true", auditor)
        assert listed.status_code == 200, listed.text
        assert [item["id"] for item in listed.json()["items"]] == [erasure["id"]]
        assert live.request("GET", "/api/v1/erasures?status=later", auditor).status_code == 400
        shown = invoke(live.app, "candidates", "erasures", "--overdue")
        assert "OVERDUE" in shown.output and "1 overdue" in shown.output
        metrics = live.request("GET", "/metrics", live.key("admin")).text
        assert "hris_erasure_requests_overdue 1.0" in metrics

        # The retry reaches the target, which deletes: the request completes and is no longer overdue.
        retried = invoke(live.app, "candidates", "erasures", "--retry")
        assert retried.exit_code == 0, retried.output
        assert "connector deletes: sent" in retried.output and "0 overdue" in retried.output
        assert [r.method for r in receiver.requests if r.path == "/candidates/cand-alice"] == ["DELETE", "DELETE"]
    with hub_state.session_factory() as session:
        request = session.get(ErasureRequest, erasure["id"])
        assert request.status == "completed" and request.propagation["deletes"]["attempts"] == 2
    raw = json.dumps(live.request("GET", "/api/v1/erasures", live.key("auditor")).json(), ensure_ascii=False)
    assert "王小明" not in raw and "wxm@example.cn" not in raw


@pytest.mark.parametrize(
    "value,message",
    [
        ("mysql://keys", "HUB_KEY_STORE_URL must start with sqlite"),
        ("same", "must not be the SQLite database itself"),
    ],
)
def test_a_bad_key_store_url_stops_the_start(tmp_path, value, message):
    from hub.config import ConfigurationError, Settings

    database = f"sqlite:///{tmp_path}/hub.sqlite"
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env(
            {
                "HUB_INSTANCE_PATH": str(tmp_path),
                "HUB_DATABASE_URL": database,
                "HUB_KEY_STORE_URL": database if value == "same" else value,
            }
        )
    default = Settings.from_env({"HUB_INSTANCE_PATH": str(tmp_path), "HUB_DATABASE_URL": database})
    assert default.key_store_url == f"sqlite:///{tmp_path}/hub.keys.sqlite"
