"""score_code: a submission's tests and static checks into a 0-100 score, a BARS level and evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

from scoring_engine.coding.runner import MAX_CODE_CHARS, TestResult, analyse, run_test
from scoring_engine.coding.sandbox import SandboxConfig
from scoring_engine.coding.task import CodingTask
from scoring_engine.errors import InvalidInput

# Deducted from a quality of 1.0 per finding (the score never goes below 0).
QUALITY_PENALTIES = {
    "forbidden": 0.6,
    "no_entry": 0.3,
    "long_function": 0.2,
    "deep_nesting": 0.2,
    "bare_except": 0.1,
    "global": 0.1,
}


@dataclass(frozen=True)
class CodeScore:
    """The score of one submission and everything that explains it."""

    task: str
    task_version: str
    language: str
    dimension: str
    score: float
    level: int
    components: dict[str, float]
    tests: list[TestResult]
    quality_findings: list[str]
    slowest: dict | None
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-able form: hidden tests appear by name and verdict only."""
        return {
            "task": self.task,
            "task_version": self.task_version,
            "language": self.language,
            "dimension": self.dimension,
            "score": self.score,
            "level": self.level,
            "components": dict(self.components),
            "passed": sum(test.passed for test in self.tests),
            "total": len(self.tests),
            "tests": [test.to_dict() for test in self.tests],
            "quality_findings": list(self.quality_findings),
            "slowest": dict(self.slowest) if self.slowest else None,
            "evidence": list(self.evidence),
        }


def check_code(code, pointer: str) -> str:
    """A non-empty string of at most MAX_CODE_CHARS, or InvalidInput naming the pointer."""
    if not isinstance(code, str) or not code.strip():
        raise InvalidInput(f"{pointer}: expected the source code as a non-empty string", pointer=pointer)
    if len(code) > MAX_CODE_CHARS:
        raise InvalidInput(
            f"{pointer}: expected at most {MAX_CODE_CHARS} characters of code, got {len(code)}", pointer=pointer
        )
    return code


def quality_findings(facts: dict, task: CodingTask) -> list[tuple[str, str]]:
    """Readable findings from the harness's static facts, each tagged with its penalty key."""
    findings: list[tuple[str, str]] = []
    if facts.get("forbidden_used"):
        findings.append(
            ("forbidden", f"calls {', '.join(facts['forbidden_used'])}, which the task asks you to implement")
        )
    if not facts.get("defines_entry"):
        findings.append(("no_entry", f"does not define {task.entry}()"))
    if facts.get("longest_function", 0) > task.quality.max_function_lines:
        findings.append(
            (
                "long_function",
                f"a function of {facts['longest_function']} lines (more than {task.quality.max_function_lines})",
            )
        )
    if facts.get("max_nesting", 0) > task.quality.max_nesting:
        findings.append(
            ("deep_nesting", f"blocks nested {facts['max_nesting']} deep (more than {task.quality.max_nesting})")
        )
    if facts.get("bare_excepts"):
        findings.append(("bare_except", f"{facts['bare_excepts']} bare except clause(s)"))
    if facts.get("global_statements"):
        findings.append(("global", f"{facts['global_statements']} global statement(s)"))
    return findings


def _efficiency(tests: list[TestResult], task: CodingTask) -> float:
    """Weighted over passed tests: 1 up to efficient_fraction of the time limit in CPU, falling to 0 at the limit."""
    limits = {test.name: test.limits.time_seconds for test in task.tests}
    fraction = task.scoring.efficient_fraction
    passed = [test for test in tests if test.passed]
    if not passed:
        return 0.0
    total = sum(test.weight for test in passed)
    value = 0.0
    for test in passed:
        limit = limits[test.name]
        value += test.weight * min(1.0, max(0.0, (limit - test.cpu_seconds) / (limit * (1 - fraction))))
    return value / total


def combine(tests: list[TestResult], quality: float, task: CodingTask) -> tuple[float, dict[str, float]]:
    """0-100 from the weighted pass rate, with efficiency and quality counting in proportion to it."""
    pass_rate = sum(test.weight for test in tests if test.passed) / sum(test.weight for test in tests)
    efficiency = _efficiency(tests, task)
    weights = task.scoring
    total = weights.correctness + weights.efficiency + weights.quality
    score = (
        100 * pass_rate * (weights.correctness + weights.efficiency * efficiency + weights.quality * quality) / total
    )
    return round(score, 1), {
        "pass_rate": round(pass_rate, 4),
        "efficiency": round(efficiency, 4),
        "quality": round(quality, 4),
    }


def _evidence(task: CodingTask, tests: list[TestResult], findings: list[str], slowest: dict | None) -> list[str]:
    passed = sum(test.passed for test in tests)
    lines = [
        f"{task.id}: {passed}/{len(tests)} tests passed"
        + (
            f"; slowest {slowest['test']} {slowest['cpu_seconds']:.3f} s CPU ({slowest['verdict'].replace('_', ' ')})"
            if slowest
            else ""
        )
    ]
    failures = [
        f"{test.visibility} test {test.name}: {test.verdict.replace('_', ' ')}"
        + (f" ({test.message})" if test.message else "")
        for test in tests
        if not test.passed
    ]
    lines += failures[:3]
    if findings:
        lines.append("code quality: " + "; ".join(findings))
    return lines


def score_code(
    code, task: CodingTask, *, language="python3", config: SandboxConfig | None = None, pointer: str = "/code"
) -> CodeScore:
    """Run every test of the task on the code in the sandbox and score it; CodeSandboxUnavailable if there is none."""
    code = check_code(code, pointer)
    runtime = task.language(language, pointer.rsplit("/", 1)[0] + "/language")
    facts = analyse(code, task, config)
    if facts.get("status") != "ok":
        where = f" (line {facts['line']})" if facts.get("line") else ""
        reason = f"{facts.get('message', 'not valid code')}{where}"
        tests = [
            TestResult(
                name=test.name,
                visibility=test.visibility,
                weight=test.weight,
                verdict="error",
                message=reason,
                wall_seconds=0.0,
                cpu_seconds=0.0,
            )
            for test in task.tests
        ]
        return CodeScore(
            task=task.id,
            task_version=task.version,
            language=runtime,
            dimension=task.dimension,
            score=0.0,
            level=1,
            components={"pass_rate": 0.0, "efficiency": 0.0, "quality": 0.0},
            tests=tests,
            quality_findings=[reason],
            slowest=None,
            evidence=[f"{task.id}: the code does not compile: {reason}"],
        )
    tagged = quality_findings(facts, task)
    quality = max(0.0, 1.0 - sum(QUALITY_PENALTIES[key] for key, _ in tagged))
    tests = [run_test(code, task, test, config) for test in task.tests]
    score, components = combine(tests, quality, task)
    slowest_test = max(tests, key=lambda test: test.cpu_seconds)
    slowest = {
        "test": slowest_test.name,
        "verdict": slowest_test.verdict,
        "cpu_seconds": slowest_test.cpu_seconds,
        "wall_seconds": slowest_test.wall_seconds,
    }
    findings = [message for _, message in tagged]
    return CodeScore(
        task=task.id,
        task_version=task.version,
        language=runtime,
        dimension=task.dimension,
        score=score,
        level=task.scoring.level_for(score),
        components=components,
        tests=tests,
        quality_findings=findings,
        slowest=slowest,
        evidence=_evidence(task, tests, findings, slowest),
    )
