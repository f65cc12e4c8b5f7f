"""HTTP status classification shared by the HTTP-based connectors: success, retry, or give up."""

from __future__ import annotations

import email.utils
from datetime import datetime, timezone
from typing import Any

from connectors.errors import PermanentDeliveryError, RetryableDeliveryError

RETRYABLE_STATUSES = frozenset({408, 429})
# The longest wait a Retry-After header can ask for; longer asks are clamped to it.
MAX_RETRY_AFTER_SECONDS = 24 * 3600
MAX_RETRY_AFTER_DIGITS = len(str(MAX_RETRY_AFTER_SECONDS)) + 1


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date), at most MAX_RETRY_AFTER_SECONDS;
    None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        # A huge delay ("999999999999", or 5,000 digits) is the target's mistake, never a reason to wait years.
        digits = value.lstrip("0") or "0"
        if len(digits) > MAX_RETRY_AFTER_DIGITS:
            return float(MAX_RETRY_AFTER_SECONDS)
        return float(min(int(digits), MAX_RETRY_AFTER_SECONDS))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return min(max(0.0, (when - now).total_seconds()), float(MAX_RETRY_AFTER_SECONDS))


def is_success(status_code: int) -> bool:
    """Success is 2xx only."""
    return 200 <= status_code < 300


def is_retryable_status(status_code: int) -> bool:
    """408, 429 and 5xx may succeed later."""
    return status_code in RETRYABLE_STATUSES or 500 <= status_code < 600


def error_for_status(
    status_code: int,
    headers,
    response_excerpt: str,
    latency_ms: float | None,
    target: str,
    now: datetime | None = None,
):
    """The delivery error for a non-2xx answer: retryable (408, 429, 5xx) or permanent (410 disables)."""
    details: dict[str, Any] = {
        "status_code": status_code,
        "response_excerpt": response_excerpt,
        "latency_ms": latency_ms,
    }
    if is_retryable_status(status_code):
        retry_after = parse_retry_after(headers.get("Retry-After"), now)
        hint = f", Retry-After {retry_after:g} s" if retry_after is not None else ""
        return RetryableDeliveryError(
            f"{target} answered HTTP {status_code}{hint}; will retry", retry_after=retry_after, **details
        )
    if status_code == 410:
        return PermanentDeliveryError(
            f"{target} answered HTTP 410 Gone: the endpoint was removed; disabling the connector",
            disable_connector=True,
            **details,
        )
    if 300 <= status_code < 400:
        location = headers.get("Location", "?")
        return PermanentDeliveryError(
            f"{target} answered HTTP {status_code} redirect to {location}; redirects are not followed, "
            "update the connector's address",
            **details,
        )
    return PermanentDeliveryError(f"{target} answered HTTP {status_code}; not retried", **details)
