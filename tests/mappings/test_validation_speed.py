"""What the delivery hot path's shortcuts keep: a target schema is compiled once per version of its file and again
when it changes; the compiled (Rust) check only passes what jsonschema passes, and every violation is still
described by jsonschema; rendered payloads share nothing with the document without a deep copy."""

from __future__ import annotations

import json
import os
import textwrap

import pytest
from jsonschema import Draft202012Validator

from mappings import MappingError, list_presets, load_mapping, sample_document, schema_validation
from mappings.schema_validation import fast_check, first_violation, load_validator

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["employee"],
    "properties": {"employee": {"type": "string"}, "start": {"type": "string", "format": "date"}},
}
MAPPING = """\
name: versioned
version: {version}
kind: rest
events: [candidate.hired]
schema: target.json
payload:
  method: POST
  path: /hires
  body:
    employee: "{{{{ employee.id }}}}"
"""


def _write(folder, version: int, schema: dict, stamp: float) -> None:
    (folder / "target.json").write_text(json.dumps(schema), encoding="utf-8")
    (folder / "mapping.yaml").write_text(MAPPING.format(version=version), encoding="utf-8")
    for name in ("target.json", "mapping.yaml"):
        os.utime(folder / name, (stamp, stamp))  # a new version has a new mtime, however fast the test runs


def test_a_target_schema_is_compiled_once_per_version_and_again_when_it_changes(tmp_path):
    _write(tmp_path, 1, SCHEMA, 1_000_000)
    first = load_mapping(tmp_path / "mapping.yaml")
    again = load_mapping(tmp_path / "mapping.yaml")
    assert first._target_validator is again._target_validator  # the same file version: compiled once
    assert fast_check(first._target_validator) is fast_check(again._target_validator)
    assert first.render(sample_document())[0]["body"] == {"employee": "E10086"}

    stricter = {**SCHEMA, "required": ["employee", "department"]}
    _write(tmp_path, 2, stricter, 1_000_100)
    changed = load_mapping(tmp_path / "mapping.yaml")
    assert changed._target_validator is not first._target_validator
    with pytest.raises(MappingError) as caught:
        changed.render(sample_document())
    assert "'department' is a required property" in str(caught.value)


@pytest.mark.parametrize(
    "instance",
    [
        {"employee": "E1"},
        {"employee": "E1", "start": "2026-02-30"},  # not a date: format checked
        {"employee": "E1", "start": "2026-03-01"},
        {"employee": 7},
        {},
        [],
        {"employee": "E1", "start": 20260301},
    ],
)
def test_the_compiled_check_agrees_with_jsonschema_and_messages_do_not_change(instance, monkeypatch):
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    with_fast = first_violation(validator, instance)
    assert fast_check(validator) is not None, "jsonschema-rs is a dependency: the fast path must be built"
    monkeypatch.setattr(schema_validation, "fast_check", lambda validator: None)
    without_fast = first_violation(validator, instance)
    assert with_fast == without_fast
    assert (with_fast is None) == validator.is_valid(instance)


@pytest.mark.parametrize("preset", list_presets())
def test_every_shipped_schema_compiles_and_passes_its_preset_sample(preset):
    mapping = load_mapping(preset)
    if mapping._target_validator is not None:
        assert fast_check(mapping._target_validator) is not None
    for event in mapping.events:
        for payload in mapping.render(sample_document(event)):
            target = payload.get("body") if mapping.kind in ("rest", "soap") else None
            if target is not None and mapping._target_validator is not None:
                assert fast_check(mapping._target_validator)(target) is True


def test_a_refused_instance_that_jsonschema_accepts_is_accepted(tmp_path, monkeypatch):
    """The compiled check only ever shortcuts a pass: where it says no, jsonschema decides."""
    (tmp_path / "s.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    validator = load_validator(tmp_path / "s.json")
    monkeypatch.setattr(schema_validation, "fast_check", lambda validator: lambda instance: False)
    assert first_violation(validator, {"employee": "E1"}) is None


def test_rendering_copies_what_a_template_takes_from_the_document():
    document = sample_document()
    [payload] = load_mapping("generic-rest").render(document)
    payload["body"]["plan"]["goals"][0]["target"] = -1
    payload["body"]["plan"]["goals"].append({})
    assert document["plan"]["goals"][0]["target"] != -1 and len(document["plan"]["goals"]) == 2


def test_a_value_that_is_not_json_is_still_reported_at_its_pointer(tmp_path):
    (tmp_path / "mapping.yaml").write_text(
        textwrap.dedent("""\
            name: dated
            version: 1
            kind: rest
            events: [candidate.hired]
            payload:
              method: POST
              path: /x
              body:
                when: "{{ document.occurred_at | length is number and range(1) }}"
            """),
        encoding="utf-8",
    )
    with pytest.raises(MappingError) as caught:
        load_mapping(tmp_path / "mapping.yaml").render(sample_document())
    assert caught.value.pointer == "/body/when" and "expected a JSON value" in str(caught.value)
