"""HTTP API: health probes at the root, everything else under /api/v1."""

from flask import Blueprint, Flask

api = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    # Importing the modules attaches their routes to the blueprints.
    from hub.web.api import (  # noqa: F401
        audit_views,
        candidates,
        connectors_api,
        drafts,
        fairness,
        health,
        openapi,
        outcomes,
        results,
        rights,
        sync_jobs,
    )

    app.url_map.converters["job_id"] = sync_jobs.JobIdConverter
    app.register_blueprint(health.bp)
    app.register_blueprint(api)
