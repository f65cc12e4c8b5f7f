"""Signing in and out of the console, who is signed in, and what their role lets them do."""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from flask import abort, current_app, flash, g, redirect, request, session, url_for

from hub.accounts import console_users as accounts
from hub.storage.models import ConsoleUser
from hub.web.console import console
from hub.web.console.rendering import render

SESSION_USER = "console_user_id"
SESSION_SIGNED_IN_AT = "console_signed_in_at"
PUBLIC_ENDPOINTS = {"console.sign_in", "console.static"}
SIGN_IN_FAILED = ("Sign-in failed: the email or password is wrong, or the account is disabled or locked after "
                  f"{accounts.MAX_FAILED_SIGN_INS} failed attempts (for {accounts.LOCKOUT.seconds // 60} minutes).")


@dataclass(frozen=True)
class ConsoleIdentity:
    """Who is signed in, detached from any database session."""

    id: int
    email: str
    role: str

    @property
    def actor(self) -> str:
        """The audit trail's name for this person: a pseudonymous id, never the email (docs/operations.md)."""
        return accounts.actor_id(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hub_state():
    return current_app.extensions["hub"]


def _session_expired() -> bool:
    signed_in_at = session.get(SESSION_SIGNED_IN_AT, 0)
    return time.time() - signed_in_at > current_app.config["CONSOLE_SESSION_HOURS"] * 3600


@console.before_request
def load_signed_in_user():
    """Every page but sign-in needs a live session of an enabled user (checked on each request)."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    user_id = session.get(SESSION_USER)
    user = hub_state().session().get(ConsoleUser, user_id) if user_id is not None else None
    if user is None or user.disabled_at is not None or _session_expired():
        session.clear()
        return redirect(url_for("console.sign_in", next=request.full_path if request.method == "GET" else None))
    g.console_user = ConsoleIdentity(user.id, user.email, user.role)
    return None


def admin_only(view):
    """Decorate an action: auditors are read-only and get 403."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not g.console_user.is_admin:
            abort(403, "Auditors have read-only access; this action needs the admin role.")
        return view(*args, **kwargs)

    return wrapper


def _safe_next(target: str | None) -> str:
    # Only paths inside the console, so the sign-in page cannot be used to redirect people elsewhere.
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("console.overview")


@console.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        return render("sign_in.html", next=request.args.get("next") or "", email="", error=None)
    email = request.form.get("email", "")
    password = request.form.get("password", "")
    with hub_state().session_factory() as db, db.begin():
        outcome = accounts.sign_in(db, email, password)
        identity = ConsoleIdentity(outcome.user.id, outcome.user.email, outcome.user.role) if outcome.user else None
    if identity is None:
        return render("sign_in.html", 401, next=request.form.get("next", ""), email=email, error=SIGN_IN_FAILED)
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    session[SESSION_USER] = identity.id
    session[SESSION_SIGNED_IN_AT] = int(time.time())
    return redirect(_safe_next(request.form.get("next")))


@console.post("/sign-out")
def sign_out():
    from hub.audit import chain as audit

    identity = g.console_user
    with hub_state().session_factory() as db, db.begin():
        audit.append(db, actor=identity.actor, action="console.signed_out", object_type="console_user",
                     object_id=str(identity.id), details={})
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("console.sign_in"))
