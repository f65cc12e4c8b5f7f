"""JSON Schema validation with errors that name the JSON pointer and what was expected."""

from __future__ import annotations

import functools
import json
import threading
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
    """Every violation as {pointer, message}, unexpected properties each under their own pointer.

    A compiled (Rust, jsonschema-rs) twin of the schema, with the same two format checks, answers first: what it
    passes is valid and costs a few microseconds; only what it refuses goes through jsonschema, whose errors are
    the ones reported (so a document the twin refuses and jsonschema accepts is accepted, with no errors)."""
    check = validator(name_or_validator) if isinstance(name_or_validator, str) else name_or_validator
    fast = fast_check(check)
    if fast is not None and fast(instance):
        return []
    return jsonerrors.schema_errors(check, instance, limit=limit, explain=_explain)


def _passes(check) -> Any:
    """A format check for jsonschema-rs: the same function as jsonschema's, False where it raises."""

    def passes(value: str) -> bool:
        try:
            return bool(check(value))
        except ValueError:
            return False

    return passes


RS_FORMATS = {"date-time": _passes(_is_datetime), "date": _passes(_is_date)}
_fast: dict[int, tuple[Draft202012Validator, Any]] = {}
_fast_lock = threading.Lock()


def fast_check(check: Draft202012Validator):
    """`is_valid` of the compiled twin of `check`'s schema (built once per validator), or None where none can be
    built (jsonschema alone then decides, with the same answers)."""
    key = id(check)
    with _fast_lock:
        cached = _fast.get(key)
    if cached is not None and cached[0] is check:
        return cached[1]
    compiled = _compile_fast(check)
    with _fast_lock:
        if len(_fast) > 256:
            _fast.clear()
        _fast[key] = (check, compiled)  # holding the validator keeps its id from being reused
    return compiled


def _formats(schema: Any) -> set[str]:
    """Every `format` a schema names, at any depth."""
    found: set[str] = set()
    if isinstance(schema, dict):
        if isinstance(schema.get("format"), str):
            found.add(schema["format"])
        for value in schema.values():
            found |= _formats(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _formats(value)
    return found


def _compile_fast(check: Draft202012Validator):
    if check.format_checker is not None and _formats(check.schema) - set(RS_FORMATS):
        return None  # a format the twin might check differently: jsonschema alone
    try:
        import jsonschema_rs

        compiled = jsonschema_rs.validator_for(
            check.schema, formats=RS_FORMATS, validate_formats=check.format_checker is not None
        )
    except Exception:  # noqa: BLE001 - an optional speed-up: a schema the twin cannot compile is checked by jsonschema
        return None

    def is_valid(instance: Any) -> bool:
        try:
            return bool(compiled.is_valid(instance))
        except Exception:  # noqa: BLE001 - e.g. a value that is not JSON: jsonschema decides
            return False

    return is_valid


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
