"""feishu-shift against vendor-schemas/feishu/shift.md."""

from __future__ import annotations

import pytest

from mappings import load_mapping, load_policy, sample_context, sample_document


@pytest.fixture(scope="module")
def tables(vendor_tables):
    return vendor_tables("feishu/shift.md")


def render(document):
    [payload] = load_mapping("feishu-shift").render(document)
    return payload


def fixed_hire():
    document = sample_document()
    context = {**sample_context(), "preferences": {"work_schedule": "fixed"}}
    document["attendance"] = load_policy("default").evaluate(document["profile"], context).to_dict()["attendance"]
    return document


def test_vendor_tables_were_read(tables):
    assert {"shift", "punch_time_rule", "flexible_rule", "rest_rule"} <= set(tables)
    assert tables["shift"]["punch_times"]["type"] == "int"


@pytest.mark.parametrize("make_document", [sample_document, fixed_hire], ids=["flexible", "fixed"])
def test_fields_and_types_match_the_vendor_file(tables, table_problems, make_document):
    payload = render(make_document())
    assert (payload["method"], payload["path"]) == ("POST", "/open-apis/attendance/v1/shifts")
    assert table_problems(payload["body"], "shift", tables) == []
    required = [name for name, row in tables["shift"].items() if row["meaning"].startswith("required")]
    assert required and all(name in payload["body"] for name in required)


def test_flexible_shift_values():
    body = render(sample_document())["body"]
    assert body["is_flexible"] is True
    assert body["flexible_minutes"] == 60  # 09:00 nominal start, core hours from 10:00
    assert body["flexible_rule"] == [{"flexible_early_minutes": 60, "flexible_late_minutes": 60}]
    assert body["punch_time_rule"][0]["on_time"] == "09:00" and body["punch_time_rule"][0]["off_time"] == "18:00"
    assert body["rest_time_rule"] == [{"rest_begin_time": "12:00", "rest_end_time": "13:00"}]


def test_fixed_shift_has_no_flexible_fields():
    body = render(fixed_hire())["body"]
    assert body["is_flexible"] is False
    assert "flexible_minutes" not in body and "flexible_rule" not in body


def test_the_table_check_catches_wrong_names_and_types(tables, table_problems):
    problems = table_problems(
        {"shift_nam": "x", "punch_times": "1", "punch_time_rule": [{"on_time": 900}]}, "shift", tables
    )
    assert len(problems) == 3
