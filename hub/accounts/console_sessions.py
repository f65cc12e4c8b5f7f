"""Console sessions kept server-side: a random token in the (signed) cookie, its hash in the database, so a
session ends for good at sign-out, when its user is disabled, after an idle time and after an absolute time."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from hub.storage.models import ConsoleSession, ConsoleUser, utcnow

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often per session


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user_id: int) -> str:
    """A new session for the user; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(ConsoleSession(id=_hash(token), user_id=user_id, created_at=now, last_seen_at=now))
    return token


def resolve(session: Session, token: str | None, *, idle: timedelta, absolute: timedelta) -> ConsoleUser | None:
    """The enabled user of a live session, or None (ended, idle too long, too old, unknown, user disabled); a
    session found past a limit is ended on the way."""
    if not token:
        return None
    row = session.get(ConsoleSession, _hash(token))
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    reason = "absolute" if now - row.created_at > absolute else "idle" if now - row.last_seen_at > idle else None
    user = session.get(ConsoleUser, row.user_id)
    if user is None or user.disabled_at is not None:
        reason = reason or "disabled"
    if reason:
        row.ended_at, row.ended_reason = now, reason
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    return user


def end(session: Session, token: str | None, reason: str = "signed_out") -> None:
    if token:
        session.execute(
            update(ConsoleSession)
            .where(ConsoleSession.id == _hash(token), ConsoleSession.ended_at.is_(None))
            .values(ended_at=utcnow(), ended_reason=reason)
        )
