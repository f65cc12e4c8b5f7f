"""score_interview: the profile contract, weighting by job family, insufficient dimensions, suggestions, preferences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scoring_engine
from scoring_engine.errors import InvalidInput
from scoring_engine.interview import (
    ENGINE_VERSION,
    Profile,
    load_competency_model,
    score_interview,
)
from scoring_engine.interview.lexicon import lexicon
from scoring_engine.interview.profile import DimensionResult, suggestions_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "interviews"
DIMENSION_FIELDS = {"name", "score", "level", "confidence", "insufficient", "evidence", "missing_star"}


def _example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def _profile(name="sales-strong-en.json", model="sales", **kwargs) -> Profile:
    document = _example(name)
    return score_interview(
        document["answers"],
        load_competency_model(model),
        preferences=document.get("preferences"),
        use_embeddings=False,
        **kwargs,
    )


def test_profile_follows_the_contract():
    profile = _profile()
    data = json.loads(json.dumps(profile.to_dict()))  # JSON-able
    assert set(data) == {
        "engine",
        "model",
        "source",
        "dimensions",
        "overall",
        "insufficient",
        "preferences",
        "suggestions",
        "advisory",
    }
    assert data["engine"] == {"name": scoring_engine.ENGINE_NAME, "version": ENGINE_VERSION, "embedding_model": None}
    assert data["model"] == "sales" and data["source"] == "hris-hub-scoring" and data["advisory"] is True
    assert list(data["dimensions"]) == [
        "communication",
        "stress_tolerance",
        "customer_orientation",
        "teamwork",
        "responsibility",
    ]
    for dimension in data["dimensions"].values():
        assert set(dimension) == DIMENSION_FIELDS
        assert set(dimension["name"]) == {"zh", "en"}
        assert 0 <= dimension["score"] <= 100 and 1 <= dimension["level"] <= 5 and 0 < dimension["confidence"] <= 1
        for item in dimension["evidence"]:
            assert set(item) == {"question_id", "quote"} and item["quote"]
    assert data["insufficient"] == []


def test_the_package_root_exports_the_same_objects():
    assert scoring_engine.score_interview is score_interview
    assert scoring_engine.ENGINE_VERSION == ENGINE_VERSION and ENGINE_VERSION.count(".") == 2


def test_strong_answers_make_a_strong_profile_and_evidence_quotes_the_answers():
    profile = _profile()
    texts = {answer["question_id"]: answer["text"] for answer in _example("sales-strong-en.json")["answers"]}
    assert profile.overall >= 70
    for dimension in profile.dimensions.values():
        assert dimension.evidence
        for item in dimension.evidence:
            assert item["quote"].rstrip("…") in texts[item["question_id"]]


@pytest.mark.parametrize("family", ["field_sales", "inside_sales", "key_account"])
def test_overall_is_the_job_family_weighted_mean(family):
    profile = _profile(job_family=family)
    weights = load_competency_model("sales").weights_for(family)
    expected = sum(weights[key] * d.score for key, d in profile.dimensions.items()) / sum(weights.values())
    assert profile.overall == pytest.approx(expected, abs=0.06)
    assert profile.job_family == family


def test_job_families_weigh_differently():
    overall = {family: _profile(job_family=family).overall for family in ("inside_sales", "key_account")}
    assert overall["inside_sales"] != overall["key_account"]


def test_gamed_and_missing_answers_leave_dimensions_insufficient_not_guessed():
    profile = _profile("sales-mixed-zh.json")
    data = profile.to_dict()
    assert data["insufficient"] == ["communication", "teamwork"]
    for key in data["insufficient"]:
        assert data["dimensions"][key]["score"] is None and data["dimensions"][key]["level"] is None
        assert data["dimensions"][key]["confidence"] == 0.0
    flagged = {answer.question_id: answer.flags for answer in profile.answers}
    assert flagged["sales_team"] == ["keyword_stuffing"] and flagged["sales_pressure"] == ["off_topic"]


def test_suggestions_cover_weak_dimensions_in_the_candidates_language():
    data = _profile("sales-mixed-zh.json").to_dict()
    weak = {key for key, d in data["dimensions"].items() if d["score"] is None or d["score"] < 60}
    assert {item["dimension"] for item in data["suggestions"]} == weak
    assert all(item["language"] == "zh" for item in data["suggestions"])
    assert all(any("\u4e00" <= char <= "\u9fff" for char in item["text"]) for item in data["suggestions"])


def test_missing_star_parts_are_reported_and_suggested():
    answers = [
        {
            "question_id": "rnd_debug",
            "language": "en",
            "text": "Our nightly export duplicated some lines. I went through the logs, reproduced it with a copy of one "
            "night's data and found a retry that re-sent a batch. I added a unique key and a test for the retry.",
        }
    ]
    data = score_interview(answers, load_competency_model("rnd"), use_embeddings=False).to_dict()
    assert "result" in data["dimensions"]["logical_thinking"]["missing_star"]
    # Only one question answered: the other dimensions carry most of the weight, so no overall score is guessed.
    assert data["overall"] is None
    assert set(data["insufficient"]) == {"data_analysis", "teamwork", "responsibility"}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_weak_dimension_suggestion_adds_a_hint_per_missing_star_part(language):
    model = load_competency_model("rnd")
    weak = DimensionResult(
        key="teamwork",
        name=model.dimensions["teamwork"].name,
        score=41.0,
        level=3,
        confidence=0.5,
        insufficient=False,
        missing_star=["situation", "result"],
    )
    strong = DimensionResult(
        key="responsibility",
        name=model.dimensions["responsibility"].name,
        score=85.0,
        level=5,
        confidence=0.8,
        insufficient=False,
    )
    [suggestion] = suggestions_for(model, {"teamwork": weak, "responsibility": strong}, language)
    hints = lexicon().star_hints
    assert suggestion["dimension"] == "teamwork" and suggestion["language"] == language
    assert suggestion["text"].startswith(model.dimensions["teamwork"].suggestion[language])
    assert hints["situation"][language] in suggestion["text"] and hints["result"][language] in suggestion["text"]
    assert hints["action"][language] not in suggestion["text"]


def test_preferences_come_from_answers_and_explicit_values_win():
    strong = _profile().to_dict()["preferences"]
    assert strong == {"work_schedule": "flexible", "preferred_hours": {"start": "09:30", "end": "18:30"}}
    mixed = _profile("sales-mixed-zh.json").to_dict()["preferences"]
    assert mixed == {"work_schedule": "fixed", "preferred_hours": {"start": "09:00", "end": "17:00"}}
    overridden = score_interview(
        _example("sales-strong-en.json")["answers"],
        load_competency_model("sales"),
        preferences={"work_schedule": "fixed", "preferred_hours": None},
        use_embeddings=False,
    )
    assert overridden.to_dict()["preferences"] == {"work_schedule": "fixed", "preferred_hours": None}


def test_a_night_window_is_a_valid_preference():
    profile = score_interview(
        [],
        load_competency_model("sales"),
        use_embeddings=False,
        preferences={"preferred_hours": {"start": "22:00", "end": "06:00"}, "language": "zh"},
    )
    assert profile.to_dict()["preferences"]["preferred_hours"] == {"start": "22:00", "end": "06:00"}


def test_no_answers_means_every_dimension_insufficient():
    data = score_interview([], load_competency_model("rnd"), use_embeddings=False).to_dict()
    assert data["overall"] is None
    assert data["insufficient"] == list(data["dimensions"])
    assert data["preferences"] == {"work_schedule": "fixed", "preferred_hours": None}


def test_same_input_same_profile():
    assert _profile().to_dict() == _profile().to_dict()


@pytest.mark.parametrize(
    ("answers", "pointer"),
    [
        (
            [{"question_id": "sales_complaint", "text": "a"}] * 3 + [{"question_id": "nope", "text": "b"}],
            "/answers/3/question_id",
        ),
        ([{"question_id": "sales_complaint", "text": 42}], "/answers/0/text"),
        ([{"question_id": "sales_complaint", "text": "hi", "language": "de"}], "/answers/0/language"),
        (["just text"], "/answers/0"),
        ({"question_id": "sales_complaint"}, "/answers"),
    ],
)
def test_bad_answers_name_the_json_pointer(answers, pointer):
    with pytest.raises(InvalidInput) as caught:
        score_interview(answers, load_competency_model("sales"), use_embeddings=False)
    assert caught.value.pointer == pointer
    assert str(caught.value).startswith(pointer)


@pytest.mark.parametrize(
    ("preferences", "pointer"),
    [
        ({"work_schedule": "sometimes"}, "/preferences/work_schedule"),
        ({"preferred_hours": {"start": "9", "end": "17:00"}}, "/preferences/preferred_hours/start"),
        ({"preferred_hours": {"start": "18:00", "end": "9:00"}}, "/preferences/preferred_hours/end"),
        ({"preferred_hours": {"start": "18:00"}}, "/preferences/preferred_hours/end"),
        ("flexible", "/preferences"),
    ],
)
def test_bad_preferences_name_the_json_pointer(preferences, pointer):
    with pytest.raises(InvalidInput) as caught:
        score_interview([], load_competency_model("sales"), preferences=preferences, use_embeddings=False)
    assert caught.value.pointer == pointer


def test_unknown_job_family_is_invalid_input():
    with pytest.raises(InvalidInput, match="unknown job family"):
        _profile(job_family="pilot")
