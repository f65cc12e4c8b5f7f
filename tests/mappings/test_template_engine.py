"""The typed template engine: native values, directives, strict undefined, and the sandbox."""

from __future__ import annotations

import pytest
from jinja2.sandbox import SandboxedEnvironment

from mappings.template_engine import (
    OMIT,
    TemplateCompiler,
    TemplateFailure,
    check_json_value,
    make_environment,
)

VARIABLES = {
    "goal": {
        "key": "model_accuracy",
        "target": 95,
        "weight": 57.14,
        "name": {"zh": "模型准确率", "en": "Model accuracy"},
    },
    "attendance": {"workdays": [1, 2, 3, 4, 5], "schedule_type": "fixed", "overtime_cap": None},
    "goals": [{"key": "a", "target": 1}, {"key": "b", "target": 2}],
    "flag": "true",
}


def render(node, variables=VARIABLES):
    return TemplateCompiler().compile(node)(variables, [])


def test_environment_is_the_jinja_sandbox():
    assert isinstance(make_environment(), SandboxedEnvironment)


def test_single_expression_keeps_its_type():
    rendered = render(
        {
            "target": "{{ goal.target }}",
            "weight": "{{ goal.weight }}",
            "days": "{{ attendance.workdays }}",
            "cap": "{{ attendance.overtime_cap }}",
            "flexible": "{{ attendance.schedule_type == 'flexible' }}",
            "name": "{{ goal.name }}",
        }
    )
    assert rendered == {
        "target": 95,
        "weight": 57.14,
        "days": [1, 2, 3, 4, 5],
        "cap": None,
        "flexible": False,
        "name": {"zh": "模型准确率", "en": "Model accuracy"},
    }
    assert type(rendered["target"]) is int and type(rendered["flexible"]) is bool


def test_mixed_text_renders_a_string_and_literals_pass_through():
    assert render("{{ goal.key }}: {{ goal.target }}%") == "model_accuracy: 95%"
    assert render({"n": 3, "f": 1.5, "b": True, "s": "plain", "z": None}) == {
        "n": 3,
        "f": 1.5,
        "b": True,
        "s": "plain",
        "z": None,
    }


@pytest.mark.parametrize(
    "node, expected",
    [
        ({"$value": "{{ goal.target }}", "$type": "number"}, 95.0),
        ({"$value": "{{ goal.target }}", "$type": "string"}, "95"),
        ({"$value": "{{ '42' }}", "$type": "integer"}, 42),
        ({"$value": "{{ 42.0 }}", "$type": "integer"}, 42),
        ({"$value": "{{ flag }}", "$type": "boolean"}, True),
        ({"$value": "{{ attendance.overtime_cap }}", "$type": "integer", "$nullable": True}, None),
    ],
)
def test_type_coercion(node, expected):
    result = render(node)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    "node",
    [
        {"$value": "{{ goal.weight }}", "$type": "integer"},
        {"$value": "{{ goal.key }}", "$type": "number"},
        {"$value": "{{ goal.target }}", "$type": "boolean"},
        {"$value": "{{ attendance.overtime_cap }}", "$type": "string"},
    ],
)
def test_wrong_type_fails_with_pointer(node):
    with pytest.raises(TemplateFailure) as caught:
        TemplateCompiler().compile({"body": {"field": node}})(VARIABLES, [])
    assert caught.value.pointer == "/body/field"
    assert f"expected {node['$type']}" in caught.value.message


def test_each_builds_lists_and_objects_and_when_omits():
    rendered = render(
        {
            "list": {
                "$each": "goals",
                "$as": "g",
                "$index": "i",
                "$item": {"key": "{{ g.key }}", "position": "{{ i }}"},
            },
            "object": {"$each": "goals", "$as": "g", "$key": "{{ g.key }}", "$item": "{{ g.target }}"},
            "filtered": {"$each": "goals", "$as": "g", "$item": {"$when": "g.target > 1", "$value": "{{ g.key }}"}},
            "absent": {"$when": "attendance.overtime_cap", "$value": "{{ attendance.overtime_cap.occasions }}"},
            "present": {"$when": "goal.target", "$value": "{{ goal.target }}"},
        }
    )
    assert rendered == {
        "list": [{"key": "a", "position": 0}, {"key": "b", "position": 1}],
        "object": {"a": 1, "b": 2},
        "filtered": ["b"],
        "present": 95,
    }


def test_strict_undefined_names_the_output_pointer():
    with pytest.raises(TemplateFailure) as caught:
        TemplateCompiler().compile({"body": {"items": [{"x": "{{ goal.deadline }}"}]}})(VARIABLES, [])
    assert caught.value.pointer == "/body/items/0/x"
    assert "has no attribute 'deadline'" in caught.value.message


def test_undefined_inside_text_and_loops_fails_too():
    with pytest.raises(TemplateFailure, match="'nothing' is undefined"):
        render("prefix {{ nothing }} suffix")
    with pytest.raises(TemplateFailure) as caught:
        TemplateCompiler().compile({"rows": {"$each": "goals", "$as": "g", "$item": {"v": "{{ g.nope }}"}}})(
            VARIABLES, []
        )
    assert caught.value.pointer == "/rows/0/v"


def test_default_filter_still_works_with_strict_undefined():
    assert render("{{ goal.deadline | default('2027-03-31') }}") == "2027-03-31"
    assert render("{{ goal.deadline is defined }}") is False


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ goal.__class__ }}",
        "x {{ ().__class__.__base__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ lipsum.__globals__['os'] }}",
        "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
        "{{ goal.update({'target': 0}) }}",
    ],
)
def test_sandbox_escape_attempts_fail(source):
    with pytest.raises(TemplateFailure) as caught:
        render(source)
    assert "sandbox" in caught.value.message


def test_non_json_results_are_rejected():
    value = render("{{ ''.format }}")  # a sandbox-safe but non-JSON object
    with pytest.raises(TemplateFailure, match="expected a JSON value"):
        check_json_value({"body": value})


def test_compile_errors_point_into_the_source():
    with pytest.raises(TemplateFailure) as caught:
        TemplateCompiler().compile({"body": {"x": "{{ goal.target "}}, ["payload"])
    assert caught.value.pointer == "/payload/body/x"
    with pytest.raises(TemplateFailure) as caught:
        TemplateCompiler().compile({"x": {"$vlaue": "1"}}, ["payload"])
    assert caught.value.pointer == "/payload/x/$vlaue"
    with pytest.raises(TemplateFailure, match="unknown \\$type"):
        TemplateCompiler().compile({"$value": "1", "$type": "float"})


def test_omit_marker_only_inside_containers():
    assert TemplateCompiler().compile({"$when": "false", "$value": 1})({}, []) is OMIT
