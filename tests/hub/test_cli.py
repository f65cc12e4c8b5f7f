"""The hris-hub command line: clients, and the production server in a real process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import requests

from tests.conftest import TEST_KEY
from tests.support.cli import invoke as run


def test_clients_create_list_revoke(live):
    created = run(live.app, "clients", "create", "--name", "miniprogram", "--role", "ingest", "--json")
    assert created.exit_code == 0, created.output
    key = json.loads(created.output)["key"]
    assert live.request("GET", "/api/v1/audit", key).status_code == 403  # authenticated, wrong role
    listing = run(live.app, "clients", "list")
    assert "miniprogram" in listing.output and key not in listing.output
    duplicate = run(live.app, "clients", "create", "--name", "miniprogram", "--role", "ingest")
    assert duplicate.exit_code != 0 and "exists already" in duplicate.output
    assert run(live.app, "clients", "revoke", "miniprogram").exit_code == 0
    assert live.request("GET", "/api/v1/audit", key).status_code == 401
    assert run(live.app, "clients", "revoke", "nobody").exit_code != 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_waitress_and_migrates(tmp_path):
    port = free_port()
    env = dict(os.environ, HUB_INSTANCE_PATH=str(tmp_path), HUB_ENCRYPTION_KEYS=TEST_KEY, HUB_LOG_FORMAT="json")
    env.pop("HUB_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert ready.status_code == 200, ready.text
        assert ready.headers["Server"] == "hris-hub"
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    access = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert any(entry.get("path") == "/readyz" and entry.get("request_id") for entry in access)
