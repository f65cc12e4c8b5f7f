"""When a failed job is tried again: its connector's retry schedule (or the hub's), jitter, Retry-After; dead when spent."""

from __future__ import annotations

import math
import random

from connectors.http_status import MAX_RETRY_AFTER_SECONDS
from hub.config import DEFAULT_RETRY_SCHEDULE
from hub.storage.models import Connector

JITTER = 0.1  # ±10 %: jobs that failed together do not all come back in the same second


def schedule_of(connector: Connector, default: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE) -> list[float]:
    """The delays between a connector's attempts: its own, or the hub's (HUB_RETRY_SCHEDULE)."""
    return list(connector.retry_schedule or default)


def next_delay(schedule: list[float], attempts: int, retry_after: float | None) -> float | None:
    """Seconds until the next try after `attempts` tries, or None when the schedule is spent (the job is dead)."""
    if attempts > len(schedule):
        return None
    if retry_after is not None:
        # A plugin's own retry_after is clamped like a parsed header: a huge or non-finite one would overflow the
        # timestamp and roll the attempt's transaction back, re-sending the job every lease for ever.
        try:
            seconds = float(min(max(retry_after, 0), MAX_RETRY_AFTER_SECONDS))  # clamped before float: 10**400
        except TypeError:
            seconds = math.nan
        if math.isnan(seconds):
            return schedule[attempts - 1]
        return seconds
    base = schedule[attempts - 1]
    return base * random.uniform(1 - JITTER, 1 + JITTER)
