"""The console as people click it in Chromium: sign in; add a REST connector through the form, test its connection
and preview its request; post and hire a result through the API and watch its job deliver; replay a dead job;
verify the chain as an auditor, who is refused on every admin form; and the strict CSP blocking nothing the console
needs (every test fails on a console error, a failed request or a request that leaves the hub)."""

from __future__ import annotations

import re
import subprocess

import requests

from tests.conftest import interview_result
from tests.hub.delivery_support import add_rest_connector, caller, hire, jobs, run_worker, worker_process
from tests.hub.web.test_console import add_user
from tests.support.console_seed import PASSWORD
from tests.support.http_receiver import Reply

EVENTS_PATH = "/hris-hub/events"
TOKEN = "tok-Zq81-never-shown-again"


def field(page, label: str):
    """The control whose label is exactly `label` (a required field's label ends in " *")."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"( \*)?$"))


def badge_text(page, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


def test_sign_in_wrong_then_right_then_sign_out(live, person):
    add_user(live.app.extensions["hub"], "hr.it@example.com", "admin")
    someone = person()
    someone.expected_statuses = {401}
    someone.goto("/console/results", status=200)  # redirected to the sign-in page
    assert "/console/sign-in" in someone.page.url
    assert someone.page.evaluate("document.activeElement.name") == "email"  # autofocus on the first field

    someone.page.get_by_label("Email").fill("hr.it@example.com")
    someone.page.get_by_label("Password").fill("not the password")
    someone.page.get_by_role("button", name="Sign in").click()
    assert "Sign-in failed" in someone.page.get_by_role("alert").inner_text()

    someone.page.get_by_label("Email").fill("hr.it@example.com")
    someone.page.get_by_label("Password").fill(PASSWORD)
    someone.page.get_by_role("button", name="Sign in").click()
    someone.page.wait_for_url(re.compile(r"/console/results$"))  # back where they were going
    assert "hr.it@example.com" in someone.page.locator("header .who").inner_text()

    someone.page.get_by_role("button", name="Sign out").click()
    someone.page.wait_for_url(re.compile(r"/console/sign-in"))
    assert "You are signed out" in someone.flash()


def test_add_a_rest_connector_through_the_form_test_its_connection_and_preview(live, person, receiver):
    state = live.app.extensions["hub"]
    add_user(state, "hr.it@example.com", "admin")
    admin = person()
    admin.expected_statuses = {422}
    admin.sign_in("hr.it@example.com")
    page = admin.page
    page.get_by_role("link", name="Connectors", exact=True).click()
    page.get_by_role("link", name="Add a connector").click()
    page.locator("a[href$='type=rest']").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Add a rest connector"

    field(page, "Name").fill("hr-rest")
    field(page, "Mapping").select_option("generic-rest")
    page.get_by_label("candidate.hired").check()
    field(page, "Retry schedule (seconds)").fill("1, 2")
    page.locator("[name='config/base_url']").fill("ftp://nowhere")
    page.locator("[name='config/auth/type']").select_option("bearer")
    page.locator("[name='config/auth/token']").fill(TOKEN)
    page.get_by_role("button", name="Add connector").click()
    # Refused: the problem beside its field, the token not echoed, the rest kept as typed.
    assert "Not saved" in page.get_by_role("alert").first.inner_text()
    assert page.locator(".has-error p.field-error", has_text="/config/base_url").count() >= 1
    assert TOKEN not in page.content()
    assert field(page, "Name").input_value() == "hr-rest"

    page.locator("[name='config/base_url']").fill(receiver.url)
    page.locator("[name='config/auth/token']").fill(TOKEN)
    page.get_by_role("button", name="Add connector").click()
    page.wait_for_url(re.compile(r"/console/connectors/hr-rest$"))
    assert "Connector hr-rest added" in admin.flash()
    assert TOKEN not in page.content()  # secrets masked on the connector's page

    page.get_by_role("button", name="Test connection").click()
    assert "Test connection: OK" in admin.flash()
    assert receiver.requests  # the check reached the loopback receiver

    page.get_by_role("link", name="Preview a request").click()
    heading = page.locator("section.preview-request h2").first.inner_text()
    assert heading.startswith("POST " + receiver.url)
    body = page.locator("section.preview-request pre").first.inner_text()
    assert "candidate.hired" in body and TOKEN not in page.content()
    assert not receiver.requests_for(EVENTS_PATH)  # a preview sends nothing
    page.get_by_role("link", name="← Back to hr-rest").click()
    page.wait_for_url(re.compile(r"/console/connectors/hr-rest$"))


def test_a_result_posted_and_hired_through_the_api_delivers_and_the_pages_show_it(live, app_config, person, receiver):
    state = live.app.extensions["hub"]
    add_rest_connector(state, "hr", receiver.url)
    add_user(state, "hr.it@example.com", "admin")
    key = live.key("ingest")
    document = interview_result()
    posted = live.request("POST", "/api/v1/results", key, json=document)
    assert posted.status_code == 202, posted.text
    result_id = posted.json()["id"]
    decision = {
        "hired": True,
        "decided_by": "hr@example.com",
        "employee_ids": {"default": "E00001"},
        "start_date": "2027-01-04",
    }
    assert live.request("POST", f"/api/v1/results/{result_id}/decision", key, json=decision).status_code == 201

    admin = person()
    admin.sign_in("hr.it@example.com")
    page = admin.page
    page.get_by_role("link", name="Sync jobs").click()
    row = page.locator("table tbody tr").first
    assert badge_text(row, ".badge") == "pending"

    worker = worker_process(app_config, "--until-idle")  # the real `hris-hub worker`, as a process
    try:
        _, errors = worker.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        raise
    assert worker.returncode == 0, errors
    assert receiver.requests_for(EVENTS_PATH)

    page.reload()
    assert badge_text(page.locator("table tbody tr").first, ".badge") == "delivered"
    page.locator("table tbody tr").first.locator("a code").click()
    assert badge_text(page, "h1 .badge") == "delivered"
    assert page.locator("table.attempts tbody tr td").nth(3).inner_text() == "201"

    page.get_by_role("link", name=result_id).click()
    assert page.locator("svg[role='img']").count() >= 1  # the profile chart
    assert "王小明" in page.locator("main").inner_text()


def test_replay_a_dead_job_and_see_it_delivered(live, person, receiver):
    state = live.app.extensions["hub"]
    add_rest_connector(state, "hr", receiver.url)
    receiver.script(EVENTS_PATH, Reply(400, body={"error": "field goal_weight is not allowed"}))
    hire(state, caller(state))
    run_worker(state)
    [job] = jobs(state)
    assert job.status == "dead"
    add_user(state, "hr.it@example.com", "admin")

    admin = person()
    admin.sign_in("hr.it@example.com")
    page = admin.page
    page.get_by_role("link", name="Sync jobs").click()
    page.get_by_label("Status").select_option("dead")
    page.get_by_role("button", name="Filter").click()
    page.locator("table tbody tr").first.locator("a code").click()
    assert badge_text(page, "h1 .badge") == "dead"
    assert "goal_weight" in page.locator("table.attempts").inner_text()

    page.get_by_role("button", name="Replay this job").click()
    assert "queued again" in admin.flash()
    assert badge_text(page, "h1 .badge") in {"pending", "retrying"}
    run_worker(state)
    page.reload()
    assert badge_text(page, "h1 .badge") == "delivered"
    assert page.locator("table.attempts tbody tr").count() == 2  # the refused attempt and the one that went through


def test_an_auditor_verifies_the_chain_and_is_refused_on_every_admin_form(live, person, receiver):
    state = live.app.extensions["hub"]
    add_rest_connector(state, "hr", receiver.url)
    receiver.script(EVENTS_PATH, Reply(400, body={"error": "no"}))
    hire(state, caller(state))
    run_worker(state)
    [job] = jobs(state)
    add_user(state, "hr.it@example.com", "admin")
    add_user(state, "auditor@example.com", "auditor")

    auditor = person()
    auditor.expected_statuses = {403}
    auditor.sign_in("auditor@example.com")
    page = auditor.page
    nav = page.locator("header nav").inner_text()
    assert "Audit trail" in nav and "Users" not in nav and "API clients" not in nav
    page.get_by_role("link", name="Audit trail").click()
    page.get_by_role("button", name="Verify chain").click()
    assert "Audit trail intact" in auditor.flash()

    # No admin control is offered ...
    auditor.goto(f"/console/jobs/{job.id}")
    assert page.get_by_role("button", name="Replay this job").count() == 0
    auditor.goto("/console/connectors/hr")
    assert page.get_by_role("button").filter(has_text=re.compile("Test connection|Disable|Delete")).count() == 0
    auditor.goto("/console/connectors")
    assert page.get_by_role("link", name="Add a connector").count() == 0

    # ... and every admin page and form, typed in or posted with a valid CSRF token, is refused.
    for path in [
        "/console/connectors/new",
        "/console/connectors/new?type=rest",
        "/console/connectors/hr/edit",
        "/console/connectors/hr/preview",
        "/console/users",
        "/console/clients",
    ]:
        auditor.goto(path, status=403)
        assert "read-only" in page.locator("main").inner_text()
    auditor.goto("/console/audit")
    token = page.locator("input[name='csrf_token']").first.get_attribute("value")
    for path in [
        "/console/connectors/new",
        "/console/connectors/hr/edit",
        "/console/connectors/hr/check",
        "/console/connectors/hr/replay-dead",
        "/console/connectors/hr/disable",
        "/console/connectors/hr/enable",
        "/console/connectors/hr/delete",
        f"/console/jobs/{job.id}/replay",
        "/console/users/new",
        "/console/users/1/role",
        "/console/users/1/disable",
        "/console/users/1/enable",
        "/console/users/1/unlock",
        "/console/clients/new",
        "/console/clients/1/revoke",
    ]:
        answer = page.request.post(path, form={"csrf_token": token, "confirm_name": "hr", "role": "admin"})
        assert answer.status == 403, (path, answer.status)
    assert [j.status for j in jobs(state)] == ["dead"]
    assert receiver.requests_for(EVENTS_PATH) and len(receiver.requests) == 1  # no check, no replay went out


def test_the_strict_csp_blocks_nothing_the_console_needs_and_would_block_a_foreign_resource(live, person, receiver):
    state = live.app.extensions["hub"]
    add_rest_connector(state, "hr", receiver.url)
    [result_id] = hire(state, caller(state))
    run_worker(state)
    add_user(state, "hr.it@example.com", "admin")
    admin = person()
    admin.sign_in("hr.it@example.com")
    loaded: list[str] = []
    admin.page.on("requestfinished", lambda request: loaded.append(request.url))
    for path in ["/console/", f"/console/results/{result_id}", "/console/connectors/new?type=rest"]:
        response = admin.goto(path)
        policy = response.headers["content-security-policy"]
        assert policy.startswith("default-src 'none'") and "script-src" not in policy.replace("script-src 'none'", "")
        # The stylesheet was allowed and applied: the header has the stylesheet's colour.
        assert admin.page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor") == (
            "rgb(16, 42, 67)"
        )
    assert any(url.endswith("/console.css") or "/console/static/console.css" in url for url in loaded)
    admin.assert_clean()

    # The listener sees what the policy refuses: an image from another origin (a closed loopback port) is blocked
    # by the browser before any request is made, and reported on the console.
    admin.page.evaluate(
        "() => { const i = document.createElement('img'); i.src = 'http://127.0.0.1:9/x.png'; document.body.append(i); }"
    )
    admin.page.wait_for_timeout(300)
    assert any("Content Security Policy" in problem for problem in admin.problems), admin.problems
    admin.problems.clear()


def test_api_requests_from_the_page_use_no_key_of_the_person(live, person):
    """The console authenticates with its session cookie only: the API refuses a signed-in browser without a key."""
    add_user(live.app.extensions["hub"], "hr.it@example.com", "admin")
    admin = person()
    admin.sign_in("hr.it@example.com")
    answer = admin.page.request.get("/api/v1/sync-jobs")
    assert answer.status == 401
    assert requests.get(live.url + "/api/v1/sync-jobs", timeout=10).status_code == 401


def test_switch_the_language_to_chinese_and_back(live, person):
    """The browser's language first (here en-GB), then the person's own setting, kept across pages and sign-ins."""
    add_user(live.app.extensions["hub"], "hr.it@example.com", "admin")
    someone = person(locale="en-GB")
    someone.sign_in("hr.it@example.com")
    page = someone.page
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Language and time zone").click()
    page.get_by_label("Language").select_option("zh_CN")
    page.get_by_label("Time zone").fill("Asia/Shanghai")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "设置已保存。" in someone.flash()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_role("link", name="概览").click()
    assert page.get_by_role("heading", name="概览").is_visible()
    page.get_by_role("link", name="审计日志").click()
    stamp = page.locator("table.audit time").first
    assert stamp.inner_text().endswith("CST") and stamp.get_attribute("title").endswith("UTC")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_load_state()
    page.locator("input[name='email']").fill("hr.it@example.com")
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("form button[type='submit']").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="同步任务").is_visible()  # the setting survives signing out
    page.get_by_role("link", name="语言和时区").click()
    page.get_by_label("语言").select_option("")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"  # the browser's language again
