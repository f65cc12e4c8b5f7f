"""`hris-hub score interview`: text and JSON output on the example files, one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring_engine.cli import score_group

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "interviews"


def _run(*arguments):
    return CliRunner().invoke(score_group, ["interview", *arguments, "--no-embeddings"])


def test_text_output_shows_dimensions_overall_and_advisory_note():
    result = _run(str(EXAMPLES / "sales-strong-en.json"), "--model", "sales")
    assert result.exit_code == 0, result.output
    for expected in ("Communication / 沟通能力", "Overall:", "schedule flexible, hours 09:30-18:30", "advisory"):
        assert expected in result.output


def test_json_output_is_the_profile_plus_per_answer_detail():
    result = _run(str(EXAMPLES / "sales-mixed-zh.json"), "--model", "sales", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["profile"]["source"] == "hris-hub-scoring"
    assert document["profile"]["insufficient"] == ["communication", "teamwork"]
    assert {answer["question_id"] for answer in document["answers"]} >= {"sales_complaint", "sales_team"}


def test_rnd_example_scores_with_a_job_family():
    result = _run(str(EXAMPLES / "rnd-en.json"), "--model", "rnd", "--job-family", "data_engineer", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["profile"]["model"] == "rnd"


@pytest.mark.parametrize(
    ("content", "arguments", "message"),
    [
        ("{not json", [], "line 1, column 2: not valid JSON"),
        ('{"answers": [{"question_id": "x", "text": "t"}]}', [], "/answers/0/question_id: unknown question 'x'"),
        ('{"results": []}', [], 'expected a JSON object with an "answers" list'),
        ('{"answers": []}', ["--model", "marketing"], "unknown competency model 'marketing'"),
        ('{"answers": []}', ["--job-family", "pilot"], "unknown job family 'pilot'"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, content, arguments, message):
    path = tmp_path / "answers.json"
    path.write_text(content, encoding="utf-8")
    result = _run(str(path), *arguments)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1


def test_missing_file_is_a_clear_error(tmp_path):
    result = _run(str(tmp_path / "absent.json"))
    assert result.exit_code == 2 and "cannot read the file" in result.output
