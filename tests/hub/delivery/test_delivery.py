"""Delivery end to end on loopback: outcomes, retries, the breaker, crashes, many workers, wake-ups."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import signal
import threading
import time

import pytest
from sqlalchemy import select

from hub.audit import chain as audit
from hub.delivery.worker import Worker
from hub.storage.db import transaction
from hub.storage.models import AuditEntry, Connector
from tests.conftest import BACKENDS
from tests.hub.delivery_support import (
    add_rest_connector,
    caller,
    hire,
    jobs,
    run_worker,
    worker_process,
)
from tests.support.http_receiver import HttpReceiver, Reply

EVENTS_PATH = "/hris-hub/events"


@pytest.fixture
def receiver():
    with HttpReceiver(default=Reply(201, body={"id": "hr-1"})) as server:
        yield server


def test_a_hire_is_delivered_signed_and_idempotent(hub_state, receiver):
    add_rest_connector(hub_state, "hr", receiver.url)
    [result_id] = hire(hub_state, caller(hub_state))
    run_worker(hub_state)
    [job] = jobs(hub_state)
    assert job.status == "delivered" and job.attempts == 1
    [request] = receiver.requests_for(EVENTS_PATH)
    assert request.header("Idempotency-Key") == job.id
    assert request.header("webhook-id") == job.id
    secret = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    signed = f"{job.id}.{request.header('webhook-timestamp')}.".encode() + request.body
    expected = base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest()).decode()
    assert request.header("webhook-signature") == f"v1,{expected}"
    body = request.json()
    assert body["event"] == "candidate.hired" and body["job_id"] == job.id
    assert body["result"]["id"] == result_id and body["employee"] == {"id": "E00001", "start_date": "2027-01-04"}
    assert body["candidate"]["name"] == "王小明" and body["plan"]["goals"], "the hire's plan travels with it"
    attempt = job.attempts_log[0]
    assert attempt.outcome == "delivered" and attempt.status_code == 201 and attempt.latency_ms > 0
    with transaction(hub_state.session_factory) as session:
        assert audit.verify(session).ok
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "sync_job.created" in actions and "sync_job.delivered" in actions


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_400_is_permanent_503_is_retried(hub_state, receiver):
    add_rest_connector(hub_state, "bad", receiver.url + "/bad")
    add_rest_connector(hub_state, "flaky", receiver.url + "/flaky")
    receiver.script("/bad" + EVENTS_PATH, Reply(400, body={"error": "field goal_weight is not allowed"}))
    receiver.script("/flaky" + EVENTS_PATH, Reply(503), Reply(503), Reply(201))
    hire(hub_state, caller(hub_state))
    run_worker(hub_state)
    by_connector = {job.connector.name: job for job in jobs(hub_state)}
    bad, flaky = by_connector["bad"], by_connector["flaky"]
    assert bad.status == "dead" and bad.attempts == 1
    assert "400" in bad.last_error and "goal_weight" in (bad.attempts_log[0].response_excerpt or "")
    assert flaky.status == "delivered" and [a.outcome for a in flaky.attempts_log] == [
        "retryable",
        "retryable",
        "delivered",
    ]


def test_retry_after_is_waited_out(hub_state, receiver):
    add_rest_connector(hub_state, "busy", receiver.url)
    receiver.script(EVENTS_PATH, Reply(429, headers={"Retry-After": "1"}), Reply(201))
    hire(hub_state, caller(hub_state))
    run_worker(hub_state)
    first, second = receiver.requests_for(EVENTS_PATH)
    assert second.received_at - first.received_at >= 0.95  # the schedule alone would retry after 0.2 s
    [job] = jobs(hub_state)
    assert job.status == "delivered"


def test_a_hanging_target_times_out_and_the_schedule_runs_out(hub_state, receiver):
    add_rest_connector(
        hub_state,
        "slow",
        receiver.url,
        retry_schedule=[0.1],
        config={"base_url": receiver.url, "timeouts": {"connect": 1, "read": 0.3}},
    )
    receiver.script(EVENTS_PATH, Reply(200, delay=3), Reply(200, delay=3))
    hire(hub_state, caller(hub_state))
    run_worker(hub_state)
    [job] = jobs(hub_state)
    assert job.status == "dead" and job.attempts == 2
    assert all("timed out" in a.error.lower() or "timeout" in a.error.lower() for a in job.attempts_log)


def test_410_disables_the_connector(hub_state, receiver):
    add_rest_connector(hub_state, "gone", receiver.url, max_concurrency=1)
    receiver.script(EVENTS_PATH, Reply(410))
    hire(hub_state, caller(hub_state), count=2)
    run_worker(hub_state)
    with hub_state.read_session_factory() as session:
        connector = session.scalars(select(Connector)).one()
    assert connector.enabled is False and "410" in connector.disabled_reason
    assert len(receiver.requests_for(EVENTS_PATH)) == 1  # the second job waits for an operator


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_breaker_opens_and_closes_and_healthy_targets_are_not_delayed(app_config, tmp_path, database_url, receiver):
    from hub import create_app
    from hub.storage.migrate import upgrade

    app = create_app({**app_config, "HUB_BREAKER_THRESHOLD": "2", "HUB_BREAKER_COOLDOWN": "0.5"})
    state = app.extensions["hub"]
    upgrade(state.engine)
    target_up = threading.Event()
    receiver.handle("/down" + EVENTS_PATH, lambda request: Reply(201) if target_up.is_set() else Reply(503))
    add_rest_connector(state, "down", receiver.url + "/down", retry_schedule=[0.2] * 40)
    add_rest_connector(state, "healthy", receiver.url + "/healthy")
    hire(state, caller(state), count=6)
    worker = Worker(state, threads=4)
    thread = threading.Thread(target=worker.run, kwargs={"until_idle": True, "max_seconds": 60})
    started = time.time()
    thread.start()
    receiver.wait_for(6, path="/healthy" + EVENTS_PATH, timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with state.read_session_factory() as session:
            if session.scalar(select(Connector.breaker_state).where(Connector.name == "down")) in ("open", "half_open"):
                break
        time.sleep(0.05)
    else:
        pytest.fail("the breaker never opened")
    target_up.set()
    thread.join(60)
    assert not thread.is_alive()
    assert all(job.status == "delivered" for job in jobs(state)), [(j.connector.name, j.status) for j in jobs(state)]
    with state.read_session_factory() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == "down")).all()
        assert session.scalar(select(Connector.breaker_state).where(Connector.name == "down")) == "closed"
    assert "connector.breaker_opened" in actions and "connector.breaker_closed" in actions
    healthy = [j for j in jobs(state) if j.connector.name == "healthy"]
    assert all(j.attempts == 1 for j in healthy)
    # While the breaker was open the failing target saw far fewer requests than its jobs' schedules allow.
    down_requests = receiver.requests_for("/down" + EVENTS_PATH)
    assert len(down_requests) < 6 * 10
    # Not delayed: the healthy target had all six within a time far shorter than the failing target's
    # retries and cooldowns took (it failed for the whole while, at least until the breaker opened).
    healthy_last = max(r.received_at for r in receiver.requests_for("/healthy" + EVENTS_PATH))
    assert healthy_last - started < 3.0
    state.dispose()


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_a_worker_killed_mid_run_loses_nothing(hub_state, app_config, receiver):
    receiver.handle(EVENTS_PATH, lambda request: Reply(201, delay=0.1))
    add_rest_connector(hub_state, "hr", receiver.url, max_concurrency=2)
    hire(hub_state, caller(hub_state), count=20)
    config = {**app_config, "HUB_LEASE_SECONDS": "2"}
    first = worker_process(config, "--threads", "2")
    try:
        # Generous: the worker process starts first (imports, over 30 s on a loaded 2-core machine); no test of speed.
        receiver.wait_for(4, path=EVENTS_PATH, timeout=180)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert len(receiver.requests_for(EVENTS_PATH)) < 20, "the first worker finished before it was killed"
    second = worker_process(config, "--until-idle")
    assert second.wait(120) == 0, second.stderr.read()
    all_jobs = jobs(hub_state)
    assert len(all_jobs) == 20 and all(job.status == "delivered" for job in all_jobs)
    assert {job.id for job in all_jobs} <= receiver.delivered_keys(EVENTS_PATH)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_four_workers_share_the_work_without_duplicates(hub_state, app_config, receiver):
    receiver.handle(EVENTS_PATH, lambda request: Reply(201, delay=0.02))
    add_rest_connector(hub_state, "hr", receiver.url, max_concurrency=16)
    hire(hub_state, caller(hub_state), count=60)
    processes = [worker_process(app_config, "--until-idle", "--threads", "4") for _ in range(4)]
    for process in processes:
        assert process.wait(180) == 0, process.stderr.read()
    keys = receiver.idempotency_keys(EVENTS_PATH)
    assert len(keys) == 60 and set(keys.values()) == {1}, keys.most_common(3)
    workers = {a.worker for job in jobs(hub_state) for a in job.attempts_log}
    assert len(workers) > 1, "one worker did everything: the others never claimed work"


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_an_idle_worker_is_woken_by_notify_not_polling(app_config, receiver):
    from hub import create_app
    from hub.storage.migrate import upgrade

    app = create_app({**app_config, "HUB_WORKER_POLL_SECONDS": "30"})
    state = app.extensions["hub"]
    upgrade(state.engine)
    add_rest_connector(state, "hr", receiver.url)
    worker = Worker(state, threads=2)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        time.sleep(0.5)  # the worker has found nothing and sleeps for up to 30 s
        hire(state, caller(state))
        receiver.wait_for(1, path=EVENTS_PATH, timeout=5)
    finally:
        worker.stop()
        thread.join(30)
        state.dispose()


def test_sigterm_lets_the_attempt_in_flight_finish(hub_state, app_config, receiver):
    receiver.handle(EVENTS_PATH, lambda request: Reply(201, delay=1.5))
    add_rest_connector(
        hub_state, "hr", receiver.url, config={"base_url": receiver.url, "timeouts": {"connect": 1, "read": 5}}
    )
    hire(hub_state, caller(hub_state))
    process = worker_process(app_config)
    receiver.wait_for(1, path=EVENTS_PATH, timeout=30)
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    [job] = jobs(hub_state)
    assert job.status == "delivered" and job.lease_until is None


def test_dead_jobs_replay_from_the_api(live, hub_state, receiver):
    add_rest_connector(hub_state, "hr", receiver.url, retry_schedule=[0.1])
    receiver.script(EVENTS_PATH, Reply(500), Reply(500))
    hire(hub_state, caller(hub_state))
    run_worker(hub_state)
    [job] = jobs(hub_state)
    assert job.status == "dead"
    admin = live.key("admin")
    listed = live.request("GET", "/api/v1/sync-jobs?status=dead&connector=hr", admin).json()
    assert [item["job_id"] for item in listed["items"]] == [job.id]
    assert live.request("POST", f"/api/v1/sync-jobs/{job.id}/replay", live.key("auditor")).status_code == 403
    replayed = live.request("POST", f"/api/v1/sync-jobs/{job.id}/replay", admin)
    assert replayed.status_code == 200 and replayed.json()["status"] == "pending"
    run_worker(hub_state)
    detail = live.request("GET", f"/api/v1/sync-jobs/{job.id}", live.key("auditor")).json()
    assert detail["status"] == "delivered"
    assert [a["outcome"] for a in detail["attempts_log"]] == ["retryable", "retryable", "delivered"]
    again = live.request("POST", f"/api/v1/sync-jobs/{job.id}/replay", admin)
    assert again.status_code == 409


def test_a_payload_that_fails_the_target_schema_is_dead_before_sending(hub_state, receiver, tmp_path):
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "strict.json").write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "required": ["employee_number"],
                "properties": {"employee_number": {"type": "integer"}},
            }
        )
    )
    (tmp_path / "mappings" / "strict.yaml").write_text(
        "name: strict\nversion: '1'\nkind: rest\nevents: [candidate.hired]\nschema: strict.json\n"
        "payload:\n  method: POST\n  path: /strict\n  body:\n    employee_number: '{{ employee.id }}'\n"
    )
    add_rest_connector(hub_state, "strict", receiver.url, mapping="strict")
    hire(hub_state, caller(hub_state))
    run_worker(hub_state)
    [job] = jobs(hub_state)
    assert job.status == "dead" and job.attempts == 1
    assert "mapping failed" in job.last_error and "/employee_number" in job.last_error
    assert receiver.requests == []
