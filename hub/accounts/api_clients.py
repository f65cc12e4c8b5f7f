"""API clients: keys shown once, stored hashed; roles ingest, admin, auditor."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hub.audit import chain as audit
from hub.errors import Unauthenticated
from hub.storage.db import transaction
from hub.storage.models import ApiClient, utcnow

log = logging.getLogger(__name__)

ROLES = ("ingest", "admin", "auditor", "outcomes")
KEY_PREFIX = "hh"
# Which roles may call an endpoint declared for a role: admins may do what auditors may read.
ROLE_GRANTS = {
    "ingest": {"ingest", "admin"},
    "admin": {"admin"},
    "auditor": {"auditor", "admin"},
    "outcomes": {"outcomes", "admin"},
}  # outcomes: an HR system posting reviews and attendance


@dataclass(frozen=True)
class Caller:
    client_id: int
    name: str
    role: str
    signing_mode: str | None = None  # "required" or "optional": hub/accounts/signing.py checks its requests

    @property
    def actor(self) -> str:
        """The audit trail names a client by its id; its name lives in api_clients."""
        return f"client:{self.client_id}"


class ClientExists(ValueError):
    """A client of that name exists already."""


def _hash(secret: str) -> str:
    # Keys are 256-bit random strings, so a plain SHA-256 is not brute-forceable; no slow KDF needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_client(
    session: Session, *, name: str, role: str, actor: str, expires_at: datetime | None = None
) -> tuple[ApiClient, str]:
    """Create a client and return it with its key; the key is not stored and cannot be shown again. A key with
    `expires_at` is refused from then on."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if session.scalar(select(ApiClient).where(ApiClient.name == name)):
        raise ClientExists(f"a client named {name!r} exists already")
    key_id = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    client = ApiClient(name=name, role=role, key_prefix=key_id, key_hash=_hash(key), expires_at=expires_at)
    session.add(client)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="client.created",
        object_type="api_client",
        object_id=str(client.id),
        details={"role": role, "key_id": key_id, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return client, key


def revoke_client(session: Session, *, name: str, actor: str) -> ApiClient:
    client = session.scalar(select(ApiClient).where(ApiClient.name == name))
    if client is None:
        raise LookupError(f"no client named {name!r}")
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        audit.append(
            session,
            actor=actor,
            action="client.revoked",
            object_type="api_client",
            object_id=str(client.id),
            details={},
        )
    forget_cached_keys()
    return client


def authenticate(session: Session, header: str | None) -> Caller:
    """Resolve an `Authorization: Bearer <key>` header to a caller, or raise a 401 problem."""
    return _authenticate(session, header)[0]


def _authenticate(session: Session, header: str | None) -> tuple[Caller, datetime | None]:
    if not header:
        raise Unauthenticated("Send the key as 'Authorization: Bearer <key>'.", title="Missing API key")
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise Unauthenticated("Expected 'Authorization: Bearer <key>'.", title="Malformed Authorization header")
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise Unauthenticated("The key is not one this hub issued.", title="Invalid API key")
    client = session.scalar(select(ApiClient).where(ApiClient.key_prefix == parts[1]))
    if client is None or not hmac.compare_digest(client.key_hash, _hash(key)):
        raise Unauthenticated("The key is not one this hub issued.", title="Invalid API key")
    if client.revoked_at is not None:
        raise Unauthenticated("This key was revoked; ask HR IT for a new one.", title="Revoked API key")
    if client.expires_at is not None and client.expires_at <= utcnow():
        raise Unauthenticated(
            f"This key expired at {client.expires_at:%Y-%m-%d %H:%M} UTC; ask HR IT for a new one.",
            title="Expired API key",
        )
    return Caller(client.id, client.name, client.role, client.signing_mode), client.expires_at


# A short-lived cache of key lookups, per process: a busy client's requests skip the SELECT (and the read
# transaction it opened before every write). Only keys that authenticated are kept, for `cache_seconds` at most, so
# a key revoked (or expired) in another process is refused within that long; one revoked in this process at once.
_key_cache: dict[tuple[str, str], tuple[float, Caller, datetime | None]] = {}
_key_cache_lock = threading.Lock()
KEY_CACHE_MAX = 10_000  # entries; beyond this the cache starts again empty


def authenticate_cached(factory: sessionmaker[Session], header: str | None, cache_seconds: float) -> Caller:
    """`authenticate`, answered from the cache when the same key authenticated less than `cache_seconds` ago; a miss
    reads in a session of its own, closed before the request goes on."""
    if cache_seconds <= 0 or not header:
        with factory() as session:
            return authenticate(session, header)
    cache_key = (str(getattr(factory.kw.get("bind"), "url", "")), _hash(header))
    moment = _clock()
    with _key_cache_lock:
        cached = _key_cache.get(cache_key)
    if cached is not None:
        fetched, caller, expires_at = cached
        if moment - fetched < cache_seconds and (expires_at is None or expires_at > utcnow()):
            return caller
    with factory() as session:
        caller, expires_at = _authenticate(session, header)
    with _key_cache_lock:
        if len(_key_cache) >= KEY_CACHE_MAX:
            _key_cache.clear()
        _key_cache[cache_key] = (moment, caller, expires_at)
    return caller


def forget_cached_keys() -> None:
    """Drop every cached lookup (a key was revoked in this process)."""
    with _key_cache_lock:
        _key_cache.clear()


# last_used_at is written at most once a minute per key: a busy client costs one small UPDATE a minute, not one a
# request. Each process remembers its own last write (no database round trip at all within the minute); the
# UPDATE's condition keeps processes from writing more often than that between them.
LAST_USED_EVERY = timedelta(minutes=1)
_clock = time.monotonic
_last_written: dict[tuple[str, int], float] = {}  # (database, client id): when this process last wrote
_last_written_lock = threading.Lock()


def record_use(factory: sessionmaker[Session], caller: Caller) -> bool:
    """Note that the caller's key was used now, unless that was noted less than a minute ago; True if written."""
    moment = _clock()
    key = (str(getattr(factory.kw.get("bind"), "url", "")), caller.client_id)
    with _last_written_lock:
        last = _last_written.get(key)
        if last is not None and moment - last < LAST_USED_EVERY.total_seconds():
            return False
        _last_written[key] = moment
    now = utcnow()
    try:
        with transaction(factory) as session:
            written = session.execute(
                update(ApiClient)
                .where(
                    ApiClient.id == caller.client_id,
                    or_(ApiClient.last_used_at.is_(None), ApiClient.last_used_at <= now - LAST_USED_EVERY),
                )
                .values(last_used_at=now)
            ).rowcount  # type: ignore[attr-defined]
    except SQLAlchemyError as error:  # a note about use must never fail the request it is about
        log.warning("could not record the use of key %r: %s", caller.name, error.__class__.__name__)
        return False
    return bool(written)
