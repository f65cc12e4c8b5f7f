"""The SOAP connector against a real spyne service on loopback."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests
from lxml import etree

from connectors import wsdl_cache
from connectors.errors import PermanentDeliveryError, RetryableDeliveryError
from connectors.plugins import create_connector
from tests.support.soap_server import (
    CLIENT_FAULT_EMPLOYEE,
    ENTITY_BOMB_RESPONSE,
    SERVER_FAULT_EMPLOYEE,
    SLOW_EMPLOYEE,
    LegacyHrSoapServer,
)
from tests.support.wsdl_generator import write_wsdl

WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
GOALS = [
    {
        "key": "data_report",
        "name": "季度数据报告完成率",
        "metric": "completion_rate",
        "target": 95,
        "unit": "%",
        "weight": 0.4,
        "period": "2026-Q2",
    },
    {
        "key": "tickets",
        "name": "Tickets closed",
        "metric": "count",
        "target": 120.5,
        "unit": "tickets",
        "weight": 0.6,
        "period": "2026-Q2",
    },
]
RULE = {
    "scheduleType": "flexible",
    "workdays": "1,2,3,4,5",
    "startTime": "08:00",
    "endTime": "19:00",
    "coreStart": "10:00",
    "coreEnd": "16:00",
    "lateArrivalsAllowed": 2,
    "probationMonths": 6,
}


def goals_payload(employee_id: str = "E-100", goals=GOALS) -> dict:
    return {"operation": "PutPerformanceGoals", "body": {"employeeId": employee_id, "goals": goals}}


@pytest.fixture(autouse=True)
def fresh_wsdl_cache():
    wsdl_cache.clear()
    yield
    wsdl_cache.clear()


@pytest.fixture
def soap_server():
    with LegacyHrSoapServer(slow_seconds=5) as server:
        yield server


def soap(server, **config):
    return create_connector("soap", {"wsdl": server.wsdl_url, "operation": "PutPerformanceGoals", **config})


def test_goals_are_delivered_as_typed_request(soap_server, make_context):
    result = soap(soap_server).deliver(goals_payload(), make_context())
    assert result.status_code == 200
    assert result.remote_id.startswith("PutPerformanceGoals-E-100-")
    assert result.remote_id in result.response_excerpt
    [call] = soap_server.calls
    assert call.operation == "PutPerformanceGoals" and call.employee_id == "E-100"
    assert call.arguments["goals"][0] == {**GOALS[0], "target": 95.0}
    assert call.arguments["goals"][1]["target"] == 120.5


def test_payload_operation_overrides_the_configured_one(soap_server, make_context):
    payload = {"operation": "PutAttendanceRule", "body": {"employeeId": "E-7", "rule": RULE}}
    soap(soap_server).deliver(payload, make_context())
    [call] = soap_server.calls
    assert call.operation == "PutAttendanceRule"
    assert call.arguments["rule"] == RULE


def test_client_fault_is_permanent_with_the_fault_string(soap_server, make_context):
    with pytest.raises(PermanentDeliveryError) as raised:
        soap(soap_server).deliver(goals_payload(CLIENT_FAULT_EMPLOYEE), make_context())
    assert f"employee {CLIENT_FAULT_EMPLOYEE} does not exist" in str(raised.value)
    assert "Client.UnknownEmployee" in str(raised.value)
    assert raised.value.status_code == 500
    assert "faultstring" in raised.value.response_excerpt


def test_server_fault_is_retryable(soap_server, make_context):
    with pytest.raises(RetryableDeliveryError) as raised:
        soap(soap_server).deliver(goals_payload(SERVER_FAULT_EMPLOYEE), make_context())
    assert "database is busy" in str(raised.value)


def test_a_slow_operation_times_out_and_is_retryable(soap_server, make_context):
    connector = soap(soap_server, timeouts={"operation": 0.3})
    with pytest.raises(RetryableDeliveryError) as raised:
        connector.deliver(goals_payload(SLOW_EMPLOYEE), make_context())
    assert "read timeout" in str(raised.value)


def test_an_entity_bomb_response_fails_cleanly(soap_server, make_context):
    soap_server.queue_raw_response(ENTITY_BOMB_RESPONSE)
    with pytest.raises(PermanentDeliveryError) as raised:
        soap(soap_server).deliver(goals_payload(), make_context())
    assert "response refused" in str(raised.value) and "entity" in str(raised.value)
    assert raised.value.response_excerpt.startswith('<?xml version="1.0"?>')


def test_non_xml_503_is_retryable(soap_server, make_context):
    soap_server.queue_raw_response(b"<html>maintenance</html>", status=503)
    with pytest.raises(RetryableDeliveryError) as raised:
        soap(soap_server).deliver(goals_payload(), make_context())
    assert raised.value.status_code == 503


@pytest.mark.parametrize(
    "bad_goal, problem",
    [
        ({"key": "k", "colour": "red"}, "/body/goals/0/colour: field 'colour' does not exist in Goal"),
        ({"key": "k", "target": "ninety"}, "/body/goals/0/target: 'ninety' is not a valid float"),
        ({"key": "k", "weight": {"value": 1}}, "/body/goals/0/weight: expected a single float value"),
    ],
)
def test_a_payload_that_does_not_fit_is_permanent_before_sending(soap_server, make_context, bad_goal, problem):
    connector = soap(soap_server)
    for call in (connector.prepare, connector.deliver):
        with pytest.raises(PermanentDeliveryError) as raised:
            call(goals_payload(goals=[bad_goal]), make_context())
        assert problem in str(raised.value)
    assert soap_server.raw_requests == []


def test_every_misfit_is_listed(soap_server, make_context):
    payload = {"body": {"employeeId": "E-1", "manager": "x", "goals": [{"target": "x"}, {"unit": []}]}}
    with pytest.raises(PermanentDeliveryError) as raised:
        soap(soap_server).prepare(payload, make_context())
    for pointer in ("/body/manager", "/body/goals/0/target", "/body/goals/1/unit"):
        assert pointer in str(raised.value)


def test_an_unknown_operation_is_permanent(soap_server, make_context):
    with pytest.raises(PermanentDeliveryError) as raised:
        soap(soap_server).deliver({"operation": "FireEveryone", "body": {}}, make_context())
    assert "FireEveryone" in str(raised.value) and "PutAttendanceRule" in str(raised.value)
    assert soap_server.raw_requests == []


def _security(raw_body: bytes):
    envelope = etree.fromstring(raw_body)
    return envelope.find(".//{%s}Security" % WSSE_NS)


def test_ws_security_digest_with_fresh_nonce_per_request(soap_server, make_context):
    connector = soap(soap_server, wsse={"username": "hub", "password": "pa55-word"})
    for _ in range(2):
        connector.deliver(goals_payload(), make_context())
    nonces = []
    for raw in soap_server.raw_requests:
        security = _security(raw.body)
        token = security.find("{%s}UsernameToken" % WSSE_NS)
        assert token.findtext("{%s}Username" % WSSE_NS) == "hub"
        password = token.find("{%s}Password" % WSSE_NS)
        assert password.get("Type").endswith("#PasswordDigest")
        nonce = base64.b64decode(token.findtext("{%s}Nonce" % WSSE_NS))
        created = token.findtext("{%s}Created" % WSU_NS)
        expected = base64.b64encode(hashlib.sha1(nonce + created.encode() + b"pa55-word").digest()).decode()
        assert password.text == expected
        assert security.find("{%s}Timestamp/{%s}Expires" % (WSU_NS, WSU_NS)) is not None
        nonces.append(nonce)
    assert len(set(nonces)) == 2


def test_ws_security_text_mode_masks_the_password_in_preview(soap_server, make_context):
    connector = soap(soap_server, wsse={"username": "hub", "password": "pa55-word", "password_type": "text"})
    prepared = connector.prepare(goals_payload(), make_context())
    assert "pa55-word" not in prepared.body
    assert '#PasswordText">********</wsse:Password>' in prepared.body
    connector.deliver(goals_payload(), make_context())
    token = _security(soap_server.raw_requests[0].body).find("{%s}UsernameToken" % WSSE_NS)
    assert token.findtext("{%s}Password" % WSSE_NS) == "pa55-word"
    assert token.findtext("{%s}Nonce" % WSSE_NS)


def test_preview_shows_the_envelope_that_is_sent(soap_server, make_context):
    connector = soap(soap_server, basic_auth={"username": "svc", "password": "basic-pw"})
    prepared = connector.prepare(goals_payload(), make_context())
    assert prepared.method == "POST"
    assert prepared.url == soap_server.url + "/"
    assert prepared.headers["Authorization"] == "Basic ********"
    assert prepared.headers["SOAPAction"].strip('"') == "PutPerformanceGoals"
    connector.deliver(goals_payload(), make_context())
    [raw] = soap_server.raw_requests
    assert prepared.body.encode("utf-8") == raw.body
    expected_basic = "Basic " + base64.b64encode(b"svc:basic-pw").decode()
    assert raw.headers["Authorization"] == expected_basic


def test_wsdl_from_a_file_with_the_endpoint_overridden(soap_server, make_context, tmp_path):
    wsdl_text = requests.get(soap_server.wsdl_url, timeout=5).text.replace(soap_server.url, "http://127.0.0.1:9")
    wsdl_file = tmp_path / "legacy.wsdl"
    wsdl_file.write_text(wsdl_text, encoding="utf-8")
    by_port = create_connector(
        "soap", {"wsdl": str(wsdl_file), "operation": "PutPerformanceGoals", "endpoint": soap_server.url + "/"}
    )
    by_binding = create_connector(
        "soap",
        {
            "wsdl": str(wsdl_file),
            "operation": "PutPerformanceGoals",
            "binding": "LegacyHr",
            "endpoint": soap_server.url + "/",
        },
    )
    by_port.deliver(goals_payload(), make_context())
    by_binding.deliver(goals_payload(), make_context())
    assert len(soap_server.calls) == 2
    assert wsdl_cache.loads[str(wsdl_file)] == 1


def test_the_wsdl_is_loaded_once_and_cached_in_the_instance_folder(soap_server, make_context):
    first, second = soap(soap_server), soap(soap_server)
    context = make_context()
    first.deliver(goals_payload(), context)
    second.deliver(goals_payload(), make_context())
    assert wsdl_cache.loads[soap_server.wsdl_url] == 1
    assert (context.cache_dir / wsdl_cache.CACHE_FILE_NAME).is_file()


def test_a_large_wsdl_loads_once_and_is_reused(tmp_path, make_context):
    wsdl_file = write_wsdl(tmp_path / "big.wsdl", operations=150, fields=40)
    assert wsdl_file.stat().st_size > 2_000_000
    config = {"wsdl": str(wsdl_file), "operation": "Operation000"}
    connectors = [create_connector("soap", config) for _ in range(3)]
    for number, connector in enumerate(connectors):
        payload = {
            "operation": f"Operation{149 - number:03d}",
            "body": {"employeeId": "E-1", "record": [{"field000": "x", "field001": 1.5}]},
        }
        prepared = connector.prepare(payload, make_context())
        assert f"Operation{149 - number:03d}" in prepared.body
    assert wsdl_cache.loads[str(wsdl_file)] == 1


def test_check_reports_reachability_and_configuration(soap_server):
    assert soap(soap_server).check().ok
    wrong_operation = soap(soap_server, operation="Nope").check()
    assert not wrong_operation.ok and "Nope" in wrong_operation.message


def test_check_names_an_unreachable_wsdl():
    with LegacyHrSoapServer() as stopped:
        wsdl_url = stopped.wsdl_url
    result = create_connector("soap", {"wsdl": wsdl_url, "operation": "PutPerformanceGoals"}).check()
    assert not result.ok and "refused" in result.message


def test_a_stopped_endpoint_is_retryable(soap_server, make_context):
    connector = soap(soap_server)
    connector.prepare(goals_payload(), make_context())  # loads the WSDL while the server is up
    soap_server.stop()
    with pytest.raises(RetryableDeliveryError) as raised:
        connector.deliver(goals_payload(), make_context())
    assert "refused" in str(raised.value)
