"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API."""
from __future__ import annotations

import functools
from importlib import resources

import yaml
from flask import jsonify

from hub.intake.validation import load_schema
from hub.web.api import api


@functools.cache
def spec() -> dict:
    document = yaml.safe_load(resources.files("hub.web").joinpath("openapi.yaml").read_text(encoding="utf-8"))
    for name, title in (("interview-result", "InterviewResult"), ("decision", "Decision")):
        schema = dict(load_schema(name))
        schema.pop("$schema", None)
        document["components"]["schemas"][title] = schema
    return document


@api.get("/openapi.json")
def openapi_json():
    """This API as OpenAPI 3.1."""
    return jsonify(spec())
