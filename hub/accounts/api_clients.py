"""API clients: keys shown once, stored hashed; roles ingest, admin, auditor."""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.audit import chain as audit
from hub.storage.models import ApiClient, utcnow
from hub.web.problems import Problem

ROLES = ("ingest", "admin", "auditor")
KEY_PREFIX = "hh"
# Which roles may call an endpoint declared for a role: admins may do what auditors may read.
ROLE_GRANTS = {"ingest": {"ingest", "admin"}, "admin": {"admin"}, "auditor": {"auditor", "admin"}}


@dataclass(frozen=True)
class Caller:
    client_id: int
    name: str
    role: str

    @property
    def actor(self) -> str:
        return f"client:{self.name}"


class ClientExists(ValueError):
    """A client of that name exists already."""


def _hash(secret: str) -> str:
    # Keys are 256-bit random strings, so a plain SHA-256 is not brute-forceable; no slow KDF needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_client(session: Session, *, name: str, role: str, actor: str) -> tuple[ApiClient, str]:
    """Create a client and return it with its key; the key is not stored and cannot be shown again."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if session.scalar(select(ApiClient).where(ApiClient.name == name)):
        raise ClientExists(f"a client named {name!r} exists already")
    key_id = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    client = ApiClient(name=name, role=role, key_prefix=key_id, key_hash=_hash(key))
    session.add(client)
    session.flush()
    audit.append(session, actor=actor, action="client.created", object_type="api_client", object_id=str(client.id),
                 details={"name": name, "role": role, "key_id": key_id})
    return client, key


def revoke_client(session: Session, *, name: str, actor: str) -> ApiClient:
    client = session.scalar(select(ApiClient).where(ApiClient.name == name))
    if client is None:
        raise LookupError(f"no client named {name!r}")
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        audit.append(session, actor=actor, action="client.revoked", object_type="api_client", object_id=str(client.id),
                     details={"name": name})
    return client


def authenticate(session: Session, header: str | None) -> Caller:
    """Resolve an `Authorization: Bearer <key>` header to a caller, or raise a 401 problem."""
    if not header:
        raise Problem(401, "unauthorized", "Missing API key", "Send the key as 'Authorization: Bearer <key>'.")
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise Problem(401, "unauthorized", "Malformed Authorization header", "Expected 'Authorization: Bearer <key>'.")
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise Problem(401, "unauthorized", "Invalid API key", "The key is not one this hub issued.")
    client = session.scalar(select(ApiClient).where(ApiClient.key_prefix == parts[1]))
    if client is None or not hmac.compare_digest(client.key_hash, _hash(key)):
        raise Problem(401, "unauthorized", "Invalid API key", "The key is not one this hub issued.")
    if client.revoked_at is not None:
        raise Problem(401, "unauthorized", "Revoked API key", "This key was revoked; ask HR IT for a new one.")
    return Caller(client.id, client.name, client.role)


def require(role: str):
    """Decorate a view: the caller must hold `role` (or a role that grants it)."""
    allowed = ROLE_GRANTS[role]

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            caller = authenticate(current_app.extensions["hub"].session(), request.headers.get("Authorization"))
            if caller.role not in allowed:
                raise Problem(403, "forbidden", "Wrong role for this endpoint",
                              f"This endpoint needs the {role!r} role; key {caller.name!r} has {caller.role!r}.")
            g.caller = caller
            return view(*args, **kwargs)

        wrapper.required_role = role
        return wrapper

    return decorator
