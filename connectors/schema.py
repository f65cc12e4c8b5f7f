"""JSON Schema helpers for connector configs: validation with pointers, defaults, secret fields."""

from __future__ import annotations

import copy
import threading
from typing import Any, Iterator

from jsonschema import Draft202012Validator

import jsonerrors
from connectors.errors import ConfigError, PermanentDeliveryError

MASK = "********"


def tls_properties(peer: str) -> dict:
    """Config properties for TLS verification, shared by connector types that speak HTTPS."""
    return {
        "verify_tls": {
            "type": "boolean",
            "default": True,
            "description": f"Verify the {peer}'s TLS certificate; turn off only for testing.",
        },
        "ca_bundle": {
            "type": "string",
            "minLength": 1,
            "description": "Path to a PEM file of CA certificates to trust instead of the system's.",
        },
    }


_SUBSCHEMA_KEYWORDS = ("allOf", "anyOf", "oneOf")
_CONDITIONAL_KEYWORDS = ("if", "then", "else")


def same_level_subschemas(schema: dict, conditionals: bool = True) -> Iterator[dict]:
    """Yield the schema and every subschema that applies to the same instance (allOf, if/then...)."""
    yield schema
    for keyword in _SUBSCHEMA_KEYWORDS:
        for subschema in schema.get(keyword, []):
            yield from same_level_subschemas(subschema, conditionals)
    if not conditionals:
        return
    for keyword in _CONDITIONAL_KEYWORDS:
        if isinstance(schema.get(keyword), dict):
            yield from same_level_subschemas(schema[keyword], conditionals)


def _is_secret(property_schema: dict) -> bool:
    return bool(property_schema.get("secret") or property_schema.get("writeOnly"))


def secret_pointers(schema: dict, _prefix: str = "") -> list[str]:
    """JSON pointers of every field marked `"secret": true` or `"writeOnly": true`."""
    pointers: list[str] = []
    for subschema in same_level_subschemas(schema):
        for name, property_schema in subschema.get("properties", {}).items():
            pointer = _prefix + jsonerrors.pointer([name])
            if _is_secret(property_schema):
                pointers.append(pointer)
            else:
                pointers.extend(secret_pointers(property_schema, pointer))
    return list(dict.fromkeys(pointers))


def _resolve_parent(document: Any, pointer: str) -> tuple[Any, str] | None:
    parts = jsonerrors.parts(pointer)
    node = document
    for part in parts[:-1]:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if not isinstance(node, dict) or parts[-1] not in node:
        return None
    return node, parts[-1]


def mask_secrets(schema: dict, config: dict) -> dict:
    """A copy of `config` with every secret value replaced by "********"."""
    masked = copy.deepcopy(config)
    for pointer in _compiled_for(schema)[1]:
        found = _resolve_parent(masked, pointer)
        if found is None:
            continue
        parent, key = found
        if parent[key] is None:
            continue
        if isinstance(parent[key], dict):
            parent[key] = {name: MASK for name in parent[key]}
        else:
            parent[key] = MASK
    return masked


def secret_values(schema: dict, config: dict) -> list[str]:
    """The secret strings in `config`, for masking them wherever they show up in text."""
    values: list[str] = []
    for pointer in _compiled_for(schema)[1]:
        found = _resolve_parent(config, pointer)
        if found is None:
            continue
        parent, key = found
        value = parent[key]
        candidates = value.values() if isinstance(value, dict) else [value]
        values.extend(str(candidate) for candidate in candidates if candidate not in (None, ""))
    return values


def apply_defaults(schema: dict, config: dict) -> dict:
    """A copy of `config` with the schema's `default` values filled in, nested objects too."""
    result = copy.deepcopy(config)
    _fill_defaults(schema, result)
    return result


def _fill_defaults(schema: dict, instance: dict) -> None:
    # Defaults under if/then/else are skipped: they would apply whether or not the condition holds.
    for subschema in same_level_subschemas(schema, conditionals=False):
        for name, property_schema in subschema.get("properties", {}).items():
            if name not in instance and "default" in property_schema:
                instance[name] = copy.deepcopy(property_schema["default"])
            if isinstance(instance.get(name), dict):
                _fill_defaults(property_schema, instance[name])


def _under_secret(pointer: str, secrets: list[str]) -> bool:
    return any(pointer == secret or pointer.startswith(secret + "/") for secret in secrets)


_compiled: dict[int, tuple[dict, str, Draft202012Validator, list[str]]] = {}
_compiled_lock = threading.Lock()
COMPILED_LIMIT = 256  # schemas kept compiled; connector types declare a handful each


def _compiled_for(schema: dict) -> tuple[Draft202012Validator, list[str]]:
    """The validator and secret pointers of a schema, built once per schema (a connector type's config or payload
    schema is the same object on every call) and again when the schema object was changed since."""
    key, fingerprint = id(schema), repr(schema)
    with _compiled_lock:
        cached = _compiled.get(key)
        if cached is not None and cached[0] is schema and cached[1] == fingerprint:
            return cached[2], cached[3]
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    pointers = secret_pointers(schema)
    with _compiled_lock:
        if len(_compiled) >= COMPILED_LIMIT:
            _compiled.clear()
        _compiled[key] = (schema, fingerprint, validator, pointers)  # holding the schema keeps its id unique
    return validator, pointers


def schema_errors(schema: dict, config: Any) -> list[dict]:
    """Every violation of `schema` by `config` as {pointer, message}, secret values never echoed."""
    validator, pointers = _compiled_for(schema)
    if validator.is_valid(config):
        return []
    return jsonerrors.schema_errors(validator, config, secrets=pointers, limit=200)


def format_errors(errors: list[dict]) -> str:
    """'pointer: message; ...' for a list of {pointer, message}."""
    return "; ".join(f"{error['pointer'] or '/'}: {error['message']}" for error in errors)


def validate(schema: dict, config: Any, what: str) -> dict:
    """Validate `config` against `schema`; return it with defaults filled, or raise ConfigError listing every error."""
    errors = schema_errors(schema, config)
    if errors:
        raise ConfigError(
            f"invalid {what} config: {format_errors(errors)}", pointer=errors[0]["pointer"], errors=errors
        )
    return apply_defaults(schema, config)


def require_payload_shape(schema: dict, payload: Any, what: str) -> None:
    """Raise PermanentDeliveryError listing every way `payload` breaks `schema` (a mapping error, never retried)."""
    errors = schema_errors(schema, payload)
    if errors:
        raise PermanentDeliveryError(f"{what} cannot be sent: {format_errors(errors)}")
