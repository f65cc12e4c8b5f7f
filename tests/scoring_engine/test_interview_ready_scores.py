"""Ready scores from another engine: validated, used as given, tagged with their source."""

from __future__ import annotations

import json
import math

import pytest

from scoring_engine.errors import InvalidInput
from scoring_engine.interview import load_competency_model, profile_from_ready_scores

SCORES = {
    "communication": 82,
    "stress_tolerance": 64.5,
    "customer_orientation": 91,
    "teamwork": 55,
    "responsibility": 73,
}


def test_ready_scores_are_used_as_given_and_tagged():
    model = load_competency_model("sales")
    data = profile_from_ready_scores(SCORES, model=model, source="external:acme-ai").to_dict()
    json.dumps(data)
    assert data["source"] == "external:acme-ai" and data["model"] == "sales" and data["advisory"] is True
    assert data["engine"]["name"] == "hris-hub-scoring" and data["engine"]["embedding_model"] is None
    for key, value in SCORES.items():
        assert data["dimensions"][key]["score"] == value
        assert data["dimensions"][key]["level"] == min(5, int(value // 20) + 1)
        assert data["dimensions"][key]["insufficient"] is False
    weights = model.weights_for(None)
    assert data["overall"] == pytest.approx(sum(weights[k] * v for k, v in SCORES.items()), abs=0.06)
    assert data["insufficient"] == []
    assert [item["dimension"] for item in data["suggestions"]] == ["teamwork"]


def test_missing_dimensions_are_insufficient_and_preferences_validated():
    profile = profile_from_ready_scores(
        {"logical_thinking": 88, "technical_skill": 92},
        model=load_competency_model("rnd"),
        source="external:other",
        preferences={"work_schedule": "flexible"},
        language="en",
    )
    data = profile.to_dict()
    assert data["insufficient"] == ["data_analysis", "teamwork", "responsibility"]
    assert data["dimensions"]["teamwork"]["score"] is None
    assert data["overall"] is None  # 0.55 of the weight scored: below the 0.6 needed
    assert data["preferences"] == {"work_schedule": "flexible", "preferred_hours": None}
    assert {item["language"] for item in data["suggestions"]} == {"en"}


def test_without_a_model_the_given_keys_are_the_dimensions():
    data = profile_from_ready_scores({"grit": 70, "charm": 50}, model=None, source="external:x").to_dict()
    assert data["model"] is None and list(data["dimensions"]) == ["grit", "charm"]
    assert data["overall"] == 60.0 and data["suggestions"] == []


@pytest.mark.parametrize(
    ("scores", "pointer"),
    [
        ({"communication": 101}, "/scores/communication"),
        ({"communication": -1}, "/scores/communication"),
        ({"communication": "80"}, "/scores/communication"),
        ({"communication": True}, "/scores/communication"),
        ({"communication": math.nan}, "/scores/communication"),
        ({"charisma": 80}, "/scores/charisma"),
        ({}, "/scores"),
        ([80, 70], "/scores"),
    ],
)
def test_bad_ready_scores_name_the_pointer(scores, pointer):
    with pytest.raises(InvalidInput) as caught:
        profile_from_ready_scores(scores, model=load_competency_model("sales"), source="external:acme-ai")
    assert caught.value.pointer == pointer


def test_source_is_required():
    with pytest.raises(InvalidInput) as caught:
        profile_from_ready_scores(SCORES, model=load_competency_model("sales"), source=" ")
    assert caught.value.pointer == "/source"
