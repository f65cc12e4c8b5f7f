"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml
from flask import jsonify

from hub.fairness import categories
from hub.intake.validation import load_schema
from hub.web.api import api


def _rebased(node: Any, base: str) -> Any:
    """A copy of a JSON Schema whose `#/...` references point at the same place once it sits at `base`."""
    if isinstance(node, dict):
        return {
            key: base + value[1:]
            if key == "$ref" and isinstance(value, str) and value.startswith("#/")
            else _rebased(value, base)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rebased(value, base) for value in node]
    return node


@functools.cache
def spec() -> dict:
    """The document: openapi.yaml with the request schemas the API validates against set into its components.
    Their `$id` goes (a base URI of their own would make tools resolve `#/...` against the schema file) and
    their `#/$defs/...` references are rebased onto `#/components/schemas/<Title>/$defs/...`."""
    document = yaml.safe_load(resources.files("hub.web").joinpath("openapi.yaml").read_text(encoding="utf-8"))
    for name, title in (("interview-result", "InterviewResult"), ("decision", "Decision")):
        schema = {key: value for key, value in load_schema(name).items() if key not in ("$schema", "$id")}
        document["components"]["schemas"][title] = _rebased(schema, f"#/components/schemas/{title}")
    document["components"]["schemas"]["Demographics"] = categories.json_schema()  # from the category-set files
    from hub.rights.reviews import SCHEMA as review_schema

    document["components"]["schemas"]["Review"] = {k: v for k, v in review_schema.items() if k != "$schema"}
    return document


@api.get("/openapi.json")
def openapi_json():
    """This API as OpenAPI 3.1."""
    return jsonify(spec())
