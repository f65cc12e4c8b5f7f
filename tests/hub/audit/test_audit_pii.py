"""No personal data in the audit trail: people are named by pseudonymous ids, their details live in erasable tables.

Drives the real server over loopback through everything that writes the trail with a person in reach (console
sign-in and its failures, API clients, results, resumes, a decision with a name in `decided_by`, a delivery,
a typed disable reason, erasure, disabling a console user) and then scans every entry for what was typed.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from hub.storage.models import AuditEntry, ConsoleUser, Decision
from tests.conftest import interview_result
from tests.hub.delivery_support import add_rest_connector, run_worker
from tests.hub.web.test_console import PASSWORD, Browser
from tests.scoring_engine.resume_fixtures import ENGLISH_RESUME, resume_pdf
from tests.support.cli import invoke
from tests.support.http_receiver import HttpReceiver, Reply

CONSOLE_EMAIL = "li.na.hr@example.cn"
CLIENT_NAME = "张伟的小程序后台"
CANDIDATE = {
    "external_id": "wx-openid-77aa",
    "name": "陈静",
    "email": "chen.jing@example.cn",
    "phone": "+86 139 1234 5678",
}
DECIDED_BY = "Li Na 李娜 (li.na.hr@example.cn)"
DISABLE_REASON = "paused for 王芳, call +86 21 5555 0101"
# Everything personal that was typed in, and the shapes a phone number takes once normalised.
PERSONAL = [
    CONSOLE_EMAIL,
    CLIENT_NAME,
    CANDIDATE["name"],
    CANDIDATE["email"],
    CANDIDATE["phone"],
    "13912345678",
    "Li Na",
    "李娜",
    "王芳",
    "5555 0101",
    "Jane Doe",
    "jane.doe@example.com",
    "7946 0958",
]


def trail(state) -> list[AuditEntry]:
    with state.read_session_factory() as session:
        return session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()


def test_the_trail_names_people_only_by_pseudonymous_ids(live, hub_state, runner):
    created = runner.invoke(
        "users", "create", "--email", CONSOLE_EMAIL, "--role", "admin", "--password-stdin", input=PASSWORD + "\n"
    )
    assert created.exit_code == 0, created.output
    key = live.key("admin", name=CLIENT_NAME)
    browser = Browser(live)
    try:
        assert browser.sign_in(CONSOLE_EMAIL, "not the password at all").status_code == 401
        assert browser.sign_in(CONSOLE_EMAIL).status_code == 200
        with HttpReceiver(default=Reply(201, body={"id": "hr-1"})) as receiver:
            add_rest_connector(hub_state, "hr", receiver.url)
            accepted = live.request("POST", "/api/v1/results", key, json=interview_result(candidate=CANDIDATE))
            assert accepted.status_code == 202, accepted.text
            result_id = accepted.json()["id"]
            uploaded = live.request(
                "POST",
                f"/api/v1/candidates/{CANDIDATE['external_id']}/resumes",
                key,
                files={"file": ("Jane Doe CV.pdf", resume_pdf(ENGLISH_RESUME))},
            )
            assert uploaded.status_code == 201, uploaded.text
            decided = live.request(
                "POST",
                f"/api/v1/results/{result_id}/decision",
                key,
                json={"hired": True, "decided_by": DECIDED_BY, "employee_ids": {"default": "E0042"}},
            )
            assert decided.status_code == 201, decided.text
            run_worker(hub_state, max_seconds=10)
            receiver.wait_for(1)
        browser.get("/console/connectors/hr")
        browser.post("/console/connectors/hr/disable", {"reason": DISABLE_REASON})
        browser.get("/console/audit")
        browser.post("/console/audit/verify")
        assert "Audit trail intact" in browser.text()
        erased = live.request("DELETE", f"/api/v1/candidates/{CANDIDATE['external_id']}", key)
        assert erased.status_code == 200, erased.text
        browser.post("/console/sign-out")
    finally:
        browser.close()
    assert invoke(live.app, "users", "disable", CONSOLE_EMAIL).exit_code == 0

    entries = trail(hub_state)
    actions = {entry.action for entry in entries}
    assert {
        "console_user.created",
        "console.sign_in_failed",
        "console.signed_in",
        "client.created",
        "result.received",
        "resume.received",
        "candidate.hired",
        "sync_job.delivered",
        "connector.disabled",
        "audit.verified",
        "candidate.erased",
        "console.signed_out",
        "console_user.disabled",
    } <= actions
    for entry in entries:
        stored = json.dumps([entry.actor, entry.object_id, entry.details], ensure_ascii=False)
        leaked = [value for value in PERSONAL if value in stored]
        assert not leaked, f"audit entry {entry.seq} ({entry.action}) holds {leaked}: {stored}"

    with hub_state.read_session_factory() as session:
        user_id = session.scalar(select(ConsoleUser.id).where(ConsoleUser.email == CONSOLE_EMAIL))
        decision = session.scalar(select(Decision).where(Decision.result_id == result_id))
        assert decision.decided_by == "(erased)", "the decision-maker's name must go with the candidate's data"
    by_action = {entry.action: entry for entry in entries}
    # The ids resolve to people only through the erasable tables.
    assert by_action["console.signed_in"].actor == by_action["console.signed_out"].actor == f"user:{user_id}"
    assert by_action["connector.disabled"].actor == f"user:{user_id}"
    assert by_action["candidate.hired"].actor.startswith("client:")
    assert by_action["candidate.hired"].actor[len("client:") :].isdigit()
    assert by_action["candidate.hired"].details["decision_id"] == decision.id
    assert invoke(live.app, "audit", "verify").exit_code == 0
