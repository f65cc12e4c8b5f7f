"""The Core claim and batch read give the threads what the ORM path gave them, and an idle worker hears of another
connection's commit before its poll interval is out."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from hub.delivery import documents
from hub.delivery.claim import Claimer
from hub.delivery.deliver import load_job, load_results
from hub.delivery.outbox import NOTIFY_CHANNEL
from hub.delivery.worker import Worker
from hub.storage.db import transaction
from hub.storage.models import Profile
from tests.hub.delivery_support import add_rest_connector, caller, hire
from tests.support.http_receiver import HttpReceiver, Reply


@pytest.fixture
def receiver():
    with HttpReceiver(default=Reply(201, body={"id": "hr-1"})) as server:
        yield server


def test_claimed_jobs_build_the_same_documents_as_the_orm_path(hub_state, receiver):
    add_rest_connector(hub_state, "hr", receiver.url, max_concurrency=8)
    result_ids = hire(hub_state, caller(hub_state), count=3)
    # A second profile version for one result: the batch read must pick the latest, as `result.profiles[-1]` does.
    with transaction(hub_state.session_factory) as session:
        first = session.query(Profile).filter_by(result_id=result_ids[0]).one()
        session.add(
            Profile(
                result_id=first.result_id,
                version=first.version + 1,
                source="rescored",
                data={**first.data, "rescored_by": "test"},
            )
        )
    claimer = Claimer(
        hub_state.session_factory, worker_id="w-test", lease_seconds=60, postgres=not hub_state.settings.is_sqlite
    )
    claimed = claimer.claim(8, {})
    assert len(claimed) == 3 and all(item.job and item.connector for item in claimed)
    settings = hub_state.settings
    with hub_state.read_session_factory() as session:
        values = load_results(session, [item.job.result_id for item in claimed if item.job])
        assert sorted(values) == sorted(result_ids)
        for item in claimed:
            assert item.job is not None and item.connector is not None
            orm_job, orm_connector, orm_result = load_job(session, item.job_id)
            assert orm_job.status == "in_progress" and orm_job.leased_by == "w-test"
            assert (item.job.attempts, item.job.event, item.job.result_id) == (
                orm_job.attempts,
                orm_job.event,
                orm_job.result_id,
            )
            expected = documents.build(
                orm_job, orm_connector, orm_result, default_policy=settings.policy, catalog=settings.catalog
            )
            built = documents.build_from_values(
                item.job,
                item.connector,
                values[item.job.result_id],
                default_policy=settings.policy,
                catalog=settings.catalog,
            )
            assert built == expected
        assert values[result_ids[0]].profile_version == first.version + 1
        assert values[result_ids[0]].profile["rescored_by"] == "test"
    assert claimer.claim(8, {}) == []  # leased: nothing is claimed twice


def test_an_idle_worker_wakes_on_another_connections_commit(hub_state):
    """SQLite: the database's data version moves; PostgreSQL: the outbox's NOTIFY (sent as `enqueue` sends it)."""
    worker = Worker(hub_state, threads=1)
    sqlite = hub_state.settings.is_sqlite
    try:
        worker._start_listening()
        assert (worker._sqlite_watch is not None) == sqlite and (worker._listener is not None) == (not sqlite)
        poll = 30.0

        def commit_elsewhere() -> None:
            time.sleep(0.3)
            with hub_state.engine.begin() as connection:
                if sqlite:
                    connection.execute(text("CREATE TABLE IF NOT EXISTS wake_probe (id INTEGER)"))
                    connection.execute(text("INSERT INTO wake_probe VALUES (1)"))
                else:
                    connection.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))

        thread = threading.Thread(target=commit_elsewhere)
        started = time.monotonic()
        thread.start()
        worker._wait(poll)
        waited = time.monotonic() - started
        thread.join()
        assert waited < poll / 2  # woken by the commit, not by the poll interval
    finally:
        worker.shutdown()
