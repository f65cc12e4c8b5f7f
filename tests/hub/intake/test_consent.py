"""Consent scopes decide what the hub does: no scoring without 'scoring', no transfer without 'transfer_to_hr_systems'."""

from __future__ import annotations

import json

from tests.conftest import ROOT, interview_result
from tests.hub.delivery_support import (
    add_rest_connector,
    caller,
    hire,
    jobs,
    run_worker,
)
from tests.support.http_receiver import HttpReceiver


def with_scopes(document: dict, scopes: list[str]) -> dict:
    return {**document, "consent": {**document["consent"], "scopes": scopes}}


def test_answers_without_scoring_consent_are_kept_but_not_scored(live, hub_state):
    key = live.key()
    document = json.loads((ROOT / "examples/results/en-rnd-answers.json").read_text())
    document.pop("decision")
    accepted = live.request(
        "POST", "/api/v1/results", key, json=with_scopes(document, ["transfer_to_hr_systems"])
    ).json()
    assert accepted["status"] == "not_scored"
    run_worker(hub_state)
    view = live.request("GET", accepted["links"]["self"], key).json()
    assert view["status"] == "not_scored" and view["profile"] is None
    assert "consent" in view["scoring_error"]


def test_ready_scores_without_scoring_consent_are_refused_with_a_pointer(live):
    response = live.request("POST", "/api/v1/results", live.key(), json=with_scopes(interview_result(), ["retention"]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/consent/scopes"


def test_nothing_goes_to_hr_systems_without_transfer_consent(hub_state):
    with HttpReceiver() as receiver:
        add_rest_connector(hub_state, "hr", receiver.url)
        document = interview_result()
        hire(hub_state, caller(hub_state), consent={**document["consent"], "scopes": ["scoring"]})
        hire(hub_state, caller(hub_state))  # no scopes: the notice covers everything
        run_worker(hub_state)
        assert len(receiver.requests) == 1
    assert len(jobs(hub_state)) == 1
