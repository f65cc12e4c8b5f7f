"""Console users: created by HR IT on the command line, passwords hashed, sign-in with lockout."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from hub.audit import chain as audit
from hub.storage.models import ConsoleUser, utcnow

ROLES = ("admin", "auditor")
MIN_PASSWORD_LENGTH = 12
EMAIL_SHAPE = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


class InvalidAccount(ValueError):
    """An email, role or password was refused; the message says which and why."""


class AccountExists(ValueError):
    """A console user with that email exists already."""


def actor_id(user_id: int) -> str:
    """How the audit trail names a console user; the email stays in console_users, where it can be erased."""
    return f"user:{user_id}"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    email = normalise_email(email)
    if len(email) > 320 or not EMAIL_SHAPE.match(email):
        raise InvalidAccount(f"email {email!r} is not an address like name@example.com")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAccount(
            f"the password must be at least {MIN_PASSWORD_LENGTH} characters long (got {len(password)})"
        )


def create_user(session: Session, *, email: str, role: str, password: str, actor: str) -> ConsoleUser:
    """Add a console user with a hashed password; the password itself is never stored."""
    email = check_email(email)
    if role not in ROLES:
        raise InvalidAccount(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    check_password(password)
    if session.scalar(select(ConsoleUser.id).where(ConsoleUser.email == email)):
        raise AccountExists(f"a console user {email!r} exists already")
    user = ConsoleUser(email=email, role=role, password_hash=generate_password_hash(password), failed_logins=0)
    session.add(user)
    session.flush()
    _audited(session, actor, "console_user.created", user, {"role": role})
    return user


def _audited(session: Session, actor: str, action: str, user: ConsoleUser, details: dict) -> None:
    """A console user's change on the audit trail: by id only (the email is personal data, kept in the table)."""
    audit.append(
        session, actor=actor, action=action, object_type="console_user", object_id=str(user.id), details=details
    )


def find_user(session: Session, email: str) -> ConsoleUser:
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.email == normalise_email(email)))
    if user is None:
        raise LookupError(f"no console user {normalise_email(email)!r}")
    return user


def disable_user(session: Session, *, email: str, actor: str) -> ConsoleUser:
    """Stop a user signing in; their open sessions end at their next request."""
    user = find_user(session, email)
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        _audited(session, actor, "console_user.disabled", user, {})
    return user


def enable_user(session: Session, *, email: str, actor: str) -> ConsoleUser:
    """Let a disabled user sign in again (with the password they had)."""
    user = find_user(session, email)
    if user.disabled_at is not None:
        user.disabled_at = None
        _audited(session, actor, "console_user.enabled", user, {})
    return user


def change_role(session: Session, *, email: str, role: str, actor: str) -> ConsoleUser:
    """Give a user another role; the last enabled admin keeps theirs, so someone can always administer the hub."""
    if role not in ROLES:
        raise InvalidAccount(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    user = find_user(session, email)
    if user.role == role:
        return user
    if user.role == "admin":
        admins = session.scalar(
            select(func.count())
            .select_from(ConsoleUser)
            .where(ConsoleUser.role == "admin", ConsoleUser.disabled_at.is_(None), ConsoleUser.id != user.id)
        )
        if not admins:
            raise InvalidAccount("this is the only enabled admin; make another admin first")
    was, user.role = user.role, role
    _audited(session, actor, "console_user.role_changed", user, {"from": was, "to": role})
    return user


def is_locked(user: ConsoleUser) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def unlock_user(session: Session, *, email: str, actor: str) -> ConsoleUser:
    """End a lockout after failed sign-ins now, instead of when it runs out; the failure count starts again."""
    user = find_user(session, email)
    if user.locked_until is not None or user.failed_logins:
        was_locked = is_locked(user)
        user.failed_logins, user.locked_until = 0, None
        _audited(session, actor, "console_user.unlocked", user, {"was_locked": was_locked})
    return user


@functools.cache
def _decoy_hash() -> str:
    return generate_password_hash("not-a-real-password-but-as-slow-to-check")


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in attempt; `user` is set only on success."""

    user: ConsoleUser | None


def sign_in(session: Session, email: str, password: str) -> SignIn:
    """Check a password and record the attempt (failures are throttled per address by the caller, see throttle.py).

    Unknown, disabled and locked accounts fail exactly like a wrong password (same answer, a hash
    checked every time), so the sign-in form never tells anyone which emails exist.
    """
    email = normalise_email(email)
    now = utcnow()
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.email == email).with_for_update())
    password_ok = check_password_hash(user.password_hash if user else _decoy_hash(), password)
    if user is None:
        audit.append(
            session,
            actor="console",
            action="console.sign_in_failed",
            object_type="console_user",
            object_id="unknown",
            details={"reason": "unknown email"},
        )
        return SignIn(None)
    if user.locked_until is not None and user.locked_until <= now:
        user.failed_logins, user.locked_until = 0, None
    if user.disabled_at is not None or user.locked_until is not None:
        reason = "disabled" if user.disabled_at is not None else "locked"
        audit.append(
            session,
            actor="console",
            action="console.sign_in_failed",
            object_type="console_user",
            object_id=str(user.id),
            details={"reason": reason},
        )
        return SignIn(None)
    if not password_ok:
        # Counted for the Users page and the trail; never a lock: anyone could lock an admin out by typing wrong
        # passwords. The sign-in form throttles the *address* that fails instead (hub/accounts/throttle.py).
        user.failed_logins += 1
        audit.append(
            session,
            actor="console",
            action="console.sign_in_failed",
            object_type="console_user",
            object_id=str(user.id),
            details={"reason": "wrong password", "failed_logins": user.failed_logins},
        )
        return SignIn(None)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    audit.append(
        session,
        actor=actor_id(user.id),
        action="console.signed_in",
        object_type="console_user",
        object_id=str(user.id),
        details={"role": user.role},
    )
    return SignIn(user)
