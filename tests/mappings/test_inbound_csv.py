"""Inbound CSV mappings: GB18030 and UTF-8 exports of reviews and attendance -> canonical outcome records."""

from __future__ import annotations

import pytest

from mappings.errors import MappingError
from mappings.inbound import (
    CsvInputError,
    decode,
    inbound_names,
    load_inbound_mapping,
    read_file,
    read_rows,
)
from mappings.outcomes import outcome_errors

REVIEWS = (
    "员工编号,考核周期,综合评分,团队协作,专业技术\n"
    "E1001,2026-H1,4.5,3,5\n"
    "E1002,2026-H1,优秀,3,4\n"
    '"E1003",2026-H1,7,"2",4\n'
    "\n"
    "E1004,2026-H1,3,,4\n"
)
ATTENDANCE = "工号,月份,应出勤天数,迟到次数,部门\nE1001,2026-03,22,2,平台部\nE1002,2026-3,22,1,平台部\nE1003,2026-03,20,25,数据部\n"


def test_the_shipped_mappings_load():
    assert {"generic-csv-reviews", "generic-csv-attendance-summary"} <= set(inbound_names())
    assert load_inbound_mapping("generic-csv-reviews").record == "performance_review"
    with pytest.raises(MappingError, match="unknown inbound mapping 'nope'; shipped: "):
        load_inbound_mapping("nope")
    with pytest.raises(MappingError, match="unknown inbound mapping"):
        load_inbound_mapping("../presets/generic-rest")


def test_gb18030_and_utf8_with_bom_are_recognised(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_bytes(REVIEWS.encode("gb18030"))
    encoding, rows = read_file(path, "generic-csv-reviews")
    assert encoding == "gb18030"
    assert next(iter(rows)).record["employee_id"] == "E1001"
    assert decode(("\ufeff" + REVIEWS).encode("utf-8")) == (REVIEWS, "utf-8")


def test_review_rows_become_records_and_bad_rows_name_line_and_column():
    rows = list(read_rows(REVIEWS, load_inbound_mapping("generic-csv-reviews")))
    assert [row.line for row in rows] == [2, 3, 4, 6]
    first = rows[0].record
    assert outcome_errors(first) == []
    assert first["overall"] == {"rating": 4.5, "scale": {"min": 1.0, "max": 5.0}}
    assert {item["dimension"]: item["rating"] for item in first["criteria"]} == {
        "teamwork": 3.0,
        "technical_skill": 5.0,
    }
    assert first["source"] == "csv:generic-csv-reviews" and first["id_system"] == "default"
    assert rows[1].errors == [{"line": 3, "column": "综合评分", "message": "expected a number, got '优秀'"}]
    assert rows[2].errors[0]["column"] == "综合评分" and "within the scale 1.0-5.0" in rows[2].errors[0]["message"]
    assert [item["dimension"] for item in rows[3].record["criteria"]] == ["technical_skill"]


def test_attendance_rows_with_schema_and_cross_field_errors():
    rows = list(read_rows(ATTENDANCE, load_inbound_mapping("generic-csv-attendance-summary")))
    assert rows[0].record == {
        "kind": "attendance_summary",
        "source": "csv:generic-csv-attendance-summary",
        "employee_id": "E1001",
        "id_system": "default",
        "month": "2026-03",
        "workdays": 22,
        "late_arrivals": 2,
        "absences": 0,
        "overtime_occasions": 0,
        "department": "平台部",
    }
    assert rows[1].errors[0]["line"] == 3 and rows[1].errors[0]["column"] == "月份"
    assert rows[2].errors == [
        {"line": 4, "column": "迟到次数", "message": "expected at most the workdays (20), got 25"}
    ]


def test_a_file_without_the_needed_headers_is_refused_at_once():
    with pytest.raises(CsvInputError, match="line 1: no column for employee_id"):
        read_rows("name,score\nx,1\n", load_inbound_mapping("generic-csv-reviews"))
    with pytest.raises(CsvInputError, match="empty"):
        read_rows("", load_inbound_mapping("generic-csv-reviews"))


def test_size_and_field_limits(monkeypatch):
    from mappings import inbound

    monkeypatch.setattr(inbound, "MAX_FILE_BYTES", 100)
    with pytest.raises(CsvInputError, match="at most 100"):
        decode(b"x" * 101)
    rows = list(
        read_rows(
            "员工编号,考核周期,综合评分\n" + "E1," + "x" * 20_000 + ",3\n", load_inbound_mapping("generic-csv-reviews")
        )
    )
    assert rows[0].errors == [{"line": 2, "column": "考核周期", "message": "more than 10000 characters"}]
