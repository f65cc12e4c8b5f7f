"""Console errors as pages (not problem+json), and the security headers on every console response."""

from __future__ import annotations

from flask import request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from hub.errors import HubError
from hub.web.console import console
from hub.web.console.rendering import render
from hub.web.problems import Problem, problem_from

# No scripts at all, nothing from elsewhere, no framing: the console is plain forms and links.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@console.after_request
def security_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "console.static":
        response.headers["Cache-Control"] = "no-store"  # pages hold personal data; keep them out of caches
    return response


@console.errorhandler(CSRFError)
def csrf_refused(error: CSRFError):
    return render(
        "error.html",
        400,
        title="Form refused",
        message=f"{error.description} Reload the page and try again; nothing was changed.",
    )


@console.errorhandler(Problem)
def problem_page(problem: Problem):
    details = [f"{e.get('pointer') or '/'}: {e.get('message')}" for e in problem.extra.get("errors", [])]
    return render("error.html", problem.status, title=problem.title, message=problem.detail or "", details=details)


@console.errorhandler(HubError)
def domain_error_page(error: HubError):
    return problem_page(problem_from(error))


@console.errorhandler(HTTPException)
def http_error_page(error: HTTPException):
    return render("error.html", error.code or 500, title=error.name, message=error.description or "")
