"""Console errors as pages (not problem+json), and the security headers on every console response."""

from __future__ import annotations

from flask import request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from hub.errors import HubError
from hub.web.console import console
from hub.web.console.i18n import N_
from hub.web.console.i18n import gettext as _
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


# Titles of the HTTP errors pages show, for the translator (werkzeug names them in English).
HTTP_TITLES = (
    N_("Bad Request"),
    N_("Unauthorized"),
    N_("Forbidden"),
    N_("Not Found"),
    N_("Method Not Allowed"),
    N_("Request Entity Too Large"),
    N_("Too Many Requests"),
    N_("Internal Server Error"),
)


@console.errorhandler(CSRFError)
def csrf_refused(error: CSRFError):
    return render(
        "error.html",
        400,
        title=_("Form refused"),
        message=_("%(why)s Reload the page and try again; nothing was changed.", why=error.description),
    )


@console.errorhandler(Problem)
def problem_page(problem: Problem):
    details = [f"{e.get('pointer') or '/'}: {e.get('message')}" for e in problem.extra.get("errors", [])]
    return render("error.html", problem.status, title=_(problem.title), message=problem.detail or "", details=details)


@console.errorhandler(HubError)
def domain_error_page(error: HubError):
    return problem_page(problem_from(error))


@console.errorhandler(HTTPException)
def http_error_page(error: HTTPException):
    return render("error.html", error.code or 500, title=_(error.name), message=error.description or "")
