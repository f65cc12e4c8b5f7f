"""Benchmark: compiling a large WSDL's XSD for validation, and what validating each SOAP body costs per call.

Uses the generator's rich WSDL (references, choices, facets). Prints figures, the load average, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone

REPOSITORY_ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY_ROOT))

from connectors import soap_xsd, wsdl_cache  # noqa: E402
from connectors.base import DeliveryContext  # noqa: E402
from connectors.errors import PermanentDeliveryError  # noqa: E402
from connectors import destinations  # noqa: E402
from connectors.plugins import create_connector  # noqa: E402
from tests.support.wsdl_generator import write_wsdl  # noqa: E402

BODY = {
    "Worker_Reference": {"ID": [{"_value_1": "E10086", "type": "Employee_ID"}]},
    "startTime": "09:00:00",
    "endTime": "18:00:00",
    "weeklyHours": "40.00",
    "lateArrivalsAllowed": 2,
    "fixedDays": "1,2,3,4,5",
}


def median_ms(function, repeat: int) -> float:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    return round(statistics.median(durations) * 1000, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operations", type=int, default=150)
    parser.add_argument("--fields", type=int, default=60)
    parser.add_argument("--calls", type=int, default=300)
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
        wsdl = write_wsdl(folder / "rich.wsdl", operations=arguments.operations, fields=arguments.fields, rich=True)
        size_mb = round(wsdl.stat().st_size / 1e6, 2)
        wsdl_cache.clear()
        document = wsdl_cache.load_document(str(wsdl))
        started = time.perf_counter()
        compiled = soap_xsd.compile_schema(document)
        compile_ms = round((time.perf_counter() - started) * 1000, 1)
        assert compiled is not None
        validating = create_connector("soap", {"wsdl": str(wsdl), "operation": "PutWorkSchedule"})
        plain = create_connector("soap", {"wsdl": str(wsdl), "operation": "PutWorkSchedule", "validate_xsd": False})
        payload = {"body": BODY}
        validating.prepare(payload, context)
        plain.prepare(payload, context)
        with_xsd = median_ms(lambda: validating.prepare(payload, context), arguments.calls)
        without_xsd = median_ms(lambda: plain.prepare(payload, context), arguments.calls)

        def refused():
            try:
                validating.prepare({"body": {**BODY, "startTime": "09:00", "weeklyHours": "40.125"}}, context)
            except PermanentDeliveryError:
                return
            raise AssertionError("an invalid body was accepted")

        invalid = median_ms(refused, arguments.calls)
    figures = {
        "wsdl_mb": size_mb,
        "operations": arguments.operations + 1,
        "xsd_compile_ms": compile_ms,
        "prepare_with_xsd_ms_median": with_xsd,
        "prepare_without_xsd_ms_median": without_xsd,
        "prepare_refused_ms_median": invalid,
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }
    print(f"rich WSDL: {size_mb} MB, {arguments.operations + 1} operations, {arguments.fields} fields each")
    print(f"XSD compiled once per WSDL:   {compile_ms:8.1f} ms")
    print(f"prepare with XSD validation:  {with_xsd:8.3f} ms median")
    print(f"prepare without (validate_xsd false): {without_xsd:.3f} ms median")
    print(f"prepare of an invalid body (refused, 2 violations): {invalid:.3f} ms median")
    print(f"load average (1 min): {figures['loadavg_1m']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
