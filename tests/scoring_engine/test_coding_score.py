"""Scoring code: verdicts with reasons, the complexity trap, quality findings, the CLI, and code answers in interviews."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring_engine.cli import score_group
from scoring_engine.coding import (
    CodeSandboxUnavailable,
    SandboxConfig,
    load_task,
    score_code,
)
from scoring_engine.errors import InvalidInput
from scoring_engine.interview import load_competency_model, score_interview

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "interviews"

QUICKSORT = """
def quicksort(items):
    \"\"\"Sorted copy of items; middle pivot, three-way partition.\"\"\"
    if len(items) <= 1:
        return list(items)
    pivot = items[len(items) // 2]
    smaller = [item for item in items if item < pivot]
    equal = [item for item in items if item == pivot]
    larger = [item for item in items if item > pivot]
    return quicksort(smaller) + equal + quicksort(larger)
"""
QUICKSORT_LOSES_DUPLICATES = """
def quicksort(items):
    if len(items) <= 1:
        return list(items)
    pivot = items[len(items) // 2]
    return quicksort([x for x in items if x < pivot]) + [pivot] + quicksort([x for x in items if x > pivot])
"""
PAIRS_QUADRATIC = """
def count_pairs(numbers, target):
    count = 0
    for i in range(len(numbers)):
        for j in range(i + 1, len(numbers)):
            if numbers[i] + numbers[j] == target:
                count += 1
    return count
"""
PAIRS_LINEAR = """
from collections import Counter

def count_pairs(numbers, target):
    seen = Counter()
    count = 0
    for number in numbers:
        count += seen[target - number]
        seen[number] += 1
    return count
"""


@pytest.fixture
def config() -> SandboxConfig:
    return replace(SandboxConfig.from_env(), grace_seconds=0.3)


def verdicts(result) -> dict[str, str]:
    return {test.name: test.verdict for test in result.tests}


def test_correct_quicksort_passes_everything_at_level_5(config):
    result = score_code(QUICKSORT, load_task("quicksort"), config=config)
    assert set(verdicts(result).values()) == {"passed"}
    assert result.components["pass_rate"] == 1.0 and result.quality_findings == []
    assert result.score >= 90 and result.level == 5
    assert result.slowest["test"] in {"large_random", "large_sorted", "all_equal"}
    assert result.evidence[0].startswith("quicksort: 11/11 tests passed; slowest ")


def test_wrong_answers_explain_visible_tests_and_keep_hidden_ones_hidden(config):
    result = score_code(QUICKSORT_LOSES_DUPLICATES, load_task("quicksort"), config=config)
    by_name = {test.name: test for test in result.tests}
    assert by_name["duplicates"].verdict == "wrong_answer"
    assert by_name["duplicates"].message == "wrong answer: got [1, 3, 5], expected [1, 1, 3, 5, 5]"
    assert by_name["all_equal"].verdict == "wrong_answer"
    assert by_name["all_equal"].message == "the list is not the input sorted ascending"  # no input or output shown
    assert by_name["example"].verdict == "passed"
    assert 0 < result.score < 60


def test_calling_sorted_passes_tests_but_is_a_quality_finding(config):
    code = "def quicksort(items):\n    return sorted(items)\n"
    result = score_code(code, load_task("quicksort"), config=config)
    assert result.components["pass_rate"] == 1.0
    assert result.quality_findings == ["calls sorted, which the task asks you to implement"]
    honest = score_code(QUICKSORT, load_task("quicksort"), config=config)
    assert result.score < honest.score


def test_an_error_names_its_type_message_and_line(config):
    code = "def quicksort(items):\n    total = 0\n    return items[0] / total\n"
    result = score_code(code, load_task("quicksort"), config=config)
    by_name = {test.name: test for test in result.tests}
    assert by_name["example"].verdict == "error"
    assert by_name["example"].message == "ZeroDivisionError: division by zero (line 3)"
    assert by_name["empty"].message == "IndexError: list index out of range (line 3)"
    assert result.score == 0 and result.level == 1


def test_a_syntax_error_fails_every_test_without_running_any(config):
    result = score_code("def quicksort(items:\n    return items\n", load_task("quicksort"), config=config)
    assert result.score == 0 and result.level == 1
    assert {test.verdict for test in result.tests} == {"error"}
    assert "SyntaxError" in result.tests[0].message and "(line 1)" in result.tests[0].message
    assert all(test.wall_seconds == 0 for test in result.tests)


def test_missing_entry_function_is_a_named_error(config):
    result = score_code("def sort_it(items):\n    return items\n", load_task("quicksort"), config=config)
    assert result.tests[0].message == "NameError: no function named 'quicksort'"
    assert "does not define quicksort()" in result.quality_findings


@pytest.mark.slow
def test_the_quadratic_answer_falls_into_the_complexity_trap(config):
    task = load_task("pair_sum")
    quadratic = score_code(PAIRS_QUADRATIC, task, config=config)
    linear = score_code(PAIRS_LINEAR, task, config=config)
    assert verdicts(quadratic) == {**{test.name: "passed" for test in task.tests}, "large": "timeout"}
    assert {"test": "large", "verdict": "timeout"}.items() <= quadratic.slowest.items()
    assert "hidden test large: timeout" in quadratic.evidence[1]
    assert set(verdicts(linear).values()) == {"passed"}
    assert linear.level == 5 and quadratic.level <= 3
    assert linear.score - quadratic.score > 30


def test_code_and_language_are_checked(config):
    with pytest.raises(InvalidInput, match=r"/code: expected the source code as a non-empty string"):
        score_code("   ", load_task("quicksort"), config=config)
    with pytest.raises(InvalidInput, match=r"/code: expected at most 65536 characters of code"):
        score_code("#" * 70000, load_task("quicksort"), config=config)
    with pytest.raises(InvalidInput, match=r"/language: expected one of \['python3'\]"):
        score_code(QUICKSORT, load_task("quicksort"), language="ruby", config=config)


def test_no_sandbox_means_no_score_and_nothing_run(tmp_path):
    marker = tmp_path / "ran"
    code = f"def quicksort(items):\n    open({str(marker)!r}, 'w').close()\n    return items\n"
    config = replace(SandboxConfig.from_env(), bwrap=str(tmp_path / "missing-bwrap"))
    with pytest.raises(CodeSandboxUnavailable):
        score_code(code, load_task("quicksort"), config=config)
    assert not marker.exists()


# `hris-hub score code`


def test_cli_scores_a_file_as_text_and_json(tmp_path):
    source = tmp_path / "solution.py"
    source.write_text(QUICKSORT, encoding="utf-8")
    text = CliRunner().invoke(score_group, ["code", str(source), "--task", "quicksort"])
    assert text.exit_code == 0, text.output
    assert "level 5: Passes every test" in text.output and "hidden  large_sorted" in text.output
    as_json = CliRunner().invoke(score_group, ["code", str(source), "--task", "quicksort", "--json"])
    document = json.loads(as_json.output)
    assert document["passed"] == document["total"] == 11 and document["dimension"] == "technical_skill"


def test_cli_refuses_without_a_sandbox(tmp_path, monkeypatch):
    source = tmp_path / "solution.py"
    source.write_text(QUICKSORT, encoding="utf-8")
    monkeypatch.setenv("HUB_CODE_BWRAP", str(tmp_path / "no-bwrap"))
    result = CliRunner().invoke(score_group, ["code", str(source), "--task", "quicksort"])
    assert result.exit_code == 3
    assert "error [code-sandbox-unavailable]: bubblewrap is not installed" in result.output


def test_cli_bad_input_exits_2(tmp_path):
    result = CliRunner().invoke(score_group, ["code", str(tmp_path / "absent.py"), "--task", "quicksort"])
    assert result.exit_code == 2 and "cannot read the file" in result.output
    source = tmp_path / "solution.py"
    source.write_text(QUICKSORT, encoding="utf-8")
    result = CliRunner().invoke(score_group, ["code", str(source), "--task", "heapsort"])
    assert result.exit_code == 2 and "unknown coding task 'heapsort'" in result.output


# Code answers in an interview


def rnd_answers() -> list[dict]:
    return json.loads((EXAMPLES / "rnd-en.json").read_text(encoding="utf-8"))["answers"]


def test_a_code_answer_feeds_its_dimension_with_evidence():
    model = load_competency_model("rnd")
    text_only = score_interview(rnd_answers(), model, use_embeddings=False)
    answers = [*rnd_answers(), {"question_id": "quicksort", "language": "python3", "code": QUICKSORT_LOSES_DUPLICATES}]
    profile = score_interview(answers, model, use_embeddings=False)
    code_answer = next(answer for answer in profile.answers if answer.mode == "code")
    assert code_answer.question_id == "quicksort" and code_answer.score < 60
    technical = profile.dimensions["technical_skill"]
    assert technical.score != text_only.dimensions["technical_skill"].score
    assert profile.dimensions["teamwork"].score == text_only.dimensions["teamwork"].score
    document = profile.to_dict()
    assert document["code"][0]["task"] == "quicksort"
    assert {"name": "duplicates", "verdict": "wrong_answer"}.items() <= document["code"][0]["tests"][2].items()
    assert "code" not in text_only.to_dict()


def test_code_evidence_reaches_the_dimension_when_it_is_the_only_answer():
    answers = [
        {
            "question_id": "palindrome",
            "language": "python",
            "code": "def is_palindrome(text):\n    return text == text[::-1]\n",
        }
    ]
    profile = score_interview(answers, load_competency_model("rnd"), use_embeddings=False)
    technical = profile.dimensions["technical_skill"]
    assert not technical.insufficient and technical.score == profile.answers[0].score
    assert technical.evidence[0]["question_id"] == "palindrome"
    assert technical.evidence[0]["quote"].startswith("palindrome: ")
    assert profile.dimensions["teamwork"].insufficient


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            {"question_id": "heapsort", "code": "x = 1"},
            "/answers/0/question_id: unknown coding task 'heapsort' for model 'rnd'",
        ),
        (
            {"question_id": "quicksort", "code": "x = 1", "text": "also words"},
            "/answers/0: give either text or code, not both",
        ),
        ({"question_id": "quicksort", "code": 42}, "/answers/0/code: expected the source code as a non-empty string"),
        (
            {"question_id": "quicksort", "code": "x = 1", "language": "zh"},
            "/answers/0/language: expected one of ['python3']",
        ),
    ],
)
def test_bad_code_answers_name_the_pointer(answer, message):
    with pytest.raises(InvalidInput) as raised:
        score_interview([answer], load_competency_model("rnd"), use_embeddings=False)
    assert message in str(raised.value)


def test_interview_with_code_refuses_without_a_sandbox(monkeypatch, tmp_path):
    monkeypatch.setenv("HUB_CODE_BWRAP", str(tmp_path / "no-bwrap"))
    answers = [*rnd_answers(), {"question_id": "quicksort", "code": QUICKSORT}]
    with pytest.raises(CodeSandboxUnavailable) as raised:
        score_interview(answers, load_competency_model("rnd"), use_embeddings=False)
    assert raised.value.code == "code-sandbox-unavailable"
    # Text-only interviews do not need the sandbox.
    assert score_interview(rnd_answers(), load_competency_model("rnd"), use_embeddings=False).overall is not None


def test_interview_cli_shows_the_code_answer(tmp_path):
    document = {"answers": [*rnd_answers(), {"question_id": "quicksort", "language": "python3", "code": QUICKSORT}]}
    path = tmp_path / "interview.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(score_group, ["interview", str(path), "--model", "rnd", "--no-embeddings"])
    assert result.exit_code == 0, result.output
    assert "quicksort: 11/11 tests passed" in result.output
