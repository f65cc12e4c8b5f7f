"""Group commit at ingest: results written together in one transaction keep every guarantee of a result written
alone (all or nothing per result, answered only once committed, idempotent, one chain), and a group that fails is
written again result by result, so one bad result never fails another. (Served, groups form on SQLite only;
the group functions are checked on both backends.)"""

from __future__ import annotations

import copy
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from hub.accounts.api_clients import Caller, create_client
from hub.audit import chain as audit
from hub.errors import IdempotencyConflict, UnknownCompetencyModel
from hub.intake import ingest
from hub.storage.db import transaction
from tests.conftest import interview_result


@pytest.fixture
def caller(hub_state) -> Caller:
    with transaction(hub_state.session_factory) as session:
        client, _key = create_client(session, name="groups", role="ingest", actor="test")
        return Caller(client.id, client.name, client.role)


def work(caller, document, key=None) -> ingest._Work:
    return ingest._Work(caller, document, key, ingest.validate(document), ingest.body_digest(document))


def count(hub_state, table: str) -> int:
    with hub_state.engine.connect() as connection:
        return connection.scalar(text(f"SELECT count(*) FROM {table}"))


def commits(hub_state) -> list[int]:
    seen: list[int] = []
    event.listen(hub_state.engine, "commit", lambda _conn: seen.append(1))
    return seen


def test_a_group_is_one_transaction_with_each_result_whole(hub_state, caller):
    first = interview_result(candidate={"external_id": "same-person", "name": "王小明"})
    second = interview_result(candidate={"external_id": "same-person", "name": "王小明"})  # same candidate
    replayed = copy.deepcopy(first)  # the same result posted twice in one group
    conflicting = {**copy.deepcopy(first), "job_code": "RND-ENG"}  # first's external_id, other content
    bad_model = interview_result(scores={**interview_result()["scores"], "model": "../../etc/passwd"})
    batch = [work(caller, d) for d in (first, second, replayed, conflicting, bad_model)]
    seen = commits(hub_state)

    ingest._write_group(hub_state.session_factory, batch)

    assert len(seen) == 1  # one transaction for the five
    assert [w.outcome.status if w.outcome else None for w in batch] == [202, 202, 202, None, None]
    assert batch[2].outcome.replayed and batch[2].outcome.body["id"] == batch[0].outcome.body["id"]
    assert isinstance(batch[3].error, IdempotencyConflict)
    assert isinstance(batch[4].error, UnknownCompetencyModel)
    assert count(hub_state, "interview_results") == 2 and count(hub_state, "candidates") == 1
    assert count(hub_state, "profiles") == 2 and count(hub_state, "consent_records") == 2
    with hub_state.session_factory() as session:
        report = audit.verify(session)
        assert report.ok and report.checked == 4 + 1  # received + profile.created each, and the client's creation


def test_a_group_that_fails_is_written_again_result_by_result(hub_state, caller, monkeypatch):
    documents = [interview_result() for _ in range(4)]
    real_store = ingest._store
    failed = []

    def store_failing_once(session, connection, caller, document, *args):
        if document is documents[2] and not failed:
            failed.append(document["external_id"])
            real_store(session, connection, caller, document, *args)  # half written: then the database fails
            raise OperationalError("INSERT ...", {}, Exception("the connection dropped"))
        return real_store(session, connection, caller, document, *args)

    monkeypatch.setattr(ingest, "_store", store_failing_once)
    batch = [work(caller, d) for d in documents]
    seen = commits(hub_state)

    ingest._write_group(hub_state.session_factory, batch)

    assert failed and len(seen) == 4  # the group rolled back, then each result alone
    assert all(w.error is None and w.outcome.status == 202 and not w.outcome.replayed for w in batch)
    assert count(hub_state, "interview_results") == 4 and count(hub_state, "profiles") == 4
    with hub_state.session_factory() as session:
        assert audit.verify(session).ok and audit.verify(session).checked == 1 + 4 * 2


def test_concurrent_posts_are_each_committed_before_their_answer(live, hub_state):
    """32 threads post 160 results, a fifth of them twice: every 202 names a result another connection can already
    read, nothing is stored twice, and the chain is intact (groups form here whenever posts overlap)."""
    key = live.key()
    documents = [interview_result(candidate={"external_id": f"c-{i % 40}"}) for i in range(128)]
    documents += [copy.deepcopy(documents[i]) for i in range(0, 128, 4)]
    unseen = []
    lock = threading.Lock()

    def post_and_read(document):
        response = live.request("POST", "/api/v1/results", key, json=document)
        assert response.status_code == 202, response.text
        with hub_state.engine.connect() as connection:  # not the hub's session: only what is committed
            found = connection.scalar(
                text("SELECT count(*) FROM interview_results WHERE id = :id"), {"id": response.json()["id"]}
            )
        if found != 1:
            with lock:
                unseen.append(response.json()["id"])
        return response.json()["id"]

    with ThreadPoolExecutor(max_workers=32) as pool:
        ids = list(pool.map(post_and_read, documents))
    assert unseen == []
    assert len(set(ids)) == 128
    assert ids[128:] == [ids[i] for i in range(0, 128, 4)]  # a duplicate replays the first answer
    assert count(hub_state, "interview_results") == 128 and count(hub_state, "candidates") == 40
    with hub_state.session_factory() as session:
        report = audit.verify(session)
    assert report.ok and report.checked == 1 + 128 * 2
