"""Benchmark: loading a large WSDL once, and the per-call overhead of the SOAP connector afterwards.

Prints human-readable figures, then one JSON line with all of them. Runs on loopback only.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone

REPOSITORY_ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY_ROOT))

import zeep  # noqa: E402

from connectors import destinations, wsdl_cache  # noqa: E402
from connectors.base import DeliveryContext  # noqa: E402
from connectors.plugins import create_connector  # noqa: E402
from tests.support.soap_server import LegacyHrSoapServer  # noqa: E402
from tests.support.wsdl_generator import write_wsdl  # noqa: E402

GOALS = [
    {
        "key": f"goal{n}",
        "name": "季度数据报告完成率",
        "metric": "rate",
        "target": 95,
        "unit": "%",
        "weight": 0.25,
        "period": "2026-Q2",
    }
    for n in range(4)
]


def milliseconds(seconds: float) -> float:
    return round(seconds * 1000, 3)


def timed(function, repeat: int) -> list[float]:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operations", type=int, default=150, help="operations in the generated WSDL")
    parser.add_argument("--fields", type=int, default=60, help="fields per operation's record type")
    parser.add_argument("--documentation-bytes", type=int, default=300, help="xsd:documentation per field")
    parser.add_argument("--calls", type=int, default=200, help="calls measured per figure")
    arguments = parser.parse_args()
    # Generated WSDLs in a temporary folder, a SOAP server on loopback over plain http: allowed explicitly.
    destinations.set_default_policy(
        destinations.DestinationPolicy.from_settings(
            "127.0.0.0/8", allow_plain_http=True, wsdl_roots=[tempfile.gettempdir()], source="the benchmark"
        )
    )

    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        context = DeliveryContext("bench", 1, "bench", "bench", folder / "cache", datetime.now(timezone.utc))
        wsdl = write_wsdl(
            folder / "big.wsdl",
            operations=arguments.operations,
            fields=arguments.fields,
            documentation_bytes=arguments.documentation_bytes,
        )
        size_mb = wsdl.stat().st_size / 1e6

        wsdl_cache.clear()
        started = time.perf_counter()
        first = create_connector("soap", {"wsdl": str(wsdl), "operation": "Operation000"})
        last_operation = f"Operation{arguments.operations - 1:03d}"
        payload = {
            "operation": last_operation,
            "body": {"employeeId": "E-1", "record": [{"field000": "x", "field001": 1.5}]},
        }
        first.prepare(payload, context)
        first_call = time.perf_counter() - started
        second_instance = timed(
            lambda: create_connector("soap", {"wsdl": str(wsdl), "operation": "Operation000"}).prepare(
                payload, context
            ),
            5,
        )
        prepare_big = timed(lambda: first.prepare(payload, context), arguments.calls)
        naive_client = timed(lambda: zeep.Client(str(wsdl)), 2)

        with LegacyHrSoapServer() as server:
            connector = create_connector(
                "soap",
                {
                    "wsdl": server.wsdl_url,
                    "operation": "PutPerformanceGoals",
                    "wsse": {"username": "bench", "password": "bench"},
                },
            )
            goals = {"body": {"employeeId": "E-1", "goals": GOALS}}
            connector.deliver(goals, context)
            prepare_small = timed(lambda: connector.prepare(goals, context), arguments.calls)
            deliver_small = timed(lambda: connector.deliver(goals, context), arguments.calls)

    figures = {
        "wsdl_mb": round(size_mb, 2),
        "wsdl_operations": arguments.operations,
        "first_load_and_call_ms": milliseconds(first_call),
        "new_instance_same_wsdl_ms_median": milliseconds(statistics.median(second_instance)),
        "wsdl_loads": wsdl_cache.loads[str(wsdl)],
        "prepare_big_wsdl_ms_median": milliseconds(statistics.median(prepare_big)),
        "naive_zeep_client_per_request_ms": milliseconds(statistics.median(naive_client)),
        "prepare_goals_ms_median": milliseconds(statistics.median(prepare_small)),
        "deliver_goals_loopback_ms_median": milliseconds(statistics.median(deliver_small)),
        "deliver_goals_loopback_ms_p95": milliseconds(statistics.quantiles(deliver_small, n=20)[18]),
    }
    print(f"WSDL: {figures['wsdl_mb']} MB, {arguments.operations} operations, {arguments.fields} fields each")
    print(f"first load + first call:           {figures['first_load_and_call_ms']:9.1f} ms (parsed once)")
    print(
        f"another instance, same WSDL:       {figures['new_instance_same_wsdl_ms_median']:9.1f} ms "
        f"(loads in total: {figures['wsdl_loads']})"
    )
    print(f"a zeep.Client per request would be: {figures['naive_zeep_client_per_request_ms']:8.1f} ms each")
    print(f"prepare, big WSDL (median):        {figures['prepare_big_wsdl_ms_median']:9.3f} ms")
    print(f"prepare goals (median):            {figures['prepare_goals_ms_median']:9.3f} ms")
    print(
        f"deliver goals, loopback spyne:     {figures['deliver_goals_loopback_ms_median']:9.3f} ms median, "
        f"{figures['deliver_goals_loopback_ms_p95']:.3f} ms p95"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
