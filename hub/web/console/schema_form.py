"""HTML form fields generated from a connector type's JSON Schema, and the form read back into a config.

Each field is named by the JSON pointer of its value inside the config (`/auth/token`), so an error the server
reports at `/config/auth/token` is shown beside the field it belongs to. What the schema describes plainly becomes a
plain control: an enum a select, a boolean a yes/no select (blank keeps the type's default), a number a numeric
field, a string a text field, a list of strings or numbers a text area with one item per line. Anything richer (a
list of objects, a free-form object) is a JSON text area. Secrets (`"secret": true`) are password fields that are
never filled in: left empty on an edit, the stored secret is kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import jsonerrors
from connectors.schema import MASK


@dataclass
class Field:
    pointer: str  # of the value inside the config, e.g. /auth/token
    label: str
    control: str  # text, number, password, select, boolean, lines, json, group
    description: str = ""
    required: bool = False
    value: str = ""
    options: list[str] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    has_stored_secret: bool = False
    depth: int = 0

    @property
    def name(self) -> str:
        return "config" + self.pointer

    @property
    def dom_id(self) -> str:
        return "f-" + "".join(ch if ch.isalnum() else "-" for ch in self.pointer.strip("/"))


def _scalar_items(schema: dict) -> str | None:
    items = schema.get("items") if schema.get("type") == "array" else None
    if isinstance(items, dict) and items.get("type") in ("string", "integer", "number") and "enum" not in items:
        return str(items["type"])
    return None


def _control(schema: dict) -> str:
    if "enum" in schema:
        return "select"
    kind = schema.get("type")
    if kind == "object" and isinstance(schema.get("properties"), dict):
        return "group"
    if kind == "boolean":
        return "boolean"
    if kind in ("integer", "number"):
        return "number"
    if kind == "string":
        return "password" if schema.get("secret") else "text"
    if _scalar_items(schema):
        return "lines"
    return "json"


def _shown(control: str, value: Any) -> str:
    """The value as the control shows it (secrets are never shown)."""
    if value is None or control in ("password", "group"):
        return ""
    if control == "boolean":
        return "true" if value is True else "false" if value is False else ""
    if control == "lines":
        return "\n".join(str(item) for item in value) if isinstance(value, list) else ""
    if control == "json":
        return json.dumps(value, ensure_ascii=False, indent=2)
    return str(value)


def fields(schema: dict, values: dict | None, *, path: tuple[str, ...] = (), depth: int = 0) -> list[Field]:
    """The form fields of an object schema, filled from `values` (a masked config view, or what was typed)."""
    values = values if isinstance(values, dict) else {}
    required = set(schema.get("required") or ())
    found = []
    for key, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        pointer = jsonerrors.pointer([*path, key])
        control = _control(sub)
        value = values.get(key)
        item = Field(
            pointer=pointer,
            label=key,
            control=control,
            description=str(sub.get("description") or ""),
            required=key in required,
            value=_shown(control, value),
            options=[str(option) for option in sub.get("enum") or ()],
            has_stored_secret=control == "password" and value not in (None, ""),
            depth=depth,
        )
        if control == "group":
            item.children = fields(sub, value if isinstance(value, dict) else {}, path=(*path, key), depth=depth + 1)
        found.append(item)
    return found


class FormProblems(ValueError):
    """Values typed into the form that are not of their field's kind; each at its pointer under /config."""

    def __init__(self, errors: list[dict], config: dict):
        self.errors = errors
        self.config = config  # what could be read, to show the form again as it was typed
        super().__init__(f"{len(errors)} problem(s)")


def _number(raw: str, kind: str) -> int | float:
    if kind == "integer":
        return int(raw)
    number = float(raw)
    return int(number) if number.is_integer() and "." not in raw and "e" not in raw.lower() else number


def read(schema: dict, form, *, path: tuple[str, ...] = (), errors: list[dict] | None = None) -> dict:
    """The config a submitted form describes: empty fields are left out (so the type's defaults apply, and an
    empty secret keeps the stored one on an edit). Raises FormProblems naming each field that cannot be read."""
    top = errors is None
    errors = [] if errors is None else errors
    config: dict[str, Any] = {}
    for key, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        pointer = jsonerrors.pointer([*path, key])
        control = _control(sub)
        if control == "group":
            nested = read(sub, form, path=(*path, key), errors=errors)
            if nested:
                config[key] = nested
            continue
        raw = str(form.get("config" + pointer, "")).strip()
        if raw == "":
            continue
        try:
            if control == "boolean":
                config[key] = raw == "true"
            elif control == "number":
                config[key] = _number(raw, str(sub.get("type")))
            elif control == "lines":
                kind = _scalar_items(sub)
                items = [line.strip() for line in raw.splitlines() if line.strip()]
                config[key] = [_number(item, str(kind)) for item in items] if kind != "string" else items
            elif control == "json":
                config[key] = json.loads(raw)
            elif (
                control == "select" and isinstance(sub["enum"][0], int | float) and not isinstance(sub["enum"][0], bool)
            ):
                config[key] = _number(raw, "number")
            else:
                config[key] = raw
        except ValueError:
            expected = {
                "number": f"a number ({sub.get('type')})",
                "lines": f"one {_scalar_items(sub)} per line",
                "json": "JSON",
            }.get(control, "a value")
            errors.append({"pointer": "/config" + pointer, "message": f"not {expected}: {raw[:60]!r}"})
    if top and errors:
        raise FormProblems(errors, config)
    return config


def keep_secrets(schema: dict, typed: dict, stored_view: dict) -> dict:
    """`typed` with every secret the form left empty marked to keep its stored value (the mask), where the stored
    config (its masked view) has one; connector_admin.update(replace_config=True) puts the stored secret back."""
    kept = dict(typed)
    for key, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        if _control(sub) == "group" and isinstance(stored_view.get(key), dict):
            nested = keep_secrets(sub, typed.get(key) or {}, stored_view[key])
            if nested and (key in typed or any(v == MASK for v in nested.values())):
                kept[key] = nested
        elif sub.get("secret") and kept.get(key) in (None, "") and stored_view.get(key) not in (None, ""):
            kept[key] = MASK
    return kept


def errors_by_field(errors: list[dict]) -> tuple[dict[str, list[str]], list[dict]]:
    """Problems keyed by the pointer of a field (under /config or a top-level field); the rest, unplaced."""
    placed: dict[str, list[str]] = {}
    unplaced = []
    for error in errors:
        where = str(error.get("pointer") or "")
        if where:
            placed.setdefault(where, []).append(str(error.get("message")))
        else:
            unplaced.append(error)
    return placed, unplaced
