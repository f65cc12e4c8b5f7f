"""Alias bombs ("billion laughs") in YAML are refused with the file and line; ordinary anchors still load."""

import time

import pytest
import yaml

import safeyaml
from scoring_engine.coding.task import parse_task
from scoring_engine.errors import InvalidInput
from scoring_engine.interview.competency_model import parse_competency_model
from scoring_engine.resume.job import load_job


def laughs(levels: int, width: int = 9, key: str = "lol") -> str:
    """Each anchor lists the one before `width` times: width**levels strings once expanded."""
    lines = [f'a0: &a0 ["{key}"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


BOMB = laughs(9)  # 9**9 = 387 million strings; json.dumps of it never finishes


def test_a_billion_laughs_is_refused_at_the_line_that_crosses_the_limit():
    started = time.perf_counter()
    with pytest.raises(safeyaml.AliasBombError) as caught:
        safeyaml.safe_load(BOMB)
    assert time.perf_counter() - started < 1
    assert "alias" in caught.value.problem
    assert caught.value.problem_mark.line + 1 == 6  # a5: 9**5 = 59,049 strings, a5 with its list is over 100,000


def test_many_aliases_of_a_small_node_are_refused():
    text = "base: &b 1\nitems: [" + ", ".join(["*b"] * 150) + "]\n"
    with pytest.raises(safeyaml.AliasBombError, match="more than 100 aliases"):
        safeyaml.safe_load(text)


def test_ordinary_anchors_and_merge_keys_still_load():
    text = (
        "defaults: &defaults {period: quarterly, weight: 20}\n"
        "goals:\n"
        "  - {<<: *defaults, key: 销售额, target: 95}\n"
        "  - {<<: *defaults, key: report_rate, target: 90}\n"
    )
    data = safeyaml.safe_load(text)
    assert data["goals"][0] == {
        "period": "quarterly",
        "weight": 20,
        "key": "销售额",
        "target": 95,
    }
    assert yaml.safe_load(text) == data
    assert safeyaml.safe_compose(text).value[1][1].value[1].value[2][1].value == "90"


def test_a_bomb_in_a_job_profile_names_the_file_and_line(tmp_path):
    path = tmp_path / "bomb_job.yaml"
    path.write_text("code: X-1\ntitle: 销售经理\n" + laughs(9), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"bomb_job\.yaml: line 8: not valid YAML \(aliases expand"):
        load_job(path)


def test_a_bomb_in_a_competency_model_names_the_source_and_line():
    with pytest.raises(InvalidInput, match=r"models/bomb\.yaml: line 6, column \d+: not valid YAML"):
        parse_competency_model(laughs(9, key="领导力"), "models/bomb.yaml")


def test_a_bomb_in_a_coding_task_names_the_source_and_line():
    with pytest.raises(InvalidInput, match=r"tasks/bomb\.yaml: line 6, column \d+: not valid YAML"):
        parse_task(laughs(9), "tasks/bomb.yaml")


def test_a_recursive_alias_is_refused_with_its_line():
    # PyYAML builds a list that contains itself; anything that walks it later (JSON, schemas) never returns.
    with pytest.raises(safeyaml.AliasBombError, match="contains it") as caught:
        safeyaml.safe_load("top:\n  - &loop\n    - 1\n    - *loop\n")
    assert caught.value.problem_mark.line + 1 == 4


def test_compose_and_load_returns_the_nodes_and_the_data_of_one_pass():
    node, data = safeyaml.compose_and_load("a: &x [1, 2]\nb: *x\n")
    assert data == {"a": [1, 2], "b": [1, 2]}
    assert node.value[1][0].start_mark.line == 1
    assert safeyaml.compose_and_load("") == (None, None)
