"""GET /metrics: Prometheus text format, for a key of the auditor (or admin) role."""

from __future__ import annotations

import time

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from hub.ops.metrics import Metrics
from hub.web.auth import require

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
@require("auditor")
def metrics():
    """Jobs by status and connector, breakers, the oldest due job, attempts and their latency, ingest (see
    docs/operations.md for a Grafana dashboard and an alert)."""
    return Response(generate_latest(current_app.extensions["hub_metrics"].registry), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    app.extensions["hub_metrics"] = Metrics(app.extensions["hub"].read_session_factory)
    app.register_blueprint(bp)

    @app.before_request
    def _start_ingest_clock():
        if request.endpoint == "api.post_result":
            g.ingest_started = time.perf_counter()

    @app.after_request
    def _observe_ingest(response):
        started = g.pop("ingest_started", None)
        if started is not None:
            outcome = "accepted" if response.status_code < 300 else "refused"
            app.extensions["hub_metrics"].ingest.labels(outcome).observe(time.perf_counter() - started)
        return response
