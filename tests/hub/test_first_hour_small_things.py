"""Small things a new user meets: the front door, re-enabling and unlocking console users, API key lifetimes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import requests
from sqlalchemy import select, update

from hub.accounts import api_clients
from hub.accounts import console_users as accounts
from hub.storage.db import transaction
from hub.storage.models import ApiClient, AuditEntry, ConsoleUser, utcnow
from tests.support.hub_process import hub_env, run_hub

PASSWORD = "正确的马 battery staple"


def test_the_front_door_sends_a_browser_to_the_console(live):
    browser = requests.get(
        live.url + "/",
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        allow_redirects=False,
        timeout=10,
    )
    assert browser.status_code == 302 and browser.headers["Location"].endswith("/console/")
    for accept in ("application/json", "*/*"):
        client = requests.get(live.url + "/", headers={"Accept": accept}, timeout=10)
        assert client.status_code == 404 and client.headers["Content-Type"].startswith("application/problem+json")
        assert "/api/v1" in client.json()["detail"]
    unknown = requests.get(live.url + "/no/such/page", headers={"Accept": "text/html"}, timeout=10)
    assert unknown.status_code == 404


def _user(state, email: str) -> ConsoleUser:
    with state.read_session_factory() as session:
        return session.scalar(select(ConsoleUser).where(ConsoleUser.email == email))


def _actions(state, action: str) -> list[AuditEntry]:
    with state.read_session_factory() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_users_enable_and_unlock_through_the_cli(app_config, hub_state, tmp_path):
    with transaction(hub_state.session_factory) as session:
        accounts.create_user(session, email="li.na@example.cn", role="auditor", password=PASSWORD, actor="test")
        accounts.disable_user(session, email="li.na@example.cn", actor="test")
        accounts.create_user(session, email="maria@example.com", role="admin", password=PASSWORD, actor="test")
    with transaction(hub_state.session_factory) as session:  # a lock from before throttling replaced locking
        session.execute(
            update(ConsoleUser)
            .where(ConsoleUser.email == "maria@example.com")
            .values(failed_logins=5, locked_until=utcnow() + timedelta(minutes=15))
        )
        assert accounts.sign_in(session, "maria@example.com", PASSWORD).user is None
    env = hub_env(app_config)
    listing = run_hub("users", "list", env=env, cwd=tmp_path).stdout
    assert "disabled" in listing and "locked until" in listing
    enabled = run_hub("users", "enable", "LI.NA@example.cn", env=env, cwd=tmp_path)
    assert enabled.returncode == 0 and "enabled li.na@example.cn" in enabled.stdout
    unlocked = run_hub("users", "unlock", "maria@example.com", env=env, cwd=tmp_path)
    assert unlocked.returncode == 0, unlocked.stderr
    with transaction(hub_state.session_factory) as session:
        assert accounts.sign_in(session, "li.na@example.cn", PASSWORD).user is not None
        assert accounts.sign_in(session, "maria@example.com", PASSWORD).user is not None
    assert [e.actor for e in _actions(hub_state, "console_user.enabled")] == ["cli"]
    assert _actions(hub_state, "console_user.unlocked")[0].details == {"was_locked": True}  # no email: no PII
    missing = run_hub("users", "unlock", "nobody@example.com", env=env, cwd=tmp_path)
    assert missing.returncode == 1 and "no console user 'nobody@example.com'" in missing.stderr


def test_console_admin_enables_and_unlocks_users(live, hub_state):
    from tests.hub.web.test_console import Browser, add_user

    add_user(hub_state, "admin@example.com", "admin")
    add_user(hub_state, "wang.fang@example.cn", "auditor")
    with transaction(hub_state.session_factory) as session:
        accounts.disable_user(session, email="wang.fang@example.cn", actor="test")
        session.execute(update(ConsoleUser).where(ConsoleUser.email == "admin@example.com").values(failed_logins=2))
    auditor_id = _user(hub_state, "wang.fang@example.cn").id
    admin = Browser(live)
    admin.sign_in("admin@example.com")
    page = admin.get("/console/users")
    assert page.status_code == 200 and "wang.fang@example.cn" in admin.text()
    assert admin.post(f"/console/users/{auditor_id}/enable", with_token=False).status_code == 400
    admin.get("/console/users")
    admin.post(f"/console/users/{auditor_id}/enable")
    assert "wang.fang@example.cn may sign in again" in admin.text()
    assert _user(hub_state, "wang.fang@example.cn").disabled_at is None
    assert _actions(hub_state, "console_user.enabled")[0].actor == accounts.actor_id(
        _user(hub_state, "admin@example.com").id
    )
    auditor = Browser(live)
    auditor.sign_in("wang.fang@example.cn")
    assert auditor.get("/console/users").status_code == 403
    assert auditor.post(f"/console/users/{auditor_id}/unlock").status_code == 403
    assert not auditor.page.xpath("//nav/a[contains(@href, '/console/users')]")
    admin.close()
    auditor.close()


def test_api_keys_expire_and_record_their_last_use(live, hub_state, app_config, tmp_path, monkeypatch):
    env = hub_env(app_config)
    created = run_hub(
        "clients",
        "create",
        "--name",
        "小程序",
        "--role",
        "auditor",
        "--expires-in-days",
        "30",
        "--json",
        env=env,
        cwd=tmp_path,
    )
    assert created.returncode == 0, created.stderr
    key = json.loads(created.stdout)["key"]
    assert "never used" in run_hub("clients", "list", env=env, cwd=tmp_path).stdout
    clock = [1000.0]
    monkeypatch.setattr(api_clients, "_clock", lambda: clock[0])
    monkeypatch.setattr(api_clients, "_last_written", {})
    assert live.request("GET", "/api/v1/connectors", key).status_code == 200
    with hub_state.read_session_factory() as session:
        client = session.scalar(select(ApiClient).where(ApiClient.name == "小程序"))
    first = client.last_used_at
    assert first is not None and client.expires_at - utcnow() > timedelta(days=29)
    # Within the minute: no second write, whatever the number of requests.
    for _ in range(5):
        live.request("GET", "/api/v1/connectors", key)
    with hub_state.read_session_factory() as session:
        assert session.get(ApiClient, client.id).last_used_at == first
    clock[0] += 61
    with transaction(hub_state.session_factory) as session:  # as if the first use were two minutes ago
        session.execute(
            update(ApiClient).where(ApiClient.id == client.id).values(last_used_at=first - timedelta(minutes=2))
        )
    live.request("GET", "/api/v1/connectors", key)
    with hub_state.read_session_factory() as session:
        assert session.get(ApiClient, client.id).last_used_at > first
    listing = run_hub("clients", "list", env=env, cwd=tmp_path).stdout
    line = next(line for line in listing.splitlines() if line.startswith("小程序"))
    assert "expires " in line and "last used " in line
    # An expired key is refused with a problem saying so.
    with transaction(hub_state.session_factory) as session:
        session.execute(
            update(ApiClient).where(ApiClient.id == client.id).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    # Changed behind the hub's back: its key cache would answer for HUB_API_KEY_CACHE_SECONDS more (that delay has its
    # own tests in tests/hub/intake/test_ingest_speed.py).
    api_clients.forget_cached_keys()
    refused = live.request("GET", "/api/v1/connectors", key)
    assert refused.status_code == 401 and refused.json()["title"] == "Expired API key"
    assert "expired " in run_hub("clients", "list", env=env, cwd=tmp_path).stdout


def test_a_command_run_where_there_is_no_instance_says_so_and_creates_nothing(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("HUB_")}
    done = subprocess.run(
        [sys.executable, "-m", "hub", "audit", "verify"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert f"no hub instance at {tmp_path / 'instance'}" in done.stderr
    assert "hris-hub db upgrade" in done.stderr
    assert list(tmp_path.iterdir()) == []  # no instance folder, no keys
    started = subprocess.run(
        [sys.executable, "-m", "hub", "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert started.returncode == 0, started.stderr
    assert (tmp_path / "instance" / "hub.sqlite").exists()
