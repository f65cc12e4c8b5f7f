"""1000 concurrent interviews: virtual candidates each post a result with answers to score, then poll its status.

The hub runs as `docs/operations.md` recommends for the machine (by default for 2 cores: `hris-hub serve
--processes 2 --threads 16` and one `hris-hub worker`), on PostgreSQL (or SQLite with --backend sqlite).
Two ways to connect, each a fresh database:

- `one-each`: every candidate has its own connection (a thread and a socket apiece, all 1000 at once);
- `pooled`: the candidates share a pool of keep-alive connections (--pool, a gateway in front of the hub).

Each candidate posts once, then polls GET /api/v1/results/{id} (sending If-None-Match when it has an ETag, and
waiting Retry-After when given, else --poll-seconds) until the status is no longer queued. Prints, per mode:
acknowledged (202), errors, POST p50/p99, time from the last post's answer to the last result scored, results
stored in the database (must equal acknowledged), polls, and the server processes' CPU per request. Then one JSON
line with all figures.
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from common import (
    LOOPBACK,
    REPO,
    ServerProcess,
    add_database_arguments,
    choose_backends,
    create_api_key,
    hub_cli,
    hub_environment,
    latency_summary,
    machine_notes,
    postgres_schema,
    print_json_line,
    print_table,
    process_cpu_seconds,
)

EXAMPLES = REPO / "examples" / "results"
DONE = {"scored", "not_scored", "scoring_failed", "failed"}


def documents(count: int) -> list[bytes]:
    """`count` distinct results with answers (the shipped examples, each with its own ids)."""
    templates = []
    for name in ("zh-sales-answers.json", "en-rnd-answers.json"):
        document = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
        document.pop("decision", None)
        templates.append(document)
    run = uuid.uuid4().hex[:8]
    bodies = []
    for index in range(count):
        document = copy.deepcopy(templates[index % len(templates)])
        document["external_id"] = f"load-{run}-{index}"
        document["candidate"]["external_id"] = f"cand-{run}-{index}"
        bodies.append(json.dumps(document, ensure_ascii=False).encode())
    return bodies


class Candidate:
    def __init__(self):
        self.posted_at: float | None = None
        self.post_latency: float | None = None
        self.status_code: int | None = None
        self.error: str | None = None
        self.result_path: str | None = None
        self.done_at: float | None = None
        self.polls = 0
        self.not_modified = 0


def interview(
    port: int,
    key: str,
    body: bytes,
    candidate: Candidate,
    *,
    connection_pool,
    poll_seconds: float,
    deadline: float,
    start: threading.Event,
) -> None:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    start.wait()
    connection = connection_pool.get()
    try:
        began = time.perf_counter()
        try:
            connection.request("POST", "/api/v1/results", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException) as error:
            candidate.error = type(error).__name__
            connection.close()
            return
        candidate.post_latency = time.perf_counter() - began
        candidate.posted_at = time.perf_counter()
        candidate.status_code = response.status
        if response.status != 202:
            candidate.error = f"HTTP {response.status}"
            return
        candidate.result_path = json.loads(answer)["links"]["self"]
        etag = None
        # Between polls the connection goes back to the pool (a pooled client does not hold it while it waits).
        while time.perf_counter() < deadline:
            poll_headers = {"Authorization": headers["Authorization"], **({"If-None-Match": etag} if etag else {})}
            try:
                connection.request("GET", candidate.result_path, headers=poll_headers)
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException) as error:
                candidate.error = f"poll: {type(error).__name__}"
                connection.close()
                return
            candidate.polls += 1
            if response.status == 304:
                candidate.not_modified += 1
            elif response.status == 200:
                etag = response.getheader("ETag") or etag
                if json.loads(answer)["status"] in DONE:
                    candidate.done_at = time.perf_counter()
                    return
            else:
                candidate.error = f"poll: HTTP {response.status}"
                return
            wait = response.getheader("Retry-After")
            connection_pool.put(connection)
            time.sleep(float(wait) if wait and wait.isdigit() else poll_seconds)
            connection = connection_pool.get()
    finally:
        connection_pool.put(connection)


class OneEach:
    """A connection per candidate."""

    def __init__(self, port: int):
        self.port, self.local = port, threading.local()

    def get(self):
        if getattr(self.local, "connection", None) is None:
            self.local.connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=120)
        return self.local.connection

    def put(self, _connection) -> None:
        pass


class Pooled:
    """A fixed pool of keep-alive connections shared by all candidates."""

    def __init__(self, port: int, size: int):
        import queue

        self.free: queue.Queue = queue.Queue()
        for _ in range(size):
            self.free.put(http.client.HTTPConnection(LOOPBACK, port, timeout=120))

    def get(self):
        return self.free.get()

    def put(self, connection) -> None:
        self.free.put(connection)


def server_tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (the serve processes), as /proc tells."""
    total = process_cpu_seconds(pid) or 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(process_cpu_seconds(int(child)) or 0.0 for child in children)


def database_figures(env: dict[str, str]) -> tuple[int, int, float | None]:
    """Results stored, results scored (a profile made by the engine), and when the last profile was made (epoch s):
    the database's own account, whatever the polls saw (a poll waits its Retry-After before it looks again)."""
    sys.path.insert(1, str(REPO))
    from datetime import timezone

    from sqlalchemy import create_engine, text

    url = env["HUB_DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT count(*) FROM interview_results")).scalar_one()
            scored = connection.execute(text("SELECT count(DISTINCT result_id) FROM profiles")).scalar_one()
            last = connection.execute(text("SELECT max(created_at) FROM profiles")).scalar_one()
    finally:
        engine.dispose()
    if isinstance(last, str):  # SQLite
        from datetime import datetime

        last = datetime.fromisoformat(last)
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=timezone.utc)
    return stored, scored, last.timestamp() if last is not None else None


def run_mode(mode: str, env: dict[str, str], args, work_dir: Path) -> dict:
    hub_cli(env, "db", "upgrade")
    key = create_api_key(env, role="ingest")
    serve_argv = [
        sys.executable,
        "-m",
        "hub",
        "serve",
        "--host",
        LOOPBACK,
        "--port",
        "{port}",
        "--no-upgrade",
        *(["--processes", str(args.processes)] if args.processes else []),  # 0: a serve that predates the option
        "--threads",
        str(args.threads),
    ]
    bodies = documents(args.candidates)
    with ServerProcess(serve_argv, name=f"serve-{mode}", env=env, log_dir=work_dir) as server:
        worker_log = open(work_dir / f"worker-{mode}.log", "wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "hub", "worker", "--threads", "8"],
            env={**os.environ, **env},
            cwd=REPO,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            time.sleep(args.worker_warmup)
            pool = OneEach(server.port) if mode == "one-each" else Pooled(server.port, args.pool)
            candidates = [Candidate() for _ in bodies]
            start = threading.Event()
            deadline = time.perf_counter() + args.time_limit
            threading.stack_size(256 * 1024)
            threads = [
                threading.Thread(
                    target=interview,
                    daemon=True,
                    args=(server.port, key, body, candidate),
                    kwargs=dict(connection_pool=pool, poll_seconds=args.poll_seconds, deadline=deadline, start=start),
                )
                for body, candidate in zip(bodies, candidates)
            ]
            for thread in threads:
                thread.start()
            cpu_before = server_tree_cpu(server.pid) + server_tree_cpu(worker.pid)
            serve_cpu_before = server_tree_cpu(server.pid)
            began = time.perf_counter()
            start.set()
            for thread in threads:
                thread.join(max(1.0, deadline - time.perf_counter() + 30))
            elapsed = time.perf_counter() - began
            wall_minus_perf = time.time() - time.perf_counter()
            serve_cpu = server_tree_cpu(server.pid) - serve_cpu_before
            total_cpu = server_tree_cpu(server.pid) + server_tree_cpu(worker.pid) - cpu_before
            worker_cpu = total_cpu - serve_cpu  # scoring, its profiles and audit rows, and delivery
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()
            worker_log.close()
    acknowledged = [c for c in candidates if c.status_code == 202]
    posted = [c.posted_at for c in candidates if c.posted_at is not None]
    done = [c.done_at for c in acknowledged if c.done_at is not None]
    requests_served = sum(1 + c.polls for c in candidates if c.status_code is not None)
    errors: dict[str, int] = {}
    for candidate in candidates:
        if candidate.error:
            errors[candidate.error] = errors.get(candidate.error, 0) + 1
    post = latency_summary([c.post_latency for c in candidates if c.post_latency is not None])
    stored, db_scored, db_last_scored = database_figures(env)
    last_post_wall = max(posted) + wall_minus_perf if posted else None
    return {
        "mode": mode if mode == "one-each" else f"pooled ({args.pool})",
        "candidates": len(candidates),
        "acknowledged": len(acknowledged),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "post_p50_ms": post["p50_ms"],
        "post_p99_ms": post["p99_ms"],
        "scored": len(done),
        "last_scored_after_last_post_s": round(max(done) - max(posted), 2) if done and posted else None,
        "stored": stored,
        "db_scored": db_scored,
        "db_last_scored_after_last_post_s": round(db_last_scored - last_post_wall, 2)
        if db_last_scored is not None and last_post_wall is not None
        else None,
        "polls": sum(c.polls for c in candidates),
        "not_modified": sum(c.not_modified for c in candidates),
        "seconds": round(elapsed, 2),
        "serve_cpu_ms_per_request": round(serve_cpu * 1000 / requests_served, 2) if requests_served else None,
        "hub_cpu_ms_per_interview": round(total_cpu * 1000 / len(acknowledged), 2) if acknowledged else None,
        "worker_cpu_ms_per_result": round(worker_cpu * 1000 / len(done), 2) if done else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_arguments(parser)
    parser.set_defaults(backend="postgres")
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2, help="serve --processes (docs/operations.md: the cores)")
    parser.add_argument("--threads", type=int, default=16, help="serve --threads")
    parser.add_argument("--pool", type=int, default=64, help="connections of the pooled client")
    parser.add_argument("--modes", default="one-each,pooled", help="comma-separated: one-each, pooled")
    parser.add_argument("--poll-seconds", type=float, default=2.0, help="wait between polls without Retry-After")
    parser.add_argument("--worker-warmup", type=float, default=5.0, help="seconds the worker starts before the load")
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--json-only", action="store_true")
    args = parser.parse_args()
    say = (lambda *_: None) if args.json_only else (lambda line: print(line, file=sys.stderr, flush=True))
    figures: dict = {"benchmark": "load_interviews", "settings": {**vars(args), **machine_notes()}}
    backends, figures["skipped"] = choose_backends(args, say)
    if not backends:
        return 1
    work_dir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    rows = []
    for backend in backends:
        for mode in args.modes.split(","):
            instance = work_dir / f"instance-{backend}-{mode}"
            instance.mkdir()
            keys = {
                "HUB_ENCRYPTION_KEYS": "bench:" + __import__("base64").b64encode(os.urandom(32)).decode(),
                "HUB_SECRET_KEY": uuid.uuid4().hex * 2,
                "HUB_SCORING_EMBEDDINGS": "false",
            }
            say(
                f"[{backend}] {mode}: {args.candidates} candidates against serve --processes {args.processes} "
                f"--threads {args.threads} and one worker ..."
            )
            if backend == "sqlite":
                env = hub_environment(instance, f"sqlite:///{instance / 'hub.sqlite'}", **keys)
                rows.append({"backend": backend, **run_mode(mode, env, args, work_dir)})
                continue
            with postgres_schema(args.postgres_url, prefix="bench_load") as url:
                env = hub_environment(instance, url, **keys)
                rows.append({"backend": backend, **run_mode(mode, env, args, work_dir)})
    figures["runs"] = rows
    if not args.json_only:
        print_table(
            rows,
            [
                ("backend", "backend"),
                ("mode", "clients"),
                ("acknowledged", "acknowledged"),
                ("errors", "errors"),
                ("post_p50_ms", "POST p50 ms"),
                ("post_p99_ms", "POST p99 ms"),
                ("last_scored_after_last_post_s", "last scored s"),
                ("db_scored", "scored (db)"),
                ("db_last_scored_after_last_post_s", "last scored s (db)"),
                ("stored", "stored"),
                ("polls", "polls"),
                ("serve_cpu_ms_per_request", "serve CPU ms/req"),
                ("hub_cpu_ms_per_interview", "hub CPU ms/interview"),
                ("worker_cpu_ms_per_result", "worker CPU ms/result"),
            ],
        )
        print(
            f"(load average at the start: {figures['settings']['load_average_1m']}; 'last scored s' runs from the "
            f"last POST's answer to the last result found scored by its poll; '(db)' to the last profile the database "
            f"holds)"
        )
    print_json_line(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
