"""Setting the hub up from the console over real HTTP: a connector added and edited through the form made from its
type's schema (errors beside their fields, secrets kept and never shown), test connection against a real receiver,
the exact request previewed, people and API clients managed; auditors refused on every one of these forms."""

from __future__ import annotations

import socket

import requests
from sqlalchemy import select

from hub.delivery import connector_admin
from hub.storage.models import ApiClient, Connector, ConsoleUser
from tests.hub.delivery_support import caller, hire, run_worker
from tests.hub.web.test_console import actor, audit_entries
from tests.hub.web.test_signing import signed

TOKEN = "tok-Zq81-never-shown-again"
EVENTS_PATH = "/hris-hub/events"


def form_for_rest(receiver_url: str, **overrides) -> dict:
    fields = {
        "type": "rest",
        "name": "hr-rest",
        "mapping": "generic-rest",
        "event.candidate.hired": "1",
        "max_concurrency": "2",
        "retry_schedule": "1, 2",
        "config/base_url": receiver_url,
        "config/auth/type": "bearer",
        "config/auth/token": TOKEN,
        "config/timeouts/connect": "1",
        "config/timeouts/read": "2",
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def errors_shown(browser) -> dict[str, str]:
    """Each problem shown beside a field: its pointer and message, as the page prints them."""
    found = {}
    for node in browser.page.xpath("//p[@class='field-error']"):
        pointer, _, message = node.text_content().partition(": ")
        found[pointer] = message
    return found


def stored(state, name: str) -> Connector | None:
    with state.read_session_factory() as session:
        return session.scalar(connector_admin.live(select(Connector).where(Connector.name == name)))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_type_chooser_and_the_form_follow_the_type_schema(live, browsers):
    admin = browsers("it@example.com")
    assert admin.get("/console/connectors/new").status_code == 200
    assert {"rest", "soap", "csv"} <= {
        href.rsplit("=", 1)[1] for href in admin.page.xpath("//a[contains(@href, 'type=')]/@href")
    }
    admin.get("/console/connectors/new?type=rest")
    names = set(admin.page.xpath("//form[@class='connector-form']//*[@name]/@name"))
    assert {"config/base_url", "config/auth/type", "config/auth/token", "config/timeouts/connect"} <= names
    assert admin.page.xpath("//input[@name='config/auth/token']/@type") == ["password"]
    assert "bearer" in admin.page.xpath("//select[@name='config/auth/type']/option/@value")
    assert "generic-rest" in admin.page.xpath("//select[@name='mapping']/option/@value")
    assert "legacy-soap-goals" not in admin.page.xpath("//select[@name='mapping']/option/@value")  # soap payloads
    # Every control has a label pointing at it.
    ids = set(admin.page.xpath("//form[@class='connector-form']//*[self::input or self::select or self::textarea]/@id"))
    assert ids <= set(admin.page.xpath("//label/@for"))
    admin.get("/console/connectors/new?type=soap")
    assert "config/wsdl" in set(admin.page.xpath("//*[@name]/@name"))


def test_a_refused_form_shows_each_problem_beside_its_field_and_stores_nothing(live, browsers, receiver):
    state = live.app.extensions["hub"]
    admin = browsers("it@example.com")
    admin.get("/console/connectors/new?type=rest")
    answer = admin.post(
        "/console/connectors/new",
        form_for_rest("ftp://nowhere", **{"name": "", "max_concurrency": "many", "config/timeouts/read": "slow"}),
    )
    assert answer.status_code == 422
    shown = errors_shown(admin)
    assert "/max_concurrency" in shown and "not a number" in shown["/max_concurrency"]
    assert "/config/timeouts/read" in shown
    assert TOKEN not in answer.text  # a secret typed in is not echoed back
    assert admin.page.xpath("//select[@name='config/auth/type']/option[@selected]/@value") == ["bearer"]
    # Readable values now, so the domain checks speak, in the API's order: the fields, then the type's config.
    admin.post("/console/connectors/new", form_for_rest("ftp://nowhere", name=""))
    assert "/name" in errors_shown(admin)
    assert admin.post("/console/connectors/new", form_for_rest("ftp://nowhere")).status_code == 422
    shown = errors_shown(admin)
    assert any(pointer.startswith("/config/base_url") for pointer in shown), shown
    assert stored(state, "hr-rest") is None and not audit_entries(state, "connector.added")


def test_add_test_connection_preview_edit_and_deliver_through_the_form(live, browsers, receiver):
    state = live.app.extensions["hub"]
    admin = browsers("it@example.com")
    admin.get("/console/connectors/new?type=rest")
    answer = admin.post("/console/connectors/new", form_for_rest(receiver.url))
    assert answer.status_code == 200 and "Connector hr-rest added" in admin.text()
    connector = stored(state, "hr-rest")
    assert (connector.config["auth"]["type"], connector.config["auth"]["token"]) == ("bearer", TOKEN)
    assert connector.retry_schedule == [1, 2] and connector.max_concurrency == 2
    [added] = audit_entries(state, "connector.added")
    assert added.actor == actor(state, "it@example.com")
    assert TOKEN not in answer.text

    admin.post("/console/connectors/hr-rest/check")
    assert "Test connection: OK" in admin.text()

    preview = admin.get("/console/connectors/hr-rest/preview")
    assert preview.status_code == 200
    [heading] = admin.page.xpath("//section[contains(@class, 'preview-request')]/h2/text()")
    assert heading.startswith("POST " + receiver.url)
    assert TOKEN not in preview.text and "candidate.hired" in preview.text
    assert not receiver.requests_for(EVENTS_PATH)  # a preview sends nothing

    # Edit: the token left empty is kept; a cleared field goes back to the type's default, not to what was stored.
    admin.get("/console/connectors/hr-rest/edit")
    assert admin.page.xpath("//input[@name='config/auth/token']/@value") == []
    form = form_for_rest(receiver.url, name=None, **{"config/auth/token": "", "config/timeouts/read": ""})
    assert admin.post("/console/connectors/hr-rest/edit", form).status_code == 200
    connector = stored(state, "hr-rest")
    assert connector.config["auth"]["token"] == TOKEN
    default_read = connector_admin.types_view()
    [rest] = [t for t in default_read if t["type"] == "rest"]
    assert (
        connector.config["timeouts"]["read"]
        == rest["config_schema"]["properties"]["timeouts"]["properties"]["read"]["default"]
        != 2
    )
    assert [e.details["fields"] for e in audit_entries(state, "connector.updated")][-1]

    hire(state, caller(state))
    run_worker(state)
    [delivered] = receiver.requests_for(EVENTS_PATH)
    assert delivered.header("Authorization") == f"Bearer {TOKEN}"


def test_test_connection_says_what_failed(live, browsers):
    admin = browsers("it@example.com")
    admin.get("/console/connectors/new?type=rest")
    admin.post("/console/connectors/new", form_for_rest(f"http://127.0.0.1:{closed_port()}"))
    admin.post("/console/connectors/hr-rest/check")
    [flash] = admin.page.xpath("//p[contains(@class, 'flash-error')]/text()")
    assert flash.startswith("Test connection: failed:") and "127.0.0.1" in flash


def test_people_and_api_clients(live, browsers):
    state = live.app.extensions["hub"]
    admin = browsers("it@example.com")
    admin.get("/console/users")
    admin.post("/console/users/new", {"email": "Auditor@Example.com", "role": "auditor", "password": "short"})
    assert "Not added" in admin.text() and "at least" in admin.text()
    admin.post(
        "/console/users/new", {"email": "Auditor@Example.com", "role": "auditor", "password": "a long enough secret"}
    )
    assert "auditor@example.com added as auditor" in admin.text()
    with state.read_session_factory() as session:
        me = session.scalar(select(ConsoleUser).where(ConsoleUser.email == "it@example.com"))
        other = session.scalar(select(ConsoleUser).where(ConsoleUser.email == "auditor@example.com"))
    # The only admin keeps the role; once there is another, roles move and are audited.
    admin.post(f"/console/users/{other.id}/role", {"role": "admin"})
    assert "is now admin" in admin.text()
    admin.post(f"/console/users/{other.id}/role", {"role": "auditor"})
    [first, second] = audit_entries(state, "console_user.role_changed")
    assert (first.details, second.details) == ({"from": "auditor", "to": "admin"}, {"from": "admin", "to": "auditor"})
    assert "auditor@example.com" not in str(second.details) and second.object_id == str(other.id)
    admin.post(f"/console/users/{me.id}/disable")
    assert "cannot disable yourself" in admin.text()
    admin.post(f"/console/users/{other.id}/disable")
    assert "can no longer sign in" in admin.text()

    admin.get("/console/clients")
    answer = admin.post("/console/clients/new", {"name": "miniprogram", "role": "ingest", "expires_in_days": "30"})
    assert answer.headers["Cache-Control"] == "no-store"
    [key] = admin.page.xpath("//pre[@id='new-key']/text()")
    listed = requests.get(live.url + "/api/v1/results/nope", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert listed.status_code == 404  # the key authenticates
    assert key not in admin.get("/console/clients").text  # shown once
    with state.read_session_factory() as session:
        client = session.scalar(select(ApiClient).where(ApiClient.name == "miniprogram"))
    assert client.expires_at is not None
    admin.post(f"/console/clients/{client.id}/revoke")
    assert "revoked" in admin.text()
    refused = requests.get(live.url + "/api/v1/results/nope", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert refused.status_code == 401
    admin.post("/console/clients/new", {"name": "x", "role": "ingest", "expires_in_days": "forever"})
    assert "Not created" in admin.text()


def test_an_api_client_made_in_the_console_can_be_made_to_sign_its_requests(live, browsers):
    """The signing option of the CLI (`clients create --signed`, `clients signing ...`) in the console: the secret
    shown once works over real HTTP, unsigned requests are refused while it is required, and turning it off works."""
    state = live.app.extensions["hub"]
    admin = browsers("it@example.com")
    admin.get("/console/clients")
    answer = admin.post("/console/clients/new", {"name": "mp-signed", "role": "ingest", "signing": "required"})
    assert answer.headers["Cache-Control"] == "no-store"
    [key] = admin.page.xpath("//pre[@id='new-key']/text()")
    [secret] = admin.page.xpath("//pre[@id='new-signing-secret']/text()")
    assert secret.startswith("whsec_")
    assert secret not in admin.get("/console/clients").text  # shown once
    assert "signing required" in admin.text()
    path = "/api/v1/results/nope"
    unsigned = requests.get(live.url + path, headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert unsigned.status_code == 401 and "signature" in unsigned.json()["type"]
    good = requests.get(live.url + path, headers={"Authorization": f"Bearer {key}", **signed(secret, b"")}, timeout=10)
    assert good.status_code == 404, good.text  # signed and authenticated: the result is simply not there
    with state.read_session_factory() as session:
        client = session.scalar(select(ApiClient).where(ApiClient.name == "mp-signed"))
    [created] = [e for e in audit_entries(state, "client.signing_changed") if e.object_id == str(client.id)]
    assert created.details == {"mode": "required", "new_secret": True} and secret not in str(created.details)

    # Optional keeps the secret (no new one shown) and lets unsigned requests through; off erases it.
    admin.post(f"/console/clients/{client.id}/signing", {"mode": "optional"})
    assert "may sign its requests" in admin.text() and not admin.page.xpath("//pre[@id='new-signing-secret']")
    assert requests.get(live.url + path, headers={"Authorization": f"Bearer {key}"}, timeout=10).status_code == 404
    admin.post(f"/console/clients/{client.id}/signing", {"mode": "off"})
    assert "no longer signs" in admin.text()
    with state.read_session_factory() as session:
        assert session.get(ApiClient, client.id).signing_secrets is None
    # Required again: a new secret, shown once; the old one no longer verifies.
    admin.post(f"/console/clients/{client.id}/signing", {"mode": "required"})
    [renewed] = admin.page.xpath("//pre[@id='new-signing-secret']/text()")
    assert renewed != secret
    stale = requests.get(live.url + path, headers={"Authorization": f"Bearer {key}", **signed(secret, b"")}, timeout=10)
    assert stale.status_code == 401
    admin.post(f"/console/clients/{client.id}/signing", {"mode": "sometimes"})
    assert "Not changed" in admin.text()
    admin.post("/console/clients/new", {"name": "mp-bad", "role": "ingest", "signing": "always"})
    assert "Not created" in admin.text() and "signed requests" in admin.text()
    with state.read_session_factory() as session:
        assert session.scalar(select(ApiClient).where(ApiClient.name == "mp-bad")) is None


SETUP_FORMS = [
    ("GET", "/console/connectors/new"),
    ("GET", "/console/connectors/new?type=rest"),
    ("POST", "/console/connectors/new"),
    ("GET", "/console/connectors/hr-rest/edit"),
    ("POST", "/console/connectors/hr-rest/edit"),
    ("POST", "/console/connectors/hr-rest/check"),
    ("GET", "/console/connectors/hr-rest/preview"),
    ("POST", "/console/users/new"),
    ("POST", "/console/users/1/role"),
    ("POST", "/console/users/1/disable"),
    ("GET", "/console/clients"),
    ("POST", "/console/clients/new"),
    ("POST", "/console/clients/1/revoke"),
    ("POST", "/console/clients/1/signing"),
]


def test_an_auditor_is_refused_on_every_setup_form(live, browsers, receiver):
    state = live.app.extensions["hub"]
    admin = browsers("it@example.com")
    admin.get("/console/connectors/new?type=rest")
    admin.post("/console/connectors/new", form_for_rest(receiver.url))
    auditor = browsers("audit@example.com", role="auditor")
    trail = ("connector.updated", "client.created", "client.revoked", "console_user.role_changed")
    before = sum(len(audit_entries(state, action)) for action in trail)
    for method, path in SETUP_FORMS:
        auditor.get("/console/")
        answer = auditor.get(path) if method == "GET" else auditor.post(path, form_for_rest(receiver.url))
        assert answer.status_code == 403, (method, path)
    assert sum(len(audit_entries(state, action)) for action in trail) == before
    assert "Add a connector" not in auditor.get("/console/connectors").text
    assert not auditor.page.xpath("//a[contains(@href, '/console/clients')]")
