"""Shared pieces of list endpoints: paging limits, time filters, the format switch."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import request

from hub.web.problems import Problem

MAX_LIMIT = 1000
MAX_CURSOR = 2**31 - 1  # a seq is an INTEGER column, 32 bits on PostgreSQL; a larger cursor names nothing
_WHOLE_NUMBER = re.compile(r"[0-9]{1,19}")  # ASCII digits only: str.isdigit() also admits "²" and "٣"


def whole_number(name: str, raw: str, minimum: int, maximum: int) -> int:
    """A query parameter that must be a whole number in [minimum, maximum], or a 400 naming it."""
    if _WHOLE_NUMBER.fullmatch(raw) is None or not minimum <= int(raw) <= maximum:
        shown = raw if len(raw) <= 40 else raw[:20] + "..."
        raise Problem(
            400,
            "bad-query",
            f"Bad {name}",
            f"{name} must be a whole number from {minimum} to {maximum}, got {shown!r}.",
            errors=[{"pointer": f"?{name}", "message": f"expected {minimum}-{maximum}"}],
        )
    return int(raw)


def limit_arg(default: int = 100) -> int:
    return whole_number("limit", request.args.get("limit", str(default)), 1, MAX_LIMIT)


def time_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None  # `until=` (empty) is no bound, as an empty form field is
    try:
        value = datetime.fromisoformat(raw)
        value.astimezone(UTC)  # year 9999 with a negative offset is past what any column holds
    except (ValueError, OverflowError):
        value = None
    if value is None or value.tzinfo is None:
        raise Problem(
            400,
            "bad-query",
            f"Bad {name}",
            f"{name} must be an ISO-8601 time with an offset, got {raw!r}.",
            errors=[{"pointer": f"?{name}", "message": "expected e.g. 2026-11-20T09:30:00Z"}],
        )
    return value


def wants_csv() -> bool:
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise Problem(400, "bad-query", "Bad format", f"format must be json or csv, got {fmt!r}.")
    return fmt == "csv"
