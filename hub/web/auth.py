"""The API's role check: a view decorated with `require(role)` runs only for a key holding that role, and, for a
client that signs its requests, only with a valid signature (hub/accounts/signing.py)."""

from __future__ import annotations

import functools

from flask import current_app, g, request

from hub.accounts import signing
from hub.accounts.api_clients import ROLE_GRANTS, authenticate_cached, record_use
from hub.errors import Forbidden
from hub.storage.models import ApiClient


def require(role: str, *, upload: bool = False):
    """Decorate a view: the caller must hold `role` (or a role that grants it). `upload`: the body may be as large
    as HUB_MAX_UPLOAD_BYTES (a signed request's body is read here, before the view)."""
    allowed = ROLE_GRANTS[role]

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            state = current_app.extensions["hub"]
            # A session of its own, closed at once (or none, from the cache): no read transaction stays open
            # through the request's writes (on SQLite one would keep the WAL from ever starting again).
            caller = authenticate_cached(
                state.read_session_factory, request.headers.get("Authorization"), state.settings.api_key_cache_seconds
            )
            if caller.signing_mode:
                if upload:
                    request.max_content_length = state.settings.max_upload_bytes
                with state.read_session_factory() as session:
                    client = session.get(ApiClient, caller.client_id)
                    signing.check_request(state.session_factory, client, request.headers, request.get_data(cache=True))
            record_use(state.session_factory, caller)
            if caller.role not in allowed:
                raise Forbidden(
                    title="Wrong role for this endpoint",
                    detail=f"This endpoint needs the {role!r} role; key {caller.name!r} has {caller.role!r}.",
                )
            g.caller = caller
            return view(*args, **kwargs)

        wrapper.required_role = role
        return wrapper

    return decorator
