"""A hub with something on every console page: people, API clients, connectors, hired results with Chinese and
English names, delivered jobs and one dead job. Used by the browser tests (accessibility of every page) and by
bench/console_screenshots.py (the pictures in docs/console.md).

Usage::

    seeded = seed_console(app, receiver)   # receiver: a started tests.support.http_receiver.HttpReceiver
    seeded.result_ids, seeded.dead_job_id, seeded.delivered_job_id, seeded.connector
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.accounts import console_users as accounts
from hub.accounts.api_clients import create_client
from hub.storage.db import transaction
from tests.hub.delivery_support import add_rest_connector, caller, hire, jobs, run_worker
from tests.support.http_receiver import Reply

PASSWORD = "correct horse battery"
ADMIN = "hr.it@example.com"
AUDITOR = "auditor@example.com"
EVENTS_PATH = "/hris-hub/events"

CANDIDATES = [
    ("wx-openid-9f3a", "王小明", {"communication": 92, "stress_tolerance": 75, "customer_orientation": 88}),
    ("wx-openid-41c2", "李娜", {"communication": 81, "stress_tolerance": 90, "customer_orientation": 72}),
    ("ats-20931", "Emma Clarke", {"communication": 66, "stress_tolerance": 58, "customer_orientation": 94}),
]


@dataclass
class Seeded:
    connector: str = "hr-rest"
    result_ids: list[str] = field(default_factory=list)
    delivered_job_id: str = ""
    dead_job_id: str = ""


def seed_console(app, receiver) -> Seeded:
    state = app.extensions["hub"]
    seeded = Seeded()
    with transaction(state.session_factory) as session:
        accounts.create_user(session, email=ADMIN, role="admin", password=PASSWORD, actor="seed")
        accounts.create_user(session, email=AUDITOR, role="auditor", password=PASSWORD, actor="seed")
        create_client(session, name="miniprogram", role="ingest", actor="seed")
        create_client(session, name="reporting", role="auditor", actor="seed")
    add_rest_connector(state, seeded.connector, receiver.url)
    add_rest_connector(state, "sf-goals", receiver.url, retry_schedule=[0.1])
    who = caller(state)
    for external_id, name, dimensions in CANDIDATES:
        scores = {
            "source": "acme-ai",
            "model": "sales",
            "dimensions": {**dimensions, "teamwork": 70, "responsibility": 85},
        }
        candidate = {"external_id": external_id, "name": name, "phone": "+86 138 0013 8000", "email": "c@example.com"}
        seeded.result_ids += hire(state, who, candidate=candidate, scores=scores)
    # Five deliveries go through; the sixth is refused for good (400): a dead job to replay.
    refused = Reply(400, body={"error": "field goal_weight is not allowed"})
    receiver.script(EVENTS_PATH, *[Reply(201, body={"id": f"hr-{n}"}) for n in range(5)], refused)
    run_worker(state)
    found = jobs(state)
    seeded.dead_job_id = next(job.id for job in found if job.status == "dead")
    seeded.delivered_job_id = next(job.id for job in found if job.status == "delivered")
    receiver.clear()
    return seeded


def _form_with_errors(page) -> None:
    """The add-connector form refused: a bad base URL and a concurrency that is not a number."""
    page.locator("#f-name").fill("hr-new")
    page.locator("#f-mapping").select_option("generic-rest")
    page.locator("[name='config/base_url']").fill("ftp://nowhere")
    page.locator("#f-concurrency").fill("many")
    page.locator("form.connector-form button[type='submit']").click()  # in any language
    page.wait_for_load_state()


def console_pages(seeded: Seeded) -> list[tuple[str, str, object]]:
    """Every console page an admin reaches, as (slug, path, what to do once there, or None)."""
    first, second, _ = seeded.result_ids
    return [
        ("overview", "/console/", None),
        ("results", "/console/results", None),
        ("result", f"/console/results/{first}", None),
        ("result-2", f"/console/results/{second}", None),
        ("jobs", "/console/jobs", None),
        ("job", f"/console/jobs/{seeded.dead_job_id}", None),
        ("job-delivered", f"/console/jobs/{seeded.delivered_job_id}", None),
        ("connectors", "/console/connectors", None),
        ("connector", f"/console/connectors/{seeded.connector}", None),
        ("connector-types", "/console/connectors/new", None),
        ("connector-form", "/console/connectors/new?type=rest", None),
        ("connector-form-errors", "/console/connectors/new?type=rest", _form_with_errors),
        ("connector-edit", f"/console/connectors/{seeded.connector}/edit", None),
        ("preview", f"/console/connectors/{seeded.connector}/preview?result={first}", None),
        ("policies", "/console/policies", None),
        ("policy", f"/console/policies/default?result={first}", None),
        ("users", "/console/users", None),
        ("clients", "/console/clients", None),
        ("audit", "/console/audit", None),
        ("settings", "/console/settings", None),
        ("bias", "/console/reports/bias", None),
        ("validity", "/console/reports/validity", None),
        ("attendance", "/console/reports/attendance", None),
    ]
