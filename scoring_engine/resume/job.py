"""Job profiles: YAML validated against data/job_profile.schema.json, skill names mapped to the taxonomy."""

import functools
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

import safeyaml
from scoring_engine.errors import InvalidInput
from scoring_engine.resume.degrees import DEGREE_LEVELS, normalise_degree
from scoring_engine.resume.taxonomy import taxonomy

DEFAULT_WEIGHTS = {"must_have_skills": 45, "nice_to_have_skills": 15, "degree": 15, "years": 15, "certificates": 10}


@dataclass
class JobProfile:
    """What a job asks for; skills and certificates carry canonical taxonomy names where known."""

    code: str
    title: str
    family: str = "general"
    must_have_skills: list[str] = field(default_factory=list)
    nice_to_have_skills: list[str] = field(default_factory=list)
    min_degree: str | None = None
    min_years: float | None = None
    certificates: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def to_dict(self) -> dict:
        return asdict(self)


@functools.lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(
        resources.files("scoring_engine.resume").joinpath("data/job_profile.schema.json").read_text("utf-8")
    )
    return Draft202012Validator(schema)


def load_job(source: str | Path | dict) -> JobProfile:
    """A JobProfile from a YAML file path or a dict; InvalidInput names the file, the JSON pointer and what was expected."""
    if isinstance(source, dict):
        where, data = "job profile", source
    else:
        where, data = str(source), _read_yaml(Path(source))
    if not isinstance(data, dict):
        raise InvalidInput(f"{where}: expected a mapping of job fields, got {type(data).__name__}", pointer="")
    errors = sorted(_validator().iter_errors(data), key=lambda error: list(error.absolute_path))
    if errors:
        error = errors[0]
        pointer = "/" + "/".join(str(part) for part in error.absolute_path)
        raise InvalidInput(f"{where}: {pointer}: {_expected(error)}", pointer=pointer)
    min_degree = data.get("min_degree")
    if min_degree is not None:
        normalised = normalise_degree(min_degree)
        if normalised is None:
            raise InvalidInput(
                f"{where}: /min_degree: expected one of {', '.join(DEGREE_LEVELS)} (or a degree name such as 本科, MSc),"
                f" got {min_degree!r}",
                pointer="/min_degree",
            )
        min_degree = normalised
    skills = taxonomy().skills
    return JobProfile(
        code=data["code"],
        title=data["title"],
        family=data.get("family", "general"),
        must_have_skills=[skills.lookup(name) or name for name in data.get("must_have_skills", [])],
        nice_to_have_skills=[skills.lookup(name) or name for name in data.get("nice_to_have_skills", [])],
        min_degree=min_degree,
        min_years=data.get("min_years"),
        certificates=[taxonomy().certificates.lookup(name) or name for name in data.get("certificates", [])],
        weights={**DEFAULT_WEIGHTS, **data.get("weights", {})},
    )


def _read_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read the job profile ({error.strerror})", pointer="") from error
    try:
        return safeyaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise InvalidInput(f"{path}:{line}: not valid YAML ({getattr(error, 'problem', error)})", pointer="") from error


def _expected(error) -> str:
    if error.validator == "required":
        return f"missing required field ({error.message})"
    if error.validator == "additionalProperties":
        return f"unknown field ({error.message}); expected only {', '.join(sorted(error.schema.get('properties', {})))}"
    return f"expected {error.validator} {error.validator_value!r}, got {error.instance!r}"
