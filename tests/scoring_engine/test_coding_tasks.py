"""Coding tasks as data: the shipped ones load, bad ones fail naming the file and pointer; models list them."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from scoring_engine.coding import SHIPPED_TASKS, load_task, parse_task
from scoring_engine.coding.checkers import CHECKERS
from scoring_engine.errors import InvalidInput
from scoring_engine.interview import load_competency_model
from scoring_engine.interview.competency_model import parse_competency_model


def shipped_data(name: str) -> dict:
    text = resources.files("scoring_engine.coding").joinpath("tasks", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@pytest.mark.parametrize("name", SHIPPED_TASKS)
def test_shipped_task_is_complete_in_both_languages(name):
    task = load_task(name)
    assert task.id == name and task.prompt["zh"] and task.prompt["en"]
    assert task.languages == ("python3",) and task.dimension == "technical_skill"
    assert any(not test.hidden for test in task.tests) and any(test.hidden for test in task.tests)
    assert [level.level for level in task.scoring.bars] == [1, 2, 3, 4, 5]
    assert "def " + task.entry in task.starter["python3"]


@pytest.mark.parametrize("name", SHIPPED_TASKS)
def test_shipped_expected_values_and_checkers_agree_with_a_reference_solution(name):
    # The host-side judge must accept a right answer: the reference answers here are written independently of the YAML.
    reference = {
        "quicksort": lambda items: sorted(items),
        "palindrome": lambda text: (
            [c.casefold() for c in text if c.isalnum()] == [c.casefold() for c in text if c.isalnum()][::-1]
        ),
        "pair_sum": lambda numbers, target: (
            sum(1 for i in range(len(numbers)) for j in range(i + 1, len(numbers)) if numbers[i] + numbers[j] == target)
            if len(numbers) < 2000
            else None
        ),
    }[name]
    for test in load_task(name).tests:
        answer = reference(*test.args)
        if answer is None:
            continue  # too large for the quadratic reference; its checker is tested below
        assert test.judge(answer) is None, test.name
        assert test.judge(None) is not None


def test_pair_sum_checker_counts_pairs_like_the_quadratic_definition():
    numbers, target = [3, -1, 4, 3, 0, 3, 7, -4], 3
    quadratic = sum(1 for i in range(8) for j in range(i + 1, 8) if numbers[i] + numbers[j] == target)
    assert CHECKERS["pair_sum_count"]([numbers, target], quadratic) is None
    assert CHECKERS["pair_sum_count"]([numbers, target], quadratic + 1) == "wrong number of pairs"


def test_the_trap_tasks_large_input_is_generated_deterministically():
    first = load_task("pair_sum").tests[-1]
    assert first.name == "large" and first.hidden and len(first.args[0]) == 50000
    again = parse_task(yaml.safe_dump(shipped_data("pair_sum")), "copy.yaml").tests[-1]
    assert again.args == first.args


def test_true_is_not_one():
    test = load_task("palindrome").tests[0]
    assert test.judge(True) is None
    assert test.judge(1) == "wrong answer"


@pytest.mark.parametrize(
    ("change", "pointer", "message"),
    [
        (lambda data: data.pop("prompt"), "/", "'prompt' is a required property"),
        (lambda data: data["prompt"].pop("zh"), "/prompt", "'zh' is a required property"),
        (lambda data: data.update(languages=["cobol"]), "/languages/0", "'cobol' is not one of"),
        (lambda data: data["tests"][0].pop("expected"), "/tests/0", "is not valid under any of the given schemas"),
        (lambda data: data["tests"][8].update(checker="eval"), "/tests/8/checker", "'eval' is not one of"),
        (
            lambda data: data["tests"][8]["generate"].update(generator="os.system"),
            "/tests/8/generate/generator",
            "is not one of",
        ),
        (lambda data: data["limits"].update(memory_mb=10**6), "/limits/memory_mb", "is greater than the maximum"),
        (lambda data: data["tests"][1].update(name="example"), "/tests/1/name", "duplicate test name 'example'"),
        (
            lambda data: data["scoring"]["bars"][0].update(min_score=10),
            "/scoring/bars",
            "expected min_score 0 for level 1",
        ),
        (lambda data: [test.update(visibility="hidden") for test in data["tests"]], "/tests", "at least one visible"),
    ],
)
def test_invalid_task_names_file_and_pointer(change, pointer, message):
    data = shipped_data("quicksort")
    change(data)
    with pytest.raises(InvalidInput) as raised:
        parse_task(yaml.safe_dump(data, allow_unicode=True), "bad.yaml")
    assert str(raised.value).startswith(f"bad.yaml: {pointer}: ")
    assert message in str(raised.value)


def test_generator_options_are_checked():
    data = shipped_data("quicksort")
    data["tests"][8]["generate"]["n"] = 10**9
    task = parse_task(yaml.safe_dump(data), "big.yaml")
    with pytest.raises(InvalidInput, match=r"big.yaml#/tests/8/generate/n: expected an integer from 0 to 1000000"):
        _ = task.tests[8].args


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"broken.yaml: line 2, column 1: not valid YAML"):
        load_task(path)


def test_unknown_task_name():
    with pytest.raises(InvalidInput, match="unknown coding task 'bubblesort'; expected one of"):
        load_task("bubblesort")


def test_language_aliases_and_refusals():
    task = load_task("quicksort")
    assert task.language("python", "/language") == "python3"
    with pytest.raises(
        InvalidInput, match=r"/answers/0/language: expected one of \['python3'\] for task 'quicksort', got 'java'"
    ):
        task.language("java", "/answers/0/language")


def test_rnd_model_lists_its_coding_tasks():
    assert load_competency_model("rnd").coding_tasks == ("quicksort", "palindrome", "pair_sum")
    assert load_competency_model("sales").coding_tasks == ()


def _rnd_data() -> dict:
    text = resources.files("scoring_engine.interview").joinpath("models", "rnd.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@pytest.mark.parametrize(
    ("tasks", "dimensions_kept", "message"),
    [
        (["bubblesort"], None, "/coding_tasks/0: expected one of the coding tasks"),
        (["quicksort", "quicksort"], None, "/coding_tasks: ['quicksort', 'quicksort'] has non-unique elements"),
        (
            ["pair_sum"],
            ["logical_thinking", "teamwork"],
            "/coding_tasks/0: coding task 'pair_sum' feeds dimension 'technical_skill', which the model lacks",
        ),
    ],
)
def test_model_coding_tasks_are_checked(tasks, dimensions_kept, message):
    data = _rnd_data()
    data["coding_tasks"] = tasks
    if dimensions_kept:
        data["dimensions"] = [d for d in data["dimensions"] if d["key"] in dimensions_kept]
        for question in data["questions"]:
            if "dimensions" in question:
                question["dimensions"] = [key for key in question["dimensions"] if key in dimensions_kept] or [
                    "teamwork"
                ]
    with pytest.raises(InvalidInput) as raised:
        parse_competency_model(yaml.safe_dump(data, allow_unicode=True), "custom.yaml")
    assert message in str(raised.value)


def test_a_coding_task_may_not_reuse_a_question_id():
    data = _rnd_data()
    data["questions"][0]["id"] = "quicksort"
    data["coding_tasks"] = ["quicksort"]
    with pytest.raises(InvalidInput, match="coding task 'quicksort' has the id of a question"):
        parse_competency_model(yaml.safe_dump(data, allow_unicode=True), "custom.yaml")
