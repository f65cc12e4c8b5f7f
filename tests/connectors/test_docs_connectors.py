"""docs/connectors.md's config reference matches the built-in connectors' config schemas."""

from __future__ import annotations

import pathlib

from connectors.plugins import connector_types
from connectors.schema_docs import (
    documented_types,
    render_config_reference,
    update_document,
)

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "connectors.md"


def test_every_built_in_type_has_a_config_reference():
    assert {"rest", "soap", "csv"} <= set(documented_types(DOCS.read_text(encoding="utf-8")))


def test_the_config_reference_is_up_to_date():
    text = DOCS.read_text(encoding="utf-8")
    schemas = {type_name: cls.config_schema for type_name, cls in connector_types().items()}
    assert update_document(text, schemas) == text, (
        "docs/connectors.md is out of date: run `python -m connectors.schema_docs docs/connectors.md`"
    )


def test_the_reference_lists_every_field_and_marks_secrets():
    table = render_config_reference(connector_types()["rest"].config_schema)
    assert "| `auth.client_secret` | string |  | secret |" in table
    assert "| `base_url` | string |  | required |" in table
    assert "| `timeouts.read` | number | `30` |" in table
