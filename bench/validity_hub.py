"""The validity and attendance reports through the hub: SQLite, encrypted profiles and outcomes, over HTTP.

bench/validity.py times the statistics alone; this times what an HR analyst waits for: the hub reading every
scored applicant of the family and every linked outcome from the database (decrypting each), then the same
statistics, answered over HTTP on loopback. The data are the demo's synthetic hires (hub/ops/demo_outcomes.py,
the simulator's planted effects). Prints lines, then one JSON line with every figure and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=33_334, help="synthetic applicants; 30 %% are hired")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args(argv)

    import requests

    from hub import create_app
    from hub.accounts.api_clients import create_client
    from hub.ops import demo_outcomes
    from hub.ops.serving import BackgroundServer
    from hub.storage.db import transaction
    from hub.storage.migrate import upgrade

    folder = Path(tempfile.mkdtemp(prefix="validity-hub-"))
    # Keys are generated in the temporary instance folder, as on a first start.
    app = create_app(
        {
            "HUB_INSTANCE_PATH": str(folder),
            "HUB_DATABASE_URL": f"sqlite:///{folder / 'hub.sqlite'}",
            "HUB_LOG_LEVEL": "WARNING",
        }
    )
    state = app.extensions["hub"]
    upgrade(state.engine)
    started = time.perf_counter()
    with transaction(state.session_factory) as session:
        seeded = demo_outcomes.seed_synthetic(session, applicants=arguments.applicants, run_id="b")
        _, key = create_client(session, name="bench", role="auditor", actor="bench")
    seed_seconds = time.perf_counter() - started
    server = BackgroundServer(app)
    timings: dict[str, list[float]] = {"validity": [], "attendance": []}
    try:
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {key}"
            for _ in range(arguments.repeat):
                for name in timings:
                    began = time.perf_counter()
                    answer = http.get(f"{server.url}/api/v1/reports/{name}?job_family=rnd", timeout=600)
                    timings[name].append(time.perf_counter() - began)
                    answer.raise_for_status()
            cell = next(
                c
                for c in http.get(f"{server.url}/api/v1/reports/validity?job_family=rnd", timeout=600).json()["cells"]
                if c["predictor"] == "technical_skill" and c["outcome"] == "performance"
            )
    finally:
        server.close()
        state.dispose()
    load = os.getloadavg()
    figures = {
        "applicants": seeded.applicants,
        "hires": seeded.hires,
        "outcomes": seeded.outcomes,
        "seed_seconds": round(seed_seconds, 1),
        **{f"{name}_best_seconds": round(min(values), 2) for name, values in timings.items()},
        **{f"{name}_median_seconds": round(sorted(values)[len(values) // 2], 2) for name, values in timings.items()},
        "load_average": [round(value, 2) for value in load],
    }
    print(
        f"{seeded.hires:,} hires of {seeded.applicants:,} applicants, {seeded.outcomes:,} outcomes "
        f"(stored in {seed_seconds:.0f} s)"
    )
    for name, values in timings.items():
        print(f"GET /api/v1/reports/{name}: best {min(values):.2f} s, median {sorted(values)[len(values) // 2]:.2f} s")
    corrected = cell["corrected"]
    print(
        f"technical_skill (planted 0.5): corrected {corrected['r']:.3f} [{corrected['low']:.3f}, {corrected['high']:.3f}]"
    )
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
