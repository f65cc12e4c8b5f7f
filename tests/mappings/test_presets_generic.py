"""generic-rest, generic-csv-* and legacy-soap-* presets: exact shapes and types."""

from __future__ import annotations

import pytest

from mappings import MappingError, load_mapping, sample_document


def test_generic_rest_for_both_events():
    hired = load_mapping("generic-rest").render(sample_document())[0]
    assert (hired["method"], hired["path"]) == ("POST", "/hris-hub/events")
    body = hired["body"]
    assert body["plan"] == sample_document()["plan"] and body["attendance"] == sample_document()["attendance"]
    assert body["profile"]["dimensions"]["teamwork"] == {"score": None, "level": None, "insufficient": True}
    assert body["profile"]["dimensions"]["technical_skill"] == {"score": 93.0, "level": 5, "insufficient": False}
    scored = load_mapping("generic-rest").render(sample_document("result.scored"))[0]["body"]
    assert scored["event"] == "result.scored" and scored["employee"] == {"id": None, "start_date": None}
    assert scored["plan"] == sample_document("result.scored")["plan"]


def test_generic_rest_takes_a_result_without_a_name():
    """The result schema makes candidate.name optional, so the preset must deliver such a result too."""
    document = sample_document()
    document["candidate"].update(name=None, email=None, phone=None)
    body = load_mapping("generic-rest").render(document)[0]["body"]
    assert body["candidate"] == {"external_id": "wx-cand-7731", "name": None, "email": None, "phone": None}


def test_generic_rest_schema_rejects_a_broken_plan():
    document = sample_document()
    document["plan"]["goals"][0]["target"] = "95"
    with pytest.raises(MappingError) as caught:
        load_mapping("generic-rest").render(document)
    assert caught.value.pointer == "/body/plan/goals/0/target"


def test_csv_goals_rows_with_chinese_headers():
    [payload] = load_mapping("generic-csv-goals").render(sample_document())
    headers = [column["header"] for column in payload["columns"]]
    assert {"员工编号", "目标名称", "指标", "目标值", "单位", "权重", "周期", "依据"} <= set(headers)
    assert len(payload["rows"]) == 2
    row = payload["rows"][0]
    assert row["goal_name"] == "季度数据报告完成率" and row["target"] == 95.0 and row["weight"] == 42.86
    assert row["rationale"] == "default@1.0.0 data-report-goal: data_analysis 86 >= 80"


def test_csv_attendance_one_row_per_rule():
    [payload] = load_mapping("generic-csv-attendance").render(sample_document())
    [row] = payload["rows"]
    assert row["schedule_type"] == "弹性" and row["workdays"] == "1,2,3,4,5"
    assert (row["core_start"], row["core_end"]) == ("10:00", "16:00")
    assert row["probation_months"] == 6 and row["late_arrivals_allowed"] == 2 and row["overtime_cap"] is None
    assert "responsibility 92 >= 90" in row["rationale"]


def test_soap_goals_shape_and_types():
    [payload] = load_mapping("legacy-soap-goals").render(sample_document())
    assert payload["operation"] == "PutPerformanceGoals"
    assert set(payload["body"]) == {"employeeId", "goals"}
    for goal in payload["body"]["goals"]:
        assert set(goal) == {"key", "name", "metric", "target", "unit", "weight", "period"}
        assert type(goal["target"]) is float and type(goal["weight"]) is float
        assert all(isinstance(goal[key], str) for key in ("key", "name", "metric", "unit", "period"))


def test_soap_attendance_shape_and_types():
    [payload] = load_mapping("legacy-soap-attendance").render(sample_document())
    assert payload == {
        "operation": "PutAttendanceRule",
        "body": {
            "employeeId": "E10086",
            "rule": {
                "scheduleType": "flexible",
                "workdays": "1,2,3,4,5",
                "startTime": "09:00",
                "endTime": "18:00",
                "coreStart": "10:00",
                "coreEnd": "16:00",
                "lateArrivalsAllowed": 2,
                "probationMonths": 6,
            },
        },
    }


def test_soap_attendance_fixed_schedule_has_no_core_hours():
    document = sample_document()
    attendance = document["attendance"]
    attendance["schedule_type"] = "fixed"
    del attendance["core_hours"], attendance["flexible_window"]
    rule = load_mapping("legacy-soap-attendance").render(document)[0]["body"]["rule"]
    assert rule["coreStart"] is None and rule["coreEnd"] is None
