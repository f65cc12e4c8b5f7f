"""RFC 9457 problem details: every API error is `application/problem+json` with a stable `type`."""

from __future__ import annotations

import logging

from flask import Flask, g, json, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from hub import errors

log = logging.getLogger(__name__)

TYPE_BASE = "https://hris-hub.dev/problems/"
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """Raise from a view to answer with a problem document."""

    def __init__(self, status: int, slug: str, title: str, detail: str | None = None, **extra):
        super().__init__(detail or title)
        self.status, self.slug, self.title, self.detail, self.extra = status, slug, title, detail, extra

    def to_dict(self) -> dict:
        body = {"type": TYPE_BASE + self.slug, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        body["instance"] = request.path if request else None
        body.update(self.extra)
        return body


def problem_response(problem: Problem):
    headers = problem.extra.pop("_headers", None) or {}
    body = problem.to_dict()
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    response = Flask.response_class(json.dumps(body, ensure_ascii=False), status=problem.status, mimetype=MEDIA_TYPE)
    response.headers.update(headers)
    return response


# The one table from domain errors to problem types. The slugs are part of the API: documented in docs/api.md,
# never renamed. A subclass answers with its nearest listed ancestor's status and type.
ERROR_TYPES: dict[type[errors.HubError], tuple[int, str]] = {
    errors.InvalidInput: (422, "validation-failed"),
    errors.Conflict: (409, "conflict"),
    errors.NotFound: (404, "not-found"),
    errors.BadQuery: (400, "bad-query"),
    errors.SignatureRefused: (401, "signature-refused"),
    errors.Unauthenticated: (401, "unauthorized"),
    errors.Forbidden: (403, "forbidden"),
}


def problem_from(error: errors.HubError) -> Problem:
    status, slug = next(ERROR_TYPES[cls] for cls in type(error).__mro__ if cls in ERROR_TYPES)
    extra = dict(error.extra)
    if error.errors:
        extra["errors"] = error.errors
    return Problem(status, slug, error.title, error.detail, **extra)


_HTTP_SLUGS = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    415: "unsupported-media-type",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(problem: Problem):
        return problem_response(problem)

    @app.errorhandler(errors.HubError)
    def _domain(error: errors.HubError):
        return problem_response(problem_from(error))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        detail = error.description
        if status == 413:
            detail = f"The request body is larger than the limit of {app.config['MAX_CONTENT_LENGTH']} bytes."
        # Keep what the exception says about the resource (a 405's Allow, say), not its HTML Content-Type.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return problem_response(
            Problem(status, _HTTP_SLUGS.get(status, f"http-{status}"), error.name, detail, _headers=headers)
        )

    @app.errorhandler(OperationalError)
    def _database_down(error: OperationalError):
        log.error("database unavailable: %s", error.orig.__class__.__name__ if error.orig else error)
        return problem_response(
            Problem(
                503,
                "database-unavailable",
                "Database unavailable",
                "The hub cannot reach its database; nothing was stored. Try again shortly.",
                _headers={"Retry-After": "5"},
            )
        )

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError):
        if error.connection_invalidated:
            return _database_down(error)  # type: ignore[arg-type]
        return _unexpected(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error")
        return problem_response(
            Problem(
                500,
                "internal-error",
                "Internal error",
                "The hub failed unexpectedly; the request id in this answer finds it in the logs.",
            )
        )
