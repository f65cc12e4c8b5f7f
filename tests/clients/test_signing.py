"""Standard Webhooks signatures: the specification's published test vector, and the reference implementation
(the `standardwebhooks` package) accepting what the client makes."""

from __future__ import annotations

import base64

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from hris_hub_client import HubClient, Signer
from hris_hub_client.signing import decode_secret, signature

# From the Standard Webhooks specification and its reference libraries.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_published_test_vector():
    assert signature(decode_secret(SECRET), MSG_ID, TIMESTAMP, BODY) == EXPECTED
    headers = Signer(SECRET).headers(BODY, msg_id=MSG_ID, timestamp=TIMESTAMP)
    assert headers == {"webhook-id": MSG_ID, "webhook-timestamp": str(TIMESTAMP), "webhook-signature": EXPECTED}
    # The prefix is optional, as the reference implementation has it.
    assert signature(decode_secret(SECRET.removeprefix("whsec_")), MSG_ID, TIMESTAMP, BODY) == EXPECTED


def test_the_reference_implementation_accepts_fresh_signatures_and_refuses_changed_bodies():
    body = '{"external_id": "iv-1", "candidate": {"name": "王小明"}}'.encode()
    headers = Signer(SECRET).headers(body)
    assert (
        headers["webhook-id"].startswith("msg_") and headers["webhook-id"] != Signer(SECRET).headers(body)["webhook-id"]
    )
    Webhook(SECRET).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body.replace(b"iv-1", b"iv-2"), headers)
    other = "whsec_" + base64.b64encode(b"another secret of 24 b").decode()
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(body, headers)


@pytest.mark.parametrize("bad", ["whsec_", "whsec_not*base64!", ""])
def test_a_bad_secret_is_refused_without_showing_it(bad):
    with pytest.raises(ValueError) as refused:
        Signer(bad)
    assert "not*base64" not in str(refused.value)


def test_the_secret_is_never_shown():
    signer = Signer(SECRET)
    assert "MfKQ9r8" not in repr(signer)
    client = HubClient("http://127.0.0.1:1", "hh_abc_secretpart", signing_secret=SECRET)
    assert "secretpart" not in repr(client) and "MfKQ9r8" not in repr(client)
