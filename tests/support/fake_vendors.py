"""Loopback fakes of Feishu/Lark open-apis and the WeCom server API, answering as the vendors document.

Feishu: POST /open-apis/auth/v3/tenant_access_token/internal {app_id, app_secret} -> {code, msg,
tenant_access_token, expire}; business calls carry `Authorization: Bearer t-...`; a bad token is answered with
code 99991663. WeCom: GET /cgi-bin/gettoken?corpid=&corpsecret= -> {errcode, errmsg, access_token, expires_in};
business calls carry ?access_token=; always HTTP 200, 40014 for an invalid token, 42001 for an expired one.

`expire_tokens()` makes every token handed out so far expired (the vendors may do so before the stated lifetime);
`fail_next(path, *answers)` makes the next business calls answer (status, code, message) instead of success.
"""

from __future__ import annotations

import collections
import itertools
import json
import threading

from werkzeug.wrappers import Request, Response

from tests.support.loopback import LoopbackWsgiServer

FEISHU_TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
FEISHU_SHIFTS_PATH = "/open-apis/attendance/v1/shifts"
WECOM_TOKEN_PATH = "/cgi-bin/gettoken"
WECOM_CHECKIN_PATH = "/cgi-bin/checkin/add_checkin_option"


class _FakeVendor(LoopbackWsgiServer):
    def __init__(self, app_id: str, app_secret: str, lifetime: int = 7200):
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self.lifetime = lifetime
        self._lock = threading.Lock()
        self._serial = itertools.count(1)
        self.valid: set[str] = set()
        self.expired: set[str] = set()
        self.token_fetches = 0
        self.calls: list[dict] = []  # business calls: path, token used, JSON body
        self._failures: dict[str, collections.deque] = collections.defaultdict(collections.deque)

    def expire_tokens(self) -> None:
        with self._lock:
            self.expired |= self.valid
            self.valid.clear()

    def fail_next(self, path: str, *answers: tuple[int, int, str]) -> None:
        with self._lock:
            self._failures[path].extend(answers)

    def _issue(self, prefix: str) -> str:
        with self._lock:
            token = f"{prefix}{next(self._serial):04d}secret"
            self.valid.add(token)
            self.token_fetches += 1
            return token

    def _next_failure(self, path: str):
        with self._lock:
            return self._failures[path].popleft() if self._failures[path] else None

    def _record(self, path: str, token: str | None, request: Request) -> None:
        with self._lock:
            self.calls.append(
                {"path": path, "token": token, "body": request.get_json(silent=True), "query": dict(request.args)}
            )

    @staticmethod
    def _json(answer: dict, status: int = 200) -> Response:
        return Response(json.dumps(answer), status=status, content_type="application/json; charset=utf-8")


class FakeFeishu(_FakeVendor):
    """open.feishu.cn on loopback: tenant_access_token and attendance shifts."""

    def __init__(
        self, app_id: str = "cli_a1b2c3d4e5f6a7b8", app_secret: str = "feishu-app-secret-xyz", lifetime: int = 7200
    ):
        super().__init__(app_id, app_secret, lifetime)

    @Request.application
    def wsgi_app(self, request: Request) -> Response:
        if request.path == FEISHU_TOKEN_PATH and request.method == "POST":
            body = request.get_json(silent=True) or {}
            if body.get("app_id") != self.app_id:
                return self._json({"code": 10003, "msg": "invalid param: app_id"})
            if body.get("app_secret") != self.app_secret:
                return self._json({"code": 10014, "msg": "app secret invalid"})
            return self._json(
                {"code": 0, "msg": "ok", "tenant_access_token": self._issue("t-"), "expire": self.lifetime}
            )
        if request.path == FEISHU_SHIFTS_PATH and request.method == "POST":
            authorization = request.headers.get("Authorization", "")
            token = authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else None
            self._record(request.path, token, request)
            if token is None:
                return self._json({"code": 99991661, "msg": "Missing access token for authorization."}, 400)
            if token not in self.valid:
                return self._json({"code": 99991663, "msg": "Invalid access token for authorization."}, 400)
            failure = self._next_failure(request.path)
            if failure:
                status, code, message = failure
                return self._json({"code": code, "msg": message, "data": {}}, status)
            shift = {**(request.get_json(silent=True) or {}), "shift_id": f"69{len(self.calls):08d}"}
            return self._json({"code": 0, "msg": "success", "data": {"shift": shift}})
        return self._json({"code": 404, "msg": "not found"}, 404)


class FakeWecom(_FakeVendor):
    """qyapi.weixin.qq.com on loopback: gettoken and add_checkin_option."""

    def __init__(
        self, corpid: str = "ww1234567890abcdef", corpsecret: str = "wecom-corp-secret-xyz", lifetime: int = 7200
    ):
        super().__init__(corpid, corpsecret, lifetime)

    @Request.application
    def wsgi_app(self, request: Request) -> Response:
        if request.path == WECOM_TOKEN_PATH and request.method == "GET":
            if request.args.get("corpid") != self.app_id:
                return self._json({"errcode": 40013, "errmsg": "invalid corpid"})
            if request.args.get("corpsecret") != self.app_secret:
                return self._json({"errcode": 40001, "errmsg": "invalid credential"})
            return self._json(
                {"errcode": 0, "errmsg": "ok", "access_token": self._issue("wx-"), "expires_in": self.lifetime}
            )
        if request.path == WECOM_CHECKIN_PATH and request.method == "POST":
            token = request.args.get("access_token")
            self._record(request.path, token, request)
            if not token:
                return self._json({"errcode": 41001, "errmsg": "access_token missing"})
            if token in self.expired:
                return self._json({"errcode": 42001, "errmsg": "access_token expired"})
            if token not in self.valid:
                return self._json({"errcode": 40014, "errmsg": "invalid access_token"})
            failure = self._next_failure(request.path)
            if failure:
                status, code, message = failure
                return self._json({"errcode": code, "errmsg": message}, status)
            return self._json({"errcode": 0, "errmsg": "ok"})
        return self._json({"errcode": 404, "errmsg": "not found"}, 404)
