"""Canonical outcome records (performance reviews, attendance summaries): validation shared by API, CSV and pulls."""

from __future__ import annotations

from typing import Any

import jsonerrors
from mappings.schema_validation import packaged_validator

SCHEMAS = {
    "performance_review": "performance-review.schema.json",
    "attendance_summary": "attendance-summary.schema.json",
}
KINDS = tuple(SCHEMAS)


def _cross_field(record: dict) -> list[dict]:
    """What the schemas cannot say: ratings within their scales, counts within the workdays."""
    errors = []
    if record["kind"] == "performance_review":
        ratings = [("/overall", record["overall"])] + [
            (f"/criteria/{index}", item) for index, item in enumerate(record.get("criteria", []))
        ]
        for pointer, item in ratings:
            low, high = item["scale"]["min"], item["scale"]["max"]
            if low >= high:
                errors.append({"pointer": f"{pointer}/scale", "message": f"expected min < max, got {low} and {high}"})
            elif not low <= item["rating"] <= high:
                errors.append(
                    {
                        "pointer": f"{pointer}/rating",
                        "message": f"expected a rating within the scale {low}-{high}, got {item['rating']}",
                    }
                )
    else:
        for field in ("late_arrivals", "absences"):
            if record.get(field, 0) > record["workdays"]:
                errors.append(
                    {
                        "pointer": f"/{field}",
                        "message": f"expected at most the workdays ({record['workdays']}), got {record[field]}",
                    }
                )
    return errors


def outcome_errors(record: Any, *, prefix: str = "") -> list[dict]:
    """Problems with one outcome record as [{pointer, message}] (empty when valid); pointers start with `prefix`."""
    if not isinstance(record, dict):
        return [{"pointer": prefix or "/", "message": "expected an object (an outcome record)"}]
    kind = record.get("kind")
    if kind not in SCHEMAS:
        return [{"pointer": f"{prefix}/kind", "message": f"expected one of {list(KINDS)}, got {kind!r}"}]
    validator = packaged_validator(SCHEMAS[kind])
    errors = sorted(validator.iter_errors(record), key=lambda error: list(map(str, error.absolute_path)))
    if errors:
        return [
            {"pointer": prefix + jsonerrors.pointer(error.absolute_path), "message": error.message}
            for error in errors[:20]
        ]
    return [{"pointer": prefix + error["pointer"], "message": error["message"]} for error in _cross_field(record)]


def natural_key(record: dict) -> tuple[str, str, str, str, str]:
    """What makes two records the same outcome: kind, id system, employee, period or month, source."""
    when = record.get("period") or record.get("month") or ""
    return (record["kind"], record.get("id_system") or "default", record["employee_id"], when, record["source"])
