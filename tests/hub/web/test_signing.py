"""Signed requests (Standard Webhooks), optional per API client, over real HTTP to the hub on loopback: on SQLite and
PostgreSQL, a replay refused by another hub process sharing the database, racing replays stored once, secrets
rotated, and the secret in no answer, log line or audit entry."""
from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timezone

import pytest
import requests
from sqlalchemy import text
from standardwebhooks import Webhook

from hub.accounts import signing
from tests.conftest import interview_result
from tests.support.cli import invoke
from tests.support.hub_process import hub_env

SPEC_VECTOR = {  # the Standard Webhooks reference libraries' test vector
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "timestamp": 1614265330,
    "body": b'{"test": 2432232314}',
    "signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
}


def signed(secret: str, body: bytes, *, msg_id: str | None = None, timestamp: int | None = None,
           extra_signatures: tuple[str, ...] = ()) -> dict[str, str]:
    """Headers signed by the reference implementation (the `standardwebhooks` package), not by the hub's code."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = Webhook(secret).sign(msg_id, datetime.fromtimestamp(timestamp, timezone.utc), body.decode())
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join([*extra_signatures, signature]), "Content-Type": "application/json"}


def new_client(live, *, mode: str | None = "required", role: str = "ingest") -> tuple[str, str, str | None]:
    """(name, key, signing secret) of a client made with the CLI, as HR IT would."""
    name = f"backend-{uuid.uuid4().hex[:6]}"
    args = ["clients", "create", "--name", name, "--role", role, "--json"]
    if mode == "required":
        args.append("--signed")
    made = invoke(live.app, *args)
    assert made.exit_code == 0, made.output
    out = json.loads(made.output)
    secret = out.get("signing_secret")
    if mode == "optional":
        switched = invoke(live.app, "clients", "signing", "optional", name, "--json")
        assert switched.exit_code == 0, switched.output
        secret = json.loads(switched.output)["signing_secret"]
    return name, out["key"], secret


def post(live, key: str, body: bytes, headers: dict[str, str]) -> requests.Response:
    return live.request("POST", "/api/v1/results", key, data=body, headers=dict(headers))


def body_of(**overrides) -> bytes:
    return json.dumps(interview_result(**overrides), ensure_ascii=False).encode()


def refused(response: requests.Response, reason: str) -> dict:
    assert response.status_code == 401, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == "https://hris-hub.dev/problems/signature-refused"
    assert problem["reason"] == reason, problem
    return problem


def test_the_hub_signs_the_spec_vector_and_accepts_it():
    vector = SPEC_VECTOR
    assert signing.sign(vector["secret"], vector["id"], vector["timestamp"], vector["body"]) == vector["signature"]
    headers = {"webhook-id": vector["id"], "webhook-timestamp": str(vector["timestamp"]),
               "webhook-signature": vector["signature"]}
    keys = [signing.secret_bytes(vector["secret"])]
    assert signing.verify(keys, headers, vector["body"], now=vector["timestamp"] + 299) == (vector["id"],
                                                                                          vector["timestamp"])
    with pytest.raises(signing.SignatureRefused) as stale:
        signing.verify(keys, headers, vector["body"], now=vector["timestamp"] + 301)
    assert stale.value.extra["reason"] == "stale-timestamp"
    with pytest.raises(signing.SignatureRefused) as tampered:
        signing.verify(keys, headers, vector["body"].replace(b"2", b"3"), now=vector["timestamp"])
    assert tampered.value.extra["reason"] == "bad-signature"


def test_signed_requests_are_accepted_and_every_fault_is_named(live):
    name, key, secret = new_client(live)
    assert secret.startswith("whsec_") and len(signing.secret_bytes(secret)) == 32

    body = body_of()
    ok = post(live, key, body, signed(secret, body))
    assert ok.status_code == 202, ok.text
    # Reading is signed too (an empty body); the result is this client's.
    path = ok.json()["links"]["self"]
    read = live.request("GET", path, key, headers=signed(secret, b""))
    assert read.status_code == 200, read.text

    problem = refused(post(live, key, body_of(), {"Content-Type": "application/json"}), "missing-signature-header")
    assert "webhook-id, webhook-timestamp and webhook-signature" in problem["detail"]
    partial = signed(secret, body)
    del partial["webhook-signature"]
    assert "missing: webhook-signature" in refused(post(live, key, body, partial), "missing-signature-header")[
        "detail"]

    tampered_body = body_of()
    headers = signed(secret, tampered_body)
    refused(post(live, key, tampered_body.replace(b"SALES-REP", b"SALES-REQ"), headers), "bad-signature")
    other_secret = signing.new_secret()
    refused(post(live, key, tampered_body, signed(other_secret, tampered_body)), "bad-signature")

    stale_body = body_of()
    problem = refused(post(live, key, stale_body, signed(secret, stale_body, timestamp=int(time.time()) - 301)),
                      "stale-timestamp")
    assert "300 seconds" in problem["detail"]
    future_body = body_of()
    refused(post(live, key, future_body, signed(secret, future_body, timestamp=int(time.time()) + 400)),
            "future-timestamp")
    # Within the tolerance either way is fine.
    edge_body = body_of()
    assert post(live, key, edge_body, signed(secret, edge_body, timestamp=int(time.time()) - 240)).status_code == 202
    edge_body = body_of()
    assert post(live, key, edge_body, signed(secret, edge_body, timestamp=int(time.time()) + 240)).status_code == 202

    millis_stamp = int(time.time() * 1000)
    millis = {**signed(secret, body), "webhook-timestamp": str(millis_stamp)}
    assert "whole Unix seconds" in refused(post(live, key, body, millis), "malformed-signature-header")["detail"]
    refused(post(live, key, body, {**signed(secret, body), "webhook-signature": "v2,abc"}),
            "malformed-signature-header")

    # Replay: the very same signed request again, and a fresh body under a used id.
    replay_body = body_of()
    first = signed(secret, replay_body)
    assert post(live, key, replay_body, first).status_code == 202
    problem = refused(post(live, key, replay_body, first), "replayed-id")
    assert first["webhook-id"] in problem["detail"]
    reused_body = body_of()
    refused(post(live, key, reused_body, signed(secret, reused_body, msg_id=first["webhook-id"])), "replayed-id")
    # A retry done right: a new webhook-id and timestamp, the same Idempotency-Key: the first answer again.
    retry_body = body_of()
    idem = {"Idempotency-Key": str(uuid.uuid4())}
    once = post(live, key, retry_body, {**signed(secret, retry_body), **idem})
    again = post(live, key, retry_body, {**signed(secret, retry_body), **idem})
    assert once.status_code == again.status_code == 202 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["id"] == once.json()["id"]

    # Several signatures, one good: accepted (the way a sender signs with old and new secret while rotating).
    several_body = body_of()
    wrong = signing.sign(other_secret, "x", 1, b"")
    assert post(live, key, several_body, signed(secret, several_body, extra_signatures=(wrong,))).status_code == 202

    # The key still comes first: a bad key is the usual 401, whatever the signature.
    bad_key = post(live, "hh_nope_nope", body, signed(secret, body))
    assert bad_key.status_code == 401 and bad_key.json()["type"].endswith("/unauthorized")


def test_clients_that_do_not_sign_are_unaffected_and_optional_checks_what_is_sent(live):
    _, plain_key, _ = new_client(live, mode=None)
    body = body_of()
    assert post(live, plain_key, body, {"Content-Type": "application/json"}).status_code == 202
    # Signature headers from a client that does not sign are not looked at.
    junk = {"webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA",
            "Content-Type": "application/json"}
    assert post(live, plain_key, body_of(), junk).status_code == 202

    name, key, secret = new_client(live, mode="optional")
    assert post(live, key, body_of(), {"Content-Type": "application/json"}).status_code == 202
    body = body_of()
    assert post(live, key, body, signed(secret, body)).status_code == 202
    refused(post(live, key, body_of(), signed(secret, body)), "bad-signature")  # sent, so checked

    # Switched to required: unsigned is refused now, with the same secret (none is shown again).
    switched = invoke(live.app, "clients", "signing", "require", name)
    assert switched.exit_code == 0 and "keeps the signing secret" in switched.output and secret not in switched.output
    refused(post(live, key, body_of(), {"Content-Type": "application/json"}), "missing-signature-header")
    body = body_of()
    assert post(live, key, body, signed(secret, body)).status_code == 202

    # Off: the secrets are erased and the client posts unsigned again.
    assert invoke(live.app, "clients", "signing", "off", name).exit_code == 0
    assert post(live, key, body_of(), {"Content-Type": "application/json"}).status_code == 202
    listed = invoke(live.app, "clients", "list").output
    assert "signing" not in [line for line in listed.splitlines() if line.startswith(name)][0]


def test_rotation_keeps_the_old_secret_for_the_overlap_only(live):
    name, key, old = new_client(live)
    rotated = invoke(live.app, "clients", "signing", "rotate", name, "--overlap-hours", "1", "--json")
    assert rotated.exit_code == 0, rotated.output
    new = json.loads(rotated.output)["signing_secret"]
    assert new != old and new.startswith("whsec_")
    for secret in (old, new):
        body = body_of()
        assert post(live, key, body, signed(secret, body)).status_code == 202, secret[:6]
    # Signed with both, as a sender switching over does: fine.
    body = body_of()
    both = signed(new, body, extra_signatures=(signed(old, body)["webhook-signature"],))
    assert post(live, key, body, both).status_code == 202

    # A second rotation with no overlap: only the newest verifies.
    again = invoke(live.app, "clients", "signing", "rotate", name, "--overlap-hours", "0", "--json")
    newest = json.loads(again.output)["signing_secret"]
    for secret in (old, new):
        body = body_of()
        refused(post(live, key, body, signed(secret, body)), "bad-signature")
    body = body_of()
    assert post(live, key, body, signed(newest, body)).status_code == 202
    nobody = invoke(live.app, "clients", "signing", "rotate", "nobody")
    assert nobody.exit_code != 0 and "no client named 'nobody'" in nobody.output
    plain, _, _ = new_client(live, mode=None)
    unsigned = invoke(live.app, "clients", "signing", "rotate", plain)
    assert unsigned.exit_code != 0 and "does not sign its requests" in unsigned.output


def test_a_signed_resume_upload_is_checked_over_its_binary_body(live):
    _, key, secret = new_client(live)
    external_id = f"wx-{uuid.uuid4().hex[:8]}"
    prepared = requests.Request(
        "POST", f"{live.url}/api/v1/candidates/{external_id}/resumes",
        files={"file": ("cv.txt", "王小明\nPython, SQL, 5 years\n".encode() + bytes([0xff, 0xfe]), "text/plain")},
    ).prepare()
    body = prepared.body
    msg_id, stamp = f"msg_{uuid.uuid4().hex}", int(time.time())
    headers = {**prepared.headers, "Authorization": f"Bearer {key}", "webhook-id": msg_id,
               "webhook-timestamp": str(stamp), "webhook-signature": signing.sign(secret, msg_id, stamp, body)}
    answer = requests.post(prepared.url, data=body, headers=headers, timeout=30)
    assert answer.status_code != 401, answer.text
    assert answer.status_code < 500, answer.text
    headers["webhook-id"] = f"msg_{uuid.uuid4().hex}"  # same signature, another id: the signature covers the id
    refused(requests.post(prepared.url, data=body, headers=headers, timeout=30), "bad-signature")


def test_racing_replays_are_accepted_once(live):
    _, key, secret = new_client(live)
    body = body_of()
    headers = signed(secret, body)
    answers: list[int] = []
    barrier = threading.Barrier(8)

    def send():
        barrier.wait()
        answers.append(requests.post(live.url + "/api/v1/results", data=body, timeout=30,
                                     headers={**headers, "Authorization": f"Bearer {key}"}).status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [202] + [401] * 7, answers


def test_a_replay_to_another_hub_process_is_refused(live, app_config, tmp_path):
    """The replay cache is the database's: a second `hris-hub serve` process sharing it refuses an id the first saw."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "hub", "serve", "--port", str(port)],
                               env=hub_env(app_config), cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        other = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if requests.get(other + "/readyz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        _, key, secret = new_client(live)
        body = body_of()
        headers = {**signed(secret, body), "Authorization": f"Bearer {key}"}
        assert requests.post(live.url + "/api/v1/results", data=body, headers=headers, timeout=30).status_code == 202
        refused(requests.post(other + "/api/v1/results", data=body, headers=headers, timeout=30), "replayed-id")
        fresh = body_of()
        fresh_headers = {**signed(secret, fresh), "Authorization": f"Bearer {key}"}
        assert requests.post(other + "/api/v1/results", data=fresh, headers=fresh_headers,
                             timeout=30).status_code == 202
        refused(requests.post(live.url + "/api/v1/results", data=fresh, headers=fresh_headers, timeout=30),
                "replayed-id")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    assert secret not in stderr and secret.removeprefix("whsec_") not in stderr


def test_the_secret_is_in_no_answer_log_line_or_audit_entry(live, caplog):
    caplog.set_level(logging.DEBUG)
    name, key, secret = new_client(live, role="admin")
    rotated = json.loads(invoke(live.app, "clients", "signing", "rotate", name, "--json").output)["signing_secret"]
    answers = []
    for current in (secret, rotated):
        body = body_of()
        answers.append(post(live, key, body, signed(current, body)))
        answers.append(post(live, key, body, signed(current, body, timestamp=int(time.time()) - 999)))
        answers.append(post(live, key, body_of(), signed(current, body)))
        answers.append(post(live, key, body, {"Content-Type": "application/json"}))
    audit = live.request("GET", "/api/v1/audit?limit=500", key, headers=signed(rotated, b""))
    assert audit.status_code == 200, audit.text
    answers.append(audit)
    listed = invoke(live.app, "clients", "list").output
    assert "signing required" in listed
    with live.app.extensions["hub"].engine.connect() as connection:
        stored = connection.execute(text("SELECT signing_secrets FROM api_clients WHERE name = :name"),
                                    {"name": name}).scalar()
    assert stored.startswith("enc1:")
    texts = [listed, stored, caplog.text, json.dumps(audit.json())]
    texts += [r.text + json.dumps(dict(r.headers)) for r in answers]
    for seen in texts:
        for value in (secret, rotated):
            assert value not in seen and value.removeprefix("whsec_") not in seen
    assert any(r.status_code == 401 for r in answers) and "signed request refused" in caplog.text
    actions = [entry["action"] for entry in audit.json()["items"]]
    assert "client.signing_changed" in actions and "client.signing_rotated" in actions


def test_the_cli_shows_a_secret_once_and_says_what_changed(live):
    made = invoke(live.app, "clients", "create", "--name", "cloud-backend", "--role", "ingest", "--signed")
    assert made.exit_code == 0, made.output
    lines = made.output.splitlines()
    assert "signed requests required" in lines[0]
    secret = lines[-1].split(": ", 1)[1]
    assert lines[-1].startswith("signing secret (shown once, store it now): whsec_")
    assert len(signing.secret_bytes(secret)) == 32
    optional = invoke(live.app, "clients", "signing", "optional", "cloud-backend")
    assert optional.exit_code == 0 and "unsigned ones still pass" in optional.output and secret not in optional.output
    rotated = invoke(live.app, "clients", "signing", "rotate", "cloud-backend", "--overlap-hours", "2")
    assert rotated.exit_code == 0 and "the old one verifies until" in rotated.output
    assert secret not in rotated.output and "whsec_" in rotated.output
    listed = invoke(live.app, "clients", "list").output
    assert "signing optional" in listed and "whsec_" not in listed
    assert invoke(live.app, "clients", "signing", "require", "nobody").exit_code != 0
    off = invoke(live.app, "clients", "signing", "off", "cloud-backend")
    assert off.exit_code == 0 and "erased" in off.output
    revoked = invoke(live.app, "clients", "revoke", "cloud-backend")
    assert revoked.exit_code == 0
    refused_cli = invoke(live.app, "clients", "signing", "require", "cloud-backend")
    assert refused_cli.exit_code != 0 and "revoked" in refused_cli.output


def _doc_snippet(language: str) -> str:
    from tests.conftest import ROOT

    section = (ROOT / "docs" / "api.md").read_text().split("## Signing requests", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(rf"^```{language}\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, f"one {language} block in docs/api.md, 'Signing requests'"
    return blocks[0]


def test_the_documented_python_snippet_signs_as_the_hub_expects(live):
    _, key, secret = new_client(live)
    scope = {"HUB": live.url, "KEY": key, "SIGNING_SECRET": secret, "result": interview_result()}
    exec(compile(_doc_snippet("python"), "docs/api.md", "exec"), scope)  # noqa: S102 - the docs' own code
    assert scope["answer"].status_code == 202, scope["answer"].text


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_documented_node_snippet_signs_as_the_hub_expects(live, tmp_path):
    _, key, secret = new_client(live)
    script = tmp_path / "snippet.mjs"
    script.write_text(
        f"const HUB = {json.dumps(live.url)}, KEY = {json.dumps(key)}, SIGNING_SECRET = {json.dumps(secret)};\n"
        f"const result = {json.dumps(interview_result(), ensure_ascii=False)};\n"
        + _doc_snippet("js")
        + "\nif (answer.status !== 202) { console.error(answer.status, await answer.text()); process.exit(1); }\n"
    )
    run = subprocess.run([shutil.which("node"), str(script)], capture_output=True, text=True, timeout=120,
                         check=False)
    assert run.returncode == 0, run.stdout + run.stderr
