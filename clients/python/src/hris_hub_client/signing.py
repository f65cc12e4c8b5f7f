"""Standard Webhooks request signatures (https://www.standardwebhooks.com/), for hubs that want more than a key.

Each request carries `webhook-id`, `webhook-timestamp` (Unix seconds) and
`webhook-signature: v1,<base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, where the key is the base64 part
of the `whsec_...` secret and the body is the exact bytes sent (JSON, or a multipart upload). Standard library
only; tests/clients/test_signing.py checks it against the specification's published test vector and against the
reference implementation (the `standardwebhooks` package).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
import uuid

PREFIX = "whsec_"


def decode_secret(secret: str) -> bytes:
    """The HMAC key of a `whsec_<base64>` secret (the prefix may be left out, as the reference library allows)."""
    encoded = secret[len(PREFIX) :] if secret.startswith(PREFIX) else secret
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the signing secret must be 'whsec_' followed by base64") from None
    if not key:
        raise ValueError("the signing secret is empty")
    return key


def signature(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` of `<msg_id>.<timestamp>.<body>`."""
    signed = msg_id.encode() + b"." + str(int(timestamp)).encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


class Signer:
    """Signs request bodies with one secret. The secret is kept as its decoded key and never shown."""

    def __init__(self, secret: str):
        self._key = decode_secret(secret)

    def __repr__(self) -> str:
        return "Signer(secret=********)"

    def headers(self, body: bytes | None, *, msg_id: str | None = None, timestamp: int | None = None) -> dict[str, str]:
        """The three headers for one attempt: a fresh id and the current time unless given."""
        msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
        timestamp = int(time.time()) if timestamp is None else int(timestamp)
        return {
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(self._key, msg_id, timestamp, body or b""),
        }
