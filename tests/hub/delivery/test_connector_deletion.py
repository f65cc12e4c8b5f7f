"""Deleting a connector from the CLI, the API and the console: secrets erased, jobs kept in the sync log, audited."""

from __future__ import annotations

import lxml.html
import requests
from sqlalchemy import select

from hub.storage.models import AuditEntry, Connector
from tests.hub.delivery_support import (
    add_rest_connector,
    caller,
    hire,
    jobs,
    run_worker,
)
from tests.hub.web.test_console import actor as console_actor
from tests.support.http_receiver import HttpReceiver, Reply
from tests.support.hub_process import hub_env, run_hub


def _deleted_entries(state) -> list[AuditEntry]:
    with state.read_session_factory() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.action == "connector.deleted")).all()


def _stored(state, like: str) -> list[Connector]:
    with state.read_session_factory() as session:
        return session.scalars(select(Connector).where(Connector.name.like(like))).all()


def test_api_delete_keeps_the_jobs_and_frees_the_name(live, hub_state):
    admin, auditor = live.key("admin"), live.key("auditor")
    with HttpReceiver(default=Reply(201, body={"id": "hr-1"})) as receiver:
        add_rest_connector(hub_state, "hr", receiver.url)
        hire(hub_state, caller(hub_state), count=2)
        run_worker(hub_state)
    assert [job.status for job in jobs(hub_state)] == ["delivered", "delivered"]
    assert live.request("DELETE", "/api/v1/connectors/hr", auditor).status_code == 403
    gone = live.request("DELETE", "/api/v1/connectors/hr", admin)
    assert gone.status_code == 204, gone.text
    # Gone from the connectors; its jobs are still in the sync log, under the renamed row.
    assert live.request("GET", "/api/v1/connectors/hr", admin).status_code == 404
    assert live.request("GET", "/api/v1/connectors", admin).json()["items"] == []
    log = live.request("GET", "/api/v1/sync-jobs", admin).json()["items"]
    assert [row["status"] for row in log] == ["delivered", "delivered"]
    [renamed] = _stored(hub_state, "hr (deleted #%")
    assert {row["connector"] for row in log} == {renamed.name}
    assert renamed.config == {} and renamed.enabled is False and renamed.deleted_at is not None
    [entry] = _deleted_entries(hub_state)
    assert entry.object_id == "hr" and entry.details["jobs_kept"] == 2 and entry.actor.startswith("client:")
    # The name can be used again, and deleting what is not there is a 404 problem.
    add_rest_connector(hub_state, "hr", "http://127.0.0.1:9")
    assert live.request("GET", "/api/v1/connectors/hr", admin).status_code == 200
    missing = live.request("DELETE", "/api/v1/connectors/nobody", admin)
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("application/problem+json")


def test_waiting_jobs_of_a_deleted_connector_are_cancelled(live, hub_state):
    add_rest_connector(hub_state, "hr", "http://127.0.0.1:9")  # nothing listens: never delivered
    hire(hub_state, caller(hub_state))
    assert [job.status for job in jobs(hub_state)] == ["pending"]
    assert live.request("DELETE", "/api/v1/connectors/hr", live.key("admin")).status_code == 204
    [job] = jobs(hub_state)
    assert job.status == "cancelled" and "deleted" in job.last_error
    run_worker(hub_state, max_seconds=5)
    assert [job.status for job in jobs(hub_state)] == ["cancelled"]


def test_cli_delete_through_the_real_entry_point(app_config, hub_state, tmp_path):
    add_rest_connector(hub_state, "wecom-hr", "http://127.0.0.1:9")
    env = hub_env(app_config)
    refused = run_hub("connectors", "delete", "wecom-hr", env=env, cwd=tmp_path, input="n\n")
    assert refused.returncode != 0 and "Aborted" in refused.stderr + refused.stdout
    deleted = run_hub("connectors", "delete", "wecom-hr", "--yes", env=env, cwd=tmp_path)
    assert deleted.returncode == 0, deleted.stderr
    assert "deleted 'wecom-hr'" in deleted.stdout
    assert _deleted_entries(hub_state)[0].actor == "cli"
    listing = run_hub("connectors", "list", env=env, cwd=tmp_path)
    assert "wecom-hr" not in listing.stdout
    again = run_hub("connectors", "delete", "wecom-hr", "--yes", env=env, cwd=tmp_path)
    assert again.returncode == 1 and again.stderr.strip().splitlines()[-1] == "Error: no connector named 'wecom-hr'"
    assert "Traceback" not in again.stderr


def test_console_delete_needs_an_admin_the_csrf_token_and_the_name_typed(live, hub_state):
    from tests.hub.web.test_console import Browser, add_user

    name = "feishu-hr"
    add_rest_connector(hub_state, name, "http://127.0.0.1:9")
    add_user(hub_state, "admin@example.com", "admin")
    add_user(hub_state, "auditor@example.com", "auditor")
    auditor = Browser(live)
    auditor.sign_in("auditor@example.com")
    auditor.get(f"/console/connectors/{name}")
    assert not auditor.page.xpath("//form[contains(@action, '/delete')]")
    assert auditor.post(f"/console/connectors/{name}/delete", {"confirm_name": name}).status_code == 403
    admin = Browser(live)
    admin.sign_in("admin@example.com")
    admin.get(f"/console/connectors/{name}")
    assert admin.post(f"/console/connectors/{name}/delete", {"confirm_name": name}, with_token=False).status_code == 400
    admin.get(f"/console/connectors/{name}")
    admin.post(f"/console/connectors/{name}/delete", {"confirm_name": "wrong"})
    assert "to delete it" in admin.text() and not _deleted_entries(hub_state)
    admin.get(f"/console/connectors/{name}")
    done = admin.post(f"/console/connectors/{name}/delete", {"confirm_name": name})
    assert done.status_code == 200 and "deleted" in admin.text()
    assert lxml.html.fromstring(done.text).xpath("//h1")[0].text_content().strip().startswith("Connectors")
    [entry] = _deleted_entries(hub_state)
    assert entry.actor == console_actor(hub_state, "admin@example.com")  # a pseudonymous id, never the email
    assert (
        requests.get(f"{live.url}/console/connectors/{name}", cookies=admin.http.cookies, timeout=10).status_code == 404
    )
    auditor.close()
    admin.close()
