"""Liveness and readiness probes."""

from flask import Blueprint, current_app, jsonify

from hub.storage.migrate import current_revision, head_revision

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Alive: the process answers."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready: the database answers and its schema is at the latest migration."""
    state = current_app.extensions["hub"]
    try:
        current = current_revision(state.engine)
    except Exception as error:  # any failure to reach the database means not ready
        return jsonify(status="unavailable", database="unreachable", detail=error.__class__.__name__), 503
    head = head_revision()
    if current != head:
        return jsonify(
            status="unavailable",
            database="reachable",
            migrations={"current": current, "head": head},
            detail="run 'hris-hub db upgrade'",
        ), 503
    return jsonify(status="ok", database="reachable", migrations={"current": current, "head": head})
