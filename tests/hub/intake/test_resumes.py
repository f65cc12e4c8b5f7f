"""Resume upload over real HTTP: parsed fields, a match with evidence, clear 4xx for bad files, encrypted at rest."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import text

from tests.conftest import ROOT, hub_config
from tests.scoring_engine.resume_fixtures import (
    CHINESE_RESUME,
    ENGLISH_RESUME,
    encrypted_pdf,
    resume_docx,
    resume_pdf,
    zip_bomb_docx,
)


@pytest.fixture
def app_config(tmp_path, database_url):
    jobs = tmp_path / "jobs"
    shutil.copytree(ROOT / "examples" / "jobs", jobs)
    return hub_config(tmp_path, database_url, HUB_JOBS_DIR=str(jobs))


def upload(live, key, data: bytes, filename: str, **form):
    return live.request("POST", "/api/v1/candidates/cand-1/resumes", key, files={"file": (filename, data)}, data=form)


def test_a_pdf_resume_is_parsed_and_matched_with_evidence(live, hub_state):
    key = live.key()
    response = upload(live, key, resume_pdf(ENGLISH_RESUME), "jane.pdf", job_code="RND-ML-01")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["parsed"]["name"] == "Jane Doe"
    match = body["match"]
    assert match["status"] == "scored" and 0 <= match["score"] <= 100
    assert all(item.get("evidence") for item in match["breakdown"]["matched"])
    with hub_state.engine.connect() as connection:
        stored = connection.execute(text("SELECT content, parsed FROM resumes")).one()
    assert "Jane Doe" not in stored.content and "Jane Doe" not in stored.parsed


def test_a_chinese_docx_resume(live):
    response = upload(live, live.key(), resume_docx(CHINESE_RESUME.splitlines()), "简历.docx")
    assert response.status_code == 201, response.text
    assert response.json()["parsed"]["language"] == "zh"
    assert response.json()["match"] is None


@pytest.mark.parametrize(
    "data,filename,status,code",
    [
        (encrypted_pdf(), "locked.pdf", 422, "encrypted"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "photo.pdf", 422, None),
        (b"MZ\x90\x00" + b"\0" * 200, "resume.docx", 415, None),
        (zip_bomb_docx(300 * 1024 * 1024), "bomb.docx", 413, None),
    ],
)
def test_bad_files_get_a_problem_not_a_500(live, data, filename, status, code):
    response = upload(live, live.key(), data, filename)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    if code:
        assert code in response.json()["type"]


def test_unknown_job_code_and_missing_file(live):
    key = live.key()
    unknown = upload(live, key, resume_pdf(ENGLISH_RESUME), "jane.pdf", job_code="NOPE")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["pointer"] == "job_code"
    missing = live.request("POST", "/api/v1/candidates/cand-1/resumes", key, data={"job_code": "x"})
    assert missing.status_code in (400, 415)


def test_recommend_ranks_the_whole_catalog_with_reasons(live):
    """岗位匹配与推荐 beside the upload: the data scientist's right job first, the sales resume's likewise."""
    key = live.key()
    english = upload(live, key, resume_pdf(ENGLISH_RESUME), "jane.pdf", recommend="true").json()
    ranked = english["recommendations"]
    assert [item["rank"] for item in ranked] == list(range(1, len(ranked) + 1)) and len(ranked) == 4
    assert ranked[0]["job_code"] == "RND-ML-01", [(r["job_code"], r["score"]) for r in ranked]
    assert all(item["reasons"] for item in ranked)
    chinese = upload(live, key, CHINESE_RESUME.encode("utf-8"), "zhang.txt", recommend="true").json()
    assert chinese["recommendations"][0]["job_code"] == "SALES-KA-02"
    plain = upload(live, key, resume_pdf(ENGLISH_RESUME), "jane.pdf").json()
    assert "recommendations" not in plain
