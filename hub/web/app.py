"""The Flask application factory."""

from __future__ import annotations

import logging

from flask import Flask, g, redirect, request, url_for
from werkzeug.exceptions import NotFound

from connectors import destinations
from hub.config import Settings
from hub.ops import logs
from hub.privacy import crypto
from hub.state import HubState
from hub.storage import db
from hub.web import access_log, inputs, problems

log = logging.getLogger(__name__)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the hub. `test_config` may hold HUB_* values and Flask settings that override the environment."""
    test_config = dict(test_config or {})
    settings = Settings.from_env(overrides={k: v for k, v in test_config.items() if k.startswith("HUB_")})
    logs.configure(settings.log_level, settings.log_format)
    for what in settings.generated:
        log.warning("first start: generated %s; back it up, it is needed to read the data", what)

    app = Flask("hub", instance_path=str(settings.instance_path), static_folder=None)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        JSON_SORT_KEYS=False,
    )
    app.config.update({k: v for k, v in test_config.items() if not k.startswith("HUB_")})

    # Where the hub creates connectors it passes this policy itself; as the process default it also covers what a
    # third-party connector plugin opens through connectors.destinations without naming a policy.
    destinations.set_default_policy(settings.destinations)
    keyring = crypto.KeyRing(settings.encryption_keys)
    crypto.set_keyring(keyring)
    from hub.privacy import keystore, shredding

    key_store = keystore.KeyStore(
        settings.key_store_url,
        keyring,
        cache_seconds=settings.key_cache_seconds,
        same_database=settings.key_store_url == settings.database_url,
    )
    shredding.install(key_store)
    engine = db.make_engine(settings.database_url)
    read_engine = db.make_engine(settings.database_url, read_only=True) if settings.is_sqlite else engine
    state = HubState(
        settings, engine, db.make_session_factory(engine), db.make_session_factory(read_engine), keyring, key_store
    )
    app.extensions["hub"] = state

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    access_log.init_app(app)
    problems.init_app(app)
    inputs.init_app(app)
    from hub.web.api import init_app as init_api

    init_api(app)
    from hub.web.console import init_app as init_console

    init_console(app)
    from hub.web import metrics_view

    metrics_view.init_app(app)

    @app.get("/")
    def front_door():
        """A browser at the hub's address lands on the console; an API client gets the 404 problem document."""
        if any(value == "text/html" for value, _quality in request.accept_mimetypes):
            return redirect(url_for("console.overview"))
        raise NotFound(
            "Nothing here: the API is under /api/v1 (OpenAPI at /api/v1/openapi.json), the console at /console/."
        )

    return app


def state(app: Flask) -> HubState:
    return app.extensions["hub"]
