"""A connector's `mapping` and `settings.policy` are catalog names, never paths: a path, `..` or an unknown name is a
422 at its pointer (API, CLI), and nothing the hub answers, stores or logs ever carries a file's content, above all
not the hub's own keys."""

from __future__ import annotations

import base64
import json
import logging
import os
from pathlib import Path

import pytest
from sqlalchemy import select, text

from hub.delivery import connector_admin
from hub.storage.db import transaction
from hub.storage.models import Connector
from tests.conftest import LiveHub, hub_config
from tests.hub.delivery_support import (
    add_rest_connector,
    caller,
    hire,
    jobs,
    run_worker,
)
from tests.support.cli import invoke as cli
from tests.support.http_receiver import HttpReceiver, Reply

PASSWD = Path("/etc/passwd")


@pytest.fixture
def keyed_app(tmp_path, database_url, monkeypatch):
    """A hub that generated its own encryption keys and session secret into its instance folder (a first start)."""
    from hub import create_app
    from hub.storage.migrate import upgrade

    monkeypatch.delenv("HUB_ENCRYPTION_KEYS", raising=False)
    monkeypatch.delenv("HUB_SECRET_KEY", raising=False)
    config = {
        key: value
        for key, value in hub_config(tmp_path, database_url).items()
        if key not in ("HUB_ENCRYPTION_KEYS", "HUB_SECRET_KEY")
    }
    application = create_app(config)
    upgrade(application.extensions["hub"].engine)
    yield application
    application.extensions["hub"].dispose()


@pytest.fixture
def keyed_live(keyed_app):
    hub = LiveHub(keyed_app)
    yield hub
    hub.close()


@pytest.fixture
def secret_files(keyed_app):
    instance = Path(keyed_app.extensions["hub"].settings.instance_path)
    return {"keys": instance / "encryption-keys", "secret": instance / "secret-key"}


def leak_markers(app) -> list[str]:
    """Every form in which the hub's key material or a read file could show up in text."""
    settings = app.extensions["hub"].settings
    markers = [settings.secret_key, settings.secret_key[:24]]
    for kid, key in settings.encryption_keys:
        encoded = base64.b64encode(key).decode()
        markers += [
            encoded,
            encoded[:24],
            base64.urlsafe_b64encode(key).decode()[:24],
            key.hex()[:32],
            f"{kid}:{encoded[:8]}",
        ]
    if PASSWD.exists():
        markers += [line for line in PASSWD.read_text().splitlines()[:3] if len(line) > 8]
    return markers


def assert_no_leak(app, *texts: str) -> None:
    markers = leak_markers(app)
    for text_ in texts:
        found = [marker for marker in markers if marker in text_]
        assert not found, f"leaked {found[0][:6]}... in: {text_[:300]}"


def test_the_leak_check_itself_finds_key_material(keyed_app, secret_files):
    """The markers are real: the key file and the secret file hold them (so a leak of either would be caught)."""
    with pytest.raises(AssertionError):
        assert_no_leak(keyed_app, secret_files["keys"].read_text())
    with pytest.raises(AssertionError):
        assert_no_leak(keyed_app, secret_files["secret"].read_text())


def bad_names(secret_files) -> dict[str, str]:
    return {
        "keys file": str(secret_files["keys"]),
        "secret file": str(secret_files["secret"]),
        "passwd": str(PASSWD),
        "dot-dot": "../../../../../../etc/passwd",
        "preset then dot-dot": "generic-rest/../../../../etc/passwd",
        "backslash": "..\\..\\etc\\passwd",
        "file url": "file:///etc/passwd",
        "unknown name": "passwd",
        "instance file's name": "encryption-keys",
    }


def _spec(**overrides) -> dict:
    return {
        "name": "hr",
        "type": "rest",
        "mapping": "generic-rest",
        "events": ["candidate.hired"],
        "config": {"base_url": "https://hr.example.com/api"},
        **overrides,
    }


def test_api_takes_names_only_for_mapping_and_policy(keyed_live, secret_files):
    admin = keyed_live.key("admin")
    for what, name in bad_names(secret_files).items():
        for spec, at in ((_spec(mapping=name), "/mapping"), (_spec(settings={"policy": name}), "/settings/policy")):
            refused = keyed_live.request("POST", "/api/v1/connectors", admin, json=spec)
            assert refused.status_code == 422, (what, at, refused.text)
            assert [e["pointer"] for e in refused.json()["errors"]] == [at], (what, refused.text)
            assert_no_leak(keyed_live.app, refused.text)
    assert keyed_live.request("POST", "/api/v1/connectors", admin, json=_spec()).status_code == 201
    for what, name in bad_names(secret_files).items():
        for change, at in (({"mapping": name}, "/mapping"), ({"settings": {"policy": name}}, "/settings/policy")):
            refused = keyed_live.request("PATCH", "/api/v1/connectors/hr", admin, json=change)
            assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == at, (what, refused.text)
            assert_no_leak(keyed_live.app, refused.text)
    kept = keyed_live.request("GET", "/api/v1/connectors/hr", admin).json()
    assert kept["mapping"] == "generic-rest" and kept["settings"] == {}


def test_a_path_is_refused_before_any_file_is_read(keyed_live, secret_files):
    admin = keyed_live.key("admin")
    refused = keyed_live.request("POST", "/api/v1/connectors", admin, json=_spec(mapping=str(secret_files["keys"])))
    message = refused.json()["errors"][0]["message"]
    assert "not a catalog name" in message and "path separators" in message


def test_catalog_files_are_named_and_their_content_never_quoted(keyed_live, secret_files, tmp_path):
    """A file put in the catalog folders that is no mapping (a copy of the keys, /etc/passwd) is refused by what is
    wrong with it, never by what it holds; a symlink out of the folder is not in the catalog at all."""
    admin = keyed_live.key("admin")
    for folder in ("mappings", "policies"):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / "leaky-keys.yaml").write_text(secret_files["keys"].read_text())
        (tmp_path / folder / "leaky-secret.yaml").write_text(
            f"name: {secret_files['secret'].read_text().strip()}\nrules: [oops\n"
        )
        if PASSWD.exists():
            (tmp_path / folder / "leaky-passwd.yaml").write_text(PASSWD.read_text())
        os.symlink(secret_files["keys"], tmp_path / folder / "linked-keys.yaml")
    names = ["leaky-keys", "leaky-secret", "linked-keys"] + (["leaky-passwd"] if PASSWD.exists() else [])
    for name in names:
        for spec, at in ((_spec(mapping=name), "/mapping"), (_spec(settings={"policy": name}), "/settings/policy")):
            refused = keyed_live.request("POST", "/api/v1/connectors", admin, json=spec)
            assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == at, (name, refused.text)
            assert_no_leak(keyed_live.app, refused.text)
    linked = keyed_live.request("POST", "/api/v1/connectors", admin, json=_spec(mapping="linked-keys"))
    assert "no mapping named 'linked-keys'" in linked.json()["errors"][0]["message"]


def test_a_mapping_of_the_configured_folder_is_used_by_name(keyed_live, tmp_path):
    (tmp_path / "mappings").mkdir(exist_ok=True)
    (tmp_path / "mappings" / "acme-hr.yaml").write_text(
        "name: acme-hr\nversion: '1'\nkind: rest\nevents: [candidate.hired]\n"
        "payload:\n  method: POST\n  path: /员工/目标\n  body:\n    employee: '{{ employee.id }}'\n",
        encoding="utf-8",
    )
    admin = keyed_live.key("admin")
    created = keyed_live.request("POST", "/api/v1/connectors", admin, json=_spec(mapping="acme-hr"))
    assert created.status_code == 201, created.text
    assert created.json()["mapping"] == "acme-hr"


def test_cli_takes_names_only(keyed_app, secret_files):
    for what, name in bad_names(secret_files).items():
        added = cli(
            keyed_app,
            "connectors",
            "add",
            "hr",
            "--type",
            "rest",
            "--mapping",
            name,
            "--config",
            json.dumps({"base_url": "https://hr.example.com/api"}),
        )
        assert added.exit_code != 0 and "/mapping" in added.output, (what, added.output)
        with_policy = cli(
            keyed_app,
            "connectors",
            "add",
            "hr",
            "--type",
            "rest",
            "--mapping",
            "generic-rest",
            "--settings",
            json.dumps({"policy": name}),
            "--config",
            json.dumps({"base_url": "https://hr.example.com/api"}),
        )
        assert with_policy.exit_code != 0 and "/settings/policy" in with_policy.output, (what, with_policy.output)
        assert_no_leak(keyed_app, added.output, with_policy.output)
        assert "Traceback" not in added.output + with_policy.output
    assert (
        cli(
            keyed_app,
            "connectors",
            "add",
            "hr",
            "--type",
            "rest",
            "--mapping",
            "generic-rest",
            "--config",
            json.dumps({"base_url": "https://hr.example.com/api"}),
        ).exit_code
        == 0
    )
    updated = cli(keyed_app, "connectors", "update", "hr", "--mapping", str(secret_files["keys"]))
    assert updated.exit_code != 0 and "/mapping" in updated.output
    assert_no_leak(keyed_app, updated.output)


def test_no_response_sync_log_row_or_log_line_carries_key_material(keyed_live, secret_files, tmp_path, caplog, capfd):
    """Broken connectors driven through the worker, with the instance's real keys beside them: rows written before
    names were enforced point at the key file, the secret file and /etc/passwd, or name a catalog file that holds
    the keys. Every job dies with a reason; no answer, row or log line holds key material or file content."""
    state = keyed_live.app.extensions["hub"]
    (tmp_path / "policies").mkdir(exist_ok=True)
    (tmp_path / "policies" / "copied-keys.yaml").write_text(secret_files["keys"].read_text())
    (tmp_path / "mappings").mkdir(exist_ok=True)
    (tmp_path / "mappings" / "copied-secret.yaml").write_text(f"{secret_files['secret'].read_text()}: [\n")
    broken = {
        "by-keys-path": {"mapping": str(secret_files["keys"])},
        "by-secret-path": {"mapping": str(secret_files["secret"])},
        "by-passwd-path": {"mapping": str(PASSWD)},
        "by-dot-dot": {"mapping": "../../../../etc/passwd"},
        "policy-keys-path": {"settings": {"policy": str(secret_files["keys"])}},
        "policy-secret-path": {"settings": {"policy": str(secret_files["secret"])}},
        "policy-copied-keys": {"settings": {"policy": "copied-keys"}},
        "mapping-copied-secret": {"mapping": "copied-secret"},
    }
    caplog.set_level(logging.DEBUG)
    with HttpReceiver(default=Reply(201, body={"id": "hr-1"})) as receiver:
        for name in broken:
            add_rest_connector(state, name, receiver.url)
        with transaction(state.session_factory) as session:
            for connector in session.scalars(connector_admin.live(select(Connector))):
                for field, value in broken[connector.name].items():
                    setattr(connector, field, value)
        hire(state, caller(state))
        run_worker(state, max_seconds=30)
        assert receiver.requests == []
    found = jobs(state)
    assert len(found) == len(broken)
    for job in found:
        assert job.status == "dead" and job.last_error, (job.connector.name, job.status)
        assert "mapping failed" in job.last_error, job.last_error

    auditor, admin = keyed_live.key("auditor"), keyed_live.key("admin")
    answers = [
        keyed_live.request("GET", "/api/v1/sync-jobs", auditor),
        keyed_live.request("GET", "/api/v1/sync-jobs?format=csv", auditor),
        keyed_live.request("GET", "/api/v1/connectors", admin),
        keyed_live.request("GET", "/api/v1/audit", auditor),
    ]
    answers += [keyed_live.request("GET", f"/api/v1/sync-jobs/{job.id}", auditor) for job in found]
    answers += [keyed_live.request("POST", f"/api/v1/connectors/{name}/check", admin) for name in broken]
    answers += [keyed_live.request("POST", f"/api/v1/sync-jobs/{found[0].id}/replay", admin)]
    assert all(answer.status_code < 500 for answer in answers), [a.status_code for a in answers]
    assert_no_leak(keyed_live.app, *(answer.text for answer in answers))
    with state.engine.connect() as connection:
        rows = [
            str(connection.execute(text(f"SELECT * FROM {table}")).all())
            for table in ("sync_jobs", "delivery_attempts", "audit_entries", "connectors")
        ]
    assert_no_leak(keyed_live.app, *rows)
    logged = caplog.text + "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    captured = capfd.readouterr()
    assert_no_leak(keyed_live.app, logged, captured.out, captured.err)
