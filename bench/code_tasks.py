"""Coding tasks: sandboxed runs per second, the sandbox's overhead over a bare subprocess, and whether scores order
50 hand-written submissions (correct, slow, partially correct, buggy) the way a reviewer would.

Prints lines, then one JSON line with every figure. The machine is shared: the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from code_submissions import QUICKSORT, SUBMISSIONS

from scoring_engine.coding import SandboxConfig, load_task, sandbox, score_code
from scoring_engine.coding.runner import run_test

# A reviewer's order: a correct answer beats every other kind; slow and partially correct both beat buggy;
# slow and partially correct are not ranked against each other.
ORDER = [("correct", "slow"), ("correct", "partial"), ("correct", "buggy"), ("slow", "buggy"), ("partial", "buggy")]


def load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def speed(repeat: int) -> dict:
    """One warm test-case run in the sandbox, and the same request through a bare subprocess.run."""
    task = load_task("quicksort")
    test = task.tests[0]
    code = QUICKSORT["correct"][0]
    config = SandboxConfig.from_env()
    run_test(code, task, test, config)  # warm: the interpreter's layout is asked once, page cache filled
    sandboxed = timed(lambda: run_test(code, task, test, config), repeat)
    request = json.dumps(
        {"mode": "run", "code": code, "entry": task.entry, "args": test.args, "limits": test.limits.__dict__}
    ).encode()
    bare_command = [os.path.realpath(config.python), "-I", "-S", "-X", "utf8", "-c", sandbox._harness_source()]
    subprocess.run(bare_command, input=request, capture_output=True, env={}, check=True)
    bare = timed(lambda: subprocess.run(bare_command, input=request, capture_output=True, env={}, check=True), repeat)
    median_sandboxed, median_bare = statistics.median(sandboxed), statistics.median(bare)
    return {
        "runs_per_second": round(1 / statistics.fmean(sandboxed), 1),
        "sandboxed_median_ms": round(median_sandboxed * 1000, 1),
        "sandboxed_p95_ms": round(sorted(sandboxed)[int(0.95 * (repeat - 1))] * 1000, 1),
        "bare_median_ms": round(median_bare * 1000, 1),
        "overhead_ms": round((median_sandboxed - median_bare) * 1000, 1),
        "overhead_ratio": round(median_sandboxed / median_bare, 2),
    }


def agreement() -> dict:
    """Score every submission; share of cross-kind pairs (same task) the scores order as ORDER says."""
    config = SandboxConfig.from_env()
    rows = []
    for task_id, kinds in SUBMISSIONS.items():
        task = load_task(task_id)
        for kind, codes in kinds.items():
            for index, code in enumerate(codes):
                result = score_code(code, task, config=config)
                rows.append(
                    {
                        "task": task_id,
                        "kind": kind,
                        "index": index,
                        "score": result.score,
                        "level": result.level,
                        "passed": sum(test.passed for test in result.tests),
                        "total": len(result.tests),
                    }
                )
                print(
                    f"  {task_id:<10} {kind:<8} #{index}  {result.score:5.1f}  level {result.level}  "
                    f"{rows[-1]['passed']}/{rows[-1]['total']} passed",
                    flush=True,
                )
    concordant = discordant = ties = 0
    misordered = []
    for better_kind, worse_kind in ORDER:
        for better, worse in itertools.product(rows, rows):
            if better["task"] != worse["task"] or better["kind"] != better_kind or worse["kind"] != worse_kind:
                continue
            if better["score"] > worse["score"]:
                concordant += 1
            elif better["score"] == worse["score"]:
                ties += 1
                misordered.append((better, worse))
            else:
                discordant += 1
                misordered.append((better, worse))
    pairs = concordant + discordant + ties
    by_kind = {
        kind: round(statistics.fmean(row["score"] for row in rows if row["kind"] == kind), 1)
        for kind in ("correct", "slow", "partial", "buggy")
    }
    return {
        "submissions": len(rows),
        "pairs": pairs,
        "concordant": concordant,
        "discordant": discordant,
        "ties": ties,
        "agreement": round(concordant / pairs, 4),
        "mean_score_by_kind": by_kind,
        "misordered": [
            f"{a['task']} {a['kind']}#{a['index']} {a['score']} vs {b['kind']}#{b['index']} {b['score']}"
            for a, b in misordered
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="runs timed for the speed figures")
    parser.add_argument("--skip-agreement", action="store_true")
    arguments = parser.parse_args()
    print(f"speed ({load()})")
    figures = {"speed": speed(arguments.repeat)}
    for key, value in figures["speed"].items():
        print(f"  {key}: {value}")
    print(f"after speed: {load()}")
    if not arguments.skip_agreement:
        print("agreement")
        figures["agreement"] = agreement()
        for key, value in figures["agreement"].items():
            print(f"  {key}: {value}")
        print(f"after agreement: {load()}")
    figures["load_average"] = [round(value, 2) for value in os.getloadavg()]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
