"""The key store's writes: one live key per candidate, made in few statements, one candidate or thousands at once."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import event, func, select

from hub.privacy.keystore import KeyStore, candidate_keys
from hub.storage.models import new_id


class Statements:
    """The SQL statements the engines run inside the `with` block (the key store's, and the data's it may share)."""

    def __init__(self, *engines):
        self.engines = set(engines)
        self.run: list[str] = []

    def _count(self, _connection, _cursor, statement, *_rest):
        self.run.append(statement)

    def __enter__(self):
        for engine in self.engines:
            event.listen(engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc):
        for engine in self.engines:
            event.remove(engine, "before_cursor_execute", self._count)


def live_keys(store, candidate_id: str) -> list[str]:
    with store.engine.connect() as connection:
        return list(
            connection.execute(
                select(candidate_keys.c.key_id).where(
                    candidate_keys.c.candidate_id == candidate_id, candidate_keys.c.wrapped.is_not(None)
                )
            ).scalars()
        )


def test_a_new_candidates_key_takes_at_most_two_statements_and_is_the_one_found_after(hub_state):
    store = hub_state.key_store
    store.ensure()
    candidate_id = new_id()
    with hub_state.engine.begin() as data:
        connection = data if store.same_database else None
        with Statements(store.engine, hub_state.engine) as statements:
            made = store.for_candidate(candidate_id, connection=connection)
        assert 1 <= len(statements.run) <= 2, statements.run
        with Statements(store.engine, hub_state.engine) as statements:
            again = store.for_candidate(candidate_id, connection=connection)
        assert len(statements.run) == 1, statements.run  # an existing key: one read
    assert made is not None and again is not None and again.key_id == made.key_id
    assert live_keys(store, candidate_id) == [made.key_id]
    # The wrapped key stored opens what the key returned sealed (read by a store with nothing in memory).
    fresh = KeyStore(store.url, store.keyring, cache_seconds=0)
    try:
        assert fresh.get(made.key_id).decrypt(made.seal_json({"a": 1})) == b'{"a":1}'
    finally:
        fresh.dispose()
    assert store.for_candidate(new_id(), create=False) is None


def test_bulk_creation_makes_each_missing_key_once_in_a_few_statements(hub_state):
    store = hub_state.key_store
    existing = new_id()
    first = store.for_candidate(existing)
    candidates = [new_id() for _ in range(2500)] + [existing]
    with Statements(store.engine, hub_state.engine) as statements:
        keys = store.for_candidates(candidates + candidates[:10])  # repeated ids are one candidate each
    # Three batches of at most 1,000 candidates: a statement each on PostgreSQL, a read and an insert on SQLite
    # (and the transaction around them).
    assert len(statements.run) <= 8, statements.run
    assert set(keys) == set(candidates) and keys[existing].key_id == first.key_id
    assert len({key.key_id for key in keys.values()}) == len(candidates)
    with store.engine.connect() as connection:
        stored = dict(
            connection.execute(
                select(candidate_keys.c.candidate_id, func.count())
                .where(candidate_keys.c.candidate_id.in_(candidates[:900] + [existing]))
                .group_by(candidate_keys.c.candidate_id)
            ).all()
        )
    assert set(stored.values()) == {1} and len(stored) == 901
    again = store.for_candidates(candidates[:5] + [new_id()], create=False)
    assert len(again) == 5 and all(again[c].key_id == keys[c].key_id for c in candidates[:5])


@pytest.mark.postgres
def test_writers_racing_for_a_new_candidate_on_postgresql_share_one_key(postgres_schema_url, tmp_path):
    """Four transactions make the same candidate's key at once; whichever commits first, all use its key."""
    from hub import create_app
    from tests.conftest import hub_config

    app = create_app(hub_config(tmp_path, postgres_schema_url))
    store = app.extensions["hub"].key_store
    store.ensure()
    candidate_ids = [f"race-{uuid.uuid4().hex[:8]}" for _ in range(5)]
    barrier = threading.Barrier(4)
    found: list[dict] = []
    errors: list[BaseException] = []

    def writer():
        try:
            with store.engine.begin() as connection:
                barrier.wait(timeout=60)
                keys = store.for_candidates(candidate_ids, connection=connection)
            found.append({c: k.key_id for c, k in keys.items()})
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert not errors, errors
        assert len(found) == 4 and all(keys == found[0] for keys in found)
        for candidate_id in candidate_ids:
            assert live_keys(store, candidate_id) == [found[0][candidate_id]]
    finally:
        app.extensions["hub"].dispose()
