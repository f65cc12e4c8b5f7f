"""Shared pieces of list endpoints: paging limits, time filters, the format switch."""
from __future__ import annotations

from datetime import datetime

from flask import request

from hub.web.problems import Problem

MAX_LIMIT = 1000


def limit_arg(default: int = 100) -> int:
    raw = request.args.get("limit", str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise Problem(400, "bad-query", "Bad limit", f"limit must be a whole number from 1 to {MAX_LIMIT}, got {raw!r}.",
                      errors=[{"pointer": "?limit", "message": f"expected 1-{MAX_LIMIT}"}])
    return int(raw)


def time_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise Problem(400, "bad-query", f"Bad {name}", f"{name} must be an ISO-8601 time with an offset, got {raw!r}.",
                      errors=[{"pointer": f"?{name}", "message": "expected e.g. 2026-11-20T09:30:00Z"}])
    return value


def wants_csv() -> bool:
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise Problem(400, "bad-query", "Bad format", f"format must be json or csv, got {fmt!r}.")
    return fmt == "csv"
