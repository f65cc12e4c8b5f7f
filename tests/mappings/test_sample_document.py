"""The shipped sample document stays what the default policy produces for its profile."""

from __future__ import annotations

import pytest

from mappings import load_policy, sample_context, sample_document
from mappings.document import document_errors


def test_sample_plan_and_attendance_come_from_the_default_policy():
    document = sample_document()
    outcome = load_policy("default").evaluate(document["profile"], sample_context()).to_dict()
    assert document["plan"] == outcome["plan"]
    assert document["attendance"] == outcome["attendance"]


def test_sample_is_a_fresh_copy_each_time():
    first = sample_document()
    first["plan"]["goals"].clear()
    assert sample_document()["plan"]["goals"]


def test_result_scored_variant():
    """Before the decision there is no employee id or start date; the policy still derives a plan, as in the hub."""
    document = sample_document("result.scored")
    assert document["event"] == "result.scored"
    assert document["employee"] == {"id": None, "start_date": None}
    assert document_errors(document) == []
    with pytest.raises(ValueError, match="unknown event"):
        sample_document("candidate.fired")


def test_the_sample_is_a_canonical_document_with_a_bare_overall_number():
    document = sample_document()
    assert document_errors(document) == []
    assert isinstance(document["profile"]["overall"], float)


def test_the_schema_refuses_the_old_shape_at_its_pointer():
    document = sample_document()
    document["profile"]["overall"] = {"score": 88.8, "level": 4}
    document["surprise"] = 1
    errors = {e["pointer"]: e["message"] for e in document_errors(document)}
    assert "/profile/overall" in errors and "/surprise" in errors
