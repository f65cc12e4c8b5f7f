"""Shared pieces of the HTTP benchmarks: servers as subprocesses, a fixed-concurrency load, figures.

Everything runs on 127.0.0.1. A benchmark script imports this module from its own folder
(`from common import ...`), starts the servers it compares with `ServerProcess` (or `hub_server`),
drives them with `run_load`, and reports with `print_table` and `print_json_line`.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

REPO = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
# The benchmarks' HR systems listen on loopback over plain http: allowed explicitly, as an operator would
# (the destination policy refuses both by default). Set here for in-process connectors and passed to hub processes.
BENCH_DESTINATIONS = {
    "HUB_ALLOWED_DESTINATIONS": "127.0.0.0/8",
    "HUB_ALLOW_PLAIN_HTTP": "true",
    "HUB_CSV_ROOTS": tempfile.gettempdir(),
    "HUB_WSDL_ROOTS": tempfile.gettempdir(),
}
for _name, _value in BENCH_DESTINATIONS.items():
    os.environ.setdefault(_name, _value)


# --- servers --------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that the OS reports free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


class ServerError(RuntimeError):
    """A server subprocess did not start or answer; the message carries the end of its output."""


class ServerProcess:
    """A server started as a subprocess on 127.0.0.1, ready once `health_path` answers 200.

    `argv` may contain "{port}", replaced by a free port. Output goes to a log file whose tail
    is shown when the server fails to come up. Use as a context manager.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        name: str,
        env: dict[str, str] | None = None,
        health_path: str = "/healthz",
        start_timeout: float = 60.0,
        log_dir: Path | None = None,
    ):
        self.name = name
        self.port = free_port()
        self.argv = [part.replace("{port}", str(self.port)) for part in argv]
        self.env = {**os.environ, **(env or {})}
        self.health_path = health_path
        self.start_timeout = start_timeout
        self.log_path = Path(log_dir or tempfile.gettempdir()) / f"{name}-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "the server is not started"
        return self.process.pid

    def start(self) -> "ServerProcess":
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            self.argv, env=self.env, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(
                    f"{self.name} exited with status {self.process.returncode} before answering "
                    f"{self.health_path}:\n{self.log_tail()}"
                )
            try:
                connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=2)
                connection.request("GET", self.health_path)
                if connection.getresponse().status == 200:
                    connection.close()
                    return
                connection.close()
            except OSError:
                pass
            time.sleep(0.1)
        raise ServerError(
            f"{self.name} did not answer {self.health_path} within {self.start_timeout:.0f} s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no output)"

    def cpu_seconds(self) -> float | None:
        """User plus system CPU time the server has used so far (Linux /proc; None elsewhere)."""
        return process_cpu_seconds(self.pid)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self._log.close()
        self.process = None

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


def process_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of a process, from /proc/<pid>/stat; None when not on Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # After the command name: state is field 3, so utime (14) and stime (15) sit at 11 and 12 here.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the hub --------------------------------------------------------------------------------------------


def hub_environment(instance_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment for a hub subprocess: its own instance folder and database, quiet logs."""
    return {
        "HUB_INSTANCE_PATH": str(instance_path),
        "HUB_DATABASE_URL": database_url,
        "HUB_LOG_LEVEL": "WARNING",
        "HUB_LOG_FORMAT": "text",
        **BENCH_DESTINATIONS,
        **extra,
    }


def hub_cli(env: dict[str, str], *args: str, timeout: float = 120.0) -> str:
    """Run `python -m hub ARGS` with `env` and return its standard output; fail with its error output."""
    completed = subprocess.run(
        [sys.executable, "-m", "hub", *args],
        env={**os.environ, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if completed.returncode != 0:
        raise ServerError(
            f"hris-hub {' '.join(args)} failed with status {completed.returncode}:\n{completed.stderr.strip()[-3000:]}"
        )
    return completed.stdout


def create_api_key(env: dict[str, str], *, role: str, name: str | None = None) -> str:
    """Create an API client through the CLI (the schema must exist) and return its key."""
    output = hub_cli(
        env, "clients", "create", "--name", name or f"bench-{role}-{uuid.uuid4().hex[:6]}", "--role", role, "--json"
    )
    return json.loads(output.strip().splitlines()[-1])["key"]


def hub_server(env: dict[str, str], *, threads: int, log_dir: Path | None = None) -> ServerProcess:
    """`hris-hub serve` on a free port (not started yet: use it as a context manager)."""
    argv = [sys.executable, "-m", "hub", "serve", "--host", LOOPBACK, "--port", "{port}", "--threads", str(threads)]
    return ServerProcess(argv, name="hris-hub", env=env, log_dir=log_dir)


def postgres_problem(url: str) -> str | None:
    """Why PostgreSQL at `url` cannot be used (driver missing, unreachable), or None when it answers."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as error:
        return f"cannot connect to {redact_url(url)}: {str(error).strip().splitlines()[0]}"
    return None


@contextmanager
def postgres_schema(url: str, prefix: str = "bench") -> Iterator[str]:
    """A fresh schema in the database at `url`, dropped afterwards; yields a URL whose search_path is that schema."""
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def redact_url(url: str) -> str:
    """A database URL without its password, fit for printing."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


# --- load -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One prepared HTTP request."""

    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadResult:
    """What a load run measured; latencies in seconds, one per answered request."""

    sent: int
    ok: int
    errors: int
    elapsed: float
    latencies: list[float]
    error_kinds: dict[str, int]
    error_samples: list[str]
    client_cpu_seconds: float

    @property
    def rate(self) -> float:
        """Successful requests per second of wall time."""
        return self.ok / self.elapsed if self.elapsed else 0.0

    def summary(self) -> dict:
        return {
            "requests": self.sent,
            "ok": self.ok,
            "errors": self.errors,
            "error_kinds": self.error_kinds,
            "seconds": round(self.elapsed, 3),
            "per_second": round(self.rate, 1),
            **latency_summary(self.latencies),
            "client_cpu_share": round(self.client_cpu_seconds / self.elapsed, 2) if self.elapsed else None,
        }


def run_load(
    port: int,
    requests: Sequence[Request],
    *,
    concurrency: int,
    expected_status: int = 200,
    time_limit: float = 300.0,
    request_timeout: float = 30.0,
) -> LoadResult:
    """Send every request to 127.0.0.1:`port` from `concurrency` threads, each with its own keep-alive
    connection; stop taking new requests after `time_limit` seconds (those left count as errors)."""
    next_index = itertools.count()  # next() on a count is atomic in CPython: no lock needed
    latencies: list[float | None] = [None] * len(requests)
    outcomes: list[str | None] = [None] * len(requests)
    samples: list[str] = []
    deadline = time.monotonic() + time_limit

    def worker() -> None:
        connection = http.client.HTTPConnection(LOOPBACK, port, timeout=request_timeout)
        try:
            while (index := next(next_index)) < len(requests) and time.monotonic() < deadline:
                request = requests[index]
                started = time.perf_counter()
                try:
                    connection.request(request.method, request.path, body=request.body, headers=request.headers)
                    response = connection.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()  # the next request reconnects
                    outcomes[index] = type(error).__name__
                    continue
                latencies[index] = time.perf_counter() - started
                if response.status == expected_status:
                    outcomes[index] = "ok"
                else:
                    outcomes[index] = f"HTTP {response.status}"
                    if len(samples) < 3:
                        samples.append(f"HTTP {response.status}: {body[:300].decode(errors='replace')}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, name=f"load-{n}", daemon=True) for n in range(concurrency)]
    cpu_before, started = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + request_timeout + 5)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_before

    kinds: dict[str, int] = {}
    for outcome in outcomes:
        kind = outcome or "not sent (time limit)"
        if kind != "ok":
            kinds[kind] = kinds.get(kind, 0) + 1
    ok = sum(1 for outcome in outcomes if outcome == "ok")
    answered = [latency for latency, outcome in zip(latencies, outcomes) if outcome == "ok"]
    return LoadResult(
        sent=len(requests),
        ok=ok,
        errors=len(requests) - ok,
        elapsed=elapsed,
        latencies=answered,
        error_kinds=kinds,
        error_samples=samples,
        client_cpu_seconds=cpu,
    )


# --- figures --------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The `fraction` quantile (0..1) by linear interpolation between closest ranks; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(seconds: Sequence[float]) -> dict:
    """p50, p90, p99 and max of latencies given in seconds, as milliseconds rounded to 0.01."""
    figures = {
        "p50_ms": percentile(seconds, 0.50),
        "p90_ms": percentile(seconds, 0.90),
        "p99_ms": percentile(seconds, 0.99),
        "max_ms": max(seconds) if seconds else None,
    }
    return {key: None if value is None else round(value * 1000, 2) for key, value in figures.items()}


def print_table(rows: Sequence[dict], columns: Sequence[tuple[str, str]], *, out=None) -> None:
    """Print `rows` as an aligned text table; `columns` are (key, header) pairs; numbers are right-aligned."""
    out = out or sys.stdout
    cells = [[_cell(row.get(key)) for key, _ in columns] for row in rows]
    widths = [max([len(header)] + [len(line[i]) for line in cells]) for i, (_, header) in enumerate(columns)]
    numeric = [
        all(isinstance(row.get(key), (int, float)) or row.get(key) is None for row in rows) for key, _ in columns
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if right else v.ljust(w) for v, w, right in zip(values, widths, numeric)).rstrip()

    print(line([header for _, header in columns]), file=out)
    print(line(["-" * width for width in widths]), file=out)
    for values in cells:
        print(line(values), file=out)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def print_json_line(figures: dict, *, out=None) -> None:
    """The machine-readable summary: one JSON object on one line, always the last line printed."""
    print(json.dumps(figures, ensure_ascii=False, separators=(",", ":")), file=out or sys.stdout, flush=True)


def machine_notes() -> dict:
    """What the figures depend on: CPUs, the machine's load when they were taken, Python, platform."""
    import platform

    load = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    return {
        "cpus": os.cpu_count(),
        "load_average_1m": load,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def add_database_arguments(parser) -> None:
    """The --backend and --postgres-url options every benchmark that runs the hub takes."""
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgres", "both"),
        default="both",
        help="database(s) to measure; with 'both' an unreachable PostgreSQL is skipped with a message",
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="PostgreSQL to use; a fresh schema is created in it and dropped afterwards",
    )


def choose_backends(args, say) -> tuple[list[str] | None, dict]:
    """The backends to measure and those skipped (with why); None when --backend postgres is unusable."""
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    skipped = {}
    if "postgres" in backends:
        problem = postgres_problem(args.postgres_url)
        if problem and args.backend == "postgres":
            print(f"error: PostgreSQL is not usable: {problem}", file=sys.stderr)
            return None, skipped
        if problem:
            say(f"skipping PostgreSQL: {problem} (give --postgres-url to measure it)")
            skipped["postgres"] = problem
            backends.remove("postgres")
    return backends, skipped
