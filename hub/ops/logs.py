"""Structured logs: one JSON object a line, each request's lines carrying its request id."""

from __future__ import annotations

import json
import logging
import re
import sys
import time

from flask import g, has_request_context

from connectors.schema import MASK

# Defence in depth: anything shaped like a bearer token or an API key is masked before it is written.
_SECRETS = re.compile(r"(Bearer\s+)\S+|hh_[0-9a-f]{12}_[A-Za-z0-9_-]+", re.IGNORECASE)


def _mask(text: str) -> str:
    return _SECRETS.sub(lambda m: (m.group(1) or "") + MASK, text)


class JsonFormatter(logging.Formatter):
    converter = time.gmtime  # type: ignore[assignment]  # the times are labelled Z, so they must be UTC whatever TZ the host has

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": _mask(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        for key in ("method", "path", "status", "duration_ms", "client", "job_id", "connector"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = _mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    converter = time.gmtime  # type: ignore[assignment]

    def format(self, record: logging.LogRecord) -> str:
        return _mask(super().format(record))


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None) and has_request_context():
            record.request_id = g.get("request_id")
        return True


_configured = False


def configure(level: str, fmt: str) -> None:
    """Install one handler on the root logger (idempotent: several apps in one process share it)."""
    global _configured
    root = logging.getLogger()
    root.setLevel(level)
    # Libraries that narrate at INFO (alembic: a line per migration step) speak only when asked for debug lines.
    for noisy in ("waitress.queue", "jieba", "urllib3", "zeep", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.NOTSET if level == "DEBUG" else logging.WARNING)
    if _configured:
        return
    handler = logging.StreamHandler(sys.stderr)  # stdout is for what a command answers
    handler.setFormatter(
        JsonFormatter() if fmt == "json" else TextFormatter("%(asctime)sZ %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    _configured = True
