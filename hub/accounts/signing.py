"""Signed requests, optional per API client, in the Standard Webhooks scheme (https://www.standardwebhooks.com).

A client whose signing mode is `required` sends, besides its key, three headers on every request:

    webhook-id: a fresh id for each attempt (a retry keeps its Idempotency-Key but takes a new webhook-id)
    webhook-timestamp: Unix seconds
    webhook-signature: v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<exact body bytes>")> [v1,<...> ...]

The secret is `whsec_<base64 of 32 random bytes>`; the HMAC key is the decoded bytes. It is shown once and stored
encrypted (hub/privacy/crypto.py), so `hris-hub keys rotate` re-encrypts it with the rest. Mode `optional` checks
signatures that are sent and lets unsigned requests through (to switch a backend over without a flag day).

The timestamp must be within five minutes of the hub's clock, either way. A webhook-id seen (from the same client)
within that window is refused: the ids are kept in the database, keyed by (client, SHA-256 of the id), until their
timestamp leaves the window, so every process and thread of the hub sees the same ids, and the primary key, not a
read before the write, decides between two racing requests. Signatures are compared in constant time.

Verification is implemented here rather than with the `standardwebhooks` package, which decodes the body as UTF-8
(a signed multipart resume upload is binary) and raises ValueError on a malformed signature list; its `sign` is used
by the tests as the reference that this module's verification must accept.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
import secrets as random
import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hub.audit import chain as audit
from hub.errors import SignatureRefused
from hub.storage.db import transaction
from hub.storage.models import ApiClient, SignedRequestId, utcnow

log = logging.getLogger(__name__)

MODES = ("required", "optional")
TOLERANCE = timedelta(minutes=5)
SECRET_PREFIX = "whsec_"
HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")
MAX_SIGNATURES = 10
DOCS = 'docs/api.md, "Signing requests"'
_ID = re.compile(r"^[!-~]{1,200}$")  # visible ASCII, as an Idempotency-Key
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")


# Secrets and signatures ------------------------------------------------------------------------------------------


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(random.token_bytes(32)).decode()


def secret_bytes(secret: str) -> bytes:
    """The HMAC key of a `whsec_<base64>` secret (a bare base64 string is taken as well, as the reference does)."""
    encoded = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)


def sign(secret: str, msg_id: str, timestamp: int | str, body: bytes) -> str:
    """The `webhook-signature` value of one request: `v1,<base64 HMAC-SHA256>`."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()).decode()


def _refuse(reason: str, title: str, detail: str) -> SignatureRefused:
    return SignatureRefused(f"{detail} See {DOCS}.", title=title, reason=reason)


def verify(keys: list[bytes], headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> tuple[str, int]:
    """Check one request's signature headers against the client's keys; return (webhook-id, timestamp) or raise
    SignatureRefused saying what is wrong. Never says what the expected signature was."""
    values = {name: (headers.get(name) or "").strip() for name in HEADERS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise _refuse(
            "missing-signature-header",
            "Missing signature header",
            f"This client signs its requests: send webhook-id, webhook-timestamp and webhook-signature "
            f"(missing: {', '.join(missing)}).",
        )
    msg_id, stamp, signature_list = values["webhook-id"], values["webhook-timestamp"], values["webhook-signature"]
    if not _ID.match(msg_id):
        raise _refuse(
            "malformed-signature-header",
            "Malformed signature header",
            "webhook-id must be 1-200 visible ASCII characters (a UUID, say).",
        )
    if not _TIMESTAMP.match(stamp):
        raise _refuse(
            "malformed-signature-header",
            "Malformed signature header",
            "webhook-timestamp must be whole Unix seconds (e.g. 1764590400), not milliseconds or a date.",
        )
    timestamp = int(stamp)
    moment = time.time() if now is None else now
    tolerance = int(TOLERANCE.total_seconds())
    if timestamp < moment - tolerance:
        raise _refuse(
            "stale-timestamp",
            "Stale request timestamp",
            f"webhook-timestamp is {int(moment - timestamp)} seconds old; the hub accepts {tolerance} seconds "
            f"either way. Sign each attempt when it is sent, and check the sender's clock.",
        )
    if timestamp > moment + tolerance:
        raise _refuse(
            "future-timestamp",
            "Request timestamp in the future",
            f"webhook-timestamp is {int(timestamp - moment)} seconds ahead of the hub's clock; the hub accepts "
            f"{tolerance} seconds either way. Check the sender's clock (NTP).",
        )
    offered = []
    for item in signature_list.split()[:MAX_SIGNATURES]:
        version, _, encoded = item.partition(",")
        if version != "v1":
            continue  # another scheme (v1a, say) is not ours to judge
        try:
            offered.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    if not offered:
        raise _refuse(
            "malformed-signature-header",
            "Malformed signature header",
            "webhook-signature holds no 'v1,<base64>' signature.",
        )
    signed = f"{msg_id}.{stamp}.".encode() + body
    matched = False
    for key in keys:
        expected = hmac.new(key, signed, hashlib.sha256).digest()
        for candidate in offered:
            matched |= hmac.compare_digest(expected, candidate)  # every pair compared: no early exit to time
    if not matched:
        raise _refuse(
            "bad-signature",
            "Bad request signature",
            "No v1 signature in webhook-signature matches this request under the client's signing secret: sign "
            "'<webhook-id>.<webhook-timestamp>.<body>' over the exact bytes sent, with the key the whsec_ secret "
            "decodes to.",
        )
    return msg_id, timestamp


# Per-client state ------------------------------------------------------------------------------------------------


def live_secrets(client: ApiClient, *, now: datetime | None = None) -> list[str]:
    """The client's secrets that verify now: the newest, and an older one until its overlap ends."""
    moment = now or utcnow()
    out = []
    for entry in client.signing_secrets or []:
        until = entry.get("until")
        if until is None or datetime.fromisoformat(until) > moment:
            out.append(entry["secret"])
    return out


def check_request(factory: sessionmaker[Session], client: ApiClient, headers: Mapping[str, str], body: bytes) -> bool:
    """Enforce the client's signing mode on one request: True when a signature was checked, False when the client
    does not sign (or, in mode optional, sent no signature header). Raises SignatureRefused."""
    mode = client.signing_mode
    if mode not in MODES:
        return False
    if mode == "optional" and not any(headers.get(name) for name in HEADERS):
        return False
    keys = [secret_bytes(secret) for secret in live_secrets(client)]
    try:
        msg_id, timestamp = verify(keys, headers, body)
        remember(factory, client.id, msg_id, timestamp)
    except SignatureRefused as refusal:
        log.warning("signed request refused for client %r: %s", client.name, refusal.extra.get("reason"))
        raise
    return True


def remember(factory: sessionmaker[Session], client_id: int, msg_id: str, timestamp: int) -> None:
    """Record a verified webhook-id, or refuse it as a replay when it is recorded already. Committed at once, in its
    own transaction, so a request racing this one in another process sees it."""
    now = utcnow()
    expires = datetime.fromtimestamp(timestamp, timezone.utc) + TOLERANCE
    id_hash = hashlib.sha256(msg_id.encode()).hexdigest()
    try:
        with transaction(factory) as session:
            session.execute(delete(SignedRequestId).where(SignedRequestId.expires_at <= now))
            session.add(SignedRequestId(client_id=client_id, id_hash=id_hash, expires_at=max(expires, now)))
            session.flush()
    except IntegrityError:
        raise _refuse(
            "replayed-id",
            "Replayed request id",
            f"webhook-id {msg_id!r} was used already within the last {int(TOLERANCE.total_seconds() // 60)} "
            f"minutes. Give every attempt a new webhook-id (a retry keeps its Idempotency-Key instead).",
        ) from None


# Turning it on, rotating, turning it off -------------------------------------------------------------------------


def _client(session: Session, name: str) -> ApiClient:
    client = session.scalar(select(ApiClient).where(ApiClient.name == name))
    if client is None:
        raise LookupError(f"no client named {name!r}")
    if client.revoked_at is not None:
        raise LookupError(f"client {name!r} is revoked; create a new one")
    return client


def set_mode(session: Session, *, name: str, mode: str, actor: str) -> tuple[ApiClient, str | None]:
    """Make the client sign (`required`) or sign when it likes (`optional`); returns the client and its new secret
    when one was made (the first time), None when it keeps the secret it has."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    client = _client(session, name)
    secret = None
    if not live_secrets(client):
        secret = new_secret()
        client.signing_secrets = [{"secret": secret, "until": None}]
    client.signing_mode = mode
    _forget_cached_keys()
    _audit(session, client, actor, "client.signing_changed", {"mode": mode, "new_secret": secret is not None})
    return client, secret


def rotate(session: Session, *, name: str, actor: str, overlap: timedelta) -> tuple[ApiClient, str, datetime]:
    """Give the client a new secret; the old one keeps verifying for `overlap` (zero: it stops at once). Returns
    the client, the new secret and when the old one stops."""
    client = _client(session, name)
    if client.signing_mode not in MODES:
        raise LookupError(f"client {name!r} does not sign its requests; turn signing on first")
    now = utcnow()
    until = now + overlap
    kept = []
    for entry in client.signing_secrets or []:
        ends = datetime.fromisoformat(entry["until"]) if entry.get("until") else until
        ends = min(ends, until)
        if ends > now:
            kept.append({"secret": entry["secret"], "until": ends.isoformat()})
    secret = new_secret()
    client.signing_secrets = [{"secret": secret, "until": None}, *kept]
    _audit(session, client, actor, "client.signing_rotated", {"old_secrets_until": until.isoformat()})
    return client, secret, until


def _forget_cached_keys() -> None:
    """This process's cached key lookups carry the signing mode: drop them (other processes follow within
    HUB_API_KEY_CACHE_SECONDS)."""
    from hub.accounts.api_clients import forget_cached_keys

    forget_cached_keys()


def turn_off(session: Session, *, name: str, actor: str) -> ApiClient:
    """Stop checking signatures for the client and erase its secrets."""
    client = _client(session, name)
    client.signing_mode = None
    client.signing_secrets = None
    _forget_cached_keys()
    _audit(session, client, actor, "client.signing_changed", {"mode": None, "new_secret": False})
    return client


def _audit(session: Session, client: ApiClient, actor: str, action: str, details: dict[str, Any]) -> None:
    audit.append(
        session, actor=actor, action=action, object_type="api_client", object_id=str(client.id), details=details
    )
