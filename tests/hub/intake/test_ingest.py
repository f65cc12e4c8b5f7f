"""Ingest over real HTTP: acceptance, idempotency, races, bad input, roles, encryption at rest."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from tests.conftest import interview_result

PROBLEM = "application/problem+json"


def post(live, key, document, **kwargs):
    return live.request("POST", "/api/v1/results", key, json=document, **kwargs)


def test_accepts_a_result_and_reports_its_status(live):
    key = live.key("ingest")
    document = interview_result()
    response = post(live, key, document)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["external_id"] == document["external_id"]
    assert response.headers["Location"] == f"/api/v1/results/{body['id']}"
    status = live.request("GET", body["links"]["self"], key).json()
    assert status["status"] == "scored"
    assert status["profile"]["source"] == "external:acme-ai"
    assert status["profile"]["dimensions"]["communication"]["score"] == 92
    assert status["profile_versions"] == 1


def test_duplicate_external_id_replays_and_stores_nothing_new(live, hub_state):
    key = live.key()
    document = interview_result()
    first = post(live, key, document)
    again = post(live, key, dict(reversed(list(document.items()))))  # same meaning, other key order
    assert again.status_code == 202
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    with hub_state.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM interview_results")) == 1


def test_same_external_id_with_another_body_is_a_conflict_naming_the_first(live):
    key = live.key()
    document = interview_result()
    first = post(live, key, document).json()
    changed = dict(document, job_code="OTHER-JOB")
    response = post(live, key, changed)
    assert response.status_code == 409
    assert response.headers["Content-Type"].startswith(PROBLEM)
    assert response.json()["existing"]["id"] == first["id"]


def test_idempotency_key_replays_and_conflicts(live):
    key = live.key()
    document = interview_result()
    first = post(live, key, document, headers={"Idempotency-Key": "k-1"}).json()
    replay = post(live, key, document, headers={"Idempotency-Key": "k-1"})
    assert replay.json()["id"] == first["id"]
    other = post(live, key, interview_result(), headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["detail"]


def test_other_clients_may_reuse_an_external_id(live):
    document = interview_result()
    a = post(live, live.key(), document).json()
    b = post(live, live.key(), document).json()
    assert a["id"] != b["id"]


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_racing_duplicates_store_exactly_one_result(live, hub_state):
    key = live.key()
    document = interview_result()
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: post(live, key, document), range(16)))
    assert {r.status_code for r in responses} == {202}, [r.text for r in responses if r.status_code != 202]
    assert len({r.json()["id"] for r in responses}) == 1
    with hub_state.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM interview_results")) == 1
        assert connection.scalar(text("SELECT count(*) FROM candidates")) == 1


def test_raw_database_holds_no_pii(live, hub_state):
    key = live.key()
    document = interview_result(
        answers=[{"question_id": "s1", "text": "I called the angry customer back within an hour", "language": "en"}]
    )
    post(live, key, document)
    secrets = ["王小明", "xiaoming@example.com", "138 0013 8000", "angry customer"]
    with hub_state.engine.connect() as connection:
        for table in ("candidates", "interview_results", "profiles", "audit_entries"):
            rows = connection.execute(text(f"SELECT * FROM {table}")).all()
            dump = json.dumps([list(map(str, row)) for row in rows], ensure_ascii=False)
            for secret in secrets:
                assert secret not in dump, f"{secret!r} found in {table}"
    if hub_state.settings.is_sqlite:
        raw = open(hub_state.settings.database_url.removeprefix("sqlite:///"), "rb").read()
        wal = hub_state.settings.database_url.removeprefix("sqlite:///") + "-wal"
        import os

        raw += open(wal, "rb").read() if os.path.exists(wal) else b""
        for secret in secrets:
            assert secret.encode() not in raw


# NUL is not among them: every JSON body refuses it at its pointer (PostgreSQL text cannot hold it), as
# tests/hub/web/test_bad_input.py shows for /candidate/name.
AWKWARD_NAMES = ["张三🙂", "\u202eمحمد", "Robert'); DROP TABLE candidates;--", "<script>alert(1)</script>"]


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_awkward_names_are_stored_verbatim(live, hub_state, name):
    key = live.key()
    document = interview_result(candidate={"external_id": "c-1", "name": name})
    assert post(live, key, document).status_code == 202
    from sqlalchemy import select

    from hub.storage.models import Candidate

    with hub_state.session_factory() as session:
        assert session.scalars(select(Candidate)).one().pii["name"] == name


BAD_BODIES = [
    ("truncated", b'{"external_id": "x", "job_co', 400, "malformed-json"),
    ("not json", b"hello", 400, "malformed-json"),
    ("not utf-8", '{"external_id": "é"}'.encode("latin-1"), 400, "malformed-body"),
    ("empty", b"", 400, "malformed-body"),
    ("deeply nested", b"[" * 100_000 + b"]" * 100_000, 400, "malformed-json"),
]


@pytest.mark.parametrize("label,body,status,slug", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_malformed_bodies_get_a_problem_not_a_500(live, label, body, status, slug):
    response = live.request(
        "POST", "/api/v1/results", live.key(), data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith(PROBLEM)
    assert response.json()["type"].endswith(slug)


def test_wrong_content_type_is_415(live):
    response = live.request(
        "POST", "/api/v1/results", live.key(), data="a=b", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_oversized_body_is_413(live):
    body = b'{"external_id": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = live.request(
        "POST", "/api/v1/results", live.key(), data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "1048576" in response.json()["detail"]


def test_every_violation_is_listed_with_its_pointer(live):
    document = interview_result(job_code=7, surprise=True)
    document["candidate"] = {"name": 5}
    document["scores"]["dimensions"]["communication"] = 140
    del document["consent"]
    response = post(live, live.key(), document)
    assert response.status_code == 422
    pointers = {error["pointer"]: error["message"] for error in response.json()["errors"]}
    assert "/surprise" in pointers and "unknown field" in pointers["/surprise"]
    assert "/job_code" in pointers
    assert "/candidate/external_id" in pointers
    assert "/candidate/name" in pointers
    assert "/scores/dimensions/communication" in pointers
    assert "/consent" in pointers


def test_neither_answers_nor_scores_is_rejected(live):
    document = interview_result()
    del document["scores"]
    response = post(live, live.key(), document)
    assert response.status_code == 422
    assert any("answers" in e["message"] for e in response.json()["errors"])


def test_unknown_score_dimension_for_a_model_is_rejected(live):
    document = interview_result()
    document["scores"]["dimensions"]["charisma"] = 80
    response = post(live, live.key(), document)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"].startswith("/scores/dimensions")


def test_keys_and_roles(live):
    document = interview_result()
    assert live.request("POST", "/api/v1/results", None, json=document).status_code == 401
    assert live.request("POST", "/api/v1/results", "hh_000000000000_nope", json=document).status_code == 401
    assert (
        live.request("POST", "/api/v1/results", None, json=document, headers={"Authorization": "Basic abc"}).status_code
        == 401
    )
    auditor = live.key("auditor")
    forbidden = live.request("POST", "/api/v1/results", auditor, json=document)
    assert forbidden.status_code == 403 and "ingest" in forbidden.json()["detail"]


def test_revoked_key_is_refused(live, app):
    from hub.accounts.api_clients import revoke_client
    from hub.storage.db import transaction

    key = live.key("ingest", name="frontend-a")
    assert post(live, key, interview_result()).status_code == 202
    with transaction(app.extensions["hub"].session_factory) as session:
        revoke_client(session, name="frontend-a", actor="test")
    response = post(live, key, interview_result())
    assert response.status_code == 401 and "revoked" in response.json()["title"].lower()


def test_results_of_other_clients_are_invisible(live):
    first = post(live, live.key(), interview_result()).json()
    assert live.request("GET", first["links"]["self"], live.key()).status_code == 404
    assert live.request("GET", first["links"]["self"], live.key("admin")).status_code == 200
