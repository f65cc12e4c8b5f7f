"""Connector instances over the admin API and CLI: validation with pointers, masked secrets, check, preview."""

from __future__ import annotations

import json

from sqlalchemy import text

from tests.conftest import ROOT
from tests.support.cli import invoke as cli
from tests.support.http_receiver import HttpReceiver, Reply

SECRET = "tok-very-secret-123"


def spec(base_url: str, **overrides) -> dict:
    return {
        "name": "hr",
        "type": "rest",
        "mapping": "generic-rest",
        "events": ["candidate.hired"],
        "config": {"base_url": base_url, "auth": {"type": "bearer", "token": SECRET}},
        **overrides,
    }


def test_add_validates_masks_and_encrypts(live, hub_state):
    admin = live.key("admin")
    bad = live.request(
        "POST",
        "/api/v1/connectors",
        admin,
        json=spec("ftp://x", events=["hired"], extra=1, config={"auth": {"type": "bearer"}}),
    )
    assert bad.status_code == 422
    pointers = {e["pointer"] for e in bad.json()["errors"]}
    assert {"/events/0", "/extra"} <= pointers  # the bad item itself
    bad_config = live.request(
        "POST", "/api/v1/connectors", admin, json=spec("https://hr.example.com", config={"auth": {"type": "bearer"}})
    )
    assert bad_config.status_code == 422
    assert any(e["pointer"].startswith("/config") for e in bad_config.json()["errors"])
    wrong_kind = live.request(
        "POST", "/api/v1/connectors", admin, json=spec("https://hr.example.com", mapping="generic-csv-goals")
    )
    assert wrong_kind.status_code == 422 and "csv" in wrong_kind.json()["errors"][0]["message"]

    created = live.request("POST", "/api/v1/connectors", admin, json=spec("https://hr.example.com"))
    assert created.status_code == 201, created.text
    assert SECRET not in created.text and created.json()["config"]["auth"]["token"] == "********"
    assert live.request("POST", "/api/v1/connectors", admin, json=spec("https://hr.example.com")).status_code == 409
    with hub_state.engine.connect() as connection:
        assert SECRET not in str(connection.execute(text("SELECT config FROM connectors")).scalar())
        assert SECRET not in str(connection.execute(text("SELECT * FROM audit_entries")).all())
    # A form that sends the masked value back keeps the stored secret.
    patched = live.request(
        "PATCH",
        "/api/v1/connectors/hr",
        admin,
        json={"config": {"auth": {"type": "bearer", "token": "********"}}, "max_concurrency": 2},
    )
    assert patched.status_code == 200, patched.text
    from hub.storage.models import Connector

    with hub_state.session_factory() as session:
        assert session.query(Connector).one().config["auth"]["token"] == SECRET
    assert live.request("GET", "/api/v1/connectors", live.key("auditor")).status_code == 200
    assert live.request("POST", "/api/v1/connectors", live.key("auditor"), json=spec("https://x")).status_code == 403
    types = live.request("GET", "/api/v1/connector-types", admin).json()["types"]
    assert {"rest", "soap", "csv"} <= {t["type"] for t in types}


def test_check_says_what_is_wrong(live, hub_state):
    admin = live.key("admin")
    live.request("POST", "/api/v1/connectors", admin, json=spec("http://127.0.0.1:1"))
    refused = live.request("POST", "/api/v1/connectors/hr/check", admin).json()
    assert refused["ok"] is False and "refused" in refused["message"].lower()
    with HttpReceiver(default=Reply(401)) as receiver:
        live.request("PATCH", "/api/v1/connectors/hr", admin, json={"config": {"base_url": receiver.url}})
        unauthorised = live.request("POST", "/api/v1/connectors/hr/check", admin).json()
    assert unauthorised["ok"] is False and "401" in unauthorised["message"]


def test_cli_add_list_preview_with_a_sample(app):
    with HttpReceiver() as receiver:
        added = cli(
            app,
            "connectors",
            "add",
            "sf",
            "--type",
            "rest",
            "--mapping",
            "successfactors-goal",
            "--config",
            json.dumps({"base_url": receiver.url, "auth": {"type": "bearer", "token": SECRET}}),
        )
        assert added.exit_code == 0, added.output
        listing = cli(app, "connectors", "list")
        assert "sf" in listing.output and SECRET not in listing.output
        preview = cli(
            app, "connectors", "preview", "sf", "--sample", str(ROOT / "examples/results/zh-rnd-ready-scores.json")
        )
        assert preview.exit_code == 0, preview.output
        assert f"POST {receiver.url}/odata/v2/Goal_1" in preview.output
        assert "Authorization: Bearer ********" in preview.output and SECRET not in preview.output
        assert "/Date(" in preview.output and "sf-" not in preview.output
        assert receiver.requests == []  # nothing was sent
        bad = cli(app, "connectors", "add", "x", "--type", "rest", "--mapping", "generic-rest", "--config", "{}")
        assert bad.exit_code != 0 and "/config" in bad.output and "base_url" in bad.output


def test_cli_preview_of_a_payload_the_soap_service_cannot_take(app, tmp_path):
    (tmp_path / "mappings").mkdir()
    mapping = tmp_path / "mappings" / "wrong.yaml"
    mapping.write_text(
        "name: wrong\nversion: '1'\nkind: soap\nevents: [candidate.hired]\n"
        "payload:\n  operation: PutPerformanceGoals\n  body:\n    employeeId: '{{ employee.id }}'\n"
        "    salary: 100\n",
        encoding="utf-8",
    )
    from tests.support.soap_server import LegacyHrSoapServer

    with LegacyHrSoapServer() as server:
        added = cli(
            app,
            "connectors",
            "add",
            "legacy",
            "--type",
            "soap",
            "--mapping",
            "wrong",
            "--config",
            json.dumps({"wsdl": server.wsdl_url, "operation": "PutPerformanceGoals"}),
        )
        assert added.exit_code == 0, added.output
        preview = cli(
            app, "connectors", "preview", "legacy", "--sample", str(ROOT / "examples/results/zh-rnd-ready-scores.json")
        )
    assert preview.exit_code != 0
    assert "salary" in preview.output
    assert server.raw_requests == []
