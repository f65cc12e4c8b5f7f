"""A small HR system for the demo: validates and keeps what it receives, and fails now and then on purpose."""

from __future__ import annotations

import threading

from flask import Flask, jsonify, request

# Every FAIL_EVERY-th new delivery is refused with a 503 so the demo shows retries (Retry-After: 1).
FAIL_EVERY = 4


# Feishu and WeCom presets read the vendor's result code (docs/connectors.md, response rules): answer as they do.
VENDOR_OK = {"code": 0, "msg": "success", "errcode": 0, "errmsg": "ok"}


class DemoHRSystem:
    """The state behind the demo target: what it stored, keyed by idempotency key."""

    def __init__(self, fail_every: int = FAIL_EVERY):
        self.fail_every = fail_every
        self.lock = threading.Lock()
        self.stored: dict[str, dict] = {}
        self.requests = 0
        self.refused = 0
        self.duplicates = 0

    def app(self) -> Flask:
        app = Flask("demo_hr_system", static_folder=None)

        @app.route("/<path:path>", methods=["POST", "PUT", "PATCH"])
        def receive(path):
            key = request.headers.get("Idempotency-Key")
            body = request.get_json(silent=True)
            with self.lock:
                self.requests += 1
                if not key:
                    return jsonify(error="Idempotency-Key header is required"), 400
                if not isinstance(body, (dict, list)):
                    return jsonify(error="expected a JSON body"), 400
                if key in self.stored:
                    self.duplicates += 1
                    return jsonify(id=self.stored[key]["id"], duplicate=True, **VENDOR_OK), 200
                if self.fail_every and self.requests % self.fail_every == 0:
                    self.refused += 1
                    return jsonify(error="busy, try again"), 503, {"Retry-After": "1"}
                record = {"id": f"hr-{len(self.stored) + 1}", "path": "/" + path, "body": body}
                self.stored[key] = record
            return jsonify(id=record["id"], **VENDOR_OK), 201

        @app.get("/")
        def health():
            return jsonify(status="ok", stored=len(self.stored))

        @app.get("/received")
        def received():
            with self.lock:
                return jsonify(items=list(self.stored.values()), requests=self.requests, refused=self.refused)

        return app
