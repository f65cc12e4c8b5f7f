"""Hostile resume uploads over the real server: parsed away from the request threads under hard limits, answered
with a clear problem in time, while health checks and ingest keep answering."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import hub_config, interview_result
from tests.scoring_engine import resume_fixtures as fixtures


def _upload(live, key, name: str, data: bytes, content_type: str = "application/pdf"):
    return live.request(
        "POST", f"/api/v1/candidates/cand-{name}/resumes", key, files={"file": (name, data, content_type)}
    )


@pytest.fixture
def app_config(tmp_path, database_url):
    # A short wall limit keeps the test quick; the defaults are documented in docs/configuration.md.
    return hub_config(
        tmp_path,
        database_url,
        HUB_RESUME_TIMEOUT_SECONDS="6",
        HUB_RESUME_CPU_SECONDS="5",
        HUB_RESUME_WORKERS="2",
        HUB_RESUME_QUEUE_SECONDS="20",
    )


def test_a_nested_form_bomb_is_a_resume_too_complex_problem(live):
    started = time.perf_counter()
    response = _upload(live, live.key(), "forms.pdf", fixtures.nested_forms_pdf(depth=6))
    assert time.perf_counter() - started < 35
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/resume-too-complex")


def test_a_decompression_bomb_is_refused_without_taking_the_servers_memory(live):
    response = _upload(live, live.key(), "bomb.pdf", fixtures.inflate_bomb_pdf(1024**3))
    assert response.status_code in (413, 422), response.text
    assert response.json()["type"].rsplit("/", 1)[-1] in ("resume-too-large", "resume-too-complex")


def test_health_and_ingest_answer_while_hostile_uploads_run(live):
    key = live.key()
    bombs = [fixtures.nested_forms_pdf(depth=7) for _ in range(4)]
    answers: list[int] = []
    threads = [
        threading.Thread(target=lambda b=b, i=i: answers.append(_upload(live, key, f"b{i}.pdf", b).status_code))
        for i, b in enumerate(bombs)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    slowest = 0.0
    for _ in range(3):
        started = time.perf_counter()
        assert live.request("GET", "/healthz").status_code == 200
        posted = live.request("POST", "/api/v1/results", key, json=interview_result())
        assert posted.status_code == 202, posted.text
        slowest = max(slowest, time.perf_counter() - started)
    for thread in threads:
        thread.join(60)
    assert slowest < 2.0, f"health and ingest took {slowest:.2f} s while hostile uploads ran"
    assert sorted(answers) and all(status in (422, 503) for status in answers), answers
