"""Target mappings: load a mapping YAML and render a canonical document into validated target payloads."""

from __future__ import annotations

import json
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .errors import MappingError
from .render_limits import MAX_OUTPUT_CHARS, MAX_RENDER_SECONDS, TemplateLimitExceeded, render_deadline
from .schema_validation import SCHEMAS_DIR, first_violation, load_validator, packaged_validator
from .sources import PRESETS_DIR, resolve, shipped_names
from .template_engine import TemplateCompiler, TemplateFailure, json_copy
from .trees import copy_tree
from .yaml_source import YamlDocument, read_yaml

logger = logging.getLogger(__name__)

MAPPING_SCHEMA = "mapping.schema.json"
ENVELOPE_SCHEMA = "envelope.schema.json"


def list_presets() -> list[str]:
    """Names of the mapping presets shipped in mappings/presets."""
    return shipped_names(PRESETS_DIR)


def load_mapping(name_or_path: str | Path) -> "TargetMapping":
    """Load, validate and compile a mapping from a file path or a preset name such as "generic-rest".

    Raises MappingError naming the file, the JSON pointer and what was expected.
    """
    try:
        path = resolve(name_or_path, PRESETS_DIR)
        document = read_yaml(path)
    except (FileNotFoundError, ValueError) as error:
        raise MappingError(str(error), mapping=str(name_or_path)) from error
    return TargetMapping(document)


@lru_cache(maxsize=None)
def _envelope_validator(kind: str) -> Draft202012Validator:
    schema = packaged_validator(ENVELOPE_SCHEMA).schema
    return Draft202012Validator({"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]})


class TargetMapping:
    """A compiled mapping; render() is a pure function of the canonical document."""

    max_render_seconds: float = MAX_RENDER_SECONDS

    def __init__(self, document: YamlDocument):
        self._document = document
        self.file = str(document.path)
        data = document.data
        # Named by its file until it proves to be a mapping: a name read from an arbitrary file is its content.
        self.name: str = document.path.stem
        violation = first_violation(packaged_validator(MAPPING_SCHEMA), data, quote_values=False)
        if violation:
            raise self._load_error(violation.message, violation.pointer)
        self.name = data.get("name", document.path.stem)
        self.version = data["version"]
        self.kind: str = data["kind"]
        self.events: list[str] = list(data["events"])
        self.description: str = data.get("description", "")
        self.settings: dict[str, Any] = dict(data.get("settings", {}))
        self.response_rule: dict[str, Any] | None = data.get("response")
        if self.response_rule is not None and self.kind != "rest":
            raise self._load_error("a response rule reads a JSON answer: only rest mappings take one", "/response")
        # How the target deletes a candidate the hub erases (connectors.rest_erase); None: it is not asked to.
        self.erase: dict[str, Any] | None = data.get("erase")
        if self.erase is not None and self.kind != "rest":
            raise self._load_error("an erase section names a REST path: only rest mappings take one", "/erase")
        self.schema_file: Path | None = self._schema_path(data.get("schema"))
        self._target_validator = self._load_target_validator()
        self._many = isinstance(data["payload"], dict) and "$each" in data["payload"]
        try:
            self._renderer = TemplateCompiler().compile(data["payload"], ["payload"])
        except TemplateFailure as failure:
            raise self._load_error(failure.message, failure.pointer) from failure

    def __repr__(self) -> str:
        return f"<TargetMapping {self.name} ({self.kind}) from {self.file}>"

    def _load_error(self, message: str, pointer: str) -> MappingError:
        return MappingError(
            message, mapping=self.name, pointer=pointer, file=self.file, line=self._document.line_of(pointer)
        )

    def _schema_path(self, schema: str | None) -> Path | None:
        if schema is None:
            return None
        # Only a file beside the mapping (or below its folder) or a shipped schema: never a path out of them.
        folder = self._document.path.parent
        for root, candidate in ((folder, folder / schema), (SCHEMAS_DIR, SCHEMAS_DIR / schema)):
            real, base = os.path.realpath(candidate), os.path.realpath(root)
            if Path(schema).is_absolute() or not real.startswith(base.rstrip(os.sep) + os.sep):
                raise self._load_error(
                    "the target schema must be a file beside the mapping or a shipped schema "
                    "name, not a path leading out of them",
                    "/schema",
                )
            if os.path.isfile(real):
                return Path(real)
        return SCHEMAS_DIR / schema

    def _load_target_validator(self) -> Draft202012Validator | None:
        if self.schema_file is None:
            return None
        try:
            return load_validator(self.schema_file)
        except ValueError as error:
            raise self._load_error(str(error), "/schema") from error

    def template_variables(self, document: dict[str, Any]) -> dict[str, Any]:
        """What templates see: the document's top-level keys, document itself, settings and mapping."""
        connector = document.get("connector") or {}
        # Not copied: the sandbox is immutable, so a template cannot change them, and render() copies its output.
        settings = {**self.settings, **(connector.get("settings") or {})}
        return {
            **document,
            "document": document,
            "settings": settings,
            "mapping": {"name": self.name, "version": self.version},
        }

    def render(self, document: dict[str, Any]) -> list[dict[str, Any]]:
        """Render the document into payloads, each validated against the envelope and the target schema.

        Raises MappingError with the JSON pointer into the payload and what was expected there.
        """
        if not isinstance(document, dict):
            raise MappingError("expected the canonical document to be an object", mapping=self.name)
        if document.get("event") not in self.events:
            raise MappingError(
                f"this mapping handles {', '.join(self.events)}; the document's event is {document.get('event')!r}",
                mapping=self.name,
                pointer="",
            )
        try:
            with render_deadline(self.max_render_seconds):
                produced = self._renderer(self.template_variables(document), [])
            # A copy, so a payload never shares objects with the caller's document (checked as plain JSON on the way).
            rendered = json_copy(produced)
            size = len(json.dumps(rendered, ensure_ascii=False, default=str))
            if size > MAX_OUTPUT_CHARS:
                raise TemplateFailure(
                    f"template limit: the rendered payload is {size:,} characters, over the "
                    f"limit of {MAX_OUTPUT_CHARS:,}",
                    "",
                )
        except TemplateFailure as failure:
            raise self._render_error(failure.message, failure.pointer, failure.source) from failure
        except TemplateLimitExceeded as exceeded:
            message = str(exceeded) or f"the render took longer than {self.max_render_seconds:g} s"
            raise self._render_error(f"template limit: {message}", "") from None
        payloads = rendered if self._many else [rendered]
        if self.response_rule is not None:
            # The connector judges the vendor's answer by it; it travels with each payload.
            for payload in payloads:
                if isinstance(payload, dict):
                    payload["response"] = copy_tree(self.response_rule)
        for index, payload in enumerate(payloads):
            self._validate(payload, index if self._many else None)
        logger.debug("mapping %s rendered %d payload(s) for job %s", self.name, len(payloads), document.get("job_id"))
        return payloads

    def _render_error(self, message: str, pointer: str, source: str | None = None) -> MappingError:
        index = None
        if self._many and pointer:
            first, _, rest = pointer[1:].partition("/")
            index, pointer = int(first), ("/" + rest if rest else "")
        # The template's own line in the mapping file, so the person fixing it finds it.
        line = self._document.line_of(source) if source is not None else None
        return MappingError(
            message,
            mapping=self.name,
            pointer=pointer,
            payload_index=index,
            file=self.file if source is not None else None,
            line=line,
        )

    def _validate(self, payload: Any, index: int | None) -> None:
        violation = first_violation(_envelope_validator(self.kind), payload)
        if violation:
            raise MappingError(
                f"{self.kind} payload: {violation.message}",
                mapping=self.name,
                pointer=violation.pointer,
                payload_index=index,
            )
        targets = (
            [("/body", payload["body"])]
            if self.kind in ("rest", "soap")
            else [(f"/rows/{row}", item) for row, item in enumerate(payload["rows"])]
        )
        if self.kind == "csv":
            self._check_columns(payload, index)
        if self._target_validator is None:
            return
        for prefix, target in targets:
            violation = first_violation(self._target_validator, target)
            if violation:
                raise MappingError(
                    f"target schema {getattr(self.schema_file, 'name', '')}: {violation.message}",
                    mapping=self.name,
                    pointer=prefix + violation.pointer,
                    payload_index=index,
                )

    def _check_columns(self, payload: dict[str, Any], index: int | None) -> None:
        keys = [column["key"] for column in payload["columns"]]
        for row_number, row in enumerate(payload["rows"]):
            for key in row:
                if key not in keys:
                    raise MappingError(
                        f"row key {key!r} is not a declared column; expected one of {', '.join(keys)}",
                        mapping=self.name,
                        pointer=f"/rows/{row_number}/{key}",
                        payload_index=index,
                    )
