"""The peer in bench/delivery.py: procrastinate, a PostgreSQL job queue, delivering the very requests the hub sent.

Run by bench/delivery.py as its own process (`pip install -e '.[bench]'`): it reads the recorded requests
(JSON lines: path, headers, body), applies procrastinate's schema in the schema its URL names, defers one job per
request, then runs one worker with `--threads` concurrency (its sync task runs on a pool of exactly that many
threads) until the queue is empty. Each job posts its request with one shared requests.Session. Prints one JSON
line: seconds from the worker's start to its end, deliveries, CPU seconds of this process during the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import procrastinate
import requests
from requests.adapters import HTTPAdapter


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", required=True)
    parser.add_argument("--receiver", required=True)
    parser.add_argument("--requests-file", required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    recorded = [json.loads(line) for line in open(args.requests_file, encoding="utf-8")]

    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=args.threads, max_retries=0))
    failures: list[str] = []
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=args.postgres_url))

    @app.task(name="deliver", queue="bench")
    def deliver(index: int) -> None:
        entry = recorded[index]
        response = session.post(
            args.receiver + entry["path"], data=entry["body"].encode("utf-8"), headers=entry["headers"], timeout=(2, 10)
        )
        if response.status_code != 201:
            failures.append(f"HTTP {response.status_code}")

    async def run() -> dict:
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(args.threads))
        async with app.open_async():
            await app.schema_manager.apply_schema_async()
            await deliver.batch_defer_async(*({"index": index} for index in range(len(recorded))))
            cpu_before, started = time.process_time(), time.perf_counter()
            await app.run_worker_async(
                queues=["bench"], concurrency=args.threads, wait=False, install_signal_handlers=False
            )
            return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu_before}

    figures = asyncio.run(run())
    print(json.dumps({"deliveries": len(recorded) - len(failures), "failures": failures[:3], **figures}))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
