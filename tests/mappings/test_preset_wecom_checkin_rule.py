"""wecom-checkin-rule against vendor-schemas/wecom/checkin-rule.md."""

from __future__ import annotations

import pytest

from mappings import MappingError, load_mapping, sample_document


@pytest.fixture(scope="module")
def tables(vendor_tables):
    return vendor_tables("wecom/checkin-rule.md")


def render(document):
    [payload] = load_mapping("wecom-checkin-rule").render(document)
    return payload


def test_group_fields_and_types_match_the_vendor_file(tables, table_problems):
    assert {"group", "checkindate", "checkintime"} <= set(tables)
    body = render(sample_document())["body"]
    assert table_problems(body["group"], "group", tables) == []


def test_values_follow_the_vendor_conventions():
    group = render(sample_document())["body"]["group"]
    assert group["grouptype"] == 1
    [checkindate] = group["checkindate"]
    assert checkindate["workdays"] == [1, 2, 3, 4, 5]
    assert checkindate["checkintime"][0]["work_sec"] == 32400  # 09:00, as in the vendor file
    assert checkindate["checkintime"][0]["off_work_sec"] == 64800
    assert checkindate["flex_time"] == 3600000  # one hour in milliseconds
    assert group["sync_holidays"] is True


def test_weekend_workdays_pass_through_as_iso_numbers():
    document = sample_document()
    document["attendance"]["workdays"] = [1, 2, 3, 4, 5, 6, 7]
    assert render(document)["body"]["group"]["checkindate"][0]["workdays"] == [1, 2, 3, 4, 5, 6, 7]


def test_shift_schedules_are_refused_with_a_pointer():
    document = sample_document()
    document["attendance"]["schedule_type"] = "shift"
    with pytest.raises(MappingError) as caught:
        render(document)
    assert caught.value.pointer == "/body/group/grouptype"
