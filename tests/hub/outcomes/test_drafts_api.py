"""Drafts over HTTP (/api/v1/drafts): what `hris-hub models ...` does, for an HR IT tool that is not a shell.
Auditors read, only admins propose and decide, every fault is a problem at its pointer, every decision audited."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from hub.storage.models import AuditEntry
from tests.hub.outcomes.test_drafts import seed


def test_drafts_are_proposed_read_and_decided_over_http_by_role(live, hub_state):
    admin, auditor, ingest = live.key("admin"), live.key("auditor"), live.key()
    # Nothing to propose from yet: a 422 at the body's pointer, nothing stored.
    empty = live.request("POST", "/api/v1/drafts", admin, json={"from": "validity", "job_family": "rnd"})
    assert empty.status_code == 422, empty.text
    assert empty.json()["errors"][0]["pointer"] == "/job_family" and "no hire" in empty.json()["detail"]
    assert live.request("GET", "/api/v1/drafts", auditor).json() == {"drafts": []}

    seed(hub_state, 1500)
    body = {"from": "validity", "job_family": "rnd", "outcome": "performance"}
    assert live.request("POST", "/api/v1/drafts", auditor, json=body).status_code == 403
    assert live.request("POST", "/api/v1/drafts", ingest, json=body).status_code == 403
    proposed = live.request("POST", "/api/v1/drafts", admin, json=body)
    assert proposed.status_code == 201, proposed.text
    [draft] = proposed.json()["drafts"]
    assert (draft["kind"], draft["name"], draft["status"], draft["base_version"]) == (
        "competency_model",
        "rnd",
        "draft",
        "1.0.0",
    )
    changes = {c["dimension"]: c for c in draft["proposal"]["changes"]}
    assert changes["teamwork"]["recommended"] < changes["teamwork"]["current"]  # the seed's weak dimension

    listed = live.request("GET", "/api/v1/drafts?status=draft&kind=competency_model", auditor)
    assert [d["id"] for d in listed.json()["drafts"]] == [draft["id"]]
    assert live.request("GET", "/api/v1/drafts?status=approved", auditor).json() == {"drafts": []}
    shown = live.request("GET", f"/api/v1/drafts/{draft['id']}?format=yaml", auditor)
    assert shown.status_code == 200 and shown.headers["Content-Type"].startswith("application/yaml")
    model = yaml.safe_load(shown.text)
    assert model["version"] == "1.1.0" and {d["key"] for d in model["dimensions"]} >= set(changes)

    # Bad input is named where it is; a decision by an auditor is refused.
    bad_filter = live.request("GET", "/api/v1/drafts?status=maybe", auditor)
    assert bad_filter.status_code == 422 and bad_filter.json()["errors"][0]["pointer"] == "?status"
    bad_body = live.request("POST", "/api/v1/drafts", admin, json={"from": "horoscope", "job_family": "rnd"})
    assert bad_body.status_code == 422 and bad_body.json()["errors"][0]["pointer"] == "/from"
    bad_date = live.request("POST", "/api/v1/drafts", admin, json={**body, "since": "last spring"})
    assert bad_date.status_code == 422 and bad_date.json()["errors"][0]["pointer"] == "/since"
    assert live.request("GET", "/api/v1/drafts/dft_nope", auditor).status_code == 404
    refused = live.request("POST", f"/api/v1/drafts/{draft['id']}/approve", auditor, json={})
    assert refused.status_code == 403

    approved = live.request(
        "POST", f"/api/v1/drafts/{draft['id']}/approve", admin, json={"note": "validity review 2026-H2"}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["decision_note"] == "validity review 2026-H2"
    again = live.request("POST", f"/api/v1/drafts/{draft['id']}/reject", admin, json={})
    assert again.status_code == 409 and "approved already" in again.json()["detail"]
    with hub_state.read_session_factory() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.object_id == draft["id"]).order_by(AuditEntry.seq)
        ).all()
    assert [e.action for e in entries] == ["draft.created", "draft.approved"]
    assert all(e.actor.startswith("client:") for e in entries)
