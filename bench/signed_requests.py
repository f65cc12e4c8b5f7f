"""Benchmark: what signing costs a request: the HMAC check alone, and a whole POST /api/v1/results over loopback
for a client that does not sign and one that must (signature checked, webhook-id written to the replay table).

The hub runs in this process (waitress on 127.0.0.1) on a fresh SQLite file, or with --postgres URL in a fresh schema
of that PostgreSQL database (dropped afterwards).
Requests are sent one at a time. Prints human-readable figures, then one JSON line with all of them.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import nullcontext

REPOSITORY_ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY_ROOT))

import requests  # noqa: E402
from common import postgres_schema  # noqa: E402

from hub import create_app  # noqa: E402
from hub.accounts import signing  # noqa: E402
from hub.accounts.api_clients import create_client  # noqa: E402
from hub.ops.serving import BackgroundServer  # noqa: E402
from hub.storage.db import transaction  # noqa: E402
from hub.storage.migrate import upgrade  # noqa: E402

KEY = "bench1:" + "B" * 43 + "="


def result() -> bytes:
    return json.dumps(
        {
            "external_id": f"iv-{uuid.uuid4().hex}",
            "job_code": "SALES-REP",
            "candidate": {"external_id": "wx-bench", "name": "王小明", "phone": "+86 138 0013 8000"},
            "scores": {
                "source": "acme-ai",
                "model": "sales",
                "dimensions": {
                    "communication": 92,
                    "stress_tolerance": 75,
                    "customer_orientation": 88,
                    "teamwork": 70,
                    "responsibility": 91,
                },
            },
            "consent": {"notice_version": "2026-09", "given_at": "2026-11-20T09:30:00+08:00"},
        },
        ensure_ascii=False,
    ).encode()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def post_latencies(url: str, key: str, secret: str | None, count: int) -> list[float]:
    session = requests.Session()
    out = []
    for index in range(count + 5):
        body = result()
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        started = time.perf_counter()
        if secret:
            msg_id, stamp = str(uuid.uuid4()), int(time.time())
            headers.update(
                {
                    "webhook-id": msg_id,
                    "webhook-timestamp": str(stamp),
                    "webhook-signature": signing.sign(secret, msg_id, stamp, body),
                }
            )
        answer = session.post(url + "/api/v1/results", data=body, headers=headers, timeout=30)
        elapsed = time.perf_counter() - started
        if answer.status_code != 202:
            raise SystemExit(f"unexpected answer {answer.status_code}: {answer.text[:300]}")
        if index >= 5:  # the first few warm the pools
            out.append(elapsed * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="posts measured per client")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL URL instead of a fresh SQLite file")
    arguments = parser.parse_args()
    with postgres_schema(arguments.postgres, "bench_signing") if arguments.postgres else nullcontext(None) as url:
        run(arguments, url)


def run(arguments: argparse.Namespace, postgres_url: str | None) -> None:
    folder = pathlib.Path(tempfile.mkdtemp(prefix="bench-signing-"))
    app = create_app(
        {
            "HUB_INSTANCE_PATH": str(folder / "instance"),
            "HUB_DATABASE_URL": postgres_url or f"sqlite:///{folder / 'hub.sqlite'}",
            "HUB_ENCRYPTION_KEYS": KEY,
            "HUB_SECRET_KEY": "bench-secret-key-0123456789",
            "HUB_LOG_LEVEL": "ERROR",
            "HUB_SCORING_EMBEDDINGS": "false",
        }
    )
    state = app.extensions["hub"]
    upgrade(state.engine)
    suffix = uuid.uuid4().hex[:6]
    with transaction(state.session_factory) as session:
        _, plain_key = create_client(session, name=f"bench-plain-{suffix}", role="ingest", actor="bench")
        _, signed_key = create_client(session, name=f"bench-signed-{suffix}", role="ingest", actor="bench")
        _, secret = signing.set_mode(session, name=f"bench-signed-{suffix}", mode="required", actor="bench")
    assert secret is not None

    figures: dict[str, float | int | str] = {
        "database": "postgresql" if arguments.postgres else "sqlite",
        "requests": arguments.requests,
    }
    body = result()
    keys = [signing.secret_bytes(secret)]
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(int(time.time()))}
    headers["webhook-signature"] = signing.sign(secret, "msg_1", headers["webhook-timestamp"], body)
    durations = []
    for _ in range(5000):
        started = time.perf_counter()
        signing.verify(keys, headers, body)
        durations.append(time.perf_counter() - started)
    figures["verify_us"] = round(statistics.median(durations) * 1e6, 2)

    server = BackgroundServer(app)
    try:
        for name, key, client_secret in (("unsigned", plain_key, None), ("signed", signed_key, secret)):
            latencies = post_latencies(server.url, key, client_secret, arguments.requests)
            figures[f"{name}_median_ms"] = round(statistics.median(latencies), 2)
            figures[f"{name}_p95_ms"] = round(percentile(latencies, 0.95), 2)
        with state.engine.connect() as connection:
            figures["replay_rows"] = connection.exec_driver_sql("SELECT COUNT(*) FROM signed_request_ids").scalar() or 0
    finally:
        server.close()
        state.dispose()

    print(f"database: {figures['database']}, {arguments.requests} posts per client, one at a time")
    print(f"signature check alone (HMAC-SHA256, {len(body)}-byte body): {figures['verify_us']:8.2f} µs median")
    print(f"POST /api/v1/results, unsigned client: {figures['unsigned_median_ms']:7.2f} ms median, "
          f"{figures['unsigned_p95_ms']:7.2f} ms p95")
    print(f"POST /api/v1/results, signed client:   {figures['signed_median_ms']:7.2f} ms median, "
          f"{figures['signed_p95_ms']:7.2f} ms p95")
    print(f"webhook ids in the replay table afterwards: {figures['replay_rows']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
