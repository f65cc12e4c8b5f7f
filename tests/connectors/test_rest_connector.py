"""The REST connector against a real HTTP server on loopback."""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
import responses

from connectors.errors import PermanentDeliveryError, RetryableDeliveryError
from connectors.plugins import create_connector
from tests.support.http_receiver import HttpReceiver, Reply

WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
GOAL_PAYLOAD = {
    "method": "POST",
    "path": "/goals",
    "headers": {"X-Tenant": "acme"},
    "body": {"employeeId": "E-1", "goals": [{"name": "季度数据报告完成率", "target": 95}]},
}


def rest(receiver, **config):
    return create_connector("rest", {"base_url": receiver.url + "/api", **config})


def test_2xx_is_delivered_with_idempotency_key_and_json_body(receiver, make_context):
    receiver.script("/api/goals", Reply(201, body={"id": "g-77", "status": "created"}))
    context = make_context()
    with rest(receiver) as connector:
        result = connector.deliver(GOAL_PAYLOAD, context)
    assert result.status_code == 201
    assert result.remote_id == "g-77"
    assert '"status": "created"' in result.response_excerpt
    [request] = receiver.requests_for("/api/goals")
    assert request.method == "POST"
    assert request.header("Idempotency-Key") == context.job_id
    assert request.header("X-Tenant") == "acme"
    assert request.header("Content-Type") == "application/json"
    assert request.json() == GOAL_PAYLOAD["body"]


def test_400_is_permanent_and_keeps_the_answer(receiver, make_context):
    receiver.script("/api/goals", Reply(400, body={"error": "weight must be <= 1"}))
    with rest(receiver) as connector, pytest.raises(PermanentDeliveryError) as raised:
        connector.deliver(GOAL_PAYLOAD, make_context())
    assert raised.value.status_code == 400
    assert raised.value.disable_connector is False
    assert "weight must be" in raised.value.response_excerpt


def test_410_disables_the_connector(receiver, make_context):
    receiver.script("/api/goals", Reply(410))
    with rest(receiver) as connector, pytest.raises(PermanentDeliveryError) as raised:
        connector.deliver(GOAL_PAYLOAD, make_context())
    assert raised.value.disable_connector is True
    assert raised.value.status_code == 410


def test_503_is_retried_with_the_same_idempotency_key(receiver, make_context):
    receiver.script("/api/goals", Reply(503), Reply(200))
    with rest(receiver) as connector:
        with pytest.raises(RetryableDeliveryError) as raised:
            connector.deliver(GOAL_PAYLOAD, make_context(job_id="job-stable", attempt=1))
        assert raised.value.status_code == 503
        assert raised.value.retry_after is None
        result = connector.deliver(GOAL_PAYLOAD, make_context(job_id="job-stable", attempt=2))
    assert result.status_code == 200
    assert receiver.idempotency_keys() == {"job-stable": 2}
    assert receiver.delivered_keys() == {"job-stable"}


@pytest.mark.parametrize("status", [408, 429, 500, 502])
def test_retryable_statuses(receiver, make_context, status):
    receiver.script("/api/goals", Reply(status))
    with rest(receiver) as connector, pytest.raises(RetryableDeliveryError) as raised:
        connector.deliver(GOAL_PAYLOAD, make_context())
    assert raised.value.status_code == status


def test_429_retry_after_in_seconds(receiver, make_context):
    receiver.script("/api/goals", Reply(429, headers={"Retry-After": "17"}))
    with rest(receiver) as connector, pytest.raises(RetryableDeliveryError) as raised:
        connector.deliver(GOAL_PAYLOAD, make_context())
    assert raised.value.retry_after == 17.0


def test_429_retry_after_as_http_date(receiver, make_context):
    now = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)
    later = email.utils.format_datetime(now + timedelta(seconds=120), usegmt=True)
    receiver.script("/api/goals", Reply(429, headers={"Retry-After": later}))
    with rest(receiver) as connector, pytest.raises(RetryableDeliveryError) as raised:
        connector.deliver(GOAL_PAYLOAD, make_context(now=now))
    assert raised.value.retry_after == 120.0


def test_a_hanging_target_times_out_and_is_retryable(receiver, make_context):
    receiver.script("/api/goals", Reply(200, delay=10))
    with rest(receiver, timeouts={"read": 0.3}) as connector, pytest.raises(RetryableDeliveryError) as raised:
        connector.deliver(GOAL_PAYLOAD, make_context())
    assert "read timeout" in str(raised.value)
    assert raised.value.status_code is None


def test_connection_refused_is_retryable(make_context):
    with HttpReceiver() as receiver:
        base_url = receiver.url
    connector = create_connector("rest", {"base_url": base_url})
    with pytest.raises(RetryableDeliveryError) as raised:
        connector.deliver(GOAL_PAYLOAD, make_context())
    assert "refused" in str(raised.value)


def test_redirects_are_not_followed(receiver, make_context):
    receiver.script("/api/goals", Reply(301, headers={"Location": "http://elsewhere.invalid/goals"}))
    with rest(receiver) as connector, pytest.raises(PermanentDeliveryError) as raised:
        connector.deliver(GOAL_PAYLOAD, make_context())
    assert "elsewhere.invalid" in str(raised.value)
    assert len(receiver.requests) == 1


def test_standard_webhooks_signature_verifies_independently(receiver, make_context):
    context = make_context(job_id="msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
    with rest(receiver, webhook_secret=WEBHOOK_SECRET) as connector:
        connector.deliver(GOAL_PAYLOAD, context)
    [request] = receiver.requests
    assert request.header("webhook-id") == context.job_id
    assert request.header("webhook-timestamp") == str(int(context.now.timestamp()))
    key = base64.b64decode(WEBHOOK_SECRET.split("_", 1)[1])
    signed = (
        request.header("webhook-id").encode()
        + b"."
        + request.header("webhook-timestamp").encode()
        + b"."
        + request.body
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    version, signature = request.header("webhook-signature").split(",", 1)
    assert version == "v1"
    assert hmac.compare_digest(signature, expected)


def _token_endpoint(receiver, expires_in: float, tokens: list[str]):
    issued = iter(tokens)

    def issue(request):
        assert request.header("Authorization") == "Basic " + base64.b64encode(b"hub:s3cret-client").decode()
        assert "grant_type=client_credentials" in request.text()
        return Reply(200, body={"access_token": next(issued), "token_type": "Bearer", "expires_in": expires_in})

    receiver.handle("/oauth/token", issue)


def _oauth(receiver):
    return {
        "type": "oauth2_client_credentials",
        "token_url": receiver.url + "/oauth/token",
        "client_id": "hub",
        "client_secret": "s3cret-client",
        "scope": "goals.write",
    }


def test_oauth2_token_is_fetched_once_for_many_deliveries(receiver, make_context):
    _token_endpoint(receiver, 3600, ["token-A", "token-B"])
    with rest(receiver, auth=_oauth(receiver)) as connector:
        for _ in range(5):
            connector.deliver(GOAL_PAYLOAD, make_context())
    assert len(receiver.requests_for("/oauth/token")) == 1
    assert {request.header("Authorization") for request in receiver.requests_for("/api/goals")} == {"Bearer token-A"}


def test_oauth2_token_is_refreshed_after_expiry(receiver, make_context):
    # 30 s of every lifetime is kept as a safety margin, so this token lives 0.2 s.
    _token_endpoint(receiver, 30.2, ["token-A", "token-B"])
    with rest(receiver, auth=_oauth(receiver)) as connector:
        connector.deliver(GOAL_PAYLOAD, make_context())
        time.sleep(0.3)
        connector.deliver(GOAL_PAYLOAD, make_context())
    assert len(receiver.requests_for("/oauth/token")) == 2
    assert [request.header("Authorization") for request in receiver.requests_for("/api/goals")] == [
        "Bearer token-A",
        "Bearer token-B",
    ]


def test_oauth2_token_is_refreshed_once_on_401(receiver, make_context):
    _token_endpoint(receiver, 3600, ["revoked", "fresh"])
    receiver.handle(
        "/api/goals", lambda request: Reply(201) if request.header("Authorization") == "Bearer fresh" else Reply(401)
    )
    with rest(receiver, auth=_oauth(receiver)) as connector:
        assert connector.deliver(GOAL_PAYLOAD, make_context()).status_code == 201
    assert len(receiver.requests_for("/oauth/token")) == 2


def test_oauth2_bad_client_credentials_are_permanent(receiver, make_context):
    receiver.script("/oauth/token", Reply(401, body={"error": "invalid_client"}))
    with rest(receiver, auth=_oauth(receiver)) as connector, pytest.raises(PermanentDeliveryError) as raised:
        connector.deliver(GOAL_PAYLOAD, make_context())
    assert "client_secret" in str(raised.value)
    assert receiver.requests_for("/api/goals") == []


def test_secrets_are_masked_in_preview_and_response_excerpt(receiver, make_context):
    token = "tok-very-secret-123"
    receiver.handle(
        "/api/goals",
        lambda request: Reply(200, body={"echo": request.header("Authorization"), "key": request.header("X-Api-Key")}),
    )
    connector = rest(
        receiver,
        auth={"type": "bearer", "token": token},
        secret_headers={"X-Api-Key": "key-987"},
        webhook_secret=WEBHOOK_SECRET,
    )
    prepared = connector.prepare(GOAL_PAYLOAD, make_context())
    assert prepared.headers["Authorization"] == "Bearer ********"
    assert prepared.headers["X-Api-Key"] == "********"
    assert prepared.url == receiver.url + "/api/goals"
    assert prepared.method == "POST"
    assert "季度数据报告完成率" in prepared.body
    assert token not in repr(prepared)
    result = connector.deliver(GOAL_PAYLOAD, make_context())
    assert token not in result.response_excerpt and "key-987" not in result.response_excerpt
    assert "Bearer ********" in result.response_excerpt
    [request] = receiver.requests
    assert request.header("Authorization") == f"Bearer {token}"
    assert request.header("X-Api-Key") == "key-987"


def test_response_excerpt_is_cut_at_2_kb(receiver, make_context):
    receiver.script("/api/goals", Reply(200, body="x" * 10_000))
    with rest(receiver) as connector:
        result = connector.deliver(GOAL_PAYLOAD, make_context())
    assert len(result.response_excerpt.encode()) == 2048


def test_a_payload_the_connector_cannot_send_is_permanent_before_sending(receiver, make_context):
    bad = {**GOAL_PAYLOAD, "method": "DELETE", "path": "//evil.example/x"}
    with rest(receiver) as connector:
        for call in (connector.prepare, connector.deliver):
            with pytest.raises(PermanentDeliveryError) as raised:
                call(bad, make_context())
            assert "/method" in str(raised.value) and "/path" in str(raised.value)
    assert receiver.requests == []


def test_check_reaches_the_target(receiver):
    assert rest(receiver).check().ok
    receiver.script("/api/health", Reply(200))
    result = rest(receiver, health_path="/health").check()
    assert result.ok and "GET" in result.message and "200" in result.message


def test_check_names_401_and_403(receiver):
    receiver.script("/api/health", Reply(401), Reply(403))
    assert "credentials" in rest(receiver, health_path="/health").check().message
    result = rest(receiver, health_path="/health").check()
    assert not result.ok and "403" in result.message and "permission" in result.message


def test_check_names_refused_connections_and_tls_failures():
    with HttpReceiver() as plain_http:
        tls_result = create_connector("rest", {"base_url": plain_http.url.replace("http:", "https:")}).check()
        base_url = plain_http.url
    assert not tls_result.ok and "TLS" in tls_result.message
    refused = create_connector("rest", {"base_url": base_url}).check()
    assert not refused.ok and "refused" in refused.message


@responses.activate
def test_check_names_dns_failures():
    # A DNS failure cannot be produced on loopback without touching a resolver, so it is simulated.
    import socket

    from urllib3.exceptions import MaxRetryError, NameResolutionError

    resolution = NameResolutionError("hr.example.invalid", None, socket.gaierror(-2, "Name or service not known"))
    responses.add(
        responses.HEAD,
        "https://hr.example.invalid/",
        body=requests.exceptions.ConnectionError(MaxRetryError(None, "/", resolution)),
    )
    result = create_connector("rest", {"base_url": "https://hr.example.invalid/"}).check()
    assert not result.ok
    assert "cannot resolve host name 'hr.example.invalid'" in result.message


def test_check_times_out_on_a_hanging_target(receiver):
    receiver.script("/api", Reply(200, delay=10))
    result = rest(receiver, timeouts={"read": 0.3}).check()
    assert not result.ok and "read timeout" in result.message
