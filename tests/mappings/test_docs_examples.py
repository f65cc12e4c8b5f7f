"""docs/mappings.md documents every preset, and its worked examples are exactly what the presets render."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mappings import list_presets, load_mapping, sample_document

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = re.compile(r"<!-- output: (?P<name>[\w.-]+) (?P<event>[\w.]+) -->\n```json\n(?P<json>.*?)\n```", re.DOTALL)


def documented_outputs() -> dict[str, tuple[str, object]]:
    text = (DOCS / "mappings.md").read_text(encoding="utf-8")
    return {match["name"]: (match["event"], json.loads(match["json"])) for match in EXAMPLE.finditer(text)}


def test_every_preset_has_a_section_and_a_worked_example():
    text = (DOCS / "mappings.md").read_text(encoding="utf-8")
    outputs = documented_outputs()
    for name in list_presets():
        assert f"### {name}\n" in text, f"docs/mappings.md has no section for {name}"
        assert name in outputs, f"docs/mappings.md has no worked example for {name}"


@pytest.mark.parametrize("name", list_presets())
def test_worked_example_matches_the_preset(name):
    event, documented = documented_outputs()[name]
    assert load_mapping(name).render(sample_document(event)) == documented


def test_policies_doc_covers_every_default_rule():
    from mappings import load_policy

    text = (DOCS / "policies.md").read_text(encoding="utf-8")
    for rule in load_policy("default").rules:
        assert f"`{rule['id']}`" in text, f"docs/policies.md does not explain {rule['id']}"


def test_policies_worked_example_matches_the_default_policy():
    from mappings import load_policy

    text = (DOCS / "policies.md").read_text(encoding="utf-8")
    documented = json.loads(re.search(r"```json\n(.*?)\n```", text, re.DOTALL).group(1))
    example = json.loads(
        (DOCS.parent / "examples" / "profiles" / "sales-strong-communicator.json").read_text(encoding="utf-8")
    )
    assert load_policy("default").evaluate(example["profile"], example["context"]).to_dict() == documented
