"""Pages rendered from the console's own templates in a sandboxed, autoescaping Jinja2 environment."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask, current_app, g, get_flashed_messages, make_response, url_for
from flask_wtf.csrf import generate_csrf
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from hub.storage.statuses import AttemptOutcome, BreakerState, JobStatus, ResultStatus
from hub.web.console import i18n

TEMPLATES = Path(__file__).resolve().parent / "templates"
EXTENSION_KEY = "hub_console_templates"
# Words that have a badge colour (every stored status, and a few states shown beside them); anything else is neutral.
BADGES = {
    *ResultStatus,
    *JobStatus,
    *AttemptOutcome,
    *BreakerState,
    "enabled",
    "disabled",
    "hired",
    "insufficient",
    "erased",
    "admin",
    "auditor",
}


def pretty_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


def badge_class(value) -> str:
    word = str(value).lower()
    return word if word in BADGES else "other"


def init_app(app: Flask) -> None:
    environment = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    environment.filters.update(when=i18n.when, pretty_json=pretty_json, badge_class=badge_class)
    environment.globals.update(
        url_for=url_for,
        csrf_token=generate_csrf,
        flashed=get_flashed_messages,
        languages=i18n.LANGUAGES,
        current_language=i18n.current_language,
    )
    app.extensions[EXTENSION_KEY] = environment


def render(template: str, status: int = 200, **context):
    """A page as a response, with the signed-in user (if any) in its context."""
    environment: SandboxedEnvironment = current_app.extensions[EXTENSION_KEY]
    html = environment.get_template(template).render(user=g.get("console_user"), **context)
    response = make_response(html, status)
    response.mimetype = "text/html"
    return response
