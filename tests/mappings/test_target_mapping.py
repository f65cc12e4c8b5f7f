"""Loading and rendering mappings: envelopes, target schemas, and errors with pointers."""

from __future__ import annotations

import json
import textwrap

import pytest

from mappings import MappingError, list_presets, load_mapping, sample_document

TARGET_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["employee", "goals"],
    "properties": {
        "employee": {"type": "string"},
        "goals": {
            "type": "array",
            "items": {"type": "object", "properties": {"target": {"type": "number"}, "name": {"type": "string"}}},
        },
    },
}


@pytest.fixture
def write_mapping(tmp_path):
    """Write a mapping YAML (and the target schema beside it) and load it."""
    (tmp_path / "target.json").write_text(json.dumps(TARGET_SCHEMA), encoding="utf-8")

    def write(body: str, *, header: str | None = None):
        header = header or textwrap.dedent("""\
            name: test-target
            version: 1
            kind: rest
            events: [candidate.hired]
            schema: target.json
            settings: {language: en}
            """)
        path = tmp_path / "mapping.yaml"
        path.write_text(header + textwrap.dedent(body), encoding="utf-8")
        return load_mapping(path)

    return write


GOOD_PAYLOAD = """\
payload:
  method: POST
  path: /goals
  body:
    employee: "{{ employee.id }}"
    goals:
      $each: plan.goals
      $as: goal
      $item:
        name: "{{ goal.name | localized(settings.language) }}"
        target: "{{ goal.target }}"
"""


def test_renders_typed_payload(write_mapping):
    mapping = write_mapping(GOOD_PAYLOAD)
    assert (mapping.name, mapping.kind, mapping.events) == ("test-target", "rest", ["candidate.hired"])
    [payload] = mapping.render(sample_document())
    assert payload == {
        "method": "POST",
        "path": "/goals",
        "body": {
            "employee": "E10086",
            "goals": [
                {"name": "Quarterly data report completion rate", "target": 95},
                {"name": "Model accuracy", "target": 95},
            ],
        },
    }


def test_connector_settings_override_mapping_settings(write_mapping):
    document = sample_document()
    document["connector"]["settings"] = {"language": "zh"}
    [payload] = write_mapping(GOOD_PAYLOAD).render(document)
    assert payload["body"]["goals"][1]["name"] == "模型准确率"


def test_payload_does_not_share_objects_with_the_document(write_mapping):
    document = sample_document()
    [payload] = load_mapping("generic-rest").render(document)
    payload["body"]["plan"]["goals"].clear()
    assert len(document["plan"]["goals"]) == 2


def test_schema_violation_raises_with_pointer_into_the_payload(write_mapping):
    mapping = write_mapping(GOOD_PAYLOAD.replace('target: "{{ goal.target }}"', 'target: "{{ goal.target }}%"'))
    with pytest.raises(MappingError) as caught:
        mapping.render(sample_document())
    error = caught.value
    assert error.mapping == "test-target"
    assert error.pointer == "/body/goals/0/target"
    assert "'95%' is not of type 'number'" in str(error) and "expected a value of type number" in str(error)


def test_undefined_variable_raises_with_pointer(write_mapping):
    mapping = write_mapping(GOOD_PAYLOAD.replace("{{ employee.id }}", "{{ employee.badge_number }}"))
    with pytest.raises(MappingError) as caught:
        mapping.render(sample_document())
    assert caught.value.pointer == "/body/employee"
    assert "badge_number" in str(caught.value)


def test_sandbox_escape_in_a_mapping_is_a_mapping_error(write_mapping):
    mapping = write_mapping(
        GOOD_PAYLOAD.replace("{{ employee.id }}", "{{ employee.__class__.__mro__[1].__subclasses__() }}")
    )
    with pytest.raises(MappingError) as caught:
        mapping.render(sample_document())
    assert caught.value.pointer == "/body/employee"
    assert "sandbox" in str(caught.value)


def test_envelope_is_checked_per_kind(write_mapping):
    mapping = write_mapping(GOOD_PAYLOAD.replace("method: POST", "method: GET"))
    with pytest.raises(MappingError) as caught:
        mapping.render(sample_document())
    assert caught.value.pointer == "/method"
    assert '"POST"' in str(caught.value)


def test_one_payload_per_element_reports_the_payload_index(write_mapping):
    mapping = write_mapping("""\
        payload:
          $each: plan.goals
          $as: goal
          $item:
            method: PUT
            path: "/goals/{{ goal.key }}"
            body:
              employee: "{{ employee.id }}"
              goals: [{target: "{{ goal.target if goal.key == 'data_report_completion_rate' else 'high' }}"}]
        """)
    with pytest.raises(MappingError) as caught:
        mapping.render(sample_document())
    assert (caught.value.payload_index, caught.value.pointer) == (1, "/body/goals/0/target")


def test_wrong_event_is_refused(write_mapping):
    with pytest.raises(MappingError, match="handles candidate.hired"):
        write_mapping(GOOD_PAYLOAD).render(sample_document("result.scored"))


def test_csv_rows_must_use_declared_columns(write_mapping):
    header = "name: test-csv\nversion: 1\nkind: csv\nevents: [candidate.hired]\n"
    mapping = write_mapping(
        """\
        payload:
          columns: [{key: employee_id, header: 员工编号}]
          rows:
            - {employee_id: "{{ employee.id }}", extra: 1}
        """,
        header=header,
    )
    with pytest.raises(MappingError) as caught:
        mapping.render(sample_document())
    assert caught.value.pointer == "/rows/0/extra"


@pytest.mark.parametrize(
    "body, pointer, expected",
    [
        ("kind: ftp\n", "/kind", '"rest"'),
        ("payload:\n  body: {x: '{{ employee.id '}\n", "/payload/body/x", "template error"),
    ],
)
def test_load_errors_name_file_pointer_and_line(write_mapping, body, pointer, expected):
    header = "name: broken\nversion: 1\nevents: [candidate.hired]\n"
    if not body.startswith("kind"):
        header += "kind: rest\n"
    else:
        body += "payload: {}\n"
    with pytest.raises(MappingError) as caught:
        write_mapping(body, header=header)
    error = caught.value
    assert error.pointer == pointer and error.file.endswith("mapping.yaml") and error.line >= 1
    assert expected in str(error)


def test_missing_target_schema_is_a_load_error(write_mapping):
    with pytest.raises(MappingError, match="cannot read"):
        write_mapping(
            GOOD_PAYLOAD, header="name: x\nversion: 1\nkind: rest\nevents: [candidate.hired]\nschema: nowhere.json\n"
        )


def test_presets_resolve_by_name():
    assert set(list_presets()) == {
        "generic-rest",
        "successfactors-goal",
        "feishu-shift",
        "wecom-checkin-rule",
        "generic-csv-goals",
        "generic-csv-attendance",
        "legacy-soap-goals",
        "legacy-soap-attendance",
    }
    with pytest.raises(MappingError, match="shipped: feishu-shift"):
        load_mapping("sap-unknown")
