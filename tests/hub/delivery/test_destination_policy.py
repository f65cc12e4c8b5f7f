"""A hub without the tests' loopback allowance refuses connectors to where they must not reach: at configuration time
over the real API and through the CLI (422 at the field's pointer), and at delivery time (a permanent error on the
job, never retried)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select

from connectors import destinations
from hub.delivery import connector_admin
from hub.storage.db import transaction
from hub.storage.models import Connector
from tests.conftest import LiveHub, hub_config
from tests.hub.delivery_support import (
    FAST_SCHEDULE,
    add_rest_connector,
    caller,
    hire,
    jobs,
    run_worker,
)
from tests.support.cli import invoke as cli
from tests.support.http_receiver import HttpReceiver, Reply
from tests.support.hub_process import hub_env, run_hub

# What an operator who allowed nothing has: the built-in policy (public https only, no local roots).
NOTHING_ALLOWED = {
    "HUB_ALLOWED_DESTINATIONS": "",
    "HUB_ALLOW_PLAIN_HTTP": "false",
    "HUB_WSDL_ROOTS": "",
    "HUB_CSV_ROOTS": "",
}
PASSWD_LINE = "root:x:0:0"

# (what, connector type, mapping, config, the pointer the refusal is at, a word the message must say)
REFUSED = [
    ("loopback", "rest", "generic-rest", {"base_url": "https://127.0.0.1:8443/hr"}, "/config/base_url", "loopback"),
    (
        "metadata",
        "rest",
        "generic-rest",
        {"base_url": "https://169.254.169.254/latest/meta-data/"},
        "/config/base_url",
        "metadata",
    ),
    ("private", "rest", "generic-rest", {"base_url": "https://10.0.0.5/人事/api"}, "/config/base_url", "private"),
    (
        "plain-http",
        "rest",
        "generic-rest",
        {"base_url": "http://hr.example.com/api"},
        "/config/base_url",
        "HUB_ALLOW_PLAIN_HTTP",
    ),
    (
        "wsdl-path",
        "soap",
        "legacy-soap-goals",
        {"wsdl": "/etc/passwd", "operation": "PutPerformanceGoals"},
        "/config/wsdl",
        "HUB_WSDL_ROOTS",
    ),
    (
        "wsdl-file-url",
        "soap",
        "legacy-soap-goals",
        {"wsdl": "file:///etc/passwd", "operation": "PutPerformanceGoals"},
        "/config/wsdl",
        "file://",
    ),
    (
        "csv-folder",
        "csv",
        "generic-csv-goals",
        {"destination": {"type": "folder", "path": "/etc/cron.d"}},
        "/config/destination/path",
        "HUB_CSV_ROOTS",
    ),
]


@pytest.fixture
def strict_app(tmp_path, database_url):
    from hub import create_app
    from hub.storage.migrate import upgrade

    application = create_app(hub_config(tmp_path, database_url, **NOTHING_ALLOWED))
    upgrade(application.extensions["hub"].engine)
    yield application
    application.extensions["hub"].dispose()
    destinations.set_default_policy(None)  # create_app made the strict policy the process default


@pytest.fixture
def strict_live(strict_app):
    hub = LiveHub(strict_app)
    yield hub
    hub.close()


def test_the_strict_hub_has_the_built_in_policy(strict_app):
    policy = strict_app.extensions["hub"].settings.destinations
    assert policy == destinations.DestinationPolicy()
    assert destinations.default_policy() == policy


@pytest.mark.parametrize("what, type_name, mapping, config, at, word", REFUSED, ids=[case[0] for case in REFUSED])
def test_api_refuses_at_configuration_time(strict_live, what, type_name, mapping, config, at, word):
    admin = strict_live.key("admin")
    spec = {"name": f"t-{what}", "type": type_name, "mapping": mapping, "events": ["candidate.hired"], "config": config}
    refused = strict_live.request("POST", "/api/v1/connectors", admin, json=spec)
    assert refused.status_code == 422, refused.text
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    errors = refused.json()["errors"]
    assert errors[0]["pointer"] == at, errors
    assert word in errors[0]["message"], errors
    assert PASSWD_LINE not in refused.text
    # Nothing was stored.
    assert strict_live.request("GET", f"/api/v1/connectors/t-{what}", admin).status_code == 404


def test_api_refuses_a_change_to_a_refused_destination(strict_live):
    admin = strict_live.key("admin")
    spec = {
        "name": "hr",
        "type": "rest",
        "mapping": "generic-rest",
        "events": ["candidate.hired"],
        "config": {"base_url": "https://hr.example.com/api"},
    }
    assert strict_live.request("POST", "/api/v1/connectors", admin, json=spec).status_code == 201
    changed = strict_live.request(
        "PATCH", "/api/v1/connectors/hr", admin, json={"config": {"base_url": "https://[::ffff:127.0.0.1]/api"}}
    )
    assert changed.status_code == 422 and changed.json()["errors"][0]["pointer"] == "/config/base_url"
    assert (
        strict_live.request("GET", "/api/v1/connectors/hr", admin).json()["config"]["base_url"]
        == "https://hr.example.com/api"
    )


@pytest.mark.parametrize("what, type_name, mapping, config, at, word", REFUSED, ids=[case[0] for case in REFUSED])
def test_cli_refuses_at_configuration_time(strict_app, what, type_name, mapping, config, at, word):
    added = cli(
        strict_app,
        "connectors",
        "add",
        f"t-{what}",
        "--type",
        type_name,
        "--mapping",
        mapping,
        "--config",
        json.dumps(config, ensure_ascii=False),
    )
    assert added.exit_code != 0
    assert at in added.output and word in added.output, added.output
    assert "Traceback" not in added.output and PASSWD_LINE not in added.output


def test_the_real_cli_process_refuses_metadata_and_names_the_setting(tmp_path):
    env = hub_env({"HUB_INSTANCE_PATH": str(tmp_path / "instance"), **NOTHING_ALLOWED})
    assert run_hub("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    run = run_hub(
        "connectors",
        "add",
        "meta",
        "--type",
        "rest",
        "--mapping",
        "generic-rest",
        "--config",
        json.dumps({"base_url": "https://169.254.169.254/latest/meta-data/iam/"}),
        env=env,
        cwd=tmp_path,
    )
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "/config/base_url" in run.stderr and "HUB_ALLOWED_DESTINATIONS" in run.stderr, run.stderr
    # The same hub with the operator's allowance takes a loopback target.
    allowed = {**env, "HUB_ALLOWED_DESTINATIONS": "127.0.0.1/32", "HUB_ALLOW_PLAIN_HTTP": "true"}
    accepted = run_hub(
        "connectors",
        "add",
        "local",
        "--type",
        "rest",
        "--mapping",
        "generic-rest",
        "--config",
        json.dumps({"base_url": "http://127.0.0.1:9/hr"}),
        env=allowed,
        cwd=tmp_path,
    )
    assert accepted.returncode == 0, accepted.stderr


def test_a_stored_connector_the_policy_now_refuses_is_dead_at_delivery_not_retried(hub_state):
    """Connectors stored while loopback and a metadata address were allowed; the hub's policy then tightens."""
    with HttpReceiver(default=Reply(201, body={"id": "hr-1"})) as receiver:
        add_rest_connector(hub_state, "loopback", receiver.url)
        add_rest_connector(hub_state, "metadata", receiver.url)
        with transaction(hub_state.session_factory) as session:
            stored = session.scalars(connector_admin.live(select(Connector).where(Connector.name == "metadata"))).one()
            stored.config = {**stored.config, "base_url": "https://169.254.169.254/latest/meta-data/"}
        hire(hub_state, caller(hub_state))
        # Plain http stays allowed, so what refuses the receiver is its loopback address.
        strict_settings = dataclasses.replace(
            hub_state.settings, destinations=destinations.DestinationPolicy(allow_plain_http=True)
        )
        strict_state = dataclasses.replace(hub_state, settings=strict_settings)
        run_worker(strict_state, max_seconds=20)
        assert receiver.requests == []
    found = jobs(hub_state)
    assert {job.connector.name for job in found} == {"loopback", "metadata"}
    for job in found:
        assert job.status == "dead" and job.next_attempt_at is None, (job.connector.name, job.status)
        assert job.attempts == 1 and len(job.attempts_log) == 1
        assert job.attempts_log[0].outcome == "permanent"
        assert "refused" in job.last_error and "HUB_" in job.last_error, job.last_error
    reasons = {job.connector.name: job.last_error for job in found}
    assert "metadata" in reasons["metadata"] and "loopback" in reasons["loopback"], reasons


def test_retry_schedule_of_a_refused_connector_is_not_used(hub_state):
    """The permanent refusal ends the job even with a long retry schedule left (FAST_SCHEDULE has 4 more tries)."""
    assert len(FAST_SCHEDULE) > 1
    with HttpReceiver() as receiver:
        add_rest_connector(hub_state, "hr", receiver.url)
        hire(hub_state, caller(hub_state), count=2)
        strict_settings = dataclasses.replace(hub_state.settings, destinations=destinations.DestinationPolicy())
        run_worker(dataclasses.replace(hub_state, settings=strict_settings), max_seconds=20)
        run_worker(dataclasses.replace(hub_state, settings=strict_settings), max_seconds=5)
        assert receiver.requests == []
    assert [(job.status, job.attempts) for job in jobs(hub_state)] == [("dead", 1), ("dead", 1)]
