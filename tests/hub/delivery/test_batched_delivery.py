"""Batched delivery keeps its promises: attempts committed in groups are each recorded once, in order, on an intact
audit chain; a group that cannot be written as one is written job by job; a claimed batch is read once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from hub.audit import chain
from hub.delivery.attempts import GroupRecorder, Outcome, Recorder
from hub.storage.models import AuditEntry, DeliveryAttempt, SyncJob
from hub.storage.statuses import AttemptOutcome, JobStatus
from tests.hub.delivery_support import add_rest_connector, caller, hire, jobs, run_worker
from tests.support.http_receiver import HttpReceiver, Reply


@pytest.fixture
def receiver():
    with HttpReceiver(default=Reply(201, body={"id": "hr-1"})) as server:
        yield server


def _claimed(state, worker_id: str, count: int) -> list[str]:
    from hub.delivery.claim import Claimer

    claimer = Claimer(
        state.session_factory, worker_id=worker_id, lease_seconds=60, postgres=not state.settings.is_sqlite
    )
    claimed = claimer.claim(count, {})
    return [item.job_id for item in claimed]


def test_threads_finishing_together_share_transactions_and_each_attempt_is_recorded_once(hub_state, receiver):
    add_rest_connector(hub_state, "hr", receiver.url, max_concurrency=32)
    hire(hub_state, caller(hub_state), count=24)
    job_ids = _claimed(hub_state, "w-test", 24)
    assert len(job_ids) == 24
    recorder = Recorder(hub_state.session_factory, worker_id="w-test")
    group = GroupRecorder(recorder)
    gate = threading.Barrier(24)
    statuses: dict[str, JobStatus] = {}

    def finish(job_id: str) -> None:
        gate.wait()
        statuses[job_id] = group.record(
            job_id, Outcome(AttemptOutcome.DELIVERED, 201, 1.0), started_at=datetime.now(timezone.utc)
        )

    threads = [threading.Thread(target=finish, args=(job_id,)) for job_id in job_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == {job_id: JobStatus.DELIVERED for job_id in job_ids}
    assert group.recorded == 24 and group.batches < 24  # at least two attempts shared a transaction
    with hub_state.read_session_factory() as session:
        attempts = Counter(session.scalars(select(DeliveryAttempt.job_id)).all())
        assert attempts == Counter({job_id: 1 for job_id in job_ids})
        delivered = session.scalar(select(func.count()).select_from(SyncJob).where(SyncJob.status == "delivered"))
        assert delivered == 24
        actions = Counter(session.scalars(select(AuditEntry.action)).all())
        assert actions["sync_job.delivered"] == 24
        assert chain.verify(session).ok


def test_a_group_that_cannot_be_written_together_is_written_job_by_job(hub_state, receiver):
    add_rest_connector(hub_state, "hr", receiver.url, max_concurrency=8)
    hire(hub_state, caller(hub_state), count=3)
    job_ids = _claimed(hub_state, "w-test", 3)
    recorder = Recorder(hub_state.session_factory, worker_id="w-test")
    group = GroupRecorder(recorder)
    done = Outcome(AttemptOutcome.DELIVERED, 201, 1.0)
    now = datetime.now(timezone.utc)
    # A job that does not exist fails the group; the others are still recorded, and only it hears the error.
    from hub.delivery.attempts import _Waiting

    batch = [_Waiting(job_ids[0], done, now), _Waiting("no-such-job", done, now), _Waiting(job_ids[1], done, now)]
    group._commit(batch)
    assert batch[0].result() == JobStatus.DELIVERED and batch[2].result() == JobStatus.DELIVERED
    with pytest.raises(Exception):
        batch[1].result()
    assert group.record(job_ids[2], done, started_at=now) == JobStatus.DELIVERED
    assert {job.id: job.status for job in jobs(hub_state)} == {job_id: JobStatus.DELIVERED for job_id in job_ids}


def test_a_worker_delivers_a_claimed_batch_from_one_read(hub_state, receiver, monkeypatch):
    from hub.delivery import deliver

    add_rest_connector(hub_state, "hr", receiver.url, max_concurrency=8)
    hire(hub_state, caller(hub_state), count=8)
    single_loads = []
    original = deliver.load_job
    monkeypatch.setattr(
        deliver, "load_job", lambda session, job_id: single_loads.append(job_id) or original(session, job_id)
    )
    worker = run_worker(hub_state, threads=8)
    assert len(receiver.delivered_keys()) == 8
    assert {job.status for job in jobs(hub_state)} == {JobStatus.DELIVERED}
    assert single_loads == []  # every job came from the batch's prefetch
    assert worker.group_recorder.recorded == 8


def test_record_each_writes_chunks_and_a_failed_chunk_job_by_job(hub_state, receiver):
    """The one recording path of the group commit and the CSV batches: a chunk a transaction; a chunk with a job
    that cannot be recorded is written job by job, and only that job gets its error."""
    add_rest_connector(hub_state, "hr", receiver.url, max_concurrency=8)
    hire(hub_state, caller(hub_state), count=5)
    job_ids = _claimed(hub_state, "w-test", 5)
    recorder = Recorder(hub_state.session_factory, worker_id="w-test")
    done, now = Outcome(AttemptOutcome.DELIVERED, 201, 1.0), datetime.now(timezone.utc)
    items = [(job_id, done, now) for job_id in job_ids[:2]] + [("no-such-job", done, now)]
    items += [(job_id, done, now) for job_id in job_ids[2:]]
    results = recorder.record_each(items, chunk=2)
    assert [isinstance(result, Exception) for result in results] == [False, False, True, False, False, False]
    assert {job.id: job.status for job in jobs(hub_state)} == {job_id: JobStatus.DELIVERED for job_id in job_ids}
    with hub_state.read_session_factory() as session:
        assert Counter(session.scalars(select(DeliveryAttempt.job_id)).all()) == Counter(job_ids)
        assert chain.verify(session).ok


def test_a_busy_worker_gathers_freed_slots_for_a_moment_and_an_idle_one_claims_at_once(hub_state):
    import time
    from concurrent.futures import Future

    from hub.delivery.worker import Worker

    worker = Worker(hub_state, threads=8)
    try:
        assert not worker._gathering()  # nothing in flight: claim now
        worker._in_flight = {Future(): (f"job-{index}", 1) for index in range(6)}  # 2 of 8 free
        worker._claimed_at = time.monotonic()
        assert worker._gathering() and 0 < worker._look_again_in <= worker.CLAIM_GATHER_SECONDS
        worker._claimed_at = time.monotonic() - worker.CLAIM_GATHER_SECONDS  # waited long enough
        assert not worker._gathering()
        worker._claimed_at = time.monotonic()
        worker._in_flight = {Future(): (f"job-{index}", 1) for index in range(4)}  # half free: claim now
        assert not worker._gathering()
    finally:
        worker._in_flight = {}
        worker.shutdown()
