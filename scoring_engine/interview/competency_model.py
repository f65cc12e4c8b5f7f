"""Competency models: YAML files validated by JSON Schema, loaded into typed objects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

import safeyaml
from scoring_engine.errors import InvalidInput

SHIPPED_MODELS = ("sales", "rnd")
QUESTION_TYPES_WITH_STAR = ("behavioural", "situational")
DEFAULT_COMPONENT_WEIGHTS = {
    # STAR structure is what a behavioural answer is judged on; a technical one on its concepts.
    # `substance` (first-person actions and an outcome, clauses.substance) carries weight the model's vocabulary
    # used to: an honest story in plain words tells what was done and how it ended without the concept terms.
    "behavioural": {"bars": 0.25, "star": 0.25, "specificity": 0.20, "concepts": 0.10, "substance": 0.20},
    "situational": {"bars": 0.30, "star": 0.15, "specificity": 0.15, "concepts": 0.20, "substance": 0.20},
    "technical": {"bars": 0.35, "star": 0.00, "specificity": 0.20, "concepts": 0.45, "substance": 0.00},
}


@dataclass(frozen=True)
class BarsLevel:
    """One rung of a behaviourally anchored rating scale."""

    level: int
    description: dict[str, str]
    examples: dict[str, list[str]]

    def anchors(self, language: str) -> list[str]:
        """Description and example answers in one language."""
        return [self.description[language], *self.examples[language]]


@dataclass(frozen=True)
class Dimension:
    """A competency dimension with its names, weights per job family, BARS and improvement hint."""

    key: str
    name: dict[str, str]
    weights: dict[str, float]
    suggestion: dict[str, str]
    bars: tuple[BarsLevel, ...]


@dataclass(frozen=True)
class Choice:
    """A fixed answer to a preference question."""

    value: str
    text: dict[str, str]
    cues: dict[str, list[str]]


@dataclass(frozen=True)
class Question:
    """An interview question: what it measures, which STAR parts and concepts a good answer shows."""

    id: str
    type: str
    text: dict[str, str]
    dimensions: tuple[str, ...] = ()
    expected_star: tuple[str, ...] = ()
    key_concepts: tuple[dict[str, list[str]], ...] = ()
    preference: str | None = None
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class CompetencyModel:
    """A validated competency model (see competency_model.schema.json)."""

    name: str
    version: str
    title: dict[str, str]
    job_families: dict[str, dict[str, str]]
    default_job_family: str
    dimensions: dict[str, Dimension]
    questions: dict[str, Question]
    component_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    source: str = ""
    coding_tasks: tuple[str, ...] = ()

    def weights_for(self, job_family: str | None) -> dict[str, float]:
        """Dimension weights of a job family (the default one when None)."""
        family = job_family or self.default_job_family
        if family not in self.job_families:
            raise InvalidInput(
                f"unknown job family {family!r} for model {self.name!r}; expected one of {sorted(self.job_families)}",
                pointer="/job_family",
            )
        return {key: dimension.weights[family] for key, dimension in self.dimensions.items()}


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(
        resources.files(__package__).joinpath("competency_model.schema.json").read_text(encoding="utf-8")
    )
    return Draft202012Validator(schema)


def _pointer(parts) -> str:
    return "".join(f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in parts)


def _fail(source: str, pointer: str, message: str):
    raise InvalidInput(f"{source}: {pointer or '/'}: {message}", pointer=pointer)


def _check_schema(data, source: str) -> None:
    error = best_match(_validator().iter_errors(data))
    if error is not None:
        expected = f"expected {error.validator} {json.dumps(error.validator_value, ensure_ascii=False)[:120]}"
        _fail(source, _pointer(error.absolute_path), f"{error.message} ({expected})")


def _check_references(data: dict, source: str) -> None:
    """What JSON Schema cannot say: unique keys, known dimensions, a weight for every job family, levels 1-5."""
    families = set(data["job_families"])
    if data["default_job_family"] not in families:
        _fail(source, "/default_job_family", f"expected one of {sorted(families)}")
    keys = [dimension["key"] for dimension in data["dimensions"]]
    for index, dimension in enumerate(data["dimensions"]):
        if keys.index(dimension["key"]) != index:
            _fail(source, f"/dimensions/{index}/key", f"duplicate dimension key {dimension['key']!r}")
        missing = families - set(dimension["weights"])
        unknown = set(dimension["weights"]) - families
        if missing or unknown:
            _fail(
                source,
                f"/dimensions/{index}/weights",
                f"expected a weight for each job family {sorted(families)}; missing {sorted(missing)}, unknown {sorted(unknown)}",
            )
        levels = [level["level"] for level in dimension["bars"]]
        if sorted(levels) != [1, 2, 3, 4, 5]:
            _fail(source, f"/dimensions/{index}/bars", f"expected levels 1-5 once each, got {levels}")
    for family in families:
        if sum(dimension["weights"][family] for dimension in data["dimensions"]) <= 0:
            _fail(source, "/dimensions", f"expected some positive weight for job family {family!r}")
    seen = set()
    for index, question in enumerate(data["questions"]):
        if question["id"] in seen:
            _fail(source, f"/questions/{index}/id", f"duplicate question id {question['id']!r}")
        seen.add(question["id"])
        for position, key in enumerate(question.get("dimensions", [])):
            if key not in keys:
                _fail(
                    source,
                    f"/questions/{index}/dimensions/{position}",
                    f"expected one of the dimension keys {keys}, got {key!r}",
                )
        if question.get("preference") == "work_schedule":
            values = sorted(choice["value"] for choice in question.get("choices", []))
            if values != ["fixed", "flexible"]:
                _fail(
                    source, f"/questions/{index}/choices", f"expected the choices 'fixed' and 'flexible', got {values}"
                )


def _build(data: dict, source: str) -> CompetencyModel:
    dimensions = {
        entry["key"]: Dimension(
            key=entry["key"],
            name=entry["name"],
            weights={family: float(weight) for family, weight in entry["weights"].items()},
            suggestion=entry["suggestion"],
            bars=tuple(sorted((BarsLevel(**level) for level in entry["bars"]), key=lambda level: level.level)),
        )
        for entry in data["dimensions"]
    }
    questions = {
        entry["id"]: Question(
            id=entry["id"],
            type=entry["type"],
            text=entry["text"],
            dimensions=tuple(entry.get("dimensions", ())),
            expected_star=tuple(entry.get("expected_star", ())),
            key_concepts=tuple(entry.get("key_concepts", ())),
            preference=entry.get("preference"),
            choices=tuple(Choice(**choice) for choice in entry.get("choices", ())),
        )
        for entry in data["questions"]
    }
    return CompetencyModel(
        name=data["name"],
        version=data["version"],
        title=data["title"],
        job_families=data["job_families"],
        default_job_family=data["default_job_family"],
        dimensions=dimensions,
        questions=questions,
        component_weights={**DEFAULT_COMPONENT_WEIGHTS, **data.get("component_weights", {})},
        source=source,
        coding_tasks=tuple(data.get("coding_tasks", ())),
    )


def _check_coding_tasks(data: dict, source: str) -> None:
    """Each coding task exists, feeds one of the model's dimensions and has an id no question uses."""
    from scoring_engine.coding import SHIPPED_TASKS, load_task

    keys = [dimension["key"] for dimension in data["dimensions"]]
    questions = {question["id"] for question in data["questions"]}
    for index, task_id in enumerate(data.get("coding_tasks", ())):
        pointer = f"/coding_tasks/{index}"
        if task_id not in SHIPPED_TASKS:
            _fail(source, pointer, f"expected one of the coding tasks {list(SHIPPED_TASKS)}, got {task_id!r}")
        if task_id in questions:
            _fail(source, pointer, f"coding task {task_id!r} has the id of a question")
        dimension = load_task(task_id).dimension
        if dimension not in keys:
            _fail(source, pointer, f"coding task {task_id!r} feeds dimension {dimension!r}, which the model lacks")


def parse_competency_model(text: str, source: str) -> CompetencyModel:
    """Validate and build a model from YAML text; `source` names it in error messages."""
    try:
        data = safeyaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InvalidInput(f"{source}:{where}: not valid YAML ({getattr(error, 'problem', error)})") from None
    _check_schema(data, source)
    _check_references(data, source)
    _check_coding_tasks(data, source)
    return _build(data, source)


@cache
def _shipped(name: str) -> CompetencyModel:
    resource = resources.files(__package__).joinpath("models", f"{name}.yaml")
    return parse_competency_model(resource.read_text(encoding="utf-8"), f"{name}.yaml")


def load_competency_model(name_or_path: str | Path) -> CompetencyModel:
    """A shipped model by name ('sales', 'rnd') or a custom model from a YAML file path."""
    if isinstance(name_or_path, str) and name_or_path in SHIPPED_MODELS:
        return _shipped(name_or_path)
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        raise InvalidInput(
            f"unknown competency model {str(name_or_path)!r}; "
            f"expected one of {list(SHIPPED_MODELS)} or a YAML file path"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read competency model ({error.strerror})") from None
    return parse_competency_model(text, str(path))
