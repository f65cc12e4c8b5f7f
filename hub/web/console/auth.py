"""Signing in and out of the console, who is signed in, and what their role lets them do."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, request, session, url_for

from hub.accounts import console_sessions
from hub.accounts import console_users as accounts
from hub.accounts.throttle import SignInThrottle
from hub.web.console import console, i18n
from hub.web.console.rendering import render

SESSION_TOKEN = "console_session"  # the cookie holds only this random token; the session itself is server-side
PUBLIC_ENDPOINTS = {"console.sign_in", "console.static"}
SIGN_IN_FAILED = i18n.lazy_gettext("Sign-in failed: the email or password is wrong, or the account is disabled.")
THROTTLE = SignInThrottle()


@dataclass(frozen=True)
class ConsoleIdentity:
    """Who is signed in, detached from any database session."""

    id: int
    email: str
    role: str
    language: str | None = None
    time_zone: str | None = None

    @property
    def actor(self) -> str:
        """The audit trail's name for this person: a pseudonymous id, never the email (docs/operations.md)."""
        return accounts.actor_id(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hub_state():
    return current_app.extensions["hub"]


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(minutes=config["CONSOLE_IDLE_MINUTES"]), timedelta(hours=config["CONSOLE_SESSION_HOURS"])


@console.before_request
def load_signed_in_user():
    """Every page but sign-in needs a live server-side session of an enabled user (checked on each request)."""
    g.console_language, g.console_time_zone = i18n.choose_language(None), "UTC"  # sign-in: the browser's language
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    idle, absolute = _limits()
    with hub_state().session_factory() as db, db.begin():
        user = console_sessions.resolve(db, session.get(SESSION_TOKEN), idle=idle, absolute=absolute)
        identity = (
            ConsoleIdentity(user.id, user.email, user.role, user.language, user.time_zone) if user is not None else None
        )
    g.console_language = i18n.choose_language(identity.language if identity else None)
    g.console_time_zone = (identity.time_zone if identity else None) or "UTC"
    if identity is None:
        session.clear()
        return redirect(url_for("console.sign_in", next=request.full_path if request.method == "GET" else None))
    g.console_user = identity
    return None


def admin_only(view):
    """Decorate an action: auditors are read-only and get 403."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not g.console_user.is_admin:
            abort(403, i18n.gettext("Auditors have read-only access; this action needs the admin role."))
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
    address = request.remote_addr or "unknown"
    wait = THROTTLE.retry_after(address)
    if wait > 0:
        response = render(
            "sign_in.html",
            429,
            next=request.form.get("next", ""),
            email=email,
            error=i18n.gettext("Too many failed sign-ins from your address: try again in %(s)s s.", s=math.ceil(wait)),
        )
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    with hub_state().session_factory() as db, db.begin():
        outcome = accounts.sign_in(db, email, password)
        token = console_sessions.start(db, outcome.user.id) if outcome.user else None
    if token is None:
        THROTTLE.failed(address)
        return render("sign_in.html", 401, next=request.form.get("next", ""), email=email, error=SIGN_IN_FAILED)
    THROTTLE.succeeded(address)
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    session[SESSION_TOKEN] = token
    return redirect(_safe_next(request.form.get("next")))


@console.post("/sign-out")
def sign_out():
    from hub.audit import chain as audit

    identity = g.console_user
    with hub_state().session_factory() as db, db.begin():
        console_sessions.end(db, session.get(SESSION_TOKEN))  # a copied cookie stops working too
        audit.append(
            db,
            actor=identity.actor,
            action="console.signed_out",
            object_type="console_user",
            object_id=str(identity.id),
            details={},
        )
    session.clear()
    flash(i18n.gettext("You are signed out."), "info")
    return redirect(url_for("console.sign_in"))
