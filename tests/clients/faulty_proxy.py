"""An HTTP proxy on loopback in front of the real hub that fails on cue, and records every request it is sent.

`proxy.fail("503", "drop")` makes the next two requests fail (one each) before it forwards again:
- "503", "429": answer that status as problem+json with `Retry-After` (the hub is not asked); "500" likewise,
  without Retry-After;
- "drop": forward to the hub, let it answer, then close the connection without relaying the answer (the hub
  stored what it was sent, the client never hears of it);
- "reset": close the connection before forwarding (the hub never sees the request).
"""

from __future__ import annotations

import http.client
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Answers the proxy makes up instead of asking the hub: status, problem slug, title.
CANNED = {
    "503": (503, "database-unavailable", "Database unavailable"),
    "429": (429, "too-many-requests", "Too many requests"),
    "500": (500, "internal-error", "Internal error"),
}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    action: str


class FaultyProxy:
    def __init__(self, upstream: str, retry_after: str = "1"):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.retry_after = retry_after
        self.seen: list[Seen] = []
        self._plan: list[str] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    action = proxy._plan.pop(0) if proxy._plan else "forward"
                    proxy.seen.append(Seen(self.command, self.path, dict(self.headers.items()), body, action))
                if action == "reset":
                    self.close_connection = True
                    return
                if action in CANNED:
                    status, slug, title = CANNED[action]
                    problem = {"type": f"https://hris-hub.dev/problems/{slug}", "title": title, "status": status}
                    payload = json.dumps({**problem, "detail": "proxy says: try again"}).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/problem+json")
                    if status != 500:
                        self.send_header("Retry-After", proxy.retry_after)
                    self.send_header("Content-Length", str(len(payload)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(payload)
                    self.close_connection = True
                    return
                upstream = http.client.HTTPConnection(*proxy.upstream, timeout=60)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                    upstream.request(self.command, self.path, body=body or None, headers=headers)
                    answer = upstream.getresponse()
                    content = answer.read()
                    if action == "drop":
                        self.close_connection = True
                        return
                    self.send_response_only(answer.status, answer.reason)
                    for name, value in answer.getheaders():
                        if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                finally:
                    upstream.close()

            do_GET = do_POST = do_DELETE = do_PATCH = do_PUT = handle_one

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def fail(self, *actions: str) -> None:
        with self._lock:
            self._plan.extend(actions)

    def requests_to(self, path_prefix: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path.startswith(path_prefix)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
