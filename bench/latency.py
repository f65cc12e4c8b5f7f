"""Ingest -> delivered latency from the first second of a worker's life, against a real receiver.

A fresh database per backend, one REST connector (generic-rest, candidate.hired) aimed at
bench/delivery_receiver.py, `hris-hub serve` and one `hris-hub worker` (not --until-idle), each its own process.
Posting starts the moment the worker prints that it is running (no settling time): results with ready scores
(nothing to score) and their hire decisions go over real HTTP at `--rate` a second for `--seconds`; latency runs
from the decision's HTTP answer to the arrival of that result's delivery at the receiver. Prints p50/p90/p99/max
for every hire and for those whose result was posted in the worker's first second, then one JSON line.

The worker wakes on PostgreSQL by LISTEN/NOTIFY and on SQLite by watching the database's data version
(a commit by any other process), each with the poll interval (HUB_WORKER_POLL_SECONDS) as the fallback.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import (
    add_database_arguments,
    choose_backends,
    create_api_key,
    hub_server,
    machine_notes,
    print_json_line,
    print_table,
)
from delivery import Receiver, hub_database, measure_latency, prepare_hub

AIM_P50_MS, AIM_P99_MS = 100.0, 1000.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    add_database_arguments(parser)
    parser.add_argument("--rate", type=float, default=5.0, help="results (each with a hire) posted per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long results are posted")
    parser.add_argument("--threads", type=int, default=8, help="the worker's delivery threads")
    parser.add_argument("--clients", type=int, default=4, help="client threads posting results and decisions")
    parser.add_argument("--server-threads", type=int, default=8, help="waitress threads of `hris-hub serve`")
    parser.add_argument("--drain-timeout", type=float, default=60.0, help="seconds to wait for the last deliveries")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    args = parser.parse_args(argv)
    if not 0 < args.rate <= 200:
        parser.error("--rate must be above 0 and at most 200")
    if not 1 <= args.seconds <= 600:
        parser.error("--seconds must be from 1 to 600")
    for name in ("threads", "clients", "server_threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    args.say = (lambda *_: None) if args.json_only else (lambda text: print(text, file=sys.stderr, flush=True))
    return args


def measure(backend: str, receiver: Receiver, args, work_dir: Path) -> dict:
    with hub_database(backend, args, work_dir) as env:
        state = prepare_hub(env, receiver.url, args.threads)
        state.dispose()
        api_key = create_api_key(env, role="ingest", name="bench-latency")
        with hub_server(env, threads=args.server_threads, log_dir=work_dir) as server:
            args.say(f"[{backend}] {args.rate:g} hires/s for {args.seconds:g} s from the worker's first moment ...")
            return measure_latency(env, receiver, server, api_key, args, work_dir, None, settle=0.0)


def main(argv=None) -> int:
    args = parse_args(argv)
    backends, skipped = choose_backends(args, args.say)
    if backends is None:
        return 2
    figures: dict = {
        "benchmark": "latency",
        "settings": {
            "rate": args.rate,
            "seconds": args.seconds,
            "threads": args.threads,
            "clients": args.clients,
            **machine_notes(),
        },
        "skipped": skipped,
    }
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as work:
        with Receiver(Path(work)) as receiver:
            for backend in backends:
                figures[backend] = measure(backend, receiver, args, Path(work))
    rows = []
    for backend in backends:
        run = figures[backend]
        first = run["first_second"]
        run["aims_met"] = bool(
            run["all_delivered"]
            and run["p50_ms"] is not None
            and run["p50_ms"] <= AIM_P50_MS
            and run["p99_ms"] <= AIM_P99_MS
            and (first["max_ms"] is None or first["max_ms"] <= AIM_P99_MS)
        )
        rows.append(
            {
                "backend": backend,
                **run,
                "first_delivered": first["delivered"],
                "first_p50_ms": first["p50_ms"],
                "first_max_ms": first["max_ms"],
            }
        )
    if not args.json_only:
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
                ("first_delivered", "1st s: delivered"),
                ("first_p50_ms", "1st s: p50 ms"),
                ("first_max_ms", "1st s: max ms"),
                ("errors", "errors"),
                ("aims_met", f"p50<={AIM_P50_MS:g}, p99<={AIM_P99_MS:g}"),
            ],
        )
        print(
            f"(decision answered -> delivery arrived at the receiver; posting starts when the worker says it is "
            f"running; {args.rate:g} results/s for {args.seconds:g} s from {args.clients} client threads; "
            f"{figures['settings']['cpus']} CPUs, load average {figures['settings'].get('load_average_1m')})"
        )
    print_json_line(figures)
    return 0 if all(figures[b]["all_delivered"] and not figures[b]["errors"] for b in backends) else 1


if __name__ == "__main__":
    sys.exit(main())
