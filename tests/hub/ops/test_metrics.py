"""/metrics in Prometheus format: jobs, breakers, queue age and attempts from the database, ingest from the server."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import interview_result
from tests.hub.delivery_support import add_rest_connector, caller, hire, run_worker
from tests.support.http_receiver import HttpReceiver


@pytest.fixture
def receiver():
    with HttpReceiver() as server:
        yield server


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_count_jobs_attempts_breakers_and_ingest(live, hub_state, receiver):
    key = live.key()
    assert live.request("POST", "/api/v1/results", key, json=interview_result()).status_code == 202
    assert live.request("POST", "/api/v1/results", key, json={"external_id": 1}).status_code == 422
    add_rest_connector(hub_state, "hr", receiver.url)
    hire(hub_state, caller(hub_state))
    run_worker(hub_state)
    response = live.request("GET", "/metrics", live.key("auditor"))
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    samples = _samples(response.text)
    assert samples[("hris_sync_jobs", (("connector", "hr"), ("status", "delivered")))] == 1
    assert samples[("hris_delivery_attempts_total", (("connector", "hr"), ("outcome", "delivered")))] == 1
    assert samples[("hris_delivery_attempt_latency_seconds_count", (("outcome", "delivered"),))] == 1
    assert samples[("hris_connector_breaker_state", (("connector", "hr"),))] == 0
    assert samples[("hris_oldest_due_job_age_seconds", ())] == 0
    assert samples[("hris_ingest_seconds_count", (("outcome", "accepted"),))] == 1
    assert samples[("hris_ingest_seconds_count", (("outcome", "refused"),))] == 1


def test_metrics_need_an_auditor_or_admin_key(live):
    assert live.request("GET", "/metrics").status_code == 401
    assert live.request("GET", "/metrics", live.key("ingest")).status_code == 403
    assert live.request("GET", "/metrics", live.key("admin")).status_code == 200
