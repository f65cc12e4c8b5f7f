"""Reading request bodies strictly: JSON only, UTF-8 only, with errors that say where."""

from __future__ import annotations

import functools
import json
from typing import Any

from flask import request
from jsonschema import Draft202012Validator

import jsonerrors
from hub.errors import InvalidInput
from hub.intake.validation import format_checker
from hub.web import inputs
from hub.web.problems import Problem


@functools.cache
def _validator(component: str) -> Draft202012Validator:
    """A validator for one of the served OpenAPI document's schemas, so what the API checks is what it documents."""
    from hub.web.api.openapi import spec

    components = spec()["components"]
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{component}", "components": components}, format_checker=format_checker
    )


def read_json(schema: str | None = None, *, secrets: tuple[str, ...] = ()) -> Any:
    """The request's JSON document, or a 415/400 problem naming what is wrong and where (422 for a number or
    string the hub cannot store, at its JSON pointer). With `schema` (a name under the OpenAPI document's
    components/schemas) the document must also match it; values under `secrets` pointers are never echoed."""
    document = _parse()
    if schema is not None:
        check_document(document, schema, secrets=secrets)
    return document


def check_document(document: Any, schema: str, *, secrets: tuple[str, ...] = ()) -> None:
    """Refuse a document that does not match the OpenAPI document's `schema`, every fault at its JSON pointer."""
    errors = jsonerrors.schema_errors(_validator(schema), document, secrets=secrets)
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s); each names its JSON pointer.", errors=errors)


def _parse() -> Any:
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise Problem(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            f"Send the body as application/json (got {mimetype or 'no Content-Type'}).",
        )
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Problem(
            400,
            "malformed-body",
            "Body is not UTF-8",
            f"Byte {error.start} is not valid UTF-8; JSON must be sent as UTF-8.",
        ) from None
    if not text.strip():
        raise Problem(400, "malformed-body", "Empty body", "Send an InterviewResult as a JSON object.")
    try:
        return inputs.loads(text)
    except json.JSONDecodeError as error:
        raise Problem(
            400,
            "malformed-json",
            "Malformed JSON",
            f"{error.msg} at line {error.lineno}, column {error.colno} (character {error.pos}).",
            line=error.lineno,
            column=error.colno,
        ) from None
    except RecursionError:
        raise Problem(
            400,
            "malformed-json",
            "JSON nested too deeply",
            "The document nests arrays or objects deeper than the parser allows.",
        ) from None
