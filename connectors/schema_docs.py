"""Config reference tables in Markdown, generated from connector config schemas so the docs stay true.

`python -m connectors.schema_docs docs/connectors.md` rewrites every block between
`<!-- config-reference:TYPE -->` and `<!-- /config-reference:TYPE -->` from that type's config_schema.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re

from connectors.schema import same_level_subschemas

BLOCK = re.compile(
    r"(<!-- config-reference:(?P<type>[\w.-]+) -->\n)(?P<body>.*?)(<!-- /config-reference:(?P=type) -->)", re.DOTALL
)


def _type_text(schema: dict) -> str:
    if "enum" in schema:
        return " \\| ".join(f"`{json.dumps(value)}`" for value in schema["enum"])
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    return schema.get("type", "any")


def _rows(schema: dict, prefix: str = ""):
    required: set[str] = set()
    properties: dict[str, dict] = {}
    for subschema in same_level_subschemas(schema, conditionals=False):
        required.update(subschema.get("required", []))
        properties.update(subschema.get("properties", {}))
    for name, property_schema in properties.items():
        field = prefix + name
        default = (
            f"`{json.dumps(property_schema['default'], ensure_ascii=False)}`" if "default" in property_schema else ""
        )
        notes = []
        if name in required:
            notes.append("required")
        if property_schema.get("secret") or property_schema.get("writeOnly"):
            notes.append("secret")
        description = property_schema.get("description", "").replace("|", "\\|")
        yield f"| `{field}` | {_type_text(property_schema)} | {default} | {', '.join(notes)} | {description} |"
        if property_schema.get("properties"):
            yield from _rows(property_schema, field + ".")


def render_config_reference(schema: dict) -> str:
    """A Markdown table of every config field: name (dotted), type, default, required/secret, description."""
    lines = ["| field | type | default | notes | description |", "|---|---|---|---|---|"]
    lines.extend(_rows(schema))
    return "\n".join(lines) + "\n"


def update_document(text: str, schemas: dict[str, dict]) -> str:
    """`text` with each config-reference block regenerated; KeyError for a block naming an unknown type."""

    def replace(match: re.Match) -> str:
        return match.group(1) + render_config_reference(schemas[match.group("type")]) + match.group(4)

    return BLOCK.sub(replace, text)


def documented_types(text: str) -> list[str]:
    """The connector types that have a config-reference block in `text`."""
    return [match.group("type") for match in BLOCK.finditer(text)]


def main(argv: list[str] | None = None) -> None:
    from connectors.plugins import connector_types

    parser = argparse.ArgumentParser(description="Regenerate the config reference blocks of a Markdown file.")
    parser.add_argument("path", type=pathlib.Path, help="Markdown file, e.g. docs/connectors.md")
    arguments = parser.parse_args(argv)
    schemas = {type_name: cls.config_schema for type_name, cls in connector_types().items()}
    text = arguments.path.read_text(encoding="utf-8")
    arguments.path.write_text(update_document(text, schemas), encoding="utf-8")


if __name__ == "__main__":
    main()
