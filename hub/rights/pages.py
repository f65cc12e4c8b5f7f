"""Printable pages for candidates and their requests: the explanation and the access export, rendered as HTML
strings in a sandboxed, autoescaping Jinja2 environment (hub/web serves them; the CLI writes them to files)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.cache
def _environment() -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["pretty_json"] = lambda value: json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return environment


def explanation_html(explanation: dict) -> str:
    return _environment().get_template("explanation.html").render(e=explanation)


def export_html(document: dict) -> str:
    return _environment().get_template("export.html").render(d=document)
