"""Validity and attendance reports on 100,000 hires' outcomes: how long the whole report takes.

The simulator (scoring_engine.validity.simulate) makes ~333,000 applicants, hires the top 30 % by the
overall score, and gives each hire a review and six months of attendance. Timed: the validity report
(Pearson, Spearman, Case II and the multivariate correction with its bootstrap, for five dimensions and
the overall score), the weight recommendation, and the attendance report by preference and department
with its proposals. Prints lines, then one JSON line with every figure and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring_engine.validity import (
    attendance_proposals,
    attendance_report,
    recommend_weights,
    validity_report,
)
from scoring_engine.validity.simulate import simulate

BUDGET_SECONDS = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hires", type=int, default=100_000)
    parser.add_argument("--resamples", type=int, default=200, help="bootstrap resamples of the multivariate interval")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best and the median are printed")
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    simulation = simulate(round(arguments.hires / 0.3), seed=12)
    simulate_seconds = time.perf_counter() - started
    hires = int(simulation.hired.sum())
    timings = []
    for _ in range(arguments.repeat):
        started = time.perf_counter()
        report = validity_report(
            simulation.hired_scores,
            {"overall_rating": simulation.ratings},
            applicant_scores=simulation.applicant_scores,
            selection_on=list(simulation.weights),
            resamples=arguments.resamples,
        )
        recommend_weights(report, simulation.weights, "overall_rating")
        lateness = attendance_report(
            {"work_schedule": simulation.work_schedule, "department": simulation.department},
            simulation.workdays,
            simulation.late_arrivals,
        )
        attendance_proposals(lateness, simulation.weights)
        timings.append(time.perf_counter() - started)
    timings.sort()
    load = os.getloadavg()
    figures = {
        "hires": hires,
        "applicants": int(simulation.hired.size),
        "resamples": arguments.resamples,
        "best_seconds": round(timings[0], 3),
        "median_seconds": round(timings[len(timings) // 2], 3),
        "simulate_seconds": round(simulate_seconds, 3),
        "budget_seconds": BUDGET_SECONDS,
        "load_average": [round(value, 2) for value in load],
    }
    print(f"{hires:,} hires of {simulation.hired.size:,} applicants (simulated in {simulate_seconds:.2f} s)")
    print(
        f"report: best {timings[0]:.2f} s, median {figures['median_seconds']:.2f} s of {arguments.repeat} "
        f"(budget {BUDGET_SECONDS:.0f} s); load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"
    )
    cell = report.cell("technical_skill", "overall_rating")
    print(
        f"technical_skill (planted 0.5): observed {cell.pearson.r:.3f}, corrected {cell.corrected.r:.3f} "
        f"[{cell.corrected.low:.3f}, {cell.corrected.high:.3f}]"
    )
    print(json.dumps(figures))
    return 0 if timings[0] < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
