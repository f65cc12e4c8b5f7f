"""JSON Schema validation with errors that name the JSON pointer and what was expected."""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

import jsonerrors

format_checker = FormatChecker()


@format_checker.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("a date-time needs a UTC offset, e.g. 2026-11-20T09:30:00+08:00")
    return True


@format_checker.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if isinstance(value, str):
        if len(value) != 10:
            raise ValueError("expected a date as YYYY-MM-DD")
        date.fromisoformat(value)
    return True


@functools.cache
def load_schema(name: str) -> dict:
    """A schema shipped in hub/schemas, by file stem (e.g. 'interview-result')."""
    return json.loads(resources.files("hub.intake.schemas").joinpath(f"{name}.json").read_text(encoding="utf-8"))


@functools.cache
def validator(name: str) -> Draft202012Validator:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=format_checker)


def schema_errors(name_or_validator, instance: Any, *, limit: int = 50) -> list[dict]:
    """Every violation as {pointer, message}, unexpected properties each under their own pointer."""
    check = validator(name_or_validator) if isinstance(name_or_validator, str) else name_or_validator
    return jsonerrors.schema_errors(check, instance, limit=limit, explain=_explain)


def _explain(error: ValidationError) -> list[dict] | None:
    if error.validator == "anyOf" and not error.absolute_path and not error.relative_path:
        # The result schema's top-level anyOf: say what it asks for instead of jsonschema's generic sentence.
        return [{"pointer": "", "message": "give either 'answers' (at least one) or 'scores'"}]
    path = list(error.absolute_path)
    if error.validator == "oneOf" and len(path) == 2 and path[0] == "answers" and isinstance(error.instance, dict):
        where = jsonerrors.pointer(path)
        if "text" in error.instance and "code" in error.instance:
            return [{"pointer": where, "message": "give either 'text' or 'code', not both"}]
        if "text" not in error.instance and "code" not in error.instance:
            return [
                {
                    "pointer": where + "/text",
                    "message": "required field 'text' (or 'code' for a coding task) is missing",
                }
            ]
        wanted = "python" if "code" in error.instance else "zh or en"
        return [{"pointer": where + "/language", "message": f"expected {wanted} for this kind of answer"}]
    return None
