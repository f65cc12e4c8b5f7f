"""Competency models: the shipped ones keep the contract; custom ones are validated with clear errors."""

from __future__ import annotations

import pytest
import yaml

from scoring_engine.errors import InvalidInput
from scoring_engine.interview import CompetencyModel, load_competency_model
from scoring_engine.interview.competency_model import parse_competency_model

CONTRACT_KEYS = {
    "sales": ["communication", "stress_tolerance", "customer_orientation", "teamwork", "responsibility"],
    "rnd": ["logical_thinking", "technical_skill", "data_analysis", "teamwork", "responsibility"],
}


@pytest.mark.parametrize("name", sorted(CONTRACT_KEYS))
def test_shipped_model_has_the_contract_dimensions_in_both_languages(name):
    model = load_competency_model(name)
    assert isinstance(model, CompetencyModel) and model.name == name
    assert list(model.dimensions) == CONTRACT_KEYS[name]
    for dimension in model.dimensions.values():
        assert dimension.name["zh"] and dimension.name["en"]
        assert [level.level for level in dimension.bars] == [1, 2, 3, 4, 5]
        for level in dimension.bars:
            assert level.anchors("zh") and level.anchors("en")


@pytest.mark.parametrize("name", sorted(CONTRACT_KEYS))
def test_every_job_family_weighs_every_dimension_and_sums_to_one(name):
    model = load_competency_model(name)
    for family in model.job_families:
        weights = model.weights_for(family)
        assert set(weights) == set(CONTRACT_KEYS[name])
        assert sum(weights.values()) == pytest.approx(1.0)
    assert model.weights_for(None) == model.weights_for(model.default_job_family)


@pytest.mark.parametrize("name", sorted(CONTRACT_KEYS))
def test_every_dimension_is_asked_about_and_preferences_are_fixed_choices(name):
    model = load_competency_model(name)
    asked = {key for question in model.questions.values() for key in question.dimensions}
    assert asked == set(CONTRACT_KEYS[name])
    schedule = [question for question in model.questions.values() if question.preference == "work_schedule"]
    assert len(schedule) == 1
    assert sorted(choice.value for choice in schedule[0].choices) == ["fixed", "flexible"]
    for question in model.questions.values():
        assert question.text["zh"] and question.text["en"]
    assert {question.type for question in model.questions.values()} >= {"behavioural", "situational", "preference"}


def test_unknown_job_family_names_the_pointer():
    with pytest.raises(InvalidInput) as caught:
        load_competency_model("sales").weights_for("astronaut")
    assert caught.value.pointer == "/job_family" and "field_sales" in str(caught.value)


def _shipped_data(name="sales") -> dict:
    from importlib import resources

    return yaml.safe_load(
        resources.files("scoring_engine.interview").joinpath("models", f"{name}.yaml").read_text("utf-8")
    )


def _write(tmp_path, data) -> str:
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_custom_model_loads_from_a_path(tmp_path):
    data = _shipped_data()
    data["name"] = "field_service"
    data["dimensions"][0]["name"]["en"] = "Talking to customers"
    model = load_competency_model(_write(tmp_path, data))
    assert model.name == "field_service"
    assert model.dimensions["communication"].name["en"] == "Talking to customers"
    assert model.source.endswith("custom.yaml")


def _break(data: dict, mutation) -> dict:
    mutation(data)
    return data


BROKEN = {
    "missing name": (lambda d: d.pop("name"), "/", "name"),
    "weight not a number": (
        lambda d: d["dimensions"][1]["weights"].update(field_sales="high"),
        "/dimensions/1/weights/field_sales",
        "number",
    ),
    "bars level missing": (lambda d: d["dimensions"][2]["bars"].pop(), "/dimensions/2/bars", "5"),
    "unknown dimension in question": (
        lambda d: d["questions"][0]["dimensions"].append("charisma"),
        "/questions/0/dimensions/2",
        "charisma",
    ),
    "family weight missing": (
        lambda d: d["dimensions"][0]["weights"].pop("key_account"),
        "/dimensions/0/weights",
        "key_account",
    ),
    "question type unknown": (lambda d: d["questions"][1].update(type="riddle"), "/questions/1/type", "behavioural"),
    "english name missing": (lambda d: d["dimensions"][3]["name"].pop("en"), "/dimensions/3/name", "en"),
    "duplicate question id": (
        lambda d: d["questions"][1].update(id=d["questions"][0]["id"]),
        "/questions/1/id",
        "duplicate",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_invalid_model_error_names_file_pointer_and_expectation(tmp_path, case):
    mutation, pointer, expected = BROKEN[case]
    path = _write(tmp_path, _break(_shipped_data(), mutation))
    with pytest.raises(InvalidInput) as caught:
        load_competency_model(path)
    message = str(caught.value)
    assert caught.value.pointer == ("" if pointer == "/" else pointer)
    assert message.startswith(f"{path}: {pointer}")
    assert expected in message


def test_yaml_syntax_error_names_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: sales\ndimensions: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"broken\.yaml: line \d+, column \d+: not valid YAML"):
        load_competency_model(str(path))


def test_unquoted_yaml_boolean_in_a_text_field_is_caught():
    text = yaml.safe_dump(_shipped_data(), allow_unicode=True).replace("en: Sales competency model", "en: on")
    with pytest.raises(InvalidInput, match=r"^inline\.yaml: /title/en: True is not of type 'string'"):
        parse_competency_model(text, "inline.yaml")


def test_unknown_model_name_and_missing_file_are_clear(tmp_path):
    with pytest.raises(InvalidInput, match="expected one of \\['sales', 'rnd'\\]"):
        load_competency_model("marketing")
    with pytest.raises(InvalidInput, match="cannot read competency model"):
        load_competency_model(str(tmp_path / "absent.yaml"))
