"""The worker's promises, each tested on loopback: nothing to send is `skipped` (not "delivered"), one bad connector,
mapping or target never stops or delays the others, and a connector's rate limit holds across the worker's threads."""

from __future__ import annotations

import csv
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import update

from connectors import Connector as ConnectorPlugin
from connectors import hookimpl
from connectors.plugins import get_plugin_manager
from hub.delivery.rate_limit import RateLimiter
from hub.delivery.worker import Worker
from hub.storage.db import transaction
from hub.storage.models import Connector
from tests.conftest import ROOT
from tests.hub.delivery_support import (
    add_rest_connector,
    caller,
    hire,
    jobs,
    run_worker,
)
from tests.support.http_receiver import HttpReceiver, Reply

EVENTS_PATH = "/hris-hub/events"
GOALS_PATH = "/odata/v2/Goal_1"
# A sales hire who communicates well but not at 90, with no data-analysis score: the default policy fires no goal.
NO_GOAL_SCORES = {
    "source": "acme-ai",
    "model": "sales",
    "dimensions": {
        "communication": 72,
        "stress_tolerance": 85,
        "customer_orientation": 80,
        "teamwork": 75,
        "responsibility": 88,
    },
}


@pytest.fixture
def receiver():
    with HttpReceiver(default=Reply(201, body={"id": "hr-1"})) as server:
        yield server


def _by_connector(state):
    return {job.connector.name: job for job in jobs(state)}


# --- skipped, not delivered ---------------------------------------------------------------------------------------


def test_a_hire_that_fires_no_goal_is_skipped_with_the_reason_everywhere(
    live, hub_state, app_config, receiver, tmp_path
):
    folder = tmp_path / "drop"
    folder.mkdir()
    add_rest_connector(hub_state, "successfactors", receiver.url, mapping="successfactors-goal")
    add_rest_connector(
        hub_state,
        "csv-goals",
        receiver.url,
        type="csv",
        mapping="generic-csv-goals",
        config={"destination": {"type": "folder", "path": str(folder)}, "schedule": {"batch_size": 1}},
    )
    add_rest_connector(hub_state, "hr-rest", receiver.url)  # sends the event whatever the plan holds
    [result_id] = hire(hub_state, caller(hub_state), scores=NO_GOAL_SCORES)
    run_worker(hub_state)

    found = _by_connector(hub_state)
    for name in ("successfactors", "csv-goals"):
        job = found[name]
        assert (job.status, job.skip_reason, job.delivered_at) == ("skipped", "policy produced no goals", None), name
        [attempt] = job.attempts_log
        assert attempt.outcome == "skipped" and attempt.status_code is None
    assert found["hr-rest"].status == "delivered"
    assert receiver.requests_for(GOALS_PATH) == [] and len(receiver.requests_for(EVENTS_PATH)) == 1
    assert not list(folder.glob("*.csv")), "an empty CSV file was written for a hire with no goals"

    auditor = live.key("auditor")
    listed = live.request("GET", "/api/v1/sync-jobs?status=skipped", auditor).json()["items"]
    assert {(item["connector"], item["skip_reason"]) for item in listed} == {
        ("successfactors", "policy produced no goals"),
        ("csv-goals", "policy produced no goals"),
    }
    view = live.request("GET", f"/api/v1/results/{result_id}", live.key("admin")).json()
    assert {s["connector"]: s["skip_reason"] for s in view["sync"]}["successfactors"] == "policy produced no goals"
    exported = live.request("GET", "/api/v1/sync-jobs?format=csv&status=skipped", auditor).content.decode("utf-8-sig")
    rows = list(csv.DictReader(exported.splitlines()))
    assert {row["skip_reason"] for row in rows} == {"policy produced no goals"}
    assert all(row["delivered_at"] == "" and row["last_error"] == "" for row in rows), "empty cells must stay empty"
    assert "None" not in exported

    page = _console_page(live, f"/console/jobs/{found['successfactors'].id}")
    assert "Skipped because" in page and "policy produced no goals" in page

    preview = subprocess.run(
        [sys.executable, "-m", "hub", "connectors", "preview", "successfactors", "--result", result_id],
        env=_env(app_config),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.strip() == "nothing to send: the job would be skipped (policy produced no goals)"


def _env(config: dict) -> dict:
    import os

    return {**os.environ, **{k: str(v) for k, v in config.items() if k.startswith("HUB_")}}


def _console_page(live, path: str) -> str:
    """A console page as an auditor signed in at a browser sees it."""
    import lxml.html
    import requests

    from hub.accounts.console_users import create_user

    with transaction(live.app.extensions["hub"].session_factory) as session:
        create_user(session, email="auditor@example.com", role="auditor", password="审计 password 1", actor="test")
    with requests.Session() as browser:
        form = lxml.html.fromstring(browser.get(live.url + "/console/sign-in", timeout=30).text)
        token = form.xpath("//input[@name='csrf_token']/@value")[0]
        signed_in = browser.post(
            live.url + "/console/sign-in",
            timeout=30,
            data={"email": "auditor@example.com", "password": "审计 password 1", "csrf_token": token},
        )
        assert signed_in.status_code == 200 and "Sign-in failed" not in signed_in.text
        return lxml.html.fromstring(browser.get(live.url + path, timeout=30).text).text_content()


# --- one bad connector never stops or delays the others ------------------------------------------------------------


def test_a_connector_whose_plugin_is_missing_does_not_stop_the_worker(hub_state, receiver, tmp_path):
    add_rest_connector(hub_state, "uninstalled", receiver.url + "/gone")
    add_rest_connector(hub_state, "healthy", receiver.url)
    with transaction(hub_state.session_factory) as session:  # as if its plugin package was uninstalled since
        session.execute(update(Connector).where(Connector.name == "uninstalled").values(type="hr-plugin-gone"))
    hire(hub_state, caller(hub_state), count=2)
    run_worker(hub_state, max_seconds=30)
    found = jobs(hub_state)
    assert sorted(j.status for j in found if j.connector.name == "healthy") == ["delivered", "delivered"]
    missing = [j for j in found if j.connector.name == "uninstalled"]
    assert len(missing) == 2 and {j.status for j in missing} == {"dead"}
    assert all("unknown connector type 'hr-plugin-gone'" in j.last_error for j in missing), missing[0].last_error
    assert receiver.requests_for("/gone" + EVENTS_PATH) == []


def test_a_broken_mapping_file_fails_its_own_jobs_only(hub_state, receiver, tmp_path):
    (tmp_path / "mappings").mkdir()
    rest_mapping, csv_mapping = tmp_path / "mappings" / "rest-goals.yaml", tmp_path / "mappings" / "csv-goals.yaml"
    rest_mapping.write_text(
        (ROOT / "mappings" / "presets" / "generic-rest.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    csv_mapping.write_text(
        (ROOT / "mappings" / "presets" / "generic-csv-goals.yaml")
        .read_text(encoding="utf-8")
        .replace("schema: csv-goal-row.json\n", ""),
        encoding="utf-8",
    )
    folder = tmp_path / "drop"
    folder.mkdir()
    add_rest_connector(hub_state, "edited", receiver.url + "/edited", mapping="rest-goals")
    add_rest_connector(
        hub_state,
        "edited-csv",
        receiver.url,
        type="csv",
        mapping="csv-goals",
        config={"destination": {"type": "folder", "path": str(folder)}, "schedule": {"batch_size": 1}},
    )
    add_rest_connector(hub_state, "healthy", receiver.url)
    # Someone saves half-edited files after the connectors were added: YAML that no longer parses, a field gone.
    rest_mapping.write_text(
        "name: rest-goals\nversion: '2'\nkind: rest\npayload: {method: POST, path: [未闭合\n", encoding="utf-8"
    )
    csv_mapping.write_text("name: csv-goals\nversion: '2'\nkind: csv\nevents: [candidate.hired]\n", encoding="utf-8")
    hire(hub_state, caller(hub_state))
    run_worker(hub_state, max_seconds=30)
    found = _by_connector(hub_state)
    assert found["healthy"].status == "delivered"
    for name, file in (("edited", rest_mapping), ("edited-csv", csv_mapping)):
        job = found[name]
        assert job.status == "dead" and job.last_error.startswith("mapping failed:"), (name, job.last_error)
        assert file.name in job.last_error, job.last_error
    assert receiver.requests_for("/edited" + EVENTS_PATH) == [] and not list(folder.glob("*.csv"))


def test_a_target_that_hangs_does_not_delay_the_others(hub_state, receiver):
    receiver.handle("/hangs" + EVENTS_PATH, lambda request: Reply(201, delay=60))  # answers after a minute
    add_rest_connector(
        hub_state,
        "hangs",
        receiver.url + "/hangs",
        config={"base_url": receiver.url + "/hangs", "timeouts": {"connect": 1, "read": 3}},
    )
    add_rest_connector(hub_state, "healthy", receiver.url)
    hire(hub_state, caller(hub_state), count=4)
    worker = Worker(hub_state, threads=2)
    thread = threading.Thread(target=worker.run, kwargs={"max_seconds": 60})
    started = time.monotonic()
    thread.start()
    try:
        receiver.wait_for(4, path=EVENTS_PATH, timeout=10)  # the healthy target's four, while the other hangs
        healthy_seconds = time.monotonic() - started
        hanging_now = len(receiver.requests_for("/hangs" + EVENTS_PATH))
    finally:
        worker.stop()  # the attempts in flight end at their read timeout
        thread.join(30)
    assert not thread.is_alive()
    assert healthy_seconds < 2.5, f"the healthy target waited {healthy_seconds:.1f} s behind the hanging one"
    assert 1 <= hanging_now <= 2, "the hanging target holds at most the worker's threads"
    found = jobs(hub_state)
    assert sorted(j.status for j in found if j.connector.name == "healthy") == ["delivered"] * 4
    assert "delivered" not in {j.status for j in found if j.connector.name == "hangs"}


class _HangingBatch(ConnectorPlugin):
    """A batching plugin whose file upload never returns until the test lets it."""

    type_name = "hanging-batch"
    version = "1"
    payload_kind = "csv"
    batching = True
    release = threading.Event()

    def batch_due(self, pending, oldest_pending_at, last_flush_at, now):
        return True

    def deliver_batch(self, items):
        from connectors.base import DeliveryResult

        self.release.wait(20)
        return [DeliveryResult(status_code=None, latency_ms=1.0, response_excerpt="uploaded") for _ in items]


class _HangingBatchPlugin:
    @hookimpl
    def hub_connector_types(self):
        return [_HangingBatch]


def test_a_batch_upload_that_hangs_does_not_stop_the_loop(hub_state, receiver):
    manager = get_plugin_manager()
    plugin = _HangingBatchPlugin()
    manager.register(plugin, name="hanging-batch-test-plugin")
    _HangingBatch.release.clear()
    try:
        add_rest_connector(
            hub_state, "hanging-csv", receiver.url, type="hanging-batch", mapping="generic-csv-goals", config={}
        )
        add_rest_connector(hub_state, "healthy", receiver.url)
        hire(hub_state, caller(hub_state), count=2)
        worker = Worker(hub_state, threads=2)
        thread = threading.Thread(target=worker.run, kwargs={"until_idle": True, "max_seconds": 60})
        thread.start()
        try:
            receiver.wait_for(2, path=EVENTS_PATH, timeout=5)
        finally:
            _HangingBatch.release.set()
            thread.join(60)
        assert {job.status for job in jobs(hub_state)} == {"delivered"}
    finally:
        manager.unregister(plugin)


# --- rate limits --------------------------------------------------------------------------------------------------

BURST_MAPPING = """\
name: burst
version: "1"
kind: rest
events: [candidate.hired]
payload:
  $each: "[1, 2, 3]"
  $as: part
  $item:
    method: POST
    path: /burst
    body: {part: "{{ part }}", job_id: "{{ job_id }}"}
"""


def test_the_rate_limit_holds_across_the_workers_threads_and_each_request(hub_state, receiver, tmp_path):
    """Two jobs of three requests each, four threads, 5 a second: six requests spread over a second, never three
    in a burst (a job's requests each wait their turn, and the two jobs' threads share the connector's pace)."""
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "burst.yaml").write_text(BURST_MAPPING, encoding="utf-8")
    add_rest_connector(hub_state, "limited", receiver.url, mapping="burst", rate_per_second=5, max_concurrency=4)
    hire(hub_state, caller(hub_state), count=2)
    run_worker(hub_state, threads=4)
    assert {job.status for job in jobs(hub_state)} == {"delivered"}, [j.last_error for j in jobs(hub_state)]
    times = sorted(r.received_at for r in receiver.requests_for("/burst"))
    assert len(times) == 6
    # Arrival times carry network jitter, so the checks leave slack: 5 intervals of 0.2 s, any two of them 0.4 s.
    assert times[-1] - times[0] >= 0.8, times
    assert min(later - earlier for earlier, later in zip(times, times[2:])) >= 0.25, times


def test_the_limiter_spaces_threads_and_holds_each_connector_apart():
    """Ten threads ask at the same instant (a frozen clock): each connector's five get slots 1/20 s apart, in
    order, and neither connector's requests push the other's back."""
    waited: dict[int, list[float]] = {1: [], 2: []}
    limiter = RateLimiter(clock=lambda: 100.0, sleep=lambda seconds: None)

    def send(connector_id: int) -> None:
        waited[connector_id].append(limiter.wait(connector_id, 20))

    threads = [threading.Thread(target=send, args=(connector_id,)) for connector_id in (1, 2) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    for connector_id, delays in waited.items():
        assert sorted(delays) == pytest.approx([0.0, 0.05, 0.10, 0.15, 0.20]), (connector_id, delays)
    assert limiter.backlog(1) == pytest.approx(0.25) and limiter.backlog(3) == 0.0
    assert limiter.wait(3, None) == 0.0 and limiter.backlog(3) == 0.0  # no rate: never waits, takes no slot


def test_free_threads_are_shared_round_robin_and_every_idle_connector_gets_one():
    from hub.delivery.claim import share_out

    # Three connectors want 5, 1 and 3; four threads are free; nothing runs yet.
    assert share_out({1: 5, 2: 1, 3: 3}, 4, {}) == {1: 2, 2: 1, 3: 1}
    # No thread free, connector 1 holds them all (hanging, say): 2 and 3 still get one each, 1 gets none.
    assert share_out({1: 5, 2: 1, 3: 3}, 0, {1: 4}) == {2: 1, 3: 1}
    # A connector the breaker holds (capacity 0) or with nothing due gets nothing.
    assert share_out({1: 0, 2: -1, 3: 2}, 8, {}) == {3: 2}
