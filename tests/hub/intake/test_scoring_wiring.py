"""Answers posted to the hub are scored in the background into versioned profiles."""

from __future__ import annotations

import json

from tests.conftest import ROOT
from tests.hub.delivery_support import run_worker
from tests.support.cli import invoke


def example(name: str) -> dict:
    document = json.loads((ROOT / "examples" / "results" / name).read_text(encoding="utf-8"))
    document.pop("decision", None)
    return document


def test_answers_are_scored_by_the_worker(live, hub_state):
    key = live.key()
    accepted = live.request("POST", "/api/v1/results", key, json=example("zh-sales-answers.json")).json()
    assert accepted["status"] == "queued"
    run_worker(hub_state)
    view = live.request("GET", accepted["links"]["self"], key).json()
    assert view["status"] == "scored"
    profile = view["profile"]
    assert profile["source"] == "hris-hub-scoring" and profile["model"] == "sales"
    assert set(profile["dimensions"]) == {
        "communication",
        "stress_tolerance",
        "customer_orientation",
        "teamwork",
        "responsibility",
    }
    assert profile["preferences"]["work_schedule"] == "flexible"
    audit = live.request("GET", f"/api/v1/audit?object_id={accepted['id']}", live.key("auditor")).json()["items"]
    assert [e["action"] for e in audit] == ["result.received", "profile.created"]


def test_unknown_questions_fail_with_a_reason_not_a_guess(live, hub_state):
    key = live.key()
    document = example("en-rnd-answers.json")
    document["answers"][0]["question_id"] = "no_such_question"
    accepted = live.request("POST", "/api/v1/results", key, json=document).json()
    run_worker(hub_state)
    view = live.request("GET", accepted["links"]["self"], key).json()
    assert view["status"] == "failed" and view["profile"] is None
    assert "question" in view["scoring_error"]


def test_rescoring_adds_a_version_and_keeps_the_old_one(live, hub_state):
    key = live.key()
    accepted = live.request("POST", "/api/v1/results", key, json=example("en-rnd-answers.json")).json()
    run_worker(hub_state)
    first = live.request("GET", accepted["links"]["self"], key).json()
    result = invoke(live.app, "results", "rescore", accepted["id"])
    assert result.exit_code == 0 and "queued 1" in result.output
    run_worker(hub_state)
    second = live.request("GET", accepted["links"]["self"], key).json()
    assert second["profile_versions"] == 2 and second["profile_version"] == 2
    from sqlalchemy import select

    from hub.storage.models import Profile

    with hub_state.read_session_factory() as session:
        versions = session.scalars(
            select(Profile).where(Profile.result_id == accepted["id"]).order_by(Profile.version)
        ).all()
        assert versions[0].data == first["profile"]
