"""A target's Retry-After, however large or odd, leaves a retrying job with an attempt row and a time within a day."""

from __future__ import annotations

import math
from datetime import UTC, timedelta

import pytest

from hub.delivery.schedule import next_delay
from hub.storage.models import utcnow
from tests.hub.delivery_support import (
    add_rest_connector,
    caller,
    hire,
    jobs,
    run_worker,
)
from tests.support.http_receiver import HttpReceiver, Reply

DAY = timedelta(hours=24)


@pytest.mark.parametrize(
    "header",
    ["999999999999", "9" * 5000, "Fri, 31 Dec 9999 23:59:59 GMT"],
    ids=["twelve-nines", "5000-digits", "year-9999"],
)
def test_a_huge_retry_after_is_recorded_and_clamped_to_a_day(hub_state, header):
    with HttpReceiver(
        default=Reply(503, headers={"Retry-After": header}, body="服务维护中 / down for maintenance")
    ) as receiver:
        add_rest_connector(hub_state, "hr", receiver.url)
        hire(hub_state, caller(hub_state))
        before = utcnow()
        run_worker(hub_state, max_seconds=20)  # stops when nothing is due: the job waits a day
        after = utcnow()
        assert len(receiver.requests) == 1
    [job] = jobs(hub_state)
    assert job.status == "retrying" and job.attempts == 1
    [attempt] = job.attempts_log
    assert attempt.outcome == "retryable" and attempt.status_code == 503
    when = job.next_attempt_at if job.next_attempt_at.tzinfo else job.next_attempt_at.replace(tzinfo=UTC)
    assert before + DAY - timedelta(seconds=5) <= when <= after + DAY + timedelta(seconds=5), when


@pytest.mark.parametrize(
    "retry_after, expected", [(1e300, 86400.0), (math.inf, 86400.0), (-5.0, 0.0), (10**400, 86400.0), (7.5, 7.5)]
)
def test_a_plugins_own_retry_after_is_clamped_too(retry_after, expected):
    """A third-party connector raises RetryableDeliveryError(retry_after=...) without the header parser's clamp."""
    assert next_delay([5.0, 300.0], 1, retry_after) == expected


def test_a_retry_after_that_is_not_a_number_falls_back_to_the_schedule():
    assert next_delay([5.0, 300.0], 2, math.nan) == 300.0
