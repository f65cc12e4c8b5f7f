"""The generic REST type's erasure (hub_erase): a DELETE where the mapping names one, against a real server."""

from __future__ import annotations

import pytest

from connectors.errors import PermanentDeliveryError, RetryableDeliveryError
from connectors.plugins import create_connector, erase_at_target
from connectors.rest_erase import erase_paths
from mappings.errors import MappingError
from tests.support.http_receiver import Reply

SUBJECT = {
    "request_id": "er_0123456789",
    "candidate_external_id": "wx/openid 9f3a",
    "results": [{"id": "r-1", "external_id": "iv-1"}, {"id": "r-2", "external_id": "iv-2"}],
    "employee_ids": ["E1"],
}


def test_paths_quote_the_ids_and_repeat_per_result_or_employee():
    assert erase_paths("/candidates/{candidate_external_id}", SUBJECT) == ["/candidates/wx%2Fopenid%209f3a"]
    assert erase_paths("/results/{result_id}", SUBJECT) == ["/results/r-1", "/results/r-2"]
    assert erase_paths("/employees/{employee_id}/applications/{result_external_id}", SUBJECT) == [
        "/employees/E1/applications/iv-1",
        "/employees/E1/applications/iv-2",
    ]
    assert erase_paths("/employees/{employee_id}", {**SUBJECT, "employee_ids": []}) == []


def test_a_delete_is_sent_with_the_connectors_auth_and_the_request_id(receiver):
    receiver.script("/hr/results/r-2", Reply(404))  # nothing left there: done as well
    connector = create_connector("rest", {"base_url": receiver.url + "/hr", "auth": {"type": "bearer", "token": "s3"}})
    sent = erase_at_target(connector, subject=SUBJECT, settings={"path": "/results/{result_id}"})
    assert [result.status_code for result in sent] == [200, 404]
    requests = receiver.requests
    assert [(r.method, r.path) for r in requests] == [("DELETE", "/hr/results/r-1"), ("DELETE", "/hr/results/r-2")]
    assert requests[0].header("Authorization") == "Bearer s3"
    assert requests[0].header("Idempotency-Key") == "er_0123456789"
    assert requests[0].body == b""


def test_no_erase_section_means_not_supported(receiver):
    connector = create_connector("rest", {"base_url": receiver.url})
    assert erase_at_target(connector, subject=SUBJECT, settings=None) is None
    assert receiver.requests == []


def test_a_refusal_or_an_outage_is_an_error_to_retry(receiver):
    connector = create_connector("rest", {"base_url": receiver.url})
    receiver.script("/candidates/x", Reply(503), Reply(403))
    subject = {**SUBJECT, "candidate_external_id": "x"}
    with pytest.raises(RetryableDeliveryError) as unavailable:
        erase_at_target(connector, subject=subject, settings={"path": "/candidates/{candidate_external_id}"})
    assert unavailable.value.status_code == 503
    with pytest.raises(PermanentDeliveryError):
        erase_at_target(connector, subject=subject, settings={"path": "/candidates/{candidate_external_id}"})
    with pytest.raises(PermanentDeliveryError, match="names ids the hub does not hold"):
        erase_at_target(connector, subject={**SUBJECT, "employee_ids": []}, settings={"path": "/e/{employee_id}"})


def test_only_rest_mappings_take_an_erase_section(tmp_path):
    from mappings.target_mapping import load_mapping

    path = tmp_path / "csv-erase.yaml"
    path.write_text(
        "name: csv-erase\nversion: 1\nkind: csv\nevents: [candidate.hired]\npayload: {x: '{{ event }}'}\n"
        "erase: {path: /x}\n"
    )
    with pytest.raises(MappingError, match="only rest mappings"):
        load_mapping(path)
    path.write_text(
        "name: rest-erase\nversion: 1\nkind: rest\nevents: [candidate.hired]\n"
        "payload: {method: POST, path: /e, body: {}}\nerase: {path: relative}\n"
    )
    with pytest.raises(MappingError, match="/erase/path"):
        load_mapping(path)
