"""The verdict of a response rule on answers a real vendor gives, including the odd ones."""

from __future__ import annotations

import pytest

from connectors.response_rules import (
    BY_STATUS,
    PERMANENT,
    REFRESH,
    RETRY,
    SUCCESS,
    judge,
)

WECOM = {"code": "/errcode", "message": "/errmsg", "retryable": [-1, 45009], "refresh_token": [40014, 42001]}
NESTED = {"code": "/error/code", "success": "OK", "message": "/error/text"}


@pytest.mark.parametrize(
    "rule,status,body,kind,code",
    [
        (WECOM, 200, b'{"errcode": 0, "errmsg": "ok"}', SUCCESS, 0),
        (WECOM, 200, b'{"errcode": 42001, "errmsg": "expired"}', REFRESH, 42001),
        (WECOM, 200, b'{"errcode": -1, "errmsg": "system busy"}', RETRY, -1),
        (WECOM, 200, b'{"errcode": 40058, "errmsg": "bad"}', PERMANENT, 40058),
        (WECOM, 200, b'{"errcode": "0"}', SUCCESS, "0"),  # a quoted code is the same code
        (WECOM, 200, b'{"errcode": true}', PERMANENT, True),  # true is not 1
        (WECOM, 200, b'{"ok": true}', PERMANENT, None),  # 2xx without a code proves nothing
        (WECOM, 200, b"<html>maintenance</html>", PERMANENT, None),
        (WECOM, 503, b"<html>maintenance</html>", BY_STATUS, None),
        (WECOM, 502, b'{"errcode": 40058}', RETRY, 40058),  # a 5xx stays worth a retry
        (WECOM, 500, b'{"errcode": 0}', BY_STATUS, 0),  # success code on an error status: the status decides
        (NESTED, 200, b'{"error": {"code": "OK"}}', SUCCESS, "OK"),
        (NESTED, 200, b'{"error": {"code": "E42", "text": "locked"}}', PERMANENT, "E42"),
        (None, 200, b'{"errcode": 40058}', BY_STATUS, None),
    ],
)
def test_verdicts(rule, status, body, kind, code):
    verdict = judge(rule, status, body)
    assert (verdict.kind, verdict.code) == (kind, code)


def test_the_vendors_message_is_kept_and_cut():
    verdict = judge(WECOM, 200, ('{"errcode": 40058, "errmsg": "' + "x" * 1000 + '"}').encode())
    assert verdict.message == "x" * 300
    assert verdict.describe(WECOM).startswith("errcode 40058 (xxx")
