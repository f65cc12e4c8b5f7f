"""JSON Schema validation with errors that name the JSON pointer and what was expected."""
from __future__ import annotations

import functools
import json
from datetime import date, datetime
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

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


def pointer(path) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def schema_errors(name_or_validator, instance: Any, *, limit: int = 50) -> list[dict]:
    """Every violation as {pointer, message}, unexpected properties each under their own pointer."""
    check = validator(name_or_validator) if isinstance(name_or_validator, str) else name_or_validator
    found: list[dict] = []
    for error in sorted(check.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        found.extend(_describe(error, instance))
        if len(found) >= limit:
            break
    return found[:limit]


def _describe(error: ValidationError, instance: Any) -> list[dict]:
    where = pointer(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [key for key in error.instance if key not in allowed]
        return [
            {"pointer": f"{where}/{pointer([key])[1:]}", "message": f"unknown field {key!r}; allowed here: {', '.join(sorted(allowed))}"}
            for key in extra
        ]
    if error.validator == "anyOf" and error.absolute_path == error.relative_path and not error.absolute_path:
        return [{"pointer": "", "message": "give either 'answers' (at least one) or 'scores'"}]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return [{"pointer": f"{where}/{missing}", "message": f"required field {missing!r} is missing"}]
    return [{"pointer": where, "message": _short(error)}]


def _short(error: ValidationError) -> str:
    message = error.message
    if len(message) > 300:
        message = message[:297] + "..."
    return message
