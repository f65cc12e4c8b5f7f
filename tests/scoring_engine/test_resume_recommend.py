"""Job recommendation: one resume against the whole catalog, ranked with reasons; `score resume --recommend`."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring_engine.cli_resume import EXIT_BAD_INPUT, resume_command
from scoring_engine.resume import load_jobs, recommend
from scoring_engine.resume.parser import parse_text
from tests.scoring_engine import resume_fixtures as fixtures
from tests.scoring_engine.test_resume_skill_context import JAVA_DEVELOPERS, OTHERS

CATALOG = Path(__file__).resolve().parents[2] / "examples" / "jobs"

PROJECT_MANAGER = """Grace Odhiambo
grace.odhiambo@example.net
EXPERIENCE
IT Project Manager
Savanna Telecom Ltd
Jan 2014 - Dec 2023
• Ran agile delivery of the billing migration for 40 engineers; Jira boards, stakeholder management with the board.
EDUCATION
Bachelor of Science in Information Systems
University of Nairobi
2009 - 2013
SKILLS
Project Management, Agile, Scrum, Jira, Stakeholder Management
CERTIFICATIONS
PMP
"""


@pytest.fixture(scope="module")
def catalog():
    return load_jobs(CATALOG)


@pytest.mark.parametrize(
    "text, right_job",
    [
        (fixtures.ENGLISH_RESUME, "RND-ML-01"),  # a data scientist with Python, SQL and machine learning
        (fixtures.CHINESE_RESUME, "SALES-KA-02"),  # 大客户销售经理
        (JAVA_DEVELOPERS["senior-java"], "RND-BE-03"),
        (JAVA_DEVELOPERS["zh-java"], "RND-BE-03"),
        (PROJECT_MANAGER, "PMO-04"),
    ],
    ids=["data-scientist", "zh-sales", "java", "zh-java", "project-manager"],
)
def test_the_right_job_ranks_first(catalog, text, right_job):
    ranked = recommend(parse_text(text), catalog)
    assert [item.rank for item in ranked] == list(range(1, len(catalog) + 1))
    assert ranked[0].job_code == right_job, [(item.job_code, item.score) for item in ranked]
    assert ranked[0].score > ranked[1].score
    assert ranked[0].reasons and all(item.reasons for item in ranked)


def test_reasons_name_what_is_met_and_what_is_missing(catalog):
    ranked = {item.job_code: item for item in recommend(parse_text(OTHERS["python-traps"]), catalog)}
    java = ranked["RND-BE-03"]
    assert "missing must-have skills: Java" in " ".join(java.reasons)
    assert any(reason.startswith("has 1 of 3 must-have skills: MySQL") for reason in java.reasons), java.reasons
    assert ranked["RND-ML-01"].rank < java.rank


def test_an_unreadable_resume_gets_no_scores(catalog):
    ranked = recommend(parse_text("Jane"), catalog)
    assert {item.status for item in ranked} == {"insufficient"}
    assert all(item.score is None and item.reasons for item in ranked)


def test_top_limits_the_list(catalog):
    assert len(recommend(parse_text(PROJECT_MANAGER), catalog, top=2)) == 2


def test_bad_catalog_files_are_named(tmp_path):
    (tmp_path / "a.yaml").write_text("code: A\ntitle: One\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("code: A\ntitle: Two\n", encoding="utf-8")
    with pytest.raises(ValueError, match="more than one file: A"):
        load_jobs(tmp_path)
    (tmp_path / "b.yml").write_text("code: B\ntitle: Two\nmin_years: -3\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"b\.yml: /min_years"):
        load_jobs(tmp_path)


@pytest.fixture()
def resume_file(tmp_path) -> Path:
    path = tmp_path / "grace.docx"
    path.write_bytes(fixtures.resume_docx(PROJECT_MANAGER.split("\n")))
    return path


def test_cli_recommend_text(resume_file):
    result = CliRunner().invoke(resume_command, [str(resume_file), "--recommend", "--jobs", str(CATALOG)])
    assert result.exit_code == 0, result.output
    assert "Recommended jobs (4 of 4):" in result.output
    assert "  1. PMO-04 IT project manager:" in result.output
    assert "has 2 of 2 must-have skills" in result.output


def test_cli_recommend_json_from_the_environment(resume_file):
    result = CliRunner().invoke(
        resume_command, [str(resume_file), "--recommend", "--top", "2", "--json"], env={"HUB_JOBS_DIR": str(CATALOG)}
    )
    assert result.exit_code == 0, result.output
    ranked = json.loads(result.output)["recommendations"]
    assert [item["rank"] for item in ranked] == [1, 2] and ranked[0]["job_code"] == "PMO-04"
    assert ranked[0]["match"]["status"] == "scored"


def test_cli_recommend_without_a_catalog_is_a_clear_error(resume_file):
    result = CliRunner().invoke(resume_command, [str(resume_file), "--recommend"], env={"HUB_JOBS_DIR": ""})
    assert result.exit_code == EXIT_BAD_INPUT
    assert "--recommend needs a job catalog" in result.output
    assert "Traceback" not in result.output
