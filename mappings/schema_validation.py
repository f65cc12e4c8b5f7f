"""JSON Schema (draft 2020-12) loading and validation that reports one error as a JSON pointer and an expectation."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError, best_match, relevance
from referencing import Registry, Resource

import jsonerrors

SCHEMAS_DIR = Path(__file__).parent / "schemas"


@dataclass(frozen=True)
class SchemaViolation:
    """The most relevant violation: where it is and what was expected there."""

    pointer: str
    message: str


def _describe_alternative(schema: Any) -> str:
    """A short phrase for one alternative of an anyOf/oneOf."""
    if not isinstance(schema, dict):
        return "anything" if schema else "nothing"
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1].removesuffix(".json")
        return "a parameter reference {param: name}" if name == "param_ref" else name.replace("_", " ")
    if "required" in schema:
        return "an object with " + ", ".join(repr(name) for name in schema["required"])
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(option, ensure_ascii=False) for option in schema["enum"])
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return " or ".join(f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}" for kind in kinds)
    return "a value matching the schema"


def _expectation(error: ValidationError) -> str:
    """Phrase what the schema expected at the error's location."""
    value = error.validator_value
    phrases = {
        "type": lambda: f"expected a value of type {' or '.join(value) if isinstance(value, list) else value}",
        "required": lambda: "expected the required properties " + ", ".join(repr(name) for name in value),
        "enum": lambda: "expected one of " + ", ".join(json.dumps(option, ensure_ascii=False) for option in value),
        "const": lambda: "expected " + json.dumps(value, ensure_ascii=False),
        "pattern": lambda: f"expected a string matching {value!r}",
        "minimum": lambda: f"expected a number >= {value}",
        "maximum": lambda: f"expected a number <= {value}",
        "exclusiveMinimum": lambda: f"expected a number > {value}",
        "exclusiveMaximum": lambda: f"expected a number < {value}",
        "additionalProperties": lambda: "expected only the properties the schema declares",
        "minItems": lambda: f"expected at least {value} items",
        "maxItems": lambda: f"expected at most {value} items",
        "minLength": lambda: f"expected at least {value} characters",
        "uniqueItems": lambda: "expected unique items",
        "format": lambda: f"expected the format {value}",
        "anyOf": lambda: "expected " + "; or ".join(_describe_alternative(option) for option in value),
        "oneOf": lambda: "expected exactly one of: " + "; ".join(_describe_alternative(option) for option in value),
    }
    phrase = phrases.get(error.validator)
    return phrase() if phrase else f"expected to satisfy {error.validator!r} of the schema"


def _relevance_without_position(error: ValidationError) -> tuple:
    """jsonschema's relevance minus its preference for later siblings, so the input order decides ties."""
    depth, _position, *rest = relevance(error)
    return (depth, *rest)


def describe_kind(value: Any) -> str:
    """What a value is, without showing it: 'a string of 31 characters', 'an object', 'a list of 3 items'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return f"an object with {len(value)} properties"
    return f"a {type(value).__name__}"


def first_violation(
    validator: Draft202012Validator, instance: Any, *, quote_values: bool = True
) -> SchemaViolation | None:
    """Return the most relevant violation of instance against the validator's schema, or None.

    With quote_values=False the message says what was expected and what kind of value was found, never the value
    itself: loaders use it, so a file that is not a mapping (a key file, /etc/passwd) is never echoed.
    """
    fast = fast_check(validator)
    if fast is not None and fast(instance):
        return None  # valid: the Rust validator says so in microseconds; jsonschema only explains a violation
    # Sorted by location so that, among equally relevant errors, the first in the document is reported.
    errors = sorted(
        validator.iter_errors(instance),
        key=lambda error: [(isinstance(part, str), part) for part in error.absolute_path],
    )
    error = best_match(errors, key=_relevance_without_position)
    if error is None:
        return None
    if not quote_values:
        return SchemaViolation(
            jsonerrors.pointer(error.absolute_path), f"{_expectation(error)}; found {describe_kind(error.instance)}"
        )
    return SchemaViolation(jsonerrors.pointer(error.absolute_path), f"{error.message} ({_expectation(error)})")


_fast: dict[int, tuple[Draft202012Validator, Any]] = {}
_fast_lock = threading.Lock()


def fast_check(validator: Draft202012Validator):
    """`is_valid` of a compiled (Rust, jsonschema-rs) twin of the validator's schema, built once per validator (a
    schema file's validator lives as long as that version of the file), or None where it cannot be built. Used
    only to pass what is valid: a violation is always described by jsonschema itself, so messages do not change,
    and an instance the twin refuses that jsonschema accepts is accepted."""
    key = id(validator)
    with _fast_lock:
        cached = _fast.get(key)
    if cached is not None and cached[0] is validator:
        return cached[1]
    check = _compile_fast(validator)
    with _fast_lock:
        if len(_fast) > 256:
            _fast.clear()
        _fast[key] = (validator, check)  # holding the validator keeps its id from being reused
    return check


def _compile_fast(validator: Draft202012Validator):
    try:
        import jsonschema_rs
    except ImportError:  # an optional speed-up: jsonschema alone gives the same answers
        return None
    try:
        compiled = jsonschema_rs.Draft202012Validator(
            validator.schema,
            registry=jsonschema_rs.Registry(_packaged_resources()),
            validate_formats=validator.format_checker is not None,
        )
    except Exception:  # noqa: BLE001 - a schema the twin cannot compile is checked by jsonschema alone
        return None

    def is_valid(instance: Any) -> bool:
        try:
            return compiled.is_valid(instance)
        except Exception:  # noqa: BLE001 - e.g. a value that is not JSON (a date from YAML): jsonschema decides
            return False

    return is_valid


@lru_cache(maxsize=1)
def _packaged_resources() -> tuple[tuple[str, Any], ...]:
    resources = []
    for path in sorted(SCHEMAS_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in schema:
            resources.append((schema["$id"], schema))
    return tuple(resources)


@lru_cache(maxsize=1)
def _packaged_registry() -> Registry:
    """All shipped schemas by $id, so a schema may $ref another one by its file name."""
    resources = []
    for path in sorted(SCHEMAS_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in schema:
            resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@lru_cache(maxsize=64)
def _validator_for(path: Path, mtime: float) -> Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(
        schema, registry=_packaged_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def load_validator(path: Path) -> Draft202012Validator:
    """Return a validator for the schema file at path (cached until the file changes).

    Raises ValueError naming the file when it is not JSON or not a valid draft 2020-12 schema.
    """
    path = Path(path).resolve()
    try:
        return _validator_for(path, path.stat().st_mtime)
    except OSError as error:
        raise ValueError(f"schema {path}: cannot read it ({error.strerror})") from error
    except json.JSONDecodeError as error:
        raise ValueError(f"schema {path}:{error.lineno}: not valid JSON ({error.msg})") from None
    except SchemaError as error:
        # The metaschema keyword it breaks, not jsonschema's message: that would quote the file.
        raise ValueError(
            f"schema {path} at {jsonerrors.pointer(error.absolute_path)}: not a valid draft 2020-12 schema "
            f"(fails the metaschema's {error.validator!r})"
        ) from None


def packaged_validator(file_name: str) -> Draft202012Validator:
    """Return the validator for a schema shipped in mappings/schemas."""
    return load_validator(SCHEMAS_DIR / file_name)
