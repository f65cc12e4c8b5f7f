"""Sign-in throttling per client address, with backoff: failed attempts from one address slow that address
down, and never lock the account itself (which anyone could do to an admin by typing wrong passwords).

Per process: each server process counts on its own, so N processes allow N times the attempts
(docs/operations.md). The counts live in memory and are forgotten `WINDOW` after the last failure."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

FREE_FAILURES = 5  # failures from one address before it must wait
FIRST_WAIT = 2.0  # seconds after the first failure past the free ones; doubles with each further failure
MAX_WAIT = 15 * 60.0
WINDOW = 60 * 60.0  # a quiet hour forgets an address


@dataclass
class _Record:
    failures: int = 0
    last_failure: float = 0.0


class SignInThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}

    def _wait(self, record: _Record) -> float:
        over = record.failures - FREE_FAILURES
        return 0.0 if over < 0 else min(MAX_WAIT, FIRST_WAIT * 2**over)

    def retry_after(self, address: str) -> float:
        """Seconds this address must still wait before its next attempt (0: it may try now)."""
        with self._lock:
            record = self._records.get(address)
            if record is None:
                return 0.0
            now = self._clock()
            if now - record.last_failure > WINDOW:
                del self._records[address]
                return 0.0
            return max(0.0, record.last_failure + self._wait(record) - now)

    def failed(self, address: str) -> None:
        with self._lock:
            record = self._records.setdefault(address, _Record())
            record.failures += 1
            record.last_failure = self._clock()
            if len(self._records) > 100_000:  # bounded memory under a spray from many addresses
                oldest = sorted(self._records.items(), key=lambda item: item[1].last_failure)[:50_000]
                for key, _ in oldest:
                    del self._records[key]

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._records.pop(address, None)
