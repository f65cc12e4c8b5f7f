"""The legacy-soap presets are accepted by the real spyne test service, through the SOAP connector's shaping."""

from __future__ import annotations

import pytest
import zeep

from connectors.soap_payload import operation_arguments
from mappings import load_mapping, sample_document
from tests.support.soap_server import LegacyHrSoapServer


@pytest.fixture(scope="module")
def soap_service():
    with LegacyHrSoapServer() as server:
        yield server, zeep.Client(server.wsdl_url)


def call(client, payload):
    binding = client.wsdl.bindings[next(iter(client.wsdl.bindings))]
    arguments = operation_arguments(binding.get(payload["operation"]).input.body, payload["body"])
    return getattr(client.service, payload["operation"])(**arguments)


@pytest.mark.parametrize("preset", ["legacy-soap-goals", "legacy-soap-attendance"])
def test_service_accepts_and_sees_the_rendered_values(soap_service, preset):
    server, client = soap_service
    [payload] = load_mapping(preset).render(sample_document())
    receipt = call(client, payload)
    assert receipt.startswith(f"{payload['operation']}-E10086-")
    seen = server.calls[-1]
    assert (seen.operation, seen.employee_id) == (payload["operation"], "E10086")
    expected = {key: value for key, value in payload["body"].items() if key != "employeeId"}
    assert seen.arguments == expected
