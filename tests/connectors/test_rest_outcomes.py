"""The generic REST type's outcome pull (hub_fetch_outcomes) against a real server on loopback."""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime

import pytest

from connectors import hookimpl
from connectors.errors import PermanentDeliveryError, RetryableDeliveryError
from connectors.plugins import create_connector, fetch_outcomes, get_plugin_manager
from tests.support.http_receiver import Reply

REVIEW = {
    "kind": "performance_review",
    "employee_id": "E1",
    "period": "2026-H1",
    "overall": {"rating": 4, "scale": {"min": 1, "max": 5}},
    "source": "hris",
}


def paged(request):
    query = dict(urllib.parse.parse_qsl(request.query))
    if query["kind"] == "attendance_summary":
        return Reply(200, body={"records": [], "next_cursor": None})
    if query.get("cursor") == "p2":
        return Reply(200, body={"records": [REVIEW | {"employee_id": "E3"}], "next_cursor": None})
    return Reply(200, body={"records": [REVIEW, REVIEW | {"employee_id": "E2"}], "next_cursor": "p2"})


def test_pull_follows_cursors_with_the_connectors_auth(receiver):
    receiver.handle("/hr/outcomes", paged)
    connector = create_connector("rest", {"base_url": receiver.url, "auth": {"type": "bearer", "token": "s3cret"}})
    since = datetime(2026, 1, 1, tzinfo=UTC)
    records = fetch_outcomes(
        connector, kinds=["performance_review", "attendance_summary"], since=since, settings={"path": "/hr/outcomes"}
    )
    assert [record["employee_id"] for record in records] == ["E1", "E2", "E3"]
    first = receiver.requests_for("/hr/outcomes")[0]
    assert first.header("Authorization") == "Bearer s3cret"
    assert dict(urllib.parse.parse_qsl(first.query)) == {"kind": "performance_review", "since": since.isoformat()}
    assert len(receiver.requests_for("/hr/outcomes")) == 3


def test_limits_and_bad_answers_are_permanent_errors(receiver):
    connector = create_connector("rest", {"base_url": receiver.url})
    receiver.handle("/outcomes", lambda request: Reply(200, body={"records": [REVIEW], "next_cursor": "again"}))
    with pytest.raises(PermanentDeliveryError, match="max_pages"):
        fetch_outcomes(connector, kinds=["performance_review"], settings={"max_pages": 3})
    receiver.clear()
    receiver.handle("/outcomes", lambda request: Reply(200, body="x" * 5000))
    with pytest.raises(PermanentDeliveryError, match="max_page_bytes"):
        fetch_outcomes(connector, kinds=["performance_review"], settings={"max_page_bytes": 1000})
    receiver.clear()
    receiver.handle("/outcomes", lambda request: Reply(200, body={"items": []}))
    with pytest.raises(PermanentDeliveryError, match='expected {"records"'):
        fetch_outcomes(connector, kinds=["performance_review"])
    with pytest.raises(PermanentDeliveryError, match="unknown outcome kind"):
        fetch_outcomes(connector, kinds=["salary"])


def test_server_errors_are_retryable(receiver):
    connector = create_connector("rest", {"base_url": receiver.url})
    receiver.script("/outcomes", Reply(503, headers={"Retry-After": "9"}))
    with pytest.raises(RetryableDeliveryError) as caught:
        fetch_outcomes(connector, kinds=["performance_review"])
    assert caught.value.retry_after == 9


def test_other_types_get_none_and_a_plugin_can_answer_for_its_own():
    soap_like = type("Other", (), {"type_name": "other"})()
    assert fetch_outcomes(soap_like, kinds=["performance_review"]) is None

    class Plugin:
        @hookimpl
        def hub_fetch_outcomes(self, connector, kinds):
            return [REVIEW] if connector.type_name == "other" else None

    plugin = Plugin()
    get_plugin_manager().register(plugin)
    try:
        assert fetch_outcomes(soap_like, kinds=["performance_review"]) == [REVIEW]
    finally:
        get_plugin_manager().unregister(plugin)
