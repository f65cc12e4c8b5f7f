"""Admin API for connector instances: /api/v1/connectors and /api/v1/connector-types."""

from __future__ import annotations

from flask import current_app, g, jsonify
from sqlalchemy import select

from hub.delivery import connector_admin
from hub.storage.models import Connector
from hub.web.api import api
from hub.web.api.requests import check_document, read_json
from hub.web.auth import require


def _state():
    return current_app.extensions["hub"]


@api.get("/connector-types")
@require("admin")
def list_connector_types():
    """Installed connector types (built-in and plugins) with their config schemas."""
    return jsonify(types=connector_admin.types_view())


@api.get("/connectors")
@require("auditor")
def list_connectors():
    """Configured connectors, secrets masked."""
    session = _state().session()
    connectors = session.scalars(connector_admin.live(select(Connector).order_by(Connector.name)))
    return jsonify(items=[connector_admin.view(c) for c in connectors])


@api.post("/connectors")
@require("admin")
def add_connector():
    """Add a connector: config validated against its type's schema, mapping checked, secrets encrypted."""
    spec = read_json()
    if not isinstance(spec, dict):
        spec = {"": spec}
    # What the served document promises first (each bad list item at its own pointer), then the domain's rules.
    check_document(spec, "ConnectorSpec", secrets=("/config",))
    connector_admin.check_fields(spec, partial=False)
    with _state().session_factory() as session, session.begin():
        connector = connector_admin.add(session, spec, actor=g.caller.actor, settings=_state().settings)
        body = connector_admin.view(connector)
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/connectors/{connector.name}"
    return response


@api.get("/connectors/<name>")
@require("auditor")
def get_connector(name: str):
    """One connector, secrets masked."""
    return jsonify(connector_admin.view(connector_admin.get(_state().session(), name)))


@api.patch("/connectors/<name>")
@require("admin")
def update_connector(name: str):
    """Change a connector; secrets left out or sent back masked keep their stored values."""
    changes = read_json()
    if not isinstance(changes, dict):
        changes = {"": changes}
    check_document(changes, "ConnectorChanges", secrets=("/config",))
    connector_admin.check_fields(changes, partial=True)
    with _state().session_factory() as session, session.begin():
        body = connector_admin.view(
            connector_admin.update(session, name, changes, actor=g.caller.actor, settings=_state().settings)
        )
    return jsonify(body)


@api.delete("/connectors/<name>")
@require("admin")
def delete_connector(name: str):
    """Delete a connector: config and secrets erased, its jobs kept in the sync log; 204 No Content."""
    with _state().session_factory() as session, session.begin():
        connector_admin.delete(session, name, actor=g.caller.actor)
    return "", 204


@api.post("/connectors/<name>/check")
@require("admin")
def check_connector(name: str):
    """Test the connection with a real request; the message says what to fix."""
    connector = connector_admin.get(_state().session(), name)
    result = connector_admin.check(connector, _state().settings)
    return jsonify(ok=result.ok, message=result.message)
