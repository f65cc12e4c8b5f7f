"""Fixtures for connector tests: delivery contexts and the loopback receiver."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone

import pytest

from connectors.base import DeliveryContext
from tests.support.http_receiver import HttpReceiver


@pytest.fixture
def make_context(tmp_path):
    """Factory for DeliveryContext; each call a new job id unless one is given."""
    counter = itertools.count(1)

    def make(job_id: str | None = None, attempt: int = 1, now: datetime | None = None, **overrides) -> DeliveryContext:
        cache_dir = tmp_path / "cache"
        cache_dir.mkdir(exist_ok=True)
        values = dict(
            job_id=job_id or f"job-{next(counter):04d}",
            attempt=attempt,
            event="profile.created",
            connector_name="test-connector",
            cache_dir=cache_dir,
            now=now or datetime.now(timezone.utc),
        )
        values.update(overrides)
        return DeliveryContext(**values)

    return make


@pytest.fixture
def receiver():
    with HttpReceiver() as server:
        yield server
