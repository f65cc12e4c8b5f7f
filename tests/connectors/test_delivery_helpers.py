"""Retry-After parsing, status classification, secret masking in excerpts, and the receiver's own contract."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests

from connectors.errors import PermanentDeliveryError, RetryableDeliveryError
from connectors.http_status import MAX_RETRY_AFTER_SECONDS, error_for_status, parse_retry_after
from connectors.redaction import excerpt
from connectors.webhook_signing import sign
from tests.support.http_receiver import HttpReceiver, Reply

NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Sun, 01 Mar 2026 08:01:30 GMT", 90.0),
        ("Sun, 01 Mar 2026 07:00:00 GMT", 0.0),  # in the past: retry now
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize(
    "value",
    [
        "999999999999",
        "86401",
        "9" * 5000,
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Mon, 01 Mar 2027 08:00:00 GMT",
    ],
)
def test_huge_retry_after_is_clamped_to_a_day(value):
    assert parse_retry_after(value, NOW) == MAX_RETRY_AFTER_SECONDS == 86400


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("00000000000005", 5.0),
        ("86400", 86400.0),
        ("١٢٠", None),  # Arabic-Indic digits are not delay-seconds
        ("Fri, 31 Dec 99999 23:59:59 GMT", None),
    ],
)
def test_retry_after_edge_spellings(value, seconds):
    assert parse_retry_after(value, NOW) == seconds


def test_a_huge_retry_after_from_a_real_server_is_clamped(make_context):
    from connectors.plugins import create_connector

    with HttpReceiver() as receiver:
        receiver.script("/goals", Reply(503, headers={"Retry-After": "999999999999"}))
        receiver.script("/later", Reply(429, headers={"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}))
        with create_connector("rest", {"base_url": receiver.url}) as connector:
            for path in ("/goals", "/later"):
                with pytest.raises(RetryableDeliveryError) as raised:
                    connector.deliver({"method": "POST", "path": path, "body": {"目标": 95}}, make_context())
                assert raised.value.retry_after == 86400.0


@pytest.mark.parametrize(
    "status, kind, disable",
    [
        (408, RetryableDeliveryError, None),
        (429, RetryableDeliveryError, None),
        (503, RetryableDeliveryError, None),
        (400, PermanentDeliveryError, False),
        (404, PermanentDeliveryError, False),
        (410, PermanentDeliveryError, True),
        (302, PermanentDeliveryError, False),
    ],
)
def test_error_for_status(status, kind, disable):
    error = error_for_status(status, {"Retry-After": "3"}, "excerpt", 1.0, target="POST /x", now=NOW)
    assert type(error) is kind
    assert error.status_code == status and error.response_excerpt == "excerpt" and error.latency_ms == 1.0
    if kind is RetryableDeliveryError:
        assert error.retry_after == 3.0
    else:
        assert error.disable_connector is disable


def test_excerpt_masks_before_cutting():
    secret = "s3cr3t-token-value"
    text = "a" * 2040 + secret + "tail"
    cut = excerpt(text.encode(), [secret])
    assert "s3cr3t" not in cut
    assert cut == ("a" * 2040 + "********")[:2048]


def test_excerpt_cuts_at_2_kb_without_breaking_characters():
    cut = excerpt(("目标" * 2000).encode(), [])
    assert len(cut.encode()) <= 2048 and set(cut) == {"目", "标"}


def test_signature_matches_the_standard_webhooks_reference_vector():
    # The example from the Standard Webhooks specification's reference implementations.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert (
        sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_receiver_scripts_records_and_waits():
    with HttpReceiver() as receiver:
        receiver.script("/a", Reply(503, headers={"Retry-After": "1"}), Reply(201, body={"id": 1}))
        answers = [
            requests.post(receiver.url + "/a?x=1", json={"n": n}, headers={"Idempotency-Key": "k"}, timeout=5)
            for n in range(3)
        ]
        assert [answer.status_code for answer in answers] == [503, 201, 200]
        assert answers[0].headers["Retry-After"] == "1"
        requests_seen = receiver.wait_for(3, path="/a")
        assert [request.json()["n"] for request in requests_seen] == [0, 1, 2]
        assert requests_seen[0].query == "x=1"
        assert receiver.idempotency_keys() == {"k": 3}
        assert receiver.delivered_keys() == {"k"}
        with pytest.raises(AssertionError, match="expected 4 request"):
            receiver.wait_for(4, timeout=0.05)
