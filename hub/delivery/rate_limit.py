"""Per-connector rate limits within one worker process: every request to a target takes the next free slot.

One limiter serves all of a worker's delivery threads, so a connector's `rate_per_second` holds however many of
its jobs are in flight at once. Each worker process has its own: N workers may send up to N times the rate
(docs/operations.md says so, and how to size for it).
"""

from __future__ import annotations

import threading
import time
from typing import Callable


class RateLimiter:
    """Slots per connector, `1 / rate` seconds apart, handed out in the order threads ask for them."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._next_free: dict[int, float] = {}

    def wait(self, connector_id: int, rate_per_second: float | None) -> float:
        """Block until this connector may send one more request; returns the seconds waited."""
        if not rate_per_second:
            return 0.0
        interval = 1.0 / rate_per_second
        # The slot is reserved under the lock and waited for outside it, so threads of other connectors never
        # queue behind a connector that is being held back.
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_free.get(connector_id, now))
            self._next_free[connector_id] = slot + interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)

    def backlog(self, connector_id: int) -> float:
        """Seconds until this connector's next free slot (0 when it may send now)."""
        with self._lock:
            return max(0.0, self._next_free.get(connector_id, 0.0) - self._clock())
