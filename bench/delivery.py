"""Delivery: the outbox worker's throughput against a bare requests loop, and ingest-to-delivered latency.

Throughput: N hires are stored (ready scores, so nothing is scored) before the clock starts; then
`hris-hub worker --until-idle --threads T` runs as a real process and delivers them to a fast local
receiver (bench/delivery_receiver.py, its own process, 201 at once). Timed from process start to
exit, and between the first and last arrival at the receiver. The baseline posts the very bodies and
headers the receiver recorded with one `requests.Session` from T threads.

Latency: a worker process runs (not --until-idle) while results and their hire decisions are posted
over real HTTP to `hris-hub serve` at a steady rate; latency runs from the decision's HTTP answer to
the arrival of that result's delivery at the receiver. SQLite is measured with the default worker poll
interval and with HUB_WORKER_POLL_SECONDS=0.1; PostgreSQL wakes the worker with LISTEN/NOTIFY.
Everything runs on 127.0.0.1. Prints tables, then one JSON line with all figures.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from common import (
    add_database_arguments,
    choose_backends,
    REPO,
    ServerError,
    ServerProcess,
    create_api_key,
    hub_environment,
    hub_server,
    latency_summary,
    machine_notes,
    postgres_schema,
    print_json_line,
    print_table,
    redact_url,
)
from ingest import interview_result

sys.path.insert(1, str(REPO))

CONNECTOR = "bench-hr"
SIGNING_SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
DEFAULT_POLL_SECONDS = 1.0  # the hub's default HUB_WORKER_POLL_SECONDS (PostgreSQL)
SQLITE_POLL_SECONDS = 0.2  # its default on SQLite
FAST_POLL_SECONDS = 0.1


# --- the receiver ---------------------------------------------------------------------------------------


class Receiver:
    """bench/delivery_receiver.py as a subprocess, and the calls that read what it recorded."""

    def __init__(self, work_dir: Path):
        argv = [
            sys.executable,
            str(Path(__file__).with_name("delivery_receiver.py")),
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ]
        self.server = ServerProcess(argv, name="receiver", log_dir=work_dir)
        self.http = requests.Session()

    @property
    def url(self) -> str:
        return self.server.url

    def count(self) -> int:
        return self.http.get(self.url + "/_bench/count", timeout=10).json()["count"]

    def recorded(self, *, bodies: bool = False) -> list[dict]:
        return self.http.get(
            self.url + "/_bench/requests", params={"bodies": "1" if bodies else "0"}, timeout=60
        ).json()["requests"]

    def reset(self) -> None:
        self.http.post(self.url + "/_bench/reset", timeout=10).raise_for_status()

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                return True
            time.sleep(0.1)
        return self.count() >= count

    def cpu_seconds(self) -> float | None:
        return self.server.cpu_seconds()

    def __enter__(self) -> Receiver:
        self.server.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.http.close()
        self.server.stop()


# --- the hub's database ---------------------------------------------------------------------------------


@contextmanager
def hub_database(backend: str, args, work_dir: Path) -> Iterator[dict[str, str]]:
    """A fresh instance folder and database for `backend`; yields the HUB_* environment for hub processes."""
    instance = Path(tempfile.mkdtemp(prefix=f"instance-{backend}-", dir=work_dir))
    # Throwaway keys for a throwaway database, given up front so no process generates (and warns about) key files.
    keys = {
        "HUB_ENCRYPTION_KEYS": "bench:" + base64.b64encode(os.urandom(32)).decode(),
        "HUB_SECRET_KEY": secrets.token_urlsafe(32),
        "HUB_SCORING_EMBEDDINGS": "false",
    }
    if backend == "sqlite":
        yield hub_environment(instance, f"sqlite:///{instance / 'hub.sqlite'}", **keys)
        return
    with postgres_schema(args.postgres_url, prefix="bench_delivery") as url:
        yield hub_environment(instance, url, **keys)


def prepare_hub(env: dict[str, str], receiver_url: str, max_concurrency: int):
    """Migrate the database and add one REST connector (generic-rest, candidate.hired) aimed at the receiver."""
    from hub import create_app
    from hub.delivery import connector_admin
    from hub.storage.db import transaction
    from hub.storage.migrate import upgrade

    state = create_app(env).extensions["hub"]
    upgrade(state.engine)
    spec = {
        "name": CONNECTOR,
        "type": "rest",
        "mapping": "generic-rest",
        "events": ["candidate.hired"],
        "config": {
            "base_url": receiver_url,
            "timeouts": {"connect": 2, "read": 10},
            "webhook_secret": SIGNING_SECRET,
            "pool_size": max(10, max_concurrency),
        },
        "max_concurrency": max_concurrency,
    }
    with transaction(state.session_factory) as session:
        connector_admin.add(session, spec, actor="bench", settings=state.settings)
    return state


def seed_hires(state, count: int) -> float:
    """Store `count` results with ready scores and hire each (one sync job apiece); returns the seconds taken."""
    from hub.intake import decisions
    from hub.intake import ingest
    from hub.accounts.api_clients import Caller, create_client
    from hub.storage.db import transaction
    from hub.storage.models import InterviewResult

    with transaction(state.session_factory) as session:
        client, _key = create_client(session, name=f"bench-seed-{uuid.uuid4().hex[:6]}", role="ingest", actor="bench")
        caller = Caller(client.id, client.name, client.role)
    rng, run_id = random.Random(11), uuid.uuid4().hex[:8]
    started = time.perf_counter()
    for index in range(count):
        accepted = ingest.ingest(state.session_factory, caller, interview_result(index, run_id, rng), None)
        with transaction(state.session_factory) as session:
            result = session.get(InterviewResult, accepted.body["id"])
            decisions.record(session, result, hire_decision(index), actor=caller.actor)
    return time.perf_counter() - started


def hire_decision(index: int) -> dict:
    return {"hired": True, "decided_by": "bench", "employee_ids": {"default": f"E{index + 1:06d}"}}


def delivered_count(state) -> int:
    from sqlalchemy import func, select

    from hub.storage.models import SyncJob

    with state.read_session_factory() as session:
        return session.scalar(select(func.count()).select_from(SyncJob).where(SyncJob.status == "delivered"))


def audit_count(state) -> int:
    from sqlalchemy import func, select

    from hub.storage.models import AuditEntry

    with state.read_session_factory() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def audit_intact(state) -> bool:
    from hub.audit import chain

    with state.read_session_factory() as session:
        return chain.verify(session).ok


# --- worker processes -----------------------------------------------------------------------------------


def worker_argv(threads: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "hub", "worker", "--threads", str(threads), *extra]


def run_worker_until_idle(
    env: dict[str, str], threads: int, log_path: Path, timeout: float, *, workers: int = 1
) -> dict:
    """Run `workers` processes of `hris-hub worker --until-idle` side by side to their end; wall seconds from the
    first start to the last exit and CPU seconds of them all."""
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started_at = time.time()
    started = time.perf_counter()
    logs = [
        log_path.with_name(f"{log_path.stem}-{index}{log_path.suffix}") if workers > 1 else log_path
        for index in range(workers)
    ]
    processes = []
    for path in logs:
        with open(path, "wb") as log:
            processes.append(
                subprocess.Popen(
                    worker_argv(threads, "--until-idle"),
                    env={**os.environ, **env},
                    cwd=REPO,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )
    statuses = []
    for process, path in zip(processes, logs):
        try:
            statuses.append(process.wait(max(1.0, timeout - (time.perf_counter() - started))))
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
                other.wait()
            raise ServerError(f"a worker did not finish within {timeout:.0f} s; see {path}") from None
    elapsed = time.perf_counter() - started
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for status, path in zip(statuses, logs):
        if status != 0:
            raise ServerError(f"a worker exited with status {status}:\n{tail(path)}")
    cpu = (children_after.ru_utime - children_before.ru_utime) + (children_after.ru_stime - children_before.ru_stime)
    return {"started_at": started_at, "seconds": elapsed, "cpu_seconds": cpu}


@contextmanager
def running_worker(
    env: dict[str, str], threads: int, log_path: Path, *, settle: float = 0.5
) -> Iterator[subprocess.Popen]:
    """A worker process that runs until stopped; yielded `settle` seconds after it says it is running (0: at once),
    stopped with SIGTERM."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            worker_argv(threads),
            env={**os.environ, **env},
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while b"running" not in log_path.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise ServerError(f"the worker did not start:\n{tail(log_path)}")
                time.sleep(0.05)
            time.sleep(settle)  # 0.5: past its first empty tick, it waits (poll or NOTIFY) like an idle worker
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- throughput -----------------------------------------------------------------------------------------


def with_poll(env: dict[str, str], poll_seconds: float | None) -> dict[str, str]:
    """The environment with HUB_WORKER_POLL_SECONDS set, or left at the hub's default when None."""
    return dict(env) if poll_seconds is None else {**env, "HUB_WORKER_POLL_SECONDS": str(poll_seconds)}


def wake_up_label(env: dict[str, str], poll_seconds: float | None) -> str:
    postgres = "postgresql" in env["HUB_DATABASE_URL"]
    what = f"poll {poll_seconds or (DEFAULT_POLL_SECONDS if postgres else SQLITE_POLL_SECONDS):g} s"
    return f"NOTIFY, {what}" if postgres else f"data version, {what}"


def measure_throughput(
    env: dict[str, str],
    state,
    receiver: Receiver,
    args,
    work_dir: Path,
    poll_seconds: float | None,
    *,
    workers: int = 1,
) -> tuple[dict, list[dict]]:
    """Seed N hires, then time the worker(s) delivering them; returns the figures and the recorded requests."""
    seed_seconds = seed_hires(state, args.jobs)
    delivered_before = delivered_count(state)
    audit_before = audit_count(state)
    receiver.reset()
    receiver_cpu_before = receiver.cpu_seconds()
    label = ("default" if poll_seconds is None else f"{poll_seconds:g}") + (f"-x{workers}" if workers > 1 else "")
    run = run_worker_until_idle(
        with_poll(env, poll_seconds),
        args.threads,
        work_dir / f"worker-throughput-{label}.log",
        args.time_limit,
        workers=workers,
    )
    receiver_cpu_after = receiver.cpu_seconds()
    recorded = receiver.recorded(bodies=True)
    arrivals = sorted(entry["arrived_at"] for entry in recorded)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else None
    figures = {
        "wake_up": wake_up_label(env, poll_seconds),
        "workers": workers,
        "audit_entries_per_job": round((audit_count(state) - audit_before) / max(1, args.jobs), 2),
        "audit_chain_intact": audit_intact(state),
        "jobs": args.jobs,
        "received": len(recorded),
        "delivered_in_db": delivered_count(state) - delivered_before,
        "duplicates": len(recorded) - len({entry["key"] for entry in recorded}),
        "seed_seconds": round(seed_seconds, 2),
        "process_seconds": round(run["seconds"], 3),
        "per_second": round(len(recorded) / run["seconds"], 1),
        "first_arrival_after_start_s": round(arrivals[0] - run["started_at"], 3) if arrivals else None,
        "arrival_span_seconds": round(span, 3) if span else None,
        "per_second_steady": round((len(arrivals) - 1) / span, 1) if span else None,
        "worker_cpu_seconds": round(run["cpu_seconds"], 3),
        "worker_cpu_share": round(run["cpu_seconds"] / run["seconds"], 2),
    }
    if receiver_cpu_before is not None and receiver_cpu_after is not None and recorded:
        receiver_cpu = receiver_cpu_after - receiver_cpu_before
        figures["receiver_cpu_ms_per_request"] = round(receiver_cpu * 1000 / len(recorded), 3)
    return figures, recorded


def measure_idle_run(env: dict[str, str], args, work_dir: Path) -> dict:
    """The same command with nothing to do: what starting and stopping a worker process costs."""
    run = run_worker_until_idle(env, args.threads, work_dir / "worker-idle.log", args.time_limit)
    return {"seconds": round(run["seconds"], 3), "cpu_seconds": round(run["cpu_seconds"], 3)}


def measure_bare(receiver: Receiver, recorded: list[dict], threads: int, repeats: int) -> dict:
    """Post the recorded requests again with one requests.Session from `threads` threads, `repeats` times;
    the median run is the ceiling the worker is compared with."""
    runs = sorted((bare_run(receiver, recorded, threads) for _ in range(repeats)), key=lambda run: run["per_second"])
    median = runs[len(runs) // 2]
    return {**median, "repeats": repeats, "per_second_runs": [run["per_second"] for run in runs]}


def bare_run(receiver: Receiver, recorded: list[dict], threads: int) -> dict:
    receiver.reset()
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=threads, max_retries=0)
    session.mount("http://", adapter)
    failures: list[str] = []
    queue = iter(recorded)
    lock = threading.Lock()

    def loop() -> None:
        while True:
            with lock:
                entry = next(queue, None)
            if entry is None:
                return
            response = session.post(
                receiver.url + entry["path"],
                data=entry["body"].encode("utf-8"),
                headers=entry["headers"],
                timeout=(2, 10),
            )
            if response.status_code != 201:
                failures.append(f"HTTP {response.status_code}")

    cpu_before, started = time.process_time(), time.perf_counter()
    threads_running = [threading.Thread(target=loop, name=f"bare-{n}") for n in range(threads)]
    for thread in threads_running:
        thread.start()
    for thread in threads_running:
        thread.join()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_before
    session.close()
    sent = len(recorded) - len(failures)
    return {
        "requests": len(recorded),
        "errors": len(failures),
        "seconds": round(elapsed, 3),
        "per_second": round(sent / elapsed, 1) if elapsed else 0.0,
        "client_cpu_ms_per_request": round(cpu * 1000 / len(recorded), 3) if recorded else None,
        "received": receiver.count(),
    }


# --- latency --------------------------------------------------------------------------------------------


def measure_latency(
    env: dict[str, str],
    receiver: Receiver,
    server: ServerProcess,
    api_key: str,
    args,
    work_dir: Path,
    poll_seconds: float | None,
    *,
    settle: float = 0.5,
) -> dict:
    """Post results and hires at `args.rate` a second for `args.seconds` while a worker runs; latency from the
    decision's answer to the delivery's arrival at the receiver. Posting starts `settle` seconds after the worker
    says it is running; the hires whose result was posted in its first second are also summed up on their own."""
    total = max(1, round(args.rate * args.seconds))
    rng, run_id = random.Random(23), uuid.uuid4().hex[:8]
    documents = [interview_result(index, run_id, rng) for index in range(total)]
    decided: dict[str, float] = {}
    posted: dict[str, float] = {}  # when each result's POST was sent
    post_seconds: list[float] = []
    failures: list[str] = []
    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=args.clients, max_retries=0))
    headers = {"Authorization": f"Bearer {api_key}"}

    def post_and_hire(index: int) -> None:
        started, posted_at = time.perf_counter(), time.time()
        try:
            answer = session.post(
                server.url + "/api/v1/results",
                json=documents[index],
                timeout=30,
                headers={**headers, "Idempotency-Key": documents[index]["external_id"]},
            )
            if answer.status_code != 202:
                failures.append(f"POST /results: HTTP {answer.status_code} {answer.text[:200]}")
                return
            result_id = answer.json()["id"]
            hired = session.post(
                f"{server.url}/api/v1/results/{result_id}/decision",
                json=hire_decision(index),
                headers=headers,
                timeout=30,
            )
            decided_at = time.time()
        except requests.RequestException as error:
            failures.append(f"{type(error).__name__}: {error}")
            return
        if hired.status_code != 201:
            failures.append(f"POST /decision: HTTP {hired.status_code} {hired.text[:200]}")
            return
        decided[result_id] = decided_at
        posted[result_id] = posted_at
        post_seconds.append(time.perf_counter() - started)

    label = "default" if poll_seconds is None else f"{poll_seconds:g}"
    with running_worker(
        with_poll(env, poll_seconds), args.threads, work_dir / f"worker-latency-{label}.log", settle=settle
    ):
        worker_running_at = time.time() - settle
        receiver.reset()
        with ThreadPoolExecutor(max_workers=args.clients, thread_name_prefix="ingest") as pool:
            started = time.monotonic()
            futures = []
            for index in range(total):
                delay = started + index / args.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(post_and_hire, index))
        ingest_seconds = time.monotonic() - started
        failures.extend(f"{type(error).__name__}: {error}" for error in (f.exception() for f in futures) if error)
        drained = receiver.wait_for(len(decided), args.drain_timeout)
    session.close()

    first_arrival: dict[str, float] = {}
    for entry in receiver.recorded(bodies=True):
        result_id = json.loads(entry["body"])["result"]["id"]
        first_arrival.setdefault(result_id, entry["arrived_at"])
    latencies = [first_arrival[result_id] - at for result_id, at in decided.items() if result_id in first_arrival]
    first_second = [
        first_arrival[result_id] - at
        for result_id, at in decided.items()
        if result_id in first_arrival and posted[result_id] - worker_running_at <= 1.0
    ]
    figures = {
        "wake_up": wake_up_label(env, poll_seconds),
        "rate": args.rate,
        "seconds": args.seconds,
        "hired": len(decided),
        "achieved_rate": round(len(decided) / ingest_seconds, 2) if ingest_seconds else None,
        "delivered": len(latencies),
        "all_delivered": drained and len(latencies) == len(decided),
        "errors": len(failures),
        **latency_summary(latencies),
        "first_second": {"delivered": len(first_second), **latency_summary(first_second)},
        "ingest_pair_p50_ms": latency_summary(post_seconds)["p50_ms"],
    }
    if failures:
        figures["error_samples"] = failures[:3]
    return figures


# --- the run --------------------------------------------------------------------------------------------


def measure_backend(backend: str, receiver: Receiver, args, work_dir: Path) -> dict:
    say = args.say
    figures: dict = {"throughput": [], "latency": []}
    with hub_database(backend, args, work_dir) as env:
        state = prepare_hub(env, receiver.url, args.max_concurrency)
        try:
            for poll in (None, FAST_POLL_SECONDS):
                say(
                    f"[{backend}] {args.jobs} hires, then `hris-hub worker --until-idle --threads {args.threads}` "
                    f"({wake_up_label(env, poll)}) ..."
                )
                run, recorded = measure_throughput(env, state, receiver, args, work_dir, poll)
                figures["throughput"].append(run)
                if "bare" not in figures:
                    say(
                        f"[{backend}] bare requests.Session loop: {len(recorded)} posts from {args.threads} threads, "
                        f"{args.bare_repeats} times ..."
                    )
                    figures["bare"] = measure_bare(receiver, recorded, args.threads, args.bare_repeats)
                if backend == "postgres" and "peer" not in figures and not args.no_peer:
                    say(
                        f"[{backend}] peer: procrastinate, {len(recorded)} jobs, one worker of concurrency "
                        f"{args.threads} ..."
                    )
                    figures["peer"] = measure_peer(receiver, recorded, args, work_dir)
            if backend == "postgres":
                for workers in args.workers:
                    if workers == 1:
                        continue
                    say(f"[{backend}] {args.jobs} hires, {workers} workers side by side ...")
                    run, _ = measure_throughput(env, state, receiver, args, work_dir, None, workers=workers)
                    figures["throughput"].append(run)
            figures["idle_run"] = measure_idle_run(env, args, work_dir)
        finally:
            state.dispose()
        for run in figures["throughput"]:
            compare(run, figures["bare"]["per_second"], figures["idle_run"]["cpu_seconds"], figures.get("peer"))
        if args.seconds > 0:
            api_key = create_api_key(env, role="ingest", name="bench")
            polls = [None, FAST_POLL_SECONDS] if backend == "sqlite" else [None]
            with hub_server(env, threads=args.server_threads, log_dir=work_dir) as server:
                for poll in polls:
                    say(
                        f"[{backend}] latency at {args.rate:g}/s for {args.seconds:g} s, worker "
                        f"{'LISTEN/NOTIFY' if backend == 'postgres' else wake_up_label(env, poll)} ..."
                    )
                    figures["latency"].append(measure_latency(env, receiver, server, api_key, args, work_dir, poll))
    return figures


def measure_peer(receiver: Receiver, recorded: list[dict], args, work_dir: Path) -> dict:
    """procrastinate (bench/peer_procrastinate.py, the `bench` extra) delivering the same requests to the same
    receiver from the same PostgreSQL, with the same number of threads; its own process and a fresh schema."""
    try:
        import procrastinate  # noqa: F401
    except ImportError:
        return {"skipped": "procrastinate is not installed: pip install -e '.[bench]'"}
    requests_file = work_dir / "peer-requests.jsonl"
    with open(requests_file, "w", encoding="utf-8") as out:
        for entry in recorded:
            out.write(json.dumps({"path": entry["path"], "headers": entry["headers"], "body": entry["body"]}) + "\n")
    receiver.reset()
    with postgres_schema(args.postgres_url, prefix="bench_peer") as url:
        completed = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("peer_procrastinate.py")),
                "--postgres-url",
                url,
                "--receiver",
                receiver.url,
                "--requests-file",
                str(requests_file),
                "--threads",
                str(args.threads),
            ],
            capture_output=True,
            text=True,
            timeout=args.time_limit,
        )
    if completed.returncode != 0:
        raise ServerError(f"the procrastinate peer failed:\n{completed.stderr[-3000:]}")
    run = json.loads(completed.stdout.strip().splitlines()[-1])
    received = receiver.count()
    return {
        "jobs": len(recorded),
        "received": received,
        "seconds": round(run["seconds"], 3),
        "per_second": round(received / run["seconds"], 1) if run["seconds"] else None,
        "cpu_ms_per_delivery": round(run["cpu_seconds"] * 1000 / received, 2) if received else None,
    }


def compare(run: dict, bare_per_second: float, idle_cpu_seconds: float, peer: dict | None = None) -> None:
    """Add the ratios to the bare loop and the CPU per delivery beyond starting the processes (one idle run's CPU for
    each worker process)."""
    run["bare_per_second"] = bare_per_second
    if bare_per_second:
        run["ratio"] = round(run["per_second"] / bare_per_second, 3)
        if run["per_second_steady"]:
            run["ratio_steady"] = round(run["per_second_steady"] / bare_per_second, 3)
    if peer and peer.get("per_second"):
        run["peer_per_second"] = peer["per_second"]
        # The peer is timed from its worker's start to its end: compared with the hub's steady rate, which
        # leaves out the hub process's start (imports), as the peer's figure leaves out its own.
        if run["per_second_steady"]:
            run["peer_ratio_steady"] = round(run["per_second_steady"] / peer["per_second"], 3)
    if run["received"]:
        run["worker_cpu_ms_per_delivery"] = round(
            max(0.0, run["worker_cpu_seconds"] - idle_cpu_seconds * run["workers"]) * 1000 / run["received"], 2
        )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    add_database_arguments(parser)
    parser.add_argument("--jobs", type=int, default=500, help="hires delivered in the throughput run")
    parser.add_argument("--threads", type=int, default=8, help="worker delivery threads, and threads of the bare loop")
    parser.add_argument("--max-concurrency", type=int, default=8, help="the connector's max_concurrency (1-64)")
    parser.add_argument("--rate", type=float, default=10.0, help="results (each with a hire) posted per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the steady ingest runs (0: skip latency)")
    parser.add_argument("--clients", type=int, default=4, help="client threads posting results and decisions")
    parser.add_argument("--server-threads", type=int, default=8, help="waitress threads of `hris-hub serve`")
    parser.add_argument(
        "--drain-timeout", type=float, default=60.0, help="seconds to wait after ingest for the last deliveries"
    )
    parser.add_argument("--bare-repeats", type=int, default=3, help="runs of the bare loop; the median is reported")
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds a worker run may take")
    parser.add_argument("--no-peer", action="store_true", help="leave out procrastinate (PostgreSQL only)")
    parser.add_argument(
        "--workers",
        default="1,2,4",
        help="PostgreSQL: numbers of worker processes run side by side on the same queue (comma-separated)",
    )
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    args = parser.parse_args(argv)
    if not 1 <= args.jobs <= 100_000:
        parser.error("--jobs must be from 1 to 100000")
    if not 1 <= args.max_concurrency <= 64:
        parser.error("--max-concurrency must be from 1 to 64")
    for name in ("threads", "clients", "server_threads", "bare_repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 0 < args.rate <= 1000:
        parser.error("--rate must be above 0 and at most 1000")
    if not 0 <= args.seconds <= 600:
        parser.error("--seconds must be from 0 to 600")
    try:
        args.workers = [int(count) for count in args.workers.split(",") if count.strip()]
    except ValueError:
        parser.error("--workers takes whole numbers separated by commas, e.g. 1,2,4")
    if any(not 1 <= count <= 16 for count in args.workers):
        parser.error("--workers must be from 1 to 16 each")
    args.say = (lambda *_: None) if args.json_only else (lambda text: print(text, file=sys.stderr, flush=True))
    return args


def print_report(figures: dict, backends: list[str], args) -> None:
    rows = [
        {"backend": backend, **run, "ratio": _ratio(run.get("ratio")), "ratio_steady": _ratio(run.get("ratio_steady"))}
        for backend in backends
        for run in figures[backend]["throughput"]
    ]
    print_table(
        rows,
        [
            ("backend", "backend"),
            ("wake_up", "worker wake-up"),
            ("workers", "workers"),
            ("jobs", "jobs"),
            ("process_seconds", "worker s"),
            ("per_second", "deliveries/s"),
            ("per_second_steady", "steady/s"),
            ("bare_per_second", "bare/s"),
            ("ratio", "ratio"),
            ("ratio_steady", "steady ratio"),
            ("peer_per_second", "peer/s"),
            ("peer_ratio_steady", "steady/peer"),
            ("worker_cpu_share", "worker CPU share"),
            ("worker_cpu_ms_per_delivery", "worker CPU ms/job"),
            ("duplicates", "duplicates"),
            ("audit_chain_intact", "chain intact"),
        ],
    )
    idle = ", ".join(f"{backend} {figures[backend]['idle_run']['seconds']:.2f} s" for backend in backends)
    print(
        f"(throughput: {args.jobs} hires, worker --until-idle --threads {args.threads}, connector max_concurrency "
        f"{args.max_concurrency}; 'steady' counts from the first to the last arrival; the bare loop posts the same "
        f"requests from {args.threads} threads, median of {args.bare_repeats}; an idle worker run takes {idle})"
    )
    rows = [{"backend": backend, **run} for backend in backends for run in figures[backend]["latency"]]
    if rows:
        print()
        print_table(
            rows,
            [
                ("backend", "backend"),
                ("wake_up", "worker wake-up"),
                ("hired", "hired"),
                ("achieved_rate", "hires/s"),
                ("delivered", "delivered"),
                ("p50_ms", "p50 ms"),
                ("p90_ms", "p90 ms"),
                ("p99_ms", "p99 ms"),
                ("max_ms", "max ms"),
                ("errors", "errors"),
            ],
        )
        print(
            f"(latency: decision answered -> delivery arrived at the receiver; {args.rate:g} results/s for "
            f"{args.seconds:g} s from {args.clients} client threads; {figures['settings']['cpus']} CPUs)"
        )


def _ratio(value: float | None) -> str | None:
    """Ratios far below 1 need three decimals; the table's own format keeps two."""
    return None if value is None else f"{value:.3f}"


def main(argv=None) -> int:
    args = parse_args(argv)
    backends, skipped = choose_backends(args, args.say)
    if backends is None:
        return 2

    figures = {
        "benchmark": "delivery",
        "settings": {
            "jobs": args.jobs,
            "threads": args.threads,
            "max_concurrency": args.max_concurrency,
            "rate": args.rate,
            "seconds": args.seconds,
            "clients": args.clients,
            "server_threads": args.server_threads,
            "bare_repeats": args.bare_repeats,
            "hub_default_poll_seconds": DEFAULT_POLL_SECONDS,
            **machine_notes(),
        },
        "skipped": skipped,
    }
    if "postgres" in backends:
        figures["settings"]["postgres"] = redact_url(args.postgres_url)
    with tempfile.TemporaryDirectory(prefix="bench-delivery-") as work:
        work_dir = Path(work)
        with Receiver(work_dir) as receiver:
            for backend in backends:
                figures[backend] = measure_backend(backend, receiver, args, work_dir)
    if not args.json_only:
        print_report(figures, backends, args)
    print_json_line(figures)
    complete = all(
        all(run["received"] == args.jobs for run in figures[b]["throughput"])
        and all(run["all_delivered"] and not run["errors"] for run in figures[b]["latency"])
        for b in backends
    )
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
