"""The committed models are what the generator makes of the schemas the hub publishes, and they mean what the
schemas say."""

from __future__ import annotations

import copy
import importlib.util
import json
import typing

import pytest

from tests.conftest import ROOT

CLIENT = ROOT / "clients" / "python"
MODELS = CLIENT / "src" / "hris_hub_client" / "models.py"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("generate_models", CLIENT / "tools" / "generate_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_models_are_what_the_checkouts_schemas_give(generator):
    assert generator.generate(*generator.load_from_repo()) == MODELS.read_text(encoding="utf-8"), (
        "clients/python/src/hris_hub_client/models.py is out of date: run "
        "python clients/python/tools/generate_models.py (make client-models)"
    )


def test_the_committed_models_are_what_the_hub_serves(generator, live):
    """The same file from /api/v1/schemas/ and /api/v1/openapi.json of a running hub (its canonical document
    schema embeds the plan and attendance schemas the checkout keeps in files of their own)."""
    assert generator.generate(*generator.load_from_hub(live.url)) == MODELS.read_text(encoding="utf-8")
    assert generator.main(["--hub", live.url, "--check"]) == 0


def test_a_schema_change_is_drift(generator, tmp_path):
    schemas, extra = generator.load_from_repo()
    changed = copy.deepcopy(schemas)
    changed["Decision"]["properties"]["reason_code"] = {"type": "string"}
    assert generator.generate(changed, extra) != MODELS.read_text(encoding="utf-8")
    assert "reason_code: NotRequired[str]" in generator.generate(changed, extra)
    required = copy.deepcopy(schemas)
    required["InterviewResult"]["required"].remove("consent")
    assert "consent: NotRequired[InterviewResultConsent]" in generator.generate(required, extra)
    stale = tmp_path / "models.py"
    stale.write_text(generator.generate(changed, extra), encoding="utf-8")
    assert generator.main(["--check", "--output", str(stale)]) == 1


def _typed_dicts(module):
    return {name: value for name, value in vars(module).items() if typing.is_typeddict(value)}


@pytest.mark.parametrize(
    ("model", "schema_file", "pointer"),
    [
        ("InterviewResult", "hub/intake/schemas/interview-result.json", ()),
        ("InterviewResultCandidate", "hub/intake/schemas/interview-result.json", ("properties", "candidate")),
        ("Decision", "hub/intake/schemas/decision.json", ()),
        ("CanonicalDocument", "mappings/schemas/canonical-document.schema.json", ()),
        ("CanonicalDocumentProfile", "mappings/schemas/canonical-document.schema.json", ("$defs", "profile")),
        ("PerformancePlan", "mappings/schemas/performance-plan.schema.json", ()),
        ("AttendanceRule", "mappings/schemas/attendance-rule.schema.json", ()),
    ],
)
def test_each_model_has_the_schemas_fields_and_required_ones(model, schema_file, pointer):
    from hris_hub_client import models

    schema = json.loads((ROOT / schema_file).read_text(encoding="utf-8"))
    for part in pointer:
        schema = schema[part]
    cls = getattr(models, model)
    assert set(typing.get_type_hints(cls)) == set(schema["properties"])
    assert cls.__required_keys__ == frozenset(schema["required"])


def test_the_models_resolve_and_the_example_fits():
    from hris_hub_client import models

    for name, cls in _typed_dicts(models).items():
        typing.get_type_hints(cls)  # every forward reference names a model that exists
    assert set(models.__all__) >= set(_typed_dicts(models))
    example = json.loads((ROOT / "hub/intake/schemas/interview-result.json").read_text(encoding="utf-8"))["examples"][0]
    hints = typing.get_type_hints(models.InterviewResult)
    assert set(example) <= set(hints)
    assert typing.get_args(typing.get_type_hints(models.Accepted)["status"]) == (
        "queued",
        "scored",
        "failed",
        "not_scored",
    )
