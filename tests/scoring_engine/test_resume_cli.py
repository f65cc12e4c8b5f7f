"""`hris-hub score resume FILE --job JOB.yaml [--json]`."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring_engine.cli_resume import EXIT_BAD_INPUT, resume_command
from tests.scoring_engine import resume_fixtures as fixtures

JOB = Path(__file__).resolve().parents[2] / "examples" / "jobs" / "sales_manager.yaml"


@pytest.fixture()
def chinese_pdf(tmp_path) -> Path:
    path = tmp_path / "zhang.pdf"
    path.write_bytes(fixtures.resume_pdf(fixtures.CHINESE_RESUME, font="STSong-Light"))
    return path


def test_text_output_shows_fields_and_match(chinese_pdf):
    result = CliRunner().invoke(resume_command, [str(chinese_pdf), "--job", str(JOB)])
    assert result.exit_code == 0, result.output
    assert "张伟" in result.output and "+8613800138000" in result.output
    assert "复旦大学 | master (硕士)" in result.output
    assert "Match with SALES-KA-02" in result.output and "/100" in result.output
    assert "matched:" in result.output


def test_json_output(chinese_pdf):
    result = CliRunner().invoke(resume_command, [str(chinese_pdf), "--job", str(JOB), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["resume"]["name"] == "张伟"
    assert data["match"]["status"] == "scored" and 0 <= data["match"]["score"] <= 100


def test_without_job_only_the_fields(chinese_pdf):
    result = CliRunner().invoke(resume_command, [str(chinese_pdf), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["match"] is None


@pytest.mark.parametrize(
    "content", [b"", fixtures.encrypted_pdf(), bytes(range(256)) * 4], ids=["empty", "encrypted", "binary"]
)
def test_bad_files_give_one_line_and_exit_2(tmp_path, content):
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    result = CliRunner().invoke(resume_command, [str(path), "--job", str(JOB)])
    assert result.exit_code == EXIT_BAD_INPUT == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.output


def test_missing_file_and_bad_job(tmp_path, chinese_pdf):
    missing = CliRunner().invoke(resume_command, [str(tmp_path / "nope.pdf")])
    assert missing.exit_code == 2 and "cannot read the file" in missing.output
    job = tmp_path / "job.yaml"
    job.write_text("code: J\ntitle: T\nmin_years: lots\n", encoding="utf-8")
    bad_job = CliRunner().invoke(resume_command, [str(chinese_pdf), "--job", str(job)])
    assert bad_job.exit_code == 2 and "/min_years" in bad_job.output
