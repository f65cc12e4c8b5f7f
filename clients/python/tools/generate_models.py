"""Write hris_hub_client/models.py: TypedDicts generated from the JSON Schemas the hub publishes.

    python clients/python/tools/generate_models.py                 # from this checkout's schema files
    python clients/python/tools/generate_models.py --hub URL       # from a running hub's /api/v1/schemas/
    python clients/python/tools/generate_models.py --check         # exit 1 when models.py differs

The sources: `interview-result`, `decision` and `canonical-document` (GET /api/v1/schemas/NAME.json; in the
checkout hub/intake/schemas/*.json and mappings/schemas/canonical-document.schema.json with the plan and
attendance schemas it references), and the `Accepted` and `Problem` components of the OpenAPI document
(GET /api/v1/openapi.json; hub/web/openapi.yaml). Both give the same file: tests/clients/test_models.py checks
that the committed one is what either produces.

Standard library only (PyYAML too for the checkout's openapi.yaml). What JSON Schema says and a TypedDict cannot
(patterns, lengths, ranges, formats, combinations of required fields) is written in each field's comment; the
hub checks all of it and answers a 422 with the pointer.
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
import textwrap
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
TARGET = HERE.parent / "src" / "hris_hub_client" / "models.py"

# (class name, schema name at /api/v1/schemas/, file in the checkout)
SCHEMAS = (
    ("InterviewResult", "interview-result", "hub/intake/schemas/interview-result.json"),
    ("Decision", "decision", "hub/intake/schemas/decision.json"),
    ("CanonicalDocument", "canonical-document", "mappings/schemas/canonical-document.schema.json"),
)
# The files canonical-document.schema.json references (the hub serves them embedded under $defs).
REFERENCED_FILES = ("mappings/schemas/performance-plan.schema.json", "mappings/schemas/attendance-rule.schema.json")
OPENAPI_COMPONENTS = ("Accepted", "Problem")

SIMPLE = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}
# Written in each field's comment as the schema says them (a TypedDict cannot hold them).
CONSTRAINTS = (
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and len(name) > 1 else name + "Item"


def title_name(title: str) -> str:
    """'PerformancePlan (canonical)' -> 'PerformancePlan'."""
    return camel(re.sub(r"\(.*?\)", "", title))


def load_from_repo(root: Path = REPO) -> tuple[dict[str, dict], list[dict]]:
    """The schemas as this checkout holds them, and the files they reference."""
    import yaml

    schemas = {name: json.loads((root / path).read_text(encoding="utf-8")) for name, _, path in SCHEMAS}
    openapi = yaml.safe_load((root / "hub/web/openapi.yaml").read_text(encoding="utf-8"))
    for name in OPENAPI_COMPONENTS:
        schemas[name] = openapi["components"]["schemas"][name]
    extra = [json.loads((root / path).read_text(encoding="utf-8")) for path in REFERENCED_FILES]
    return schemas, extra


def load_from_hub(url: str) -> tuple[dict[str, dict], list[dict]]:
    """The schemas as a running hub publishes them (no key needed)."""

    def get(path: str) -> Any:
        with urllib.request.urlopen(url.rstrip("/") + path, timeout=30) as response:
            return json.loads(response.read())

    schemas = {name: get(f"/api/v1/schemas/{served}.json") for name, served, _ in SCHEMAS}
    components = get("/api/v1/openapi.json")["components"]["schemas"]
    for name in OPENAPI_COMPONENTS:
        schemas[name] = components[name]
    return schemas, []


class Generator:
    def __init__(self, schemas: dict[str, dict], extra: list[dict]):
        # Resources by base URI: (node, the name its types start with). A node with a `$id` of its own is one.
        self.resources: dict[str, tuple[dict, str]] = {}
        self.roots = []
        for name, schema in schemas.items():
            base = schema.get("$id") or f"urn:hris-hub:{name}"
            self._index(schema, base, name)
            self.roots.append((name, schema, base))
        for schema in extra:
            self._index(schema, schema["$id"], title_name(schema["title"]))
        self.blocks: dict[str, str] = {}  # name -> code, in the order they were met
        self.building: set[str] = set()

    def _index(self, node: Any, base: str, name: str | None = None) -> None:
        """Note every schema resource (the root, and each subschema with an `$id` of its own) by base URI."""
        if isinstance(node, dict):
            if isinstance(node.get("$id"), str):
                base = urljoin(base, node["$id"])
            if (name is not None or "$id" in node) and base not in self.resources:
                self.resources[base] = (node, name or title_name(node.get("title") or base))
            for key, value in node.items():
                if key not in ("enum", "const", "examples", "default"):
                    self._index(value, base)
        elif isinstance(node, list):
            for value in node:
                self._index(value, base)

    # -- references -------------------------------------------------------------------------------------------------

    def resolve(self, ref: str, base: str) -> tuple[dict, str, str, str]:
        """(node, its resource's base URI, the resource's name, the pointer in it)."""
        uri, fragment = urldefrag(urljoin(base, ref))
        if uri not in self.resources:
            raise SystemExit(f"cannot resolve $ref {ref!r} from {base}")
        node, name = self.resources[uri]
        for part in [p for p in fragment.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, uri, name, fragment

    # -- types ------------------------------------------------------------------------------------------------------

    def type_of(self, node: Any, name: str, base: str, where: str) -> str:
        if node is True or node == {}:
            return "Any"
        if not isinstance(node, dict):
            return "Any"
        if "$ref" in node:
            target, target_base, resource, fragment = self.resolve(node["$ref"], base)
            if self.is_simple(target, target_base):
                return self.type_of(target, name, target_base, where)
            ref_name = resource + camel(fragment.rsplit("/", 1)[-1]) if fragment else resource
            self.define(ref_name, target, target_base, f"{resource}#{fragment}" if fragment else resource)
            return ref_name
        if "const" in node:
            return f"Literal[{self.literal(node['const'])}]"
        if "enum" in node:
            values = [value for value in node["enum"] if value is not None]
            rendered = f"Literal[{', '.join(self.literal(v) for v in values)}]" if values else "None"
            return rendered + (" | None" if None in node["enum"] and values else "")
        types = node.get("type")
        if types is None and "properties" not in node and "additionalProperties" not in node:
            for combinator in ("anyOf", "oneOf"):
                if combinator in node:
                    members = [m for m in node[combinator] if self.is_typed(m)]
                    return self.union([self.type_of(m, name, base, where) for m in members]) if members else "Any"
            return "Any"
        if types is None:
            types = "object"
        if isinstance(types, list):
            return self.union([self.type_of({**node, "type": one}, name, base, where) for one in types])
        if types == "object":
            if node.get("properties"):
                self.define(name, node, base, where)
                return name
            extra = node.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return f"dict[str, {self.type_of(extra, name + 'Value', base, where + '/*')}]"
            return "dict[str, Any]"
        if types == "array":
            items = node.get("items")
            item = self.type_of(items, singular(name), base, where + "/*") if items is not None else "Any"
            return f"list[{item}]"
        return SIMPLE[types]

    def is_typed(self, node: Any) -> bool:
        """A member of anyOf/oneOf that says what a value is (not only which fields it requires)."""
        return isinstance(node, dict) and any(
            k in node for k in ("type", "$ref", "enum", "const", "anyOf", "oneOf", "properties")
        )

    def is_simple(self, node: dict, base: str) -> bool:
        """A schema whose type is written in place (str, a Literal) rather than given a name."""
        if "$ref" in node:
            target, target_base, _, _ = self.resolve(node["$ref"], base)
            return self.is_simple(target, target_base)
        if "enum" in node or "const" in node:
            return True
        types = node.get("type")
        types = types if isinstance(types, list) else [types]
        return all(t in SIMPLE for t in types) and not any(k in node for k in ("anyOf", "oneOf"))

    @staticmethod
    def literal(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)

    @staticmethod
    def union(members: list[str]) -> str:
        if "Any" in members:
            return "Any"
        unique = list(dict.fromkeys(members))
        if "None" in unique:  # `X | None` reads best with None last
            unique = [m for m in unique if m != "None"] + ["None"]
        return " | ".join(unique)

    # -- definitions ------------------------------------------------------------------------------------------------

    def define(self, name: str, node: dict, base: str, where: str) -> None:
        """Write the TypedDict (or alias) `name` for `node`, found at `where` (for its docstring)."""
        if name in self.blocks or name in self.building:
            return
        self.building.add(name)
        if node.get("properties") and node.get("type", "object") in ("object", ["object"]):
            code = self.typed_dict(name, node, base, where)
        else:
            # Unquoted, and no `from __future__ import annotations` in models.py: NotRequired in a string annotation
            # is not seen at run time on Python 3.11 (`__required_keys__` would list every field). A model is always
            # written after the models it uses, so no name is used before it exists.
            code = f"{name}: TypeAlias = {self.type_of(node, name, base, where)}"
            description = node.get("description")
            if description:
                code += "\n" + self.comment(description, "")
        self.blocks[name] = code
        self.building.discard(name)

    def typed_dict(self, name: str, node: dict, base: str, where: str) -> str:
        required = set(node.get("required", []))
        fields = []
        # In name order: the hub serves its schemas with sorted keys, and both sources must give one file.
        for key, child in sorted(node["properties"].items()):
            if not key.isidentifier() or keyword.iskeyword(key):
                raise SystemExit(f"{name}: property {key!r} cannot be a TypedDict field; extend the generator")
            child = child if isinstance(child, dict) else {}
            item_name = name + camel(key)
            annotation = self.type_of(child, item_name, base, f"{where}/{key}")
            if key not in required:
                annotation = f"NotRequired[{annotation}]"
            note = self.field_note(child, base)
            fields.append((self.comment(note, "    ") + "\n" if note else "") + f"    {key}: {annotation}")
        doc = node.get("description") or node.get("title") or f"The object at {where}."

        extras = []
        if node.get("additionalProperties") is not False:
            extras.append("other members are allowed")
        if any(k in node for k in ("anyOf", "oneOf", "allOf")):
            extras.append("the schema also combines required fields (anyOf/oneOf/allOf) that the hub checks")
        if extras:
            doc = doc.rstrip(".") + ". JSON Schema: " + "; ".join(extras) + "."
        body = "\n\n".join([self.docstring(doc), "\n".join(fields)])
        return f"class {name}(TypedDict):\n{body}"

    def field_note(self, node: dict, base: str) -> str:
        parts = []
        if node.get("description"):
            parts.append(node["description"].rstrip("."))
        if "$ref" in node:
            target, target_base, _, _ = self.resolve(node["$ref"], base)
            if self.is_simple(target, target_base):
                parts.append(self.field_note(target, target_base))
        limits = [f"{key} {json.dumps(node[key], ensure_ascii=False)}" for key in CONSTRAINTS if key in node]
        if limits:
            parts.append("; ".join(limits))
        return ". ".join(p for p in parts if p)

    @staticmethod
    def comment(text: str, indent: str) -> str:
        return "\n".join(
            textwrap.wrap(
                text,
                116 - len(indent),
                initial_indent=indent + "# ",
                subsequent_indent=indent + "# ",
                break_on_hyphens=False,
                break_long_words=False,
            )
        )

    @staticmethod
    def docstring(text: str) -> str:
        text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        lines = textwrap.wrap(text, 112, break_on_hyphens=False, break_long_words=False)
        if len(lines) == 1:
            return f'    """{lines[0]}"""'
        return '    """' + "\n    ".join(lines) + '\n    """'

    def render(self) -> str:
        for name, schema, base in self.roots:
            self.define(name, schema, base, name + "#")
        names = list(self.blocks)
        header = [
            '"""Typed models of the hub\'s published JSON Schemas (GENERATED: do not edit).',
            "",
            "Made by clients/python/tools/generate_models.py from /api/v1/schemas/ (interview-result, decision,",
            "canonical-document) and the Accepted and Problem components of /api/v1/openapi.json;",
            "tests/clients/test_models.py fails when this file and the schemas drift apart. Run the script again after",
            "a schema changes.",
            '"""',
            "",
            "from typing import Any, Literal, NotRequired, TypeAlias, TypedDict",
            "",
            "__all__ = [",
            *[f'    "{name}",' for name in sorted(names)],
            "]",
        ]
        return "\n".join(header) + "\n\n\n" + "\n\n\n".join(self.blocks[name] for name in names) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", help="a running hub's base URL, to read the schemas it serves")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 when models.py differs")
    parser.add_argument("--output", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    schemas, extra = load_from_hub(args.hub) if args.hub else load_from_repo()
    code = Generator(schemas, extra).render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != code:
            sys.stderr.write(f"{args.output} is not what the schemas give: run {Path(__file__).name} again\n")
            return 1
        return 0
    args.output.write_text(code, encoding="utf-8")
    return 0


def generate(schemas: dict[str, dict], extra: list[dict]) -> str:
    """The text of models.py for these schemas (the tests call this)."""
    return Generator(schemas, extra).render()


if __name__ == "__main__":
    sys.exit(main())
