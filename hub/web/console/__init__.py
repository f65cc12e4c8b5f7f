"""The web console at /console: HR IT (admin) and auditors (read-only), signed in with email and password."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFProtect

console = Blueprint("console", __name__, url_prefix="/console", static_folder="static")
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Register the console, its session-cookie settings and CSRF protection (the bearer-key API is exempt)."""
    from hub.web.api import api
    from hub.web.console import actions, auth, errors, pages, policy_pages, rendering, setup_pages  # noqa: F401

    # The console is the only user of Flask's session cookie; the API authenticates every call with a key.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config.setdefault("CONSOLE_SESSION_HOURS", 8)  # absolute: signed out this long after signing in
    app.config.setdefault("CONSOLE_IDLE_MINUTES", 30)  # idle: signed out after this long without a request
    csrf.init_app(app)
    csrf.exempt(api)
    rendering.init_app(app)
    app.register_blueprint(console)
