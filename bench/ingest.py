"""Ingest throughput: POST /api/v1/results over real HTTP against `hris-hub serve`, on SQLite and PostgreSQL.

Beside it, a bare Flask endpoint on the same waitress settings that only parses the JSON and
answers 202 (bench/bare_app.py); hub / bare is what the hub's work costs. Every request is a
distinct valid InterviewResult with ready scores, so no background scoring is involved.
Prints a table, then one JSON line with all figures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import uuid
from pathlib import Path

from common import (
    Request,
    ServerError,
    ServerProcess,
    add_database_arguments,
    choose_backends,
    create_api_key,
    hub_cli,
    hub_environment,
    hub_server,
    machine_notes,
    postgres_schema,
    print_json_line,
    print_table,
    redact_url,
    run_load,
)

INGEST_PATH = "/api/v1/results"
MODELS = {  # job code -> (competency model, its dimensions)
    "SALES-REP": ("sales", ("communication", "stress_tolerance", "customer_orientation", "teamwork", "responsibility")),
    "RND-ENG": ("rnd", ("logical_thinking", "technical_skill", "data_analysis", "teamwork", "responsibility")),
}
CHINESE_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
CHINESE_GIVEN = [
    "小明",
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "欣怡",
    "子轩",
    "雨涵",
]
ENGLISH_FIRST = ["Alice", "Ben", "Chloe", "David", "Emma", "Frank", "Grace", "Henry", "Isla", "Jack", "Kate", "Liam"]
ENGLISH_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts", "Walker"]


def interview_result(index: int, run_id: str, rng: random.Random) -> dict:
    """The `index`-th distinct valid InterviewResult of a run: ready scores, Chinese and English names alternating."""
    job_code = "SALES-REP" if index % 3 else "RND-ENG"
    model, dimensions = MODELS[job_code]
    if index % 2:
        name = rng.choice(CHINESE_SURNAMES) + rng.choice(CHINESE_GIVEN)
        email = f"cand{index}.{run_id}@example.cn"
        phone = f"+86 13{rng.randint(0, 9)} {rng.randint(0, 9999):04d} {rng.randint(0, 9999):04d}"
    else:
        first, last = rng.choice(ENGLISH_FIRST), rng.choice(ENGLISH_LAST)
        name, email = f"{first} {last}", f"{first.lower()}.{last.lower()}{index}.{run_id}@example.com"
        phone = f"+44 7{rng.randint(100, 999)} {rng.randint(0, 999999):06d}"
    document = {
        "external_id": f"bench-{run_id}-{index}",
        "job_code": job_code,
        "candidate": {"external_id": f"cand-{run_id}-{index}", "name": name, "phone": phone, "email": email},
        "scores": {
            "source": "bench-ai",
            "model": model,
            "dimensions": {dimension: rng.randint(40, 100) for dimension in dimensions},
        },
        "preferences": {"work_schedule": rng.choice(["fixed", "flexible"])},
        "consent": {
            "notice_version": "2026-09",
            "given_at": "2026-11-20T09:30:00+08:00",
            "scopes": ["scoring", "transfer_to_hr_systems"],
        },
    }
    if index % 4 == 0:
        document["preferences"]["preferred_hours"] = {"start": "09:30", "end": "18:00"}
    return document


def ingest_requests(count: int, api_key: str | None, *, seed: int = 7) -> list[Request]:
    """`count` prepared POSTs, each with its own Idempotency-Key, as a mini-program backend sends them."""
    rng, run_id = random.Random(seed), uuid.uuid4().hex[:8]
    requests = []
    for index in range(count):
        document = interview_result(index, run_id, rng)
        headers = {"Content-Type": "application/json", "Idempotency-Key": document["external_id"]}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        requests.append(Request("POST", INGEST_PATH, json.dumps(document, ensure_ascii=False).encode(), headers))
    return requests


def server_errors(server: ServerProcess, lines: int = 60) -> str:
    """The server log's last lines without waitress's queue-depth warnings (a loaded machine prints thousands)."""
    try:
        text = server.log_path.read_text(errors="replace")
    except OSError:
        return "(no output)"
    kept = [line for line in text.splitlines() if "waitress.queue" not in line]
    return "\n".join(kept[-lines:])


def measure(server: ServerProcess, api_key: str | None, args) -> dict:
    """Warm the server up, then time `args.requests` ingests at `args.concurrency`, `args.repeat` times
    with fresh results each time; report the run with the median rate, and the server's CPU per request."""
    all_requests = ingest_requests(args.warmup + args.requests * args.repeat, api_key)
    warmup = run_load(
        server.port,
        all_requests[: args.warmup],
        concurrency=args.concurrency,
        expected_status=202,
        time_limit=args.time_limit,
    )
    if warmup.errors:
        raise ServerError(
            f"{server.name}: {warmup.errors} of {warmup.sent} warm-up requests failed "
            f"({warmup.error_kinds}); first: {warmup.error_samples[:1]}\n{server_errors(server)}"
        )
    runs = []
    for start in range(args.warmup, len(all_requests), args.requests):
        cpu_before = server.cpu_seconds()
        load = run_load(
            server.port,
            all_requests[start : start + args.requests],
            concurrency=args.concurrency,
            expected_status=202,
            time_limit=args.time_limit,
        )
        cpu_after = server.cpu_seconds()
        figures = load.summary()
        if cpu_before is not None and cpu_after is not None and load.ok:
            figures["server_cpu_ms_per_request"] = round((cpu_after - cpu_before) * 1000 / load.ok, 2)
            figures["server_cpu_share"] = round((cpu_after - cpu_before) / load.elapsed, 2)
        if load.error_samples:
            figures["error_samples"] = load.error_samples
        runs.append(figures)
    median = sorted(runs, key=lambda run: run["per_second"])[len(runs) // 2]
    median["runs_per_second"] = [run["per_second"] for run in runs]
    median["errors_all_runs"] = sum(run["errors"] for run in runs)
    return median


def measure_bare(args, work_dir: Path) -> dict:
    argv = [
        sys.executable,
        str(Path(__file__).with_name("bare_app.py")),
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--threads",
        str(args.threads),
    ]
    with ServerProcess(argv, name="bare-flask", log_dir=work_dir) as server:
        return measure(server, None, args)


def measure_hub(args, work_dir: Path, database_url: str | None = None) -> dict:
    """A fresh instance folder and database (SQLite in that folder unless given): migrate, create an
    ingest key, serve, measure."""
    instance = Path(tempfile.mkdtemp(prefix="instance-", dir=work_dir))
    env = hub_environment(instance, database_url or f"sqlite:///{instance / 'hub.sqlite'}")
    hub_cli(env, "db", "upgrade")
    api_key = create_api_key(env, role="ingest", name="bench")
    with hub_server(env, threads=args.threads, log_dir=work_dir) as server:
        return measure(server, api_key, args)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    add_database_arguments(parser)
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per server")
    parser.add_argument("--warmup", type=int, default=100, help="untimed requests sent first")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="client threads, each with one keep-alive connection"
    )
    parser.add_argument("--threads", type=int, default=8, help="waitress threads of both servers")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="timed runs per server (fresh results each); the run with the median rate is reported",
    )
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds after which no new request is sent")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    args = parser.parse_args(argv)
    for name in ("requests", "concurrency", "threads", "repeat"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    return args


def main(argv=None) -> int:
    try:
        return run(parse_args(argv))
    except ServerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def run(args) -> int:
    """Measure the bare endpoint and each backend; print the table and the JSON line; 1 if any request failed."""
    say = (lambda *_: None) if args.json_only else (lambda text: print(text, file=sys.stderr, flush=True))
    backends, skipped = choose_backends(args, say)
    if backends is None:
        return 2

    figures = {
        "benchmark": "ingest",
        "settings": {
            "requests": args.requests,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "threads": args.threads,
            "repeat": args.repeat,
            **machine_notes(),
        },
        "skipped": skipped,
    }
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as work:
        work_dir = Path(work)
        say(f"bare Flask endpoint: {args.requests} requests at concurrency {args.concurrency} ...")
        figures["bare"] = measure_bare(args, work_dir)
        for backend in backends:
            say(f"hub on {backend}: {args.requests} requests at concurrency {args.concurrency} ...")
            if backend == "sqlite":
                figures["sqlite"] = measure_hub(args, work_dir)
            else:
                with postgres_schema(args.postgres_url, prefix="bench_ingest") as url:
                    figures["postgres"] = measure_hub(args, work_dir, url)
                figures["postgres"]["database"] = redact_url(args.postgres_url)
            bare_rate = figures["bare"]["per_second"]
            hub_rate = figures[backend]["per_second"]
            figures[backend]["ratio_to_bare"] = round(hub_rate / bare_rate, 3) if bare_rate else None

    if not args.json_only:
        rows = [{"server": "bare Flask", **figures["bare"]}] + [
            {"server": f"hub ({backend})", **figures[backend], "bare": figures["bare"]["per_second"]}
            for backend in backends
        ]
        print_table(
            rows,
            [
                ("server", "server"),
                ("per_second", "results/s"),
                ("p50_ms", "p50 ms"),
                ("p99_ms", "p99 ms"),
                ("errors_all_runs", "errors"),
                ("bare", "bare results/s"),
                ("ratio_to_bare", "hub/bare"),
                ("server_cpu_ms_per_request", "server CPU ms/req"),
                ("client_cpu_share", "client CPU"),
            ],
        )
        settings = figures["settings"]
        print(
            f"({args.requests} requests after {args.warmup} warm-up, median of {args.repeat} run(s), concurrency "
            f"{args.concurrency}, waitress threads {args.threads}, {settings['cpus']} CPUs, "
            f"load average {settings['load_average_1m']} at start)"
        )
    print_json_line(figures)
    return 1 if any(figures[name]["errors_all_runs"] for name in ["bare", *backends]) else 0


if __name__ == "__main__":
    sys.exit(main())
