"""The web console over real HTTP: sign-in and lockout, CSRF, roles, pages, replay, verify, escaping, the users CLI."""

from __future__ import annotations

import json
from datetime import timedelta

import lxml.html
import pytest
import requests
from sqlalchemy import select, update

from hub.accounts import console_users as accounts
from hub.delivery import connector_admin
from hub.storage.db import transaction
from hub.storage.models import AuditEntry, ConsoleUser, utcnow
from tests.conftest import HTTP_TIMEOUT, ROOT
from tests.hub.delivery_support import (
    add_rest_connector,
    caller,
    hire,
    jobs,
    run_worker,
)
from tests.support.cli import invoke as run_cli
from tests.support.http_receiver import HttpReceiver, Reply

PASSWORD = "correct horse battery"
EVENTS_PATH = "/hris-hub/events"
WEBHOOK_SECRET = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SIGN_IN_FAILED = "Sign-in failed"


class Browser:
    """A person at a browser: a cookie jar, pages parsed, and forms posted with the page's CSRF token."""

    def __init__(self, live):
        self.base = live.url
        self.http = requests.Session()
        self.page: lxml.html.HtmlElement | None = None

    def get(self, path: str, **kwargs) -> requests.Response:
        response = self.http.get(self.base + path, timeout=HTTP_TIMEOUT, **kwargs)
        if response.headers.get("Content-Type", "").startswith("text/html"):
            self.page = lxml.html.fromstring(response.text)
        return response

    def token(self) -> str:
        return self.page.xpath("//input[@name='csrf_token']/@value")[0]

    def post(self, path: str, data: dict | None = None, *, with_token: bool = True, **kwargs) -> requests.Response:
        data = dict(data or {})
        if with_token:
            data["csrf_token"] = self.token()
        response = self.http.post(self.base + path, data=data, timeout=HTTP_TIMEOUT, **kwargs)
        if response.headers.get("Content-Type", "").startswith("text/html"):
            self.page = lxml.html.fromstring(response.text)
        return response

    def sign_in(self, email: str, password: str = PASSWORD) -> requests.Response:
        self.get("/console/sign-in")
        return self.post("/console/sign-in", {"email": email, "password": password})

    def text(self) -> str:
        return self.page.text_content()

    def close(self):
        self.http.close()


def add_user(state, email: str, role: str, password: str = PASSWORD) -> None:
    with transaction(state.session_factory) as session:
        accounts.create_user(session, email=email, role=role, password=password, actor="test")


@pytest.fixture
def browsers(live):
    opened = []

    def open_browser(email: str | None = None, role: str = "admin") -> Browser:
        browser = Browser(live)
        opened.append(browser)
        if email:
            add_user(live.app.extensions["hub"], email, role)
            assert browser.sign_in(email).status_code == 200
        return browser

    yield open_browser
    for browser in opened:
        browser.close()


@pytest.fixture
def receiver():
    with HttpReceiver(default=Reply(201, body={"id": "hr-1"})) as server:
        yield server


@pytest.fixture
def dead_job(live, receiver):
    """One hire whose delivery the target refused with 400: a dead job, replayable."""
    state = live.app.extensions["hub"]
    add_rest_connector(state, "hr", receiver.url)
    receiver.script(EVENTS_PATH, Reply(400, body={"error": "field goal_weight is not allowed"}))
    hire(state, caller(state))
    run_worker(state)
    [job] = jobs(state)
    assert job.status == "dead"
    return job.id


def audit_entries(state, action: str) -> list[AuditEntry]:
    with state.read_session_factory() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


def actor(state, email: str) -> str:
    """The pseudonymous id the audit trail uses for a console user (never the email)."""
    with state.read_session_factory() as session:
        return accounts.actor_id(session.scalar(select(ConsoleUser.id).where(ConsoleUser.email == email)))


def job_status(state, job_id: str) -> str:
    [job] = [j for j in jobs(state) if j.id == job_id]
    return job.status


# --- signing in -----------------------------------------------------------------------------------------


def test_sign_in_success_failure_and_sign_out(live, browsers):
    state = live.app.extensions["hub"]
    add_user(state, "hr.it@example.com", "admin")
    browser = browsers()
    first = browser.get("/console/results")
    assert first.url.startswith(live.url + "/console/sign-in") and "next=" in first.url

    wrong = browser.post("/console/sign-in", {"email": "hr.it@example.com", "password": "wrong password!"})
    unknown = browser.post("/console/sign-in", {"email": "nobody@example.com", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    message = lambda response: lxml.html.fromstring(response.text).xpath("//p[@role='alert']")[0].text_content()
    assert SIGN_IN_FAILED in message(wrong) and message(wrong) == message(unknown)  # nothing tells which emails exist

    signed_in = browser.post(
        "/console/sign-in", {"email": "HR.IT@example.com", "password": PASSWORD, "next": "/console/results"}
    )
    assert signed_in.status_code == 200 and signed_in.url == live.url + "/console/results"
    assert "hr.it@example.com" in browser.text()
    cookie = signed_in.history[0].headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert signed_in.headers["Content-Security-Policy"].startswith("default-src 'none'")

    failures = audit_entries(state, "console.sign_in_failed")
    assert [f.actor for f in failures] == ["console", "console"]
    assert all(
        "wrong password!" not in json.dumps(f.details) and PASSWORD not in json.dumps(f.details) for f in failures
    )
    [success] = audit_entries(state, "console.signed_in")
    assert success.actor == actor(state, "hr.it@example.com")

    signed_out = browser.post("/console/sign-out")
    assert signed_out.url.startswith(live.url + "/console/sign-in") and "You are signed out" in browser.text()
    assert browser.get("/console/").url.startswith(live.url + "/console/sign-in")
    assert audit_entries(state, "console.signed_out")[0].actor == actor(state, "hr.it@example.com")


def test_failures_throttle_the_address_with_backoff_and_never_lock_the_account(live, browsers, monkeypatch):
    from hub.accounts import throttle
    from hub.web.console import auth

    state = live.app.extensions["hub"]
    add_user(state, "auditor@example.com", "auditor")
    clock = [1000.0]
    monkeypatch.setattr(auth, "THROTTLE", throttle.SignInThrottle(clock=lambda: clock[0]))
    browser = browsers()
    for _ in range(throttle.FREE_FAILURES):
        assert browser.sign_in("auditor@example.com", "not the password").status_code == 401
    held = browser.sign_in("auditor@example.com")  # the right password, but this address must wait
    assert held.status_code == 429 and int(held.headers["Retry-After"]) == 2
    clock[0] += 2.5
    assert browser.sign_in("auditor@example.com", "wrong again").status_code == 401
    assert int(browser.sign_in("auditor@example.com").headers["Retry-After"]) == 4  # the wait doubles
    clock[0] += 5
    assert browser.sign_in("auditor@example.com").status_code == 200  # the account itself was never locked
    with state.read_session_factory() as session:
        user = session.scalar(select(ConsoleUser).where(ConsoleUser.email == "auditor@example.com"))
        assert user.locked_until is None and user.failed_logins == 0 and user.last_login_at is not None
    assert all("locked" not in e.details for e in audit_entries(state, "console.sign_in_failed"))


def test_sign_out_revokes_the_session_so_a_copied_cookie_stops_working(live, browsers):
    state = live.app.extensions["hub"]
    browser = browsers("hr.it@example.com", "admin")
    copied = requests.Session()
    copied.cookies.update(browser.http.cookies)
    assert copied.get(live.url + "/console/", allow_redirects=False).status_code == 200
    browser.post("/console/sign-out")
    stolen = copied.get(live.url + "/console/", allow_redirects=False)
    assert stolen.status_code == 302 and "/console/sign-in" in stolen.headers["Location"]
    from hub.storage.models import ConsoleSession

    with state.read_session_factory() as session:
        assert [s.ended_reason for s in session.scalars(select(ConsoleSession))] == ["signed_out"]


def test_sessions_end_after_the_idle_and_the_absolute_limit(live, browsers):
    from hub.storage.models import ConsoleSession

    state = live.app.extensions["hub"]
    idle = browsers("idle@example.com", "auditor")
    with transaction(state.session_factory) as session:
        session.execute(update(ConsoleSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert idle.get("/console/").url.startswith(live.url + "/console/sign-in")
    old = browsers("old@example.com", "auditor")
    with transaction(state.session_factory) as session:
        session.execute(
            update(ConsoleSession)
            .where(ConsoleSession.ended_at.is_(None))
            .values(created_at=utcnow() - timedelta(hours=9))
        )
    assert old.get("/console/").url.startswith(live.url + "/console/sign-in")
    with state.read_session_factory() as session:
        assert sorted(s.ended_reason for s in session.scalars(select(ConsoleSession))) == ["absolute", "idle"]


def test_a_disabled_user_is_signed_out_and_cannot_sign_in(live, browsers):
    state = live.app.extensions["hub"]
    browser = browsers("gone@example.com", "admin")
    with transaction(state.session_factory) as session:
        accounts.disable_user(session, email="gone@example.com", actor="test")
    assert browser.get("/console/").url.startswith(live.url + "/console/sign-in")
    assert browser.sign_in("gone@example.com").status_code == 401


# --- CSRF and roles -------------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(live, browsers, dead_job):
    state = live.app.extensions["hub"]
    admin = browsers("admin@example.com", "admin")
    admin.get(f"/console/jobs/{dead_job}")
    refused = admin.post(f"/console/jobs/{dead_job}/replay", with_token=False)
    assert refused.status_code == 400 and "CSRF" in admin.text()
    forged = admin.post(f"/console/jobs/{dead_job}/replay", {"csrf_token": "forged"}, with_token=False)
    assert forged.status_code == 400
    assert job_status(state, dead_job) == "dead"
    assert audit_entries(state, "sync_job.replayed") == []
    # The sign-in form is protected too; the bearer-key API is not (it has no cookies to ride on).
    assert (
        Browser(live)
        .post("/console/sign-in", {"email": "admin@example.com", "password": PASSWORD}, with_token=False)
        .status_code
        == 400
    )


def test_an_auditor_cannot_act(live, browsers, dead_job):
    state = live.app.extensions["hub"]
    auditor = browsers("auditor@example.com", "auditor")
    auditor.get(f"/console/jobs/{dead_job}")
    assert not auditor.page.xpath("//form[contains(@action, '/replay')]")  # no button to press
    assert auditor.post(f"/console/jobs/{dead_job}/replay").status_code == 403
    assert auditor.post("/console/connectors/hr/replay-dead").status_code == 403
    assert auditor.post("/console/connectors/hr/disable", {"reason": "x"}).status_code == 403
    assert "read-only" in auditor.text()
    assert job_status(state, dead_job) == "dead"
    with state.read_session_factory() as session:
        assert (
            session.scalar(
                select(AuditEntry).where(
                    AuditEntry.actor == actor(state, "auditor@example.com"), AuditEntry.action != "console.signed_in"
                )
            )
            is None
        )


# --- actions --------------------------------------------------------------------------------------------


def test_an_admin_replays_a_dead_job_and_a_worker_delivers_it(live, browsers, dead_job, receiver):
    state = live.app.extensions["hub"]
    admin = browsers("admin@example.com", "admin")
    page = admin.get(f"/console/jobs/{dead_job}")
    assert "field goal_weight is not allowed" in page.text  # the attempt's response excerpt
    replayed = admin.post(f"/console/jobs/{dead_job}/replay")
    assert replayed.status_code == 200 and "queued again" in admin.text()
    assert job_status(state, dead_job) == "pending"
    [entry] = audit_entries(state, "sync_job.replayed")
    assert entry.actor == actor(state, "admin@example.com") and entry.object_id == dead_job

    run_worker(state)  # the receiver's script is used up: now it answers 201
    assert job_status(state, dead_job) == "delivered"
    admin.get(f"/console/jobs/{dead_job}")
    rows = admin.page.xpath("//table[contains(@class, 'attempts')]/tbody/tr")
    cells = [[cell.text_content().strip() for cell in row.xpath("td")] for row in rows]
    assert [(c[0], c[2], c[3]) for c in cells] == [("1", "permanent", "400"), ("2", "delivered", "201")]
    assert all(c[4].endswith(" ms") for c in cells)


def test_replay_every_dead_job_of_a_connector_and_disable_enable_it(live, browsers, dead_job):
    state = live.app.extensions["hub"]
    admin = browsers("admin@example.com", "admin")
    admin.get("/console/connectors/hr")
    assert "Replay all 1 dead job(s)" in admin.text()
    admin.post("/console/connectors/hr/replay-dead")
    assert "1 dead job(s) of hr queued again" in admin.text()
    assert job_status(state, dead_job) == "pending"

    admin.post("/console/connectors/hr/disable", {"reason": "target <b>maintenance</b>"})
    assert "target <b>maintenance</b>" in admin.text()  # shown as text, never as markup
    with state.read_session_factory() as session:
        [disabled] = session.scalars(select(AuditEntry).where(AuditEntry.action == "connector.disabled")).all()
    assert disabled.actor == actor(state, "admin@example.com") and disabled.details == {}
    with state.read_session_factory() as session:  # a typed reason stays on the connector, out of the trail
        assert connector_admin.get(session, "hr").disabled_reason == "target <b>maintenance</b>"
    admin.post("/console/connectors/hr/enable")
    assert admin.page.xpath("//h1/span[contains(@class, 'badge-enabled')]")
    assert audit_entries(state, "connector.updated")[-1].actor == actor(state, "admin@example.com")


# --- pages ----------------------------------------------------------------------------------------------


def test_pages_show_counts_evidence_and_attempts(live, browsers, dead_job):
    state = live.app.extensions["hub"]
    document = json.loads((ROOT / "examples" / "results" / "zh-sales-answers.json").read_text(encoding="utf-8"))
    document.pop("decision")
    posted = live.request("POST", "/api/v1/results", live.key("ingest"), json=document)
    assert posted.status_code == 202, posted.text
    result_id = posted.json()["id"]
    run_worker(state)  # scores the answers
    auditor = browsers("auditor@example.com", "auditor")

    auditor.get("/console/")
    assert auditor.page.xpath("//p[@id='dead-count']")[0].text == "1"
    scored_link = auditor.page.xpath("//a[contains(@href, 'results?status=scored')]")[0]
    assert scored_link.text == "2"  # the hire with ready scores and the answers scored by the worker
    assert auditor.page.xpath("//a[contains(@href, 'jobs?status=dead')]")

    auditor.get("/console/results?status=scored")
    listing = auditor.text()
    assert "wx-openid-li-na" in listing and "李娜" not in listing and "王小明" not in listing  # names only on detail
    page = auditor.get(f"/console/results/{result_id}")
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    detail = auditor.text()
    assert (
        "李娜" in detail
        and "wx-openid-li-na" in detail
        and "lina@example.cn" not in detail
        and "13800138000" not in detail
    )
    assert "我曾向一家工厂的老板解释我们的 SaaS 排产系统。" in detail  # an evidence quote
    assert "沟通能力" in detail and "situation" in detail  # a dimension and a missing STAR part

    auditor.get("/console/jobs?status=dead&connector=hr")
    [row] = auditor.page.xpath("//table/tbody/tr")
    assert dead_job[:8] in row.text_content() and "dead" in row.text_content()
    export = auditor.get("/console/jobs.csv?status=dead")
    assert export.headers["Content-Type"].startswith("text/csv") and dead_job in export.text
    assert auditor.get("/console/jobs?since=yesterday").status_code == 400


def test_connector_secrets_never_appear_in_any_page(live, browsers, dead_job):
    state = live.app.extensions["hub"]
    token = "bearer-token-that-must-stay-secret"
    add_rest_connector(
        state,
        "secured",
        "http://127.0.0.1:9",
        config={
            "base_url": "http://127.0.0.1:9",
            "auth": {"type": "bearer", "token": token},
            "webhook_secret": "whsec_" + WEBHOOK_SECRET,
        },
    )
    admin = browsers("admin@example.com", "admin")
    pages = [
        "/console/",
        "/console/connectors",
        "/console/connectors/hr",
        "/console/connectors/secured",
        "/console/jobs",
        f"/console/jobs/{dead_job}",
        "/console/results",
        "/console/audit",
        "/console/audit.csv",
        "/console/jobs.csv",
    ]
    for path in pages:
        response = admin.get(path)
        assert response.status_code == 200, path
        assert WEBHOOK_SECRET not in response.text and token not in response.text, path
    admin.get("/console/connectors/secured")
    assert "********" in admin.text()


def test_html_in_a_candidate_name_is_escaped(live, browsers):
    state = live.app.extensions["hub"]
    [result_id] = hire(
        state, caller(state), candidate={"external_id": "x-<i>1</i>", "name": "<script>alert(1)</script>"}
    )
    admin = browsers("admin@example.com", "admin")
    response = admin.get(f"/console/results/{result_id}")
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert admin.page.xpath("//span[@class='person']")[0].text == "<script>alert(1)</script>"
    assert "<i>1</i>" not in admin.get("/console/results").text


# --- the audit trail ------------------------------------------------------------------------------------


def test_verify_reports_intact_then_names_the_edited_entry(live, browsers):
    state = live.app.extensions["hub"]
    auditor = browsers("auditor@example.com", "auditor")  # verifying is for auditors too
    auditor.get("/console/audit")
    auditor.post("/console/audit/verify")
    assert "Audit trail intact" in auditor.text()
    [run] = audit_entries(state, "audit.verified")
    assert run.actor == actor(state, "auditor@example.com") and run.details["ok"] is True

    with state.engine.begin() as connection:
        connection.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(actor="someone-else"))
    auditor.post("/console/audit/verify")
    assert "BROKEN at entry 2" in auditor.text() and "edited" in auditor.text()
    assert auditor.page.xpath("//tr[@id='entry-2']")  # the page opens at the broken entry
    assert audit_entries(state, "audit.verified")[-1].details["first_broken_seq"] == 2

    export = auditor.get("/console/audit.csv?action=audit.verified")
    lines = export.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("seq,occurred_at,actor,action") and len(lines) == 3


def test_audit_filters_and_paging(live, browsers):
    state = live.app.extensions["hub"]
    from hub.audit import chain as audit

    with transaction(state.session_factory) as session:
        for i in range(60):
            audit.append(session, actor="test", action="thing.done", object_type="thing", object_id=f"t{i}")
    admin = browsers("admin@example.com", "admin")
    admin.get("/console/audit?action=thing.done")
    assert len(admin.page.xpath("//table/tbody/tr")) == 50
    older = admin.page.xpath("//p[@class='pager']/a/@href")[0]
    admin.get(older)
    assert len(admin.page.xpath("//table/tbody/tr")) == 10
    admin.get("/console/audit?object_id=t7")
    [row] = admin.page.xpath("//table/tbody/tr")
    assert "thing.done" in row.text_content()


# --- the users command ----------------------------------------------------------------------------------


def test_users_create_list_disable(live, browsers):
    app = live.app
    created = run_cli(
        app, "users", "create", "--email", "Ops@Example.com", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert created.exit_code == 0, created.output
    assert "created console user ops@example.com with role admin" in created.output
    piped = run_cli(
        app,
        "users",
        "create",
        "--email",
        "audit@example.com",
        "--role",
        "auditor",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert piped.exit_code == 0, piped.output

    short = run_cli(
        app, "users", "create", "--email", "x@example.com", "--role", "admin", "--password-stdin", input="short\n"
    )
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    bad_email = run_cli(
        app, "users", "create", "--email", "not-an-email", "--role", "admin", "--password-stdin", input=PASSWORD + "\n"
    )
    assert bad_email.exit_code != 0 and "not an address" in bad_email.output
    again = run_cli(
        app,
        "users",
        "create",
        "--email",
        "ops@example.com",
        "--role",
        "admin",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert again.exit_code != 0 and "exists already" in again.output
    mismatch = run_cli(
        app, "users", "create", "--email", "y@example.com", "--role", "admin", input=f"{PASSWORD}\nother\n"
    )
    assert mismatch.exit_code != 0

    listing = run_cli(app, "users", "list")
    assert "ops@example.com" in listing.output and "auditor" in listing.output and "pbkdf2" not in listing.output
    with app.extensions["hub"].read_session_factory() as session:
        stored = session.scalar(select(ConsoleUser.password_hash).where(ConsoleUser.email == "ops@example.com"))
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))

    browser = browsers()
    assert browser.sign_in("ops@example.com").status_code == 200
    assert run_cli(app, "users", "disable", "ops@example.com").exit_code == 0
    assert "disabled" in run_cli(app, "users", "list").output
    assert browser.get("/console/").url.startswith(live.url + "/console/sign-in")
    assert run_cli(app, "users", "disable", "nobody@example.com").exit_code != 0


# --- bad input ------------------------------------------------------------------------------------------


def test_bad_filters_and_ids_are_error_pages_not_500s(live, browsers):
    browser = browsers("it.wang@example.com")
    for path, says in [
        ("/console/jobs?until=9999-12-31T23:59:59-23:59", "Bad until"),  # past year 9999 in UTC: was a 500
        ("/console/jobs?connector=hr%00", "NUL"),  # PostgreSQL refuses NUL: was a 500
        ("/console/results/" + "结果" * 101, "202 characters"),
        ("/console/jobs/a%00b", "NUL"),
    ]:
        response = browser.get(path)
        assert response.status_code == 400, (path, response.status_code)
        assert response.headers["Content-Type"].startswith("text/html")
        assert says in browser.text(), (path, browser.text()[:500])
