"""JSON pointers and JSON Schema errors as people read them: one helper of each, for the hub and the libraries.

A leaf package: it imports none of ours, so `hub`, `connectors`, `mappings` and `scoring_engine` may all use it.
Errors are read from jsonschema's structured fields (`validator`, `validator_value`, `instance`, paths), never
parsed out of its English messages."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from jsonpointer import JsonPointer
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

__all__ = ["pointer", "parts", "schema_errors", "describe", "MESSAGE_LIMIT"]

MESSAGE_LIMIT = 300  # characters of one error message; a long enum or a huge echoed value is cut


def pointer(path: Iterable[Any]) -> str:
    """The RFC 6901 pointer for a sequence of keys and indexes ("" is the whole document)."""
    return JsonPointer.from_parts([str(part) for part in path]).path


def parts(text: str) -> list[str]:
    """The keys of an RFC 6901 pointer, unescaped."""
    return JsonPointer(text).parts if text else []


def _short(message: str) -> str:
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 3] + "..."


def _under(where: str, prefixes: Iterable[str]) -> bool:
    return any(where == prefix or where.startswith(prefix + "/") for prefix in prefixes)


def describe(error: ValidationError, *, secrets: Iterable[str] = ()) -> list[dict[str, str]]:
    """One error as {pointer, message} items: a missing field at its own pointer, each unknown field at its own,
    and a value under a secret pointer never echoed."""
    where = pointer(error.absolute_path)
    instance = error.instance
    if error.validator == "required" and isinstance(instance, dict):
        return [
            {"pointer": where + pointer([name]), "message": f"required field {name!r} is missing"}
            for name in error.validator_value
            if name not in instance
        ]
    if error.validator == "additionalProperties" and isinstance(instance, dict) and error.validator_value is False:
        allowed = set(error.schema.get("properties", {}))
        patterns = error.schema.get("patternProperties", {})
        extra = [key for key in instance if key not in allowed and not patterns]
        if extra:
            listed = ", ".join(sorted(allowed)) or "none"
            return [
                {"pointer": where + pointer([key]), "message": f"unknown field {key!r}; allowed here: {listed}"}
                for key in extra
            ]
    if _under(where, secrets):
        return [
            {
                "pointer": where,
                "message": f"invalid secret value (not shown): fails {error.validator!r} "
                f"{_short(repr(error.validator_value))}",
            }
        ]
    return [{"pointer": where, "message": _short(error.message)}]


Explain = Callable[[ValidationError], "list[dict[str, str]] | None"]


def schema_errors(
    validator: Validator, instance: Any, *, secrets: Iterable[str] = (), limit: int = 50, explain: Explain | None = None
) -> list[dict[str, str]]:
    """Every violation of `instance` as {pointer, message}, in document order, without repeats, at most `limit`.
    `explain` may word an error the caller knows better (it returns None to leave it to `describe`)."""
    secrets = list(secrets)
    found: dict[tuple[str, str], None] = {}
    ordered = sorted(validator.iter_errors(instance), key=lambda e: ([str(p) for p in e.absolute_path], e.message))
    for error in ordered:
        items = explain(error) if explain else None
        for item in items if items is not None else describe(error, secrets=secrets):
            found[(item["pointer"], item["message"])] = None
        if len(found) >= limit:
            break
    return [{"pointer": where, "message": message} for where, message in list(found)[:limit]]
