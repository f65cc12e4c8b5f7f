"""Erasure while a delivery is in flight: the attempt recorded after it keeps nothing personal, and no retry follows.

A real slow receiver on loopback holds the worker's request open; the candidate is erased (over the
API of the real server) while it waits; then the receiver answers and the worker records the attempt.
"""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import text

from tests.conftest import interview_result
from tests.hub.delivery_support import add_rest_connector, jobs, run_worker
from tests.support.http_receiver import HttpReceiver, Reply

EVENTS_PATH = "/hris-hub/events"
CANDIDATE = {
    "external_id": "wx-inflight-01",
    "name": "赵敏",
    "email": "zhao.min@example.cn",
    "phone": "+86 137 0000 1111",
}
PERSONAL = [CANDIDATE["name"], CANDIDATE["email"], CANDIDATE["phone"], "13700001111", "Zhao Min"]


def stored(engine) -> str:
    """Every row of the tables a delivery writes, as text."""
    with engine.connect() as connection:
        rows = []
        for table in ("delivery_attempts", "sync_jobs", "candidates", "interview_results", "decisions"):
            rows += [list(map(str, row)) for row in connection.execute(text(f"SELECT * FROM {table}"))]
    return json.dumps(rows, ensure_ascii=False)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(Reply(201, body={"id": "hr-9"}), id="delivered"),
        # A target that echoes what it was sent in its error: the reply and the error text carry the name.
        pytest.param(
            Reply(503, body={"error": f"busy, could not store {CANDIDATE['name']} <{CANDIDATE['email']}>"}),
            id="retryable-with-echo",
        ),
    ],
)
def test_an_attempt_in_flight_during_erasure_is_recorded_without_personal_data(live, hub_state, answer):
    key = live.key()
    arrived, release = threading.Event(), threading.Event()

    def slow_target(request):
        arrived.set()
        release.wait(10)  # held open until the erasure is done: the delivery is truly in flight
        return answer

    with HttpReceiver() as receiver:
        receiver.handle(EVENTS_PATH, slow_target)
        add_rest_connector(
            hub_state,
            "hr",
            receiver.url,
            retry_schedule=[0.2, 0.2, 0.2],
            config={
                "base_url": receiver.url,
                "timeouts": {"connect": 2, "read": 20},
                "webhook_secret": "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            },
        )
        accepted = live.request("POST", "/api/v1/results", key, json=interview_result(candidate=CANDIDATE))
        result_id = accepted.json()["id"]
        decided = live.request(
            "POST",
            f"/api/v1/results/{result_id}/decision",
            key,
            json={"hired": True, "decided_by": "Zhou Jie", "employee_ids": {"default": "E7"}},
        )
        assert decided.status_code == 201, decided.text
        worker = threading.Thread(target=run_worker, args=(hub_state,), kwargs={"max_seconds": 20})
        worker.start()
        try:
            assert arrived.wait(15), "the worker never called the target"
            [job] = jobs(hub_state)
            assert job.status == "in_progress"
            erased = live.request("DELETE", f"/api/v1/candidates/{CANDIDATE['external_id']}", key)
            assert erased.status_code == 200, erased.text
        finally:
            release.set()
            worker.join(30)
        assert not worker.is_alive()
        sent = receiver.requests_for(EVENTS_PATH)
        assert len(sent) == 1, "an erased candidate's delivery was tried again"
        assert CANDIDATE["name"] in sent[0].body.decode()  # it was in flight with the data, before the erasure

    [job] = jobs(hub_state)
    assert job.status == "cancelled" and job.lease_until is None
    [attempt] = job.attempts_log
    assert attempt.outcome == ("delivered" if answer.status == 201 else "retryable")
    assert attempt.status_code == answer.status  # what happened is kept; what was said is not
    assert attempt.request is None and attempt.response_excerpt is None
    raw = stored(hub_state.engine)
    leaked = [value for value in PERSONAL if value in raw]
    assert not leaked, f"still stored after erasure: {leaked}"
