"""The shipped sample document stays what the default policy produces for its profile."""

from __future__ import annotations

import pytest

from mappings import load_policy, sample_context, sample_document


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
    document = sample_document("result.scored")
    assert document["event"] == "result.scored"
    assert document["employee"] == {"id": None, "start_date": None}
    assert document["plan"] is None and document["attendance"] is None
    with pytest.raises(ValueError, match="unknown event"):
        sample_document("candidate.fired")
