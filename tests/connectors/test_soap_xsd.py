"""The SOAP connector validates what it renders against the operation's XSD, before a strict server refuses it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from connectors import soap_xsd, wsdl_cache
from connectors.errors import PermanentDeliveryError
from connectors.plugins import create_connector
from mappings import load_mapping, sample_document
from tests.support.validating_soap_server import ValidatingSoapServer
from tests.support.wsdl_generator import generate_wsdl

VALID = {
    "Worker_Reference": {"ID": [{"_value_1": "E10086", "type": "Employee_ID"}]},
    "startTime": "09:00:00",
    "endTime": "18:00:00",
    "weeklyHours": "40.00",
    "lateArrivalsAllowed": 2,
    "fixedDays": "1,2,3,4,5",
}

# The worked example of docs/connectors.md: zeep's convention for attribute-carrying elements, xsd_time, a choice.
EXAMPLE_MAPPING = Path(__file__).resolve().parents[2] / "examples" / "mappings" / "big-hr-work-schedule.yaml"


@pytest.fixture(autouse=True)
def fresh_wsdl_cache():
    wsdl_cache.clear()
    yield
    wsdl_cache.clear()


@pytest.fixture(scope="module")
def server():
    with ValidatingSoapServer(generate_wsdl(operations=4, fields=12, rich=True)) as running:
        yield running


def connector(server, **config):
    return create_connector("soap", {"wsdl": server.wsdl_url, "operation": "PutWorkSchedule", **config})


def refused(server, body, make_context, operation="PutWorkSchedule") -> str:
    sent_before = len(server.requests)
    with pytest.raises(PermanentDeliveryError) as raised:
        connector(server).deliver({"operation": operation, "body": body}, make_context())
    assert len(server.requests) == sent_before, "an invalid body must not be sent"
    return str(raised.value)


def test_a_valid_body_passes_and_the_strict_server_agrees(server, make_context):
    result = connector(server).deliver({"body": VALID}, make_context())
    assert result.remote_id.startswith("receipt-")
    assert server.requests[-1][2] == []
    assert b'<ns0:ID type="Employee_ID">E10086</ns0:ID>' in server.requests[-1][1]


def test_xsd_time_without_seconds_is_refused_with_its_pointer(server, make_context):
    message = refused(server, {**VALID, "startTime": "09:00"}, make_context)
    assert "/body/startTime: Element 'startTime': '09:00' is not a valid value of the atomic type 'xs:time'" in message


def test_fraction_digits(server, make_context):
    message = refused(server, {**VALID, "weeklyHours": 40.125}, make_context)
    assert "/body/weeklyHours:" in message and "[facet 'fractionDigits']" in message


def test_min_inclusive(server, make_context):
    message = refused(server, {**VALID, "lateArrivalsAllowed": -1}, make_context)
    assert "/body/lateArrivalsAllowed:" in message and "[facet 'minInclusive']" in message


def test_required_choice_without_a_branch(server, make_context):
    body = {key: value for key, value in VALID.items() if key != "fixedDays"}
    message = refused(server, body, make_context)
    assert (
        "/body: Element 'PutWorkSchedule': Missing child element(s). Expected is one of ( fixedDays, flexibleWindow )"
        in message
    )


def test_attribute_facets_point_into_the_list(server, make_context):
    body = {
        **VALID,
        "Worker_Reference": {"ID": [{"_value_1": "E1", "type": "WID"}, {"_value_1": "E2", "type": "Badge"}]},
    }
    message = refused(server, body, make_context)
    assert (
        "/body/Worker_Reference/ID/1: Element 'ID', attribute 'type': [facet 'enumeration'] The value 'Badge'"
        in message
    )
    assert "{'Employee_ID', 'WID', 'Contingent_Worker_ID'}" in message


def test_every_violation_is_reported_at_once(server, make_context):
    body = {**VALID, "startTime": "09:00", "weeklyHours": "400", "lateArrivalsAllowed": 5000}
    message = refused(server, body, make_context)
    for pointer in ("/body/startTime:", "/body/weeklyHours:", "/body/lateArrivalsAllowed:"):
        assert pointer in message


def test_records_in_a_generated_operation(server, make_context):
    record = {"field000": "x", "field001": "12.345", "field002": -5, "field005": "09:00"}
    body = {
        "Worker_Reference": {"ID": [{"_value_1": "E1", "type": "WID"}]},
        "record": [{"field000": "ok"}, record],
        "effectiveNow": True,
    }
    message = refused(server, body, make_context, operation="Operation002")
    for field in ("field001", "field002", "field005"):
        assert f"/body/record/1/{field}:" in message
    assert "/body/record/0" not in message


def test_values_zeep_cannot_write_are_refused_before_the_xsd(server, make_context):
    message = refused(server, {**VALID, "startTime": "9am"}, make_context)
    assert "/body/startTime: '9am' is not a valid time" in message


def test_validation_can_be_turned_off_and_then_the_server_refuses(server, make_context):
    from connectors.errors import PermanentDeliveryError as Permanent

    with pytest.raises(Permanent) as raised:
        connector(server, validate_xsd=False).deliver({"body": {**VALID, "startTime": "09:00"}}, make_context())
    assert "schema validation failed" in str(raised.value)
    assert server.requests[-1][2]


def test_a_mapping_with_xsd_time_renders_what_the_schema_accepts(server, make_context, tmp_path):
    [payload] = load_mapping(EXAMPLE_MAPPING).render(sample_document())
    assert payload["body"]["startTime"].count(":") == 2
    assert payload["body"]["Worker_Reference"] == {"ID": [{"type": "Employee_ID", "_value_1": "E10086"}]}
    result = connector(server).deliver(payload, make_context())
    assert result.remote_id.startswith("receipt-")
    assert b'<ns0:ID type="Employee_ID">E10086</ns0:ID>' in server.requests[-1][1]
    # Without the filter, the canonical "HH:MM" is what a strict server refuses.
    data = yaml.safe_load(EXAMPLE_MAPPING.read_text(encoding="utf-8"))
    data["payload"]["body"]["startTime"] = "{{ attendance.work_hours.start }}"
    path = tmp_path / "without-xsd-time.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    [payload] = load_mapping(path).render(sample_document())
    assert "/body/startTime:" in refused(server, payload["body"], make_context)


def test_spyne_wsdl_with_imports_between_inline_schemas_compiles():
    from tests.support.soap_server import LegacyHrSoapServer

    with LegacyHrSoapServer() as legacy:
        document = wsdl_cache.load_document(legacy.wsdl_url)
        assert soap_xsd.validator_for(document) is not None
