"""Runs a submission's tests one sandbox each, and turns what the host saw into a verdict per test."""

from __future__ import annotations

import signal
from dataclasses import asdict, dataclass

from scoring_engine.coding import sandbox
from scoring_engine.coding.sandbox import RunOutcome, SandboxConfig
from scoring_engine.coding.task import CodingTask, Limits, TestCase

VERDICTS = ("passed", "wrong_answer", "timeout", "error", "memory", "output_limit", "crashed")
MAX_CODE_CHARS = 64 * 1024
SHOWN_VALUE_CHARS = 200


@dataclass(frozen=True)
class TestResult:
    """One test's verdict and why, with the time the host measured."""

    __test__ = False  # not a pytest class

    name: str
    visibility: str
    weight: float
    verdict: str
    message: str
    wall_seconds: float
    cpu_seconds: float

    @property
    def passed(self) -> bool:
        return self.verdict == "passed"

    def to_dict(self) -> dict:
        return asdict(self)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN_VALUE_CHARS else text[: SHOWN_VALUE_CHARS - 1] + "…"


def _error_message(result: dict) -> str:
    where = f" (line {result['line']})" if result.get("line") else ""
    return f"{result.get('type', 'Error')}: {result.get('message', '')}{where}".strip()


def verdict_for(test: TestCase, outcome: RunOutcome) -> tuple[str, str]:
    """(verdict, message) from the host's view of the run: its own measurements first, the harness's claims after."""
    limit = test.limits.time_seconds
    if outcome.killed_for == "wall_clock":
        return "timeout", f"killed after {limit:g} s wall clock"
    if outcome.killed_for == "output":
        return "output_limit", f"printed more than {test.limits.output_bytes} bytes"
    if outcome.signal_name in ("SIGXCPU",) or outcome.cpu_seconds > limit + 1:
        return "timeout", f"used more than {limit:g} s of CPU"
    result = outcome.result
    if result is None:
        if outcome.signal_name:
            return "crashed", f"the process died of {outcome.signal_name}"
        if outcome.exit_status > 128:  # how bwrap reports the death of its pid 1
            return "crashed", f"the process died of {_signal_name(outcome.exit_status - 128)}"
        return "crashed", f"the process exited with status {outcome.exit_status} without a result"
    status = result.get("status")
    if status == "timeout":
        return "timeout", f"still running after {limit:g} s"
    if status == "error":
        kind = "memory" if result.get("type") == "MemoryError" else "error"
        return kind, _error_message(result)
    if status != "ok":
        return "crashed", "the harness reported nothing usable"
    problem = test.judge(result.get("value"))
    if problem is None:
        return "passed", ""
    if test.hidden:
        return "wrong_answer", problem
    return (
        "wrong_answer",
        f"{problem}: got {_shown(result.get('value'))}, expected {_shown(test.expected) if test.checker is None else 'see the checker'}",
    )


def analyse(code: str, task: CodingTask, config: SandboxConfig | None = None) -> dict:
    """Static facts about the code, found by the harness inside a sandbox (nothing of the code runs)."""
    request = {
        "mode": "analyse",
        "code": code,
        "entry": task.entry,
        "forbidden_calls": list(task.quality.forbidden_calls),
    }
    outcome = sandbox.run(request, Limits(time_seconds=5.0, memory_mb=512), config)
    if outcome.result is None:
        return {
            "status": "unanalysable",
            "message": f"the code could not be analysed ({outcome.signal_name or outcome.killed_for or outcome.exit_status})",
        }
    return outcome.result


def run_test(code: str, task: CodingTask, test: TestCase, config: SandboxConfig | None = None) -> TestResult:
    """One test in a fresh sandbox."""
    request = {"mode": "run", "code": code, "entry": task.entry, "args": test.args}
    outcome = sandbox.run(request, test.limits, config)
    verdict, message = verdict_for(test, outcome)
    return TestResult(
        name=test.name,
        visibility=test.visibility,
        weight=test.weight,
        verdict=verdict,
        message=message,
        wall_seconds=round(outcome.wall_seconds, 4),
        cpu_seconds=round(outcome.cpu_seconds, 4),
    )
