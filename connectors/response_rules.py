"""Response rules: success is what the vendor's body says, not only a 2xx status.

WeCom always, and Feishu for many errors, answer HTTP 200 with a non-zero `errcode`/`code` in the JSON body.
A rule names where that code is (a JSON pointer), the success value, and the codes that are worth a retry or
mean "fetch a new token"; any other code is a permanent failure carrying the vendor's message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jsonpointer

from connectors.http_status import is_retryable_status, is_success

_SCALAR = {"type": ["integer", "string"]}

RULE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code"],
    "description": "How to read the vendor's result code in a JSON answer.",
    "properties": {
        "code": {"type": "string", "pattern": "^/", "description": "JSON pointer to the result code, e.g. /errcode."},
        "success": {**_SCALAR, "description": "The code meaning success (default 0)."},
        "message": {
            "type": "string",
            "pattern": "^/",
            "description": "JSON pointer to the vendor's message, recorded with a failure, e.g. /errmsg.",
        },
        "retryable": {
            "type": "array",
            "items": _SCALAR,
            "uniqueItems": True,
            "description": "Codes worth a retry later: system busy, rate limits.",
        },
        "refresh_token": {
            "type": "array",
            "items": _SCALAR,
            "uniqueItems": True,
            "description": "Codes meaning the access token is invalid or expired: refresh it once and send again.",
        },
    },
}

SUCCESS, REFRESH, RETRY, PERMANENT, BY_STATUS = "success", "refresh", "retry", "permanent", "status"
MESSAGE_CHARS = 300


@dataclass(frozen=True)
class Verdict:
    """What a response means under a rule; `BY_STATUS` leaves the decision to the HTTP status."""

    kind: str
    code: Any = None
    message: str = ""

    def describe(self, rule: dict) -> str:
        """'errcode 40058 (invalid parameter)' for messages."""
        name = rule["code"].rsplit("/", 1)[-1] or "code"
        if self.code is None:
            return f"no result code at {rule['code']}"
        return f"{name} {self.code}" + (f" ({self.message})" if self.message else "")


def _same(code: Any, value: Any) -> bool:
    # Vendors document codes as numbers; a rule written in YAML may quote them.
    return not isinstance(code, bool) and (code == value or str(code) == str(value))


def _member(code: Any, values) -> bool:
    return any(_same(code, value) for value in values or ())


def judge(rule: dict | None, status_code: int, content: bytes | str | None) -> Verdict:
    """The verdict of `rule` on one answer; without a rule, the HTTP status decides."""
    if not rule:
        return Verdict(BY_STATUS)
    try:
        answer = json.loads(content or b"")
    except (ValueError, UnicodeDecodeError):
        answer = None
    missing = object()
    code = jsonpointer.resolve_pointer(answer, rule["code"], missing) if answer is not None else missing
    if code is missing or isinstance(code, (dict, list)):
        # A 2xx we cannot read is not proof of delivery; an error status speaks for itself.
        return Verdict(PERMANENT) if is_success(status_code) else Verdict(BY_STATUS)
    message = ""
    if rule.get("message"):
        found = jsonpointer.resolve_pointer(answer, rule["message"], None)
        message = "" if found is None else str(found)[:MESSAGE_CHARS]
    if _same(code, rule.get("success", 0)):
        return Verdict(SUCCESS if is_success(status_code) else BY_STATUS, code, message)
    if _member(code, rule.get("refresh_token")):
        return Verdict(REFRESH, code, message)
    if _member(code, rule.get("retryable")) or is_retryable_status(status_code):
        return Verdict(RETRY, code, message)
    return Verdict(PERMANENT, code, message)
