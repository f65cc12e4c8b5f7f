"""The fast target for bench/delivery.py: answers every POST with 201 at once and records when it arrived.

Runs in its own process so it does not compete for the GIL with the worker or the baseline loop.
Keep-alive HTTP/1.1 with Nagle off, one thread per connection (the stdlib's ThreadingHTTPServer).

  POST <any path>          recorded (arrival time, Idempotency-Key, path, headers, body), answered 201
  GET  /healthz            200 once listening
  GET  /_bench/count       {"count": n}
  GET  /_bench/requests    every recorded request in arrival order (bodies only with ?bodies=1)
  POST /_bench/reset       forget every recorded request

Run: python bench/delivery_receiver.py --port 8091
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Headers a replay needs to send the same request again (the baseline posts what the worker sent).
KEPT_HEADERS = (
    "content-type",
    "idempotency-key",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "x-hris-hub-event",
    "user-agent",
    "accept",
)
BENCH_PREFIX = "/_bench/"


class Recorder:
    """The requests received so far; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._requests: list[dict] = []

    def add(self, entry: dict) -> int:
        with self._lock:
            self._requests.append(entry)
            return len(self._requests)

    def count(self) -> int:
        with self._lock:
            return len(self._requests)

    def snapshot(self, *, bodies: bool) -> list[dict]:
        with self._lock:
            entries = list(self._requests)
        if bodies:
            return entries
        return [{key: value for key, value in entry.items() if key not in ("body", "headers")} for entry in entries]

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the connector's pooled session expects
    disable_nagle_algorithm = True  # headers and body are separate writes; don't let the second wait for an ACK
    recorder: Recorder  # set on the subclass made in make_server

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == "/healthz":
            self._answer(200, {"status": "ok"})
        elif path == BENCH_PREFIX + "count":
            self._answer(200, {"count": self.recorder.count()})
        elif path == BENCH_PREFIX + "requests":
            self._answer(200, {"requests": self.recorder.snapshot(bodies="bodies=1" in query)})
        else:
            self._answer(404, {"error": f"no GET {path}"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        arrived_at = time.time()  # wall clock: the bench compares it with times taken in another process
        if self.path == BENCH_PREFIX + "reset":
            self.recorder.reset()
            self._answer(200, {"reset": True})
            return
        number = self.recorder.add(
            {
                "arrived_at": arrived_at,
                "key": self.headers.get("Idempotency-Key"),
                "path": self.path,
                "headers": {name: value for name, value in self.headers.items() if name.lower() in KEPT_HEADERS},
                "body": body.decode("utf-8", errors="replace"),
            }
        )
        self._answer(201, {"id": f"hr-{number}"})

    do_PUT = do_PATCH = do_POST

    def _answer(self, status: int, document: dict) -> None:
        payload = json.dumps(document, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *_args):
        """Quiet: a log line per request would cost more than the answer."""


def make_server(host: str, port: int) -> ThreadingHTTPServer:
    handler = type("RecordingHandler", (Handler,), {"recorder": Recorder()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (keep it on loopback)")
    parser.add_argument("--port", type=int, default=8091)
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
