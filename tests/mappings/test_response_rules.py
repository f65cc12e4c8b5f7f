"""Response rules declared by mappings: validated on load, carried by each payload, the same shape the connector reads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from connectors.response_rules import RULE_SCHEMA
from mappings import MappingError, load_mapping, sample_document
from mappings.schema_validation import packaged_validator


def test_mapping_schema_and_connector_agree_on_the_rule():
    mapping_rule = packaged_validator("mapping.schema.json").schema["$defs"]["responseRule"]
    strip = lambda schema: {key: value for key, value in schema.items() if key != "description"}  # noqa: E731
    assert strip(mapping_rule) == {**strip(RULE_SCHEMA), "properties": mapping_rule["properties"]}
    assert {name: strip(rule) for name, rule in mapping_rule["properties"].items()} == {
        name: strip(rule) for name, rule in RULE_SCHEMA["properties"].items()
    }


@pytest.mark.parametrize(
    "preset,code,refresh", [("feishu-shift", "/code", 99991663), ("wecom-checkin-rule", "/errcode", 42001)]
)
def test_vendor_presets_ship_their_rule_in_every_payload(preset, code, refresh):
    [payload] = load_mapping(preset).render(sample_document())
    assert payload["response"]["code"] == code and payload["response"]["success"] == 0
    assert refresh in payload["response"]["refresh_token"]


def write_mapping(tmp_path, **changes):
    data = yaml.safe_load(Path(load_mapping("wecom-checkin-rule").file).read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_bad_rule_is_refused_with_its_pointer(tmp_path):
    with pytest.raises(MappingError) as raised:
        load_mapping(write_mapping(tmp_path, response={"code": "errcode"}))
    assert raised.value.pointer == "/response/code"


def test_only_rest_mappings_take_a_rule(tmp_path):
    data = yaml.safe_load(Path(load_mapping("legacy-soap-goals").file).read_text(encoding="utf-8"))
    data["response"] = {"code": "/errcode"}
    path = tmp_path / "soap.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MappingError) as raised:
        load_mapping(path)
    assert raised.value.pointer == "/response" and "only rest mappings" in str(raised.value)
