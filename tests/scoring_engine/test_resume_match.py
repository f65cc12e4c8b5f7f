"""Job profiles (validated YAML) and match(): a score with reasons, or "insufficient" without one."""

from pathlib import Path

import pytest

from scoring_engine.errors import InvalidInput
from scoring_engine.resume import JobProfile, Match, load_job, match, parse_resume
from scoring_engine.resume.parser import parse_text
from tests.scoring_engine import resume_fixtures as fixtures

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "jobs"


@pytest.fixture(scope="module")
def chinese():
    return parse_text(fixtures.CHINESE_RESUME)


@pytest.fixture(scope="module")
def english():
    return parse_text(fixtures.ENGLISH_RESUME)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.name)
def test_example_jobs_load(path):
    job = load_job(path)
    assert isinstance(job, JobProfile) and job.code and job.family


def test_job_names_map_to_the_taxonomy_and_degrees_normalise():
    job = load_job(
        {
            "code": "J1",
            "title": "Sales",
            "must_have_skills": ["销售", "machine-learning", "Juggling"],
            "min_degree": "本科",
        }
    )
    assert job.must_have_skills == ["Sales", "Machine learning", "Juggling"]
    assert job.min_degree == "bachelor"


@pytest.mark.parametrize(
    "document, pointer, expected",
    [
        ({"title": "No code"}, "/", "missing required field"),
        ({"code": "J", "title": "T", "min_years": -1}, "/min_years", "minimum"),
        ({"code": "J", "title": "T", "must_have_skills": "Python"}, "/must_have_skills", "type"),
        ({"code": "J", "title": "T", "salary": 10}, "/", "unknown field"),
        ({"code": "J", "title": "T", "min_degree": "wizard"}, "/min_degree", "expected one of"),
    ],
)
def test_invalid_profiles_name_file_pointer_and_expectation(tmp_path, document, pointer, expected):
    import yaml

    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_job(path)
    message = str(caught.value)
    assert str(path) in message and expected in message
    assert caught.value.pointer == pointer.rstrip("/") or caught.value.pointer == pointer


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "job.yaml"
    path.write_text("code: J\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"job\.yaml: line \d"):
        load_job(path)


def test_sales_resume_matches_sales_job_with_evidence(chinese):
    result = match(chinese, load_job(EXAMPLES / "sales_manager.yaml"))
    assert isinstance(result, Match) and result.status == "scored"
    breakdown = result.breakdown()
    matched = {item["requirement"]: item for item in breakdown["matched"]}
    assert {"Sales", "Key account management", "Negotiation"} <= set(matched)
    assert "商务谈判" in matched["Negotiation"]["evidence"][0]
    assert matched["bachelor or higher"]["evidence"]
    assert result.score >= 80


def test_missing_and_partial_requirements_lower_the_score(english):
    job = load_job(
        {
            "code": "ML",
            "title": "ML engineer",
            "must_have_skills": ["Deep learning", "Kafka"],
            "min_degree": "doctorate",
            "min_years": 10,
            "certificates": ["PMP"],
        }
    )
    result = match(english, job)
    breakdown = result.breakdown()
    partial = {item["requirement"]: item for item in breakdown["partial"]}
    missing = {item["requirement"] for item in breakdown["missing"]}
    # Deep learning is not named, but PyTorch and machine learning are: partial, with their evidence.
    assert "Deep learning" in partial and partial["Deep learning"]["evidence"]
    assert "doctorate or higher" in partial  # a master is one level below
    assert {"Kafka", "PMP"} <= missing
    assert "missing must-have skill: Kafka" in result.reasons
    assert 0 < result.score < 50


def test_better_fit_scores_higher(english, chinese):
    job = load_job(EXAMPLES / "ml_engineer.yaml")
    assert match(english, job).score > match(chinese, job).score


def test_empty_resume_gets_insufficient_not_a_score():
    result = match(parse_text("Jane Doe"), load_job(EXAMPLES / "ml_engineer.yaml"))
    assert result.status == "insufficient" and result.score is None
    data = result.to_dict()
    assert data["score"] is None and data["reasons"]


def test_to_dict_never_a_bare_number(english):
    data = match(english, load_job(EXAMPLES / "ml_engineer.yaml")).to_dict()
    assert set(data) == {"job_code", "status", "score", "breakdown", "components", "reasons"}
    assert set(data["breakdown"]) == {"matched", "partial", "missing"}
    assert all(item["evidence"] for item in data["breakdown"]["matched"])


def test_parse_and_match_through_the_package_root():
    import scoring_engine

    resume = scoring_engine.parse_resume(fixtures.resume_pdf(fixtures.ENGLISH_RESUME), "cv.pdf")
    result = scoring_engine.match(resume, scoring_engine.load_job(EXAMPLES / "backend_engineer.yaml"))
    assert result.status == "scored" and isinstance(result.score, int)
    assert parse_resume is scoring_engine.parse_resume
