"""Coding tasks: YAML data validated by JSON Schema (task.schema.json), loaded into typed objects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator

from scoring_engine.coding.checkers import CHECKERS
from scoring_engine.coding.generators import generate
from scoring_engine.data_files import check_schema, fail, parse_yaml
from scoring_engine.errors import InvalidInput

SHIPPED_TASKS = ("quicksort", "palindrome", "pair_sum")
LANGUAGE_ALIASES = {"python": "python3", "python3": "python3", "py": "python3"}


@dataclass(frozen=True)
class Limits:
    """What one test run may use; the defaults are small because interview tasks need little."""

    time_seconds: float = 2.0
    memory_mb: int = 256
    max_processes: int = 8
    file_bytes: int = 1024 * 1024
    open_files: int = 32
    output_bytes: int = 64 * 1024

    def merged(self, overrides: dict | None) -> Limits:
        """These limits with the given fields replaced."""
        return replace(self, **overrides) if overrides else self


@dataclass(frozen=True)
class TestCase:
    """One test: arguments (literal or generated), the expected value or a checker, and its limits."""

    __test__ = False  # not a pytest class

    name: str
    visibility: str
    weight: float
    limits: Limits
    literal_args: list | None = None
    generate: dict | None = None
    expected: object = None
    checker: str | None = None
    pointer: str = ""

    @property
    def hidden(self) -> bool:
        return self.visibility == "hidden"

    @cached_property
    def args(self) -> list:
        """The entry function's positional arguments (generated ones are made once, on first use)."""
        if self.literal_args is not None:
            return self.literal_args
        return generate(self.generate or {}, f"{self.pointer}/generate")

    def judge(self, output) -> str | None:
        """None when the output is right, otherwise why not."""
        if self.checker:
            return CHECKERS[self.checker](self.args, output)
        return None if _same(output, self.expected) else "wrong answer"


def _same(output, expected) -> bool:
    # JSON equality, but True is not 1: a function returning 1 for a yes/no question is wrong.
    if isinstance(expected, bool) or isinstance(output, bool):
        return type(output) is type(expected) and output == expected
    if isinstance(expected, list):
        return isinstance(output, list) and len(output) == len(expected) and all(map(_same, output, expected))
    if isinstance(expected, dict):
        return (
            isinstance(output, dict)
            and output.keys() == expected.keys()
            and all(_same(output[k], expected[k]) for k in expected)
        )
    return output == expected


@dataclass(frozen=True)
class BarsLevel:
    """A rung of the task's rating scale: the lowest score that reaches it and what it means."""

    level: int
    min_score: float
    description: dict[str, str]


@dataclass(frozen=True)
class Scoring:
    """How pass rate, efficiency and quality combine; and the BARS levels."""

    correctness: float
    efficiency: float
    quality: float
    efficient_fraction: float
    bars: tuple[BarsLevel, ...]

    def level_for(self, score: float) -> int:
        """The highest BARS level whose minimum the score reaches."""
        return max(level.level for level in self.bars if score >= level.min_score)


@dataclass(frozen=True)
class Quality:
    """Static checks on the code (made inside the sandbox, before anything runs)."""

    forbidden_calls: tuple[str, ...] = ()
    max_function_lines: int = 60
    max_nesting: int = 4


@dataclass(frozen=True)
class CodingTask:
    """A validated coding task."""

    id: str
    version: str
    title: dict[str, str]
    prompt: dict[str, str]
    dimension: str
    languages: tuple[str, ...]
    entry: str
    limits: Limits
    tests: tuple[TestCase, ...]
    scoring: Scoring
    quality: Quality = field(default_factory=Quality)
    starter: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def language(self, declared, pointer: str) -> str:
        """The runtime for a declared language name (none: the task's only one), or InvalidInput naming the pointer."""
        if declared is None and len(self.languages) == 1:
            return self.languages[0]
        runtime = LANGUAGE_ALIASES.get(declared) if isinstance(declared, str) else None
        if runtime is None or runtime not in self.languages:
            raise InvalidInput(
                f"{pointer}: expected one of {list(self.languages)} for task {self.id!r}, got {declared!r}",
                pointer=pointer,
            )
        return runtime


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(resources.files(__package__).joinpath("task.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _check_references(data: dict, source: str) -> None:
    """What JSON Schema cannot say: unique test names, levels 1-5 with rising minimums starting at 0."""
    names = [test["name"] for test in data["tests"]]
    for index, name in enumerate(names):
        if names.index(name) != index:
            fail(source, f"/tests/{index}/name", f"duplicate test name {name!r}")
    bars = sorted(data["scoring"]["bars"], key=lambda level: level["level"])
    if [level["level"] for level in bars] != [1, 2, 3, 4, 5]:
        fail(source, "/scoring/bars", "expected levels 1-5 once each")
    minimums = [level["min_score"] for level in bars]
    if minimums[0] != 0 or minimums != sorted(minimums):
        fail(source, "/scoring/bars", f"expected min_score 0 for level 1 and rising with the level, got {minimums}")
    weights = data["scoring"]["weights"]
    if sum(weights.values()) <= 0:
        fail(source, "/scoring/weights", "expected some positive weight")
    if not any(test["visibility"] == "visible" for test in data["tests"]):
        fail(source, "/tests", "expected at least one visible example test")


def _build(data: dict, source: str) -> CodingTask:
    limits = Limits().merged(data["limits"])
    tests = tuple(
        TestCase(
            name=entry["name"],
            visibility=entry["visibility"],
            weight=float(entry.get("weight", 1)),
            limits=limits.merged(entry.get("limits")),
            literal_args=entry.get("args"),
            generate=entry.get("generate"),
            expected=entry.get("expected"),
            checker=entry.get("checker"),
            pointer=f"{source}#/tests/{index}",
        )
        for index, entry in enumerate(data["tests"])
    )
    scoring = data["scoring"]
    quality = data.get("quality", {})
    return CodingTask(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        prompt=data["prompt"],
        dimension=data["dimension"],
        languages=tuple(data["languages"]),
        entry=data["entry"],
        limits=limits,
        tests=tests,
        scoring=Scoring(
            correctness=float(scoring["weights"]["correctness"]),
            efficiency=float(scoring["weights"]["efficiency"]),
            quality=float(scoring["weights"]["quality"]),
            efficient_fraction=float(scoring.get("efficient_fraction", 0.25)),
            bars=tuple(BarsLevel(**level) for level in sorted(scoring["bars"], key=lambda level: level["level"])),
        ),
        quality=Quality(
            forbidden_calls=tuple(quality.get("forbidden_calls", ())),
            max_function_lines=quality.get("max_function_lines", Quality.max_function_lines),
            max_nesting=quality.get("max_nesting", Quality.max_nesting),
        ),
        starter=dict(data.get("starter", {})),
        source=source,
    )


def parse_task(text: str, source: str) -> CodingTask:
    """Validate and build a task from YAML text; `source` names it in error messages."""
    data = parse_yaml(text, source)
    check_schema(_validator(), data, source)
    _check_references(data, source)
    return _build(data, source)


@cache
def _shipped(name: str) -> CodingTask:
    resource = resources.files(__package__).joinpath("tasks", f"{name}.yaml")
    return parse_task(resource.read_text(encoding="utf-8"), f"{name}.yaml")


def load_task(name_or_path: str | Path) -> CodingTask:
    """A shipped task by id ('quicksort', 'palindrome', 'pair_sum') or a task from a YAML file path."""
    if isinstance(name_or_path, str) and name_or_path in SHIPPED_TASKS:
        return _shipped(name_or_path)
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        raise InvalidInput(
            f"unknown coding task {str(name_or_path)!r}; expected one of {list(SHIPPED_TASKS)} or a YAML file path"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read coding task ({error.strerror})") from None
    return parse_task(text, str(path))
