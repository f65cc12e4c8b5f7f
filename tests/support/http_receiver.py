"""A recording, scriptable HTTP server on 127.0.0.1 for connector and hub end-to-end tests.

Usage::

    from tests.support.http_receiver import HttpReceiver, Reply

    with HttpReceiver() as receiver:                      # binds 127.0.0.1 on a free port
        receiver.script("/goals", Reply(503, headers={"Retry-After": "7"}), Reply(201, body={"id": "g-1"}))
        receiver.script("/slow", Reply(200, delay=5))     # answers after 5 s (cut short by stop())
        receiver.handle("/token", lambda request: Reply(200, body={"access_token": "t", "expires_in": 60}))
        ... post to receiver.url + "/goals" ...
        receiver.wait_for(2, path="/goals")               # block until 2 requests arrived (AssertionError on timeout)
        receiver.requests_for("/goals")[0].header("Idempotency-Key")
        receiver.idempotency_keys()                       # Counter: Idempotency-Key -> times received
        receiver.delivered_keys()                         # set of keys answered with a 2xx

API:
- ``HttpReceiver(default=Reply(200, body={"ok": True}))``; ``start()`` / ``stop()`` or ``with``; ``.url``, ``.port``.
- ``script(path, *replies)``: replies for `path` used in order, one per request; once used up, `default` answers.
- ``handle(path, function)``: `function(RecordedRequest) -> Reply` answers every request to `path` (wins over a script).
- ``requests`` (copy of all, in arrival order), ``requests_for(path)``, ``wait_for(count, timeout=5.0, path=None)``.
- ``idempotency_keys(path=None)`` -> Counter, ``delivered_keys(path=None)`` -> set, ``clear()`` forgets requests and scripts.
All methods are thread-safe; the server handles each request on its own thread.
Paths are matched without the query string. `Reply.body` may be bytes, str or a JSON-serialisable value.
"""

from __future__ import annotations

import collections
import json
import threading
import time
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import Any, Callable

from tests.support.loopback import LoopbackWsgiServer


@dataclass(frozen=True)
class Reply:
    """One scripted answer: status, headers, body, and a delay before answering (for timeouts)."""

    status: int = 200
    headers: dict = field(default_factory=dict)
    body: Any = b""
    delay: float = 0.0

    def body_bytes(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")

    def content_type(self) -> str:
        return "text/plain; charset=utf-8" if isinstance(self.body, (bytes, str)) else "application/json"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received."""

    method: str
    path: str
    query: str
    headers: dict
    body: bytes
    received_at: float
    status: int  # the status it was answered with

    def header(self, name: str, default: str | None = None) -> str | None:
        """A header's value, name matched case-insensitively."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return default

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def text(self) -> str:
        return self.body.decode("utf-8")


class HttpReceiver(LoopbackWsgiServer):
    """Records every request, answers from per-path scripts; see the module docstring."""

    def __init__(self, default: Reply | None = None, host: str = "127.0.0.1"):
        super().__init__(host=host)
        self.default = default or Reply(200, body={"ok": True})
        self._condition = threading.Condition()
        self._requests: list[RecordedRequest] = []
        self._scripts: dict[str, collections.deque] = {}
        self._handlers: dict[str, Callable[[RecordedRequest], Reply]] = {}

    def script(self, path: str, *replies: Reply) -> None:
        """Queue replies for `path`, used one per request in order."""
        with self._condition:
            self._scripts.setdefault(path, collections.deque()).extend(replies)

    def handle(self, path: str, function: Callable[[RecordedRequest], Reply]) -> None:
        """Answer every request to `path` with `function(request)`."""
        with self._condition:
            self._handlers[path] = function

    def clear(self) -> None:
        """Forget recorded requests, scripts and handlers."""
        with self._condition:
            self._requests.clear()
            self._scripts.clear()
            self._handlers.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._condition:
            return list(self._requests)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == path]

    def wait_for(self, count: int, timeout: float = 5.0, path: str | None = None) -> list[RecordedRequest]:
        """Block until at least `count` requests (to `path`, if given) arrived; return them."""

        def matching():
            return [request for request in self._requests if path is None or request.path == path]

        with self._condition:
            if not self._condition.wait_for(lambda: len(matching()) >= count, timeout=timeout):
                raise AssertionError(
                    f"expected {count} request(s){' to ' + path if path else ''} within {timeout} s, "
                    f"got {len(matching())}"
                )
            return matching()

    def idempotency_keys(self, path: str | None = None) -> collections.Counter:
        """How many times each Idempotency-Key was received."""
        return collections.Counter(
            request.header("Idempotency-Key")
            for request in self.requests
            if (path is None or request.path == path) and request.header("Idempotency-Key")
        )

    def delivered_keys(self, path: str | None = None) -> set[str]:
        """Idempotency-Keys of requests answered with a 2xx."""
        return {
            request.header("Idempotency-Key")
            for request in self.requests
            if (path is None or request.path == path)
            and 200 <= request.status < 300
            and request.header("Idempotency-Key")
        }

    def _reply_for(self, request: RecordedRequest) -> Reply:
        with self._condition:
            handler = self._handlers.get(request.path)
            if handler is None:
                queue = self._scripts.get(request.path)
                return queue.popleft() if queue else self.default
        return handler(request)

    def wsgi_app(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers[key.replace("_", "-").title()] = environ[key]
        pending = RecordedRequest(
            method=environ["REQUEST_METHOD"],
            path=environ.get("PATH_INFO", "/"),
            query=environ.get("QUERY_STRING", ""),
            headers=headers,
            body=body,
            received_at=time.time(),
            status=0,
        )
        reply = self._reply_for(pending)
        recorded = replace(pending, status=reply.status)
        with self._condition:
            self._requests.append(recorded)
            self._condition.notify_all()
        if reply.delay and self.stopping.wait(reply.delay):
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"receiver stopping"]
        content = reply.body_bytes()
        extra = {name: str(value) for name, value in reply.headers.items() if name.lower() != "content-length"}
        response_headers = (
            [] if any(name.lower() == "content-type" for name in extra) else [("Content-Type", reply.content_type())]
        )
        response_headers += [("Content-Length", str(len(content))), *extra.items()]
        start_response(f"{reply.status} {_reason(reply.status)}", response_headers)
        return [content] if environ["REQUEST_METHOD"] != "HEAD" else []


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
