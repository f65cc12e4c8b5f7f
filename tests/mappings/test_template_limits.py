"""Template limits: no constant folding of huge powers, bounded output and numbers, a wall-clock deadline."""

from __future__ import annotations

import json
import textwrap
import threading
import time

import pytest

from mappings import MappingError, load_mapping, sample_document
from mappings.render_limits import (
    MAX_OUTPUT_CHARS,
    TemplateLimitExceeded,
    render_deadline,
)
from mappings.template_engine import TemplateCompiler, TemplateFailure

HEADER = textwrap.dedent("""\
    name: limits-test
    description: 限制测试
    version: 1
    kind: rest
    events: [candidate.hired]
    payload:
      method: POST
      path: /goals
      body:
        employee: "{{ employee.id }}"
    """)


def write(tmp_path, template: str, name: str = "limits.yaml"):
    path = tmp_path / name
    path.write_text(HEADER + f"    note: {json.dumps(template, ensure_ascii=False)}\n", encoding="utf-8")
    return path


def render(template: str, variables=None):
    return TemplateCompiler().compile({"v": template})(variables or {}, [])["v"]


@pytest.mark.parametrize(
    "template",
    [
        "{{ 9 ** (9 ** 9) }}",
        "{{ (2 ** 64) ** 100 }}",
        "前缀 {{ 10 ** 100000 }} 后缀",
        "{% set big = 7 ** (7 ** 7) %}{{ big }}",
    ],
)
def test_a_huge_power_is_neither_folded_while_loading_nor_computed(tmp_path, template):
    started = time.perf_counter()
    mapping = load_mapping(write(tmp_path, template))  # compiling used to fold the constant and hang
    assert time.perf_counter() - started < 2
    with pytest.raises(MappingError) as refused:
        mapping.render(sample_document())
    assert time.perf_counter() - started < 3
    message = str(refused.value)
    assert "template limit" in message and "bits" in message
    assert "limits.yaml:11" in message  # the template's own line
    assert refused.value.pointer == "/body/note"


@pytest.mark.parametrize(
    ("template", "what"),
    [
        ("{{ 'x' * 10000000000 }}", "repeating"),
        ("{{ ['a'] * 100000000 }}", "repeating"),
        ("{{ '数据' | center(1000000000) }}", "argument"),
        ("{{ 'a' | indent(2000000000, true) }}", "argument"),
        ("{{ '{:>999999999}'.format(1) }}", "format width"),
        ("{{ '%999999999d' % 5 }}", "format width"),
        ("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}", "output passed the limit"),
        (
            "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}",
            "joining",
        ),
    ],
)
def test_output_size_is_limited(template, what):
    with pytest.raises(TemplateFailure) as refused:
        render(template)
    assert "template limit" in refused.value.message and what in refused.value.message
    assert refused.value.pointer == "/v"


def test_ordinary_arithmetic_and_text_still_work():
    assert render("{{ 2 ** 10 }}") == 1024
    assert render("{{ 9 ** 9 ** 9 }}") == (9**9) ** 9  # Jinja2's ** groups to the left: a small number
    assert render("{{ 1.5 * 4 }}") == 6.0
    assert render("{{ '-' * 20 }}") == "-" * 20
    assert render("{{ '%05d' % 42 }}") == "00042"
    assert render("{{ '{:>6}'.format('目标') }}") == "    目标"
    assert render("{{ 'ab' ~ 'cd' }}{{ [1] + [2] }}") == "abcd[1, 2]"
    assert render("{{ name | center(10) }}", {"name": "张伟"}) == "    张伟    "


def test_a_slow_render_is_interrupted_at_the_deadline(tmp_path):
    path = write(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}x")
    mapping = load_mapping(path)
    mapping.max_render_seconds = 0.5
    started = time.perf_counter()
    with pytest.raises(MappingError) as refused:
        mapping.render(sample_document())
    elapsed = time.perf_counter() - started
    assert 0.4 < elapsed < 2.5
    assert "took longer than 0.5 s" in str(refused.value)
    assert "limits.yaml" in str(refused.value) and "limits-test" in str(refused.value)


def test_a_fast_render_is_not_interrupted_later():
    with render_deadline(0.2):
        value = sum(range(1000))
    time.sleep(0.4)  # the deadline passes after the block: nothing may be raised now
    assert value == 499500


def test_deadlines_are_per_thread():
    outcomes = {}

    def slow():
        try:
            with render_deadline(0.3):
                while True:
                    pass
        except TemplateLimitExceeded as exceeded:
            outcomes["slow"] = str(exceeded)

    def fast():
        with render_deadline(5):
            time.sleep(0.6)
        outcomes["fast"] = "done"

    threads = [threading.Thread(target=slow), threading.Thread(target=fast)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcomes == {"slow": "the render took longer than 0.3 s", "fast": "done"}


def test_a_huge_rendered_payload_is_refused(tmp_path):
    path = tmp_path / "wide.yaml"
    path.write_text(HEADER + '    rows:\n      $each: big\n      $item: "{{ item }}"\n', encoding="utf-8")
    mapping = load_mapping(path)
    document = {**sample_document(), "big": ["y" * 1000] * (MAX_OUTPUT_CHARS // 1000 + 10)}
    with pytest.raises(MappingError, match="rendered payload is .* over the limit"):
        mapping.render(document)
