"""Loading policies: shipped names, validation errors naming file, pointer, line and expectation."""

from __future__ import annotations

import pytest

from mappings import PolicyError, load_policy


def test_default_loads_by_name_and_by_path():
    by_name = load_policy("default")
    assert (by_name.name, by_name.version) == ("default", "1.0.0")
    assert load_policy(by_name.file).reference == "default@1.0.0"
    assert [rule["id"] for rule in by_name.rules] == [
        "data-report-goal",
        "sales-conversion-goal",
        "sales-overtime-cap",
        "rnd-model-accuracy-goal",
        "flexible-hours",
        "late-arrivals-high-responsibility",
        "late-arrivals-low-responsibility",
    ]


def test_example_policy_is_valid():
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "policies" / "strict-sales.yaml"
    assert load_policy(example).reference == "strict-sales@2027.1"


def test_unknown_name_lists_the_shipped_ones():
    with pytest.raises(PolicyError) as caught:
        load_policy("no-such-policy")
    assert "default" in str(caught.value)


def test_invalid_yaml_names_file_and_line(write_policy):
    path = write_policy(text="name: x\nversion: '1'\nrules: [\n  - {id: a\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert str(path) in str(caught.value)
    assert "not valid YAML" in str(caught.value)


@pytest.mark.parametrize(
    "change, pointer, expected",
    [
        (lambda d: d["rules"][0]["when"].update(op="=>"), "/rules/0/when/op", 'expected one of ">="'),
        (
            lambda d: d["rules"][0]["when"].update(value="eighty"),
            "/rules/0/when/value",
            "expected a value of type number",
        ),
        (
            lambda d: d["rules"][1]["when"]["all"][1].update(dimension="Communication"),
            "/rules/1/when/all/1/dimension",
            "expected a string matching",
        ),
        (lambda d: d.pop("version"), "", "'version'"),
        (
            lambda d: d["rules"][0]["then"]["goal"].update(target="95%"),
            "/rules/0/then/goal/target",
            "expected a number; or a parameter reference",
        ),
        (
            lambda d: d["defaults"]["attendance"]["work_hours"].update(start="9am"),
            "/defaults/attendance/work_hours/start",
            "expected a string matching",
        ),
    ],
)
def test_schema_errors_name_file_pointer_line_and_expectation(write_policy, change, pointer, expected):
    path = write_policy(change)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    error = caught.value
    assert error.file == str(path)
    assert error.pointer == pointer
    assert expected in str(error)
    assert isinstance(error.line, int) and error.line >= 1
    assert str(error).startswith(f"{path}:{error.line} at {pointer or '/'}: ")


def test_error_line_points_at_the_offending_yaml_line(write_policy):
    path = write_policy(lambda d: d["rules"][0]["when"].update(op="=>"))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    line = path.read_text(encoding="utf-8").splitlines()[caught.value.line - 1]
    assert "=>" in line


def test_python_in_a_condition_is_rejected_not_evaluated(write_policy):
    path = write_policy(lambda d: d["rules"][0].update(when={"python": "__import__('os').system('false')"}))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.pointer == "/rules/0/when"
    assert "an object with 'dimension', 'op', 'value'" in str(caught.value)


def test_unknown_parameter_reference(write_policy):
    path = write_policy(lambda d: d["rules"][1]["then"]["goal"].update(target={"param": "team_avg"}))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.pointer == "/rules/1/then/goal/target/param"
    assert "team_conversion_rate" in str(caught.value)


def test_job_family_may_only_override_declared_parameters(write_policy):
    path = write_policy(lambda d: d["job_families"]["sales"]["parameters"].update(bogus=1))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.pointer == "/job_families/sales/parameters/bogus"


def test_parameter_of_wrong_type_is_caught_at_load(write_policy):
    path = write_policy(lambda d: d["job_families"]["rnd"]["parameters"].update(probation_months="six"))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.pointer == "/defaults/attendance/probation/months"
    assert "job family rnd" in str(caught.value)


def test_duplicate_rule_ids(write_policy):
    path = write_policy(lambda d: d["rules"][1].update(id="data-report-goal"))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.pointer == "/rules/1/id"


def test_flexible_schedule_needs_core_hours(write_policy):
    path = write_policy(lambda d: d["rules"][4]["then"]["attendance"].pop("core_hours"))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.pointer == "/rules/4/then/attendance"
    assert "core_hours" in str(caught.value)


def test_work_hours_must_start_before_they_end(write_policy):
    path = write_policy(lambda d: d["defaults"]["attendance"].update(work_hours={"start": "18:00", "end": "09:00"}))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.pointer == "/defaults/attendance/work_hours"
