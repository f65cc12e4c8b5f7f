"""YAML data files validated by JSON Schema, with errors that name the file, the line or the JSON pointer."""

from __future__ import annotations

import json

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

import jsonerrors
import safeyaml
from scoring_engine.errors import InvalidInput


def fail(source: str, pointer: str, message: str):
    """Raise InvalidInput naming the file and the JSON pointer."""
    raise InvalidInput(f"{source}: {pointer or '/'}: {message}", pointer=pointer)


def parse_yaml(text: str, source: str):
    """Safe-load YAML text, or InvalidInput naming the line and column."""
    try:
        return safeyaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InvalidInput(f"{source}:{where}: not valid YAML ({getattr(error, 'problem', error)})") from None


def check_schema(validator: Draft202012Validator, data, source: str) -> None:
    """InvalidInput for the most relevant schema violation, with its pointer and what was expected."""
    error = best_match(validator.iter_errors(data))
    if error is not None:
        expected = f"expected {error.validator} {json.dumps(error.validator_value, ensure_ascii=False)[:120]}"
        fail(source, jsonerrors.pointer(error.absolute_path), f"{error.message} ({expected})")
