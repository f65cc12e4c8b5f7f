"""Errors a person can act on: each through the real `hris-hub` entry point, one or two lines, no traceback."""

from __future__ import annotations

import json
import socket

import pytest

from tests.conftest import POSTGRES_URL, TEST_KEY
from tests.support.hub_process import hub_env, run_hub
from tests.support.wsdl_generator import write_wsdl

KEYS = {"HUB_ENCRYPTION_KEYS": TEST_KEY, "HUB_SECRET_KEY": "test-secret-key-0123456789", "HUB_LOG_LEVEL": "WARNING"}


def _short_error(run) -> list[str]:
    """The error lines of a failed command, checked to be a message and not a traceback."""
    assert run.returncode != 0, run.stdout
    assert "Traceback" not in run.stderr and 'File "' not in run.stderr, run.stderr[-3000:]
    lines = [line for line in run.stderr.splitlines() if line.strip() and not line.startswith("{")]
    assert 1 <= len(lines) <= 3, run.stderr
    assert lines[0].startswith("Error: ")
    return lines


def _migrated(tmp_path, **extra):
    env = hub_env({"HUB_INSTANCE_PATH": str(tmp_path / "instance"), **KEYS, **extra})
    upgraded = run_hub("db", "upgrade", env=env, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    return env


def test_unreachable_postgresql(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = hub_env(
        {
            **KEYS,
            "HUB_INSTANCE_PATH": str(tmp_path),
            "HUB_DATABASE_URL": f"postgresql://hub:s3cret-pw@127.0.0.1:{port}/hub",
        }
    )
    lines = _short_error(run_hub("connectors", "list", env=env, cwd=tmp_path))
    assert f"cannot reach PostgreSQL at postgresql://hub:***@127.0.0.1:{port}/hub" in lines[0]
    assert "s3cret-pw" not in "\n".join(lines) and "HUB_DATABASE_URL" in lines[-1]


@pytest.mark.postgres
def test_postgresql_without_the_database(tmp_path):
    missing = POSTGRES_URL.rsplit("/", 1)[0] + "/no_such_hub_db"
    env = hub_env({**KEYS, "HUB_INSTANCE_PATH": str(tmp_path), "HUB_DATABASE_URL": missing})
    lines = _short_error(run_hub("audit", "verify", env=env, cwd=tmp_path))
    assert "no database 'no_such_hub_db'" in lines[0] and "createdb no_such_hub_db" in lines[1]


def test_impossible_sqlite_path(tmp_path):
    env = hub_env(
        {
            **KEYS,
            "HUB_INSTANCE_PATH": str(tmp_path),
            "HUB_DATABASE_URL": f"sqlite:///{tmp_path}/没有这个目录/hub.sqlite",
        }
    )
    lines = _short_error(run_hub("db", "upgrade", env=env, cwd=tmp_path))
    assert f"cannot open the SQLite database {tmp_path}/没有这个目录/hub.sqlite" in lines[0]


def test_instance_folder_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    env = hub_env({"HUB_INSTANCE_PATH": str(blocker / "instance")})
    lines = _short_error(run_hub("db", "upgrade", env=env, cwd=tmp_path))
    assert "cannot set up the instance folder" in lines[0] and "HUB_INSTANCE_PATH" in lines[0]


def test_port_in_use_for_serve(tmp_path):
    env = _migrated(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        lines = _short_error(run_hub("serve", "--port", str(port), env=env, cwd=tmp_path, timeout=60))
    assert f"port {port} on 127.0.0.1 is in use" in lines[0] and "--port" in lines[0]


@pytest.mark.parametrize(
    "command", [["connectors", "preview", "hr", "--sample", "{sample}"], ["audit", "verify"], ["jobs", "list"]]
)
def test_unmigrated_database(tmp_path, command):
    """Outside the instance folder there is no ./instance: say so and create nothing; an empty one: say what to run."""
    sample = tmp_path / "样例.json"
    sample.write_text(json.dumps({"external_id": "x"}), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = hub_env(KEYS)
    argv = [part.format(sample=sample) for part in command]
    lines = _short_error(run_hub(*argv, env=env, cwd=elsewhere))
    assert f"no hub instance at {elsewhere / 'instance'}" in lines[0] and "HUB_INSTANCE_PATH" in lines[0]
    assert list(elsewhere.iterdir()) == []
    (elsewhere / "instance").mkdir()
    lines = _short_error(run_hub(*argv, env=env, cwd=elsewhere))
    assert "has no hub tables yet" in lines[0] and str(elsewhere / "instance" / "hub.sqlite") in lines[0]
    assert "hris-hub db upgrade" in lines[1] and "HUB_INSTANCE_PATH" in lines[1]


def test_connector_url_with_an_impossible_port_is_refused_at_add(tmp_path):
    env = _migrated(tmp_path)
    for base_url in ("http://127.0.0.1:99999/hr", "https://hr.example.cn:70000/接口"):
        config = json.dumps({"base_url": base_url, "auth": {"type": "bearer", "token": "t-123"}}, ensure_ascii=False)
        lines = _short_error(
            run_hub(
                "connectors",
                "add",
                "hr",
                "--type",
                "rest",
                "--mapping",
                "generic-rest",
                "--config",
                config,
                env=env,
                cwd=tmp_path,
            )
        )
        assert lines[1].strip().startswith("/config/base_url:") and "Port out of range" in lines[1]
    assert "no connectors yet" in run_hub("connectors", "list", env=env, cwd=tmp_path).stdout


def test_soap_wsdl_with_a_relative_address_and_no_endpoint_is_refused_at_add(tmp_path):
    env = _migrated(tmp_path)
    wsdl = write_wsdl(tmp_path / "考勤服务.wsdl", operations=2, fields=3, address="/services/attendance")
    config = {"wsdl": str(wsdl), "operation": "Operation000"}
    refused = run_hub(
        "connectors",
        "add",
        "legacy",
        "--type",
        "soap",
        "--mapping",
        "legacy-soap-goals",
        "--config",
        json.dumps(config, ensure_ascii=False),
        env=env,
        cwd=tmp_path,
    )
    lines = _short_error(refused)
    assert lines[1].strip().startswith("/config/endpoint:") and "'/services/attendance'" in lines[1]
    assert "set endpoint" in lines[1]
    # With the endpoint given, the same WSDL is accepted.
    config["endpoint"] = "http://127.0.0.1:9/services/attendance"
    accepted = run_hub(
        "connectors",
        "add",
        "legacy",
        "--type",
        "soap",
        "--mapping",
        "legacy-soap-goals",
        "--config",
        json.dumps(config, ensure_ascii=False),
        env=env,
        cwd=tmp_path,
    )
    assert accepted.returncode == 0, accepted.stderr
