"""successfactors-goal against SAP's real Goal.edmx (EntityType Goal_1)."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from mappings import MappingError, load_mapping, sample_document

EDM = "http://schemas.microsoft.com/ado/2008/09/edm"
ODATA_DATE = re.compile(r"^/Date\(-?\d+\)/$")


@pytest.fixture(scope="module")
def goal_properties(vendor_schemas):
    """{name: (Edm type, nullable)} for EntityType Goal_1, read from the EDMX without entities or network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(vendor_schemas / "successfactors" / "Goal.edmx"), parser)
    entity = tree.find(f".//{{{EDM}}}EntityType[@Name='Goal_1']")
    assert entity is not None, "EntityType Goal_1 not found in Goal.edmx"
    return {
        prop.get("Name"): (prop.get("Type"), prop.get("Nullable", "true") != "false")
        for prop in entity.findall(f"{{{EDM}}}Property")
    }


def json_type_fits(value, edm_type: str) -> bool:
    if edm_type == "Edm.DateTime":
        return isinstance(value, str) and bool(ODATA_DATE.match(value))
    if edm_type in ("Edm.Int64", "Edm.Decimal"):
        # OData v2 JSON writes 64-bit integers and decimals as strings.
        return isinstance(value, str) and bool(re.match(r"^-?\d+(\.\d+)?$", value))
    if edm_type in ("Edm.Int32", "Edm.Int16", "Edm.Byte"):
        return isinstance(value, int) and not isinstance(value, bool)
    if edm_type in ("Edm.Double", "Edm.Single"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if edm_type == "Edm.Boolean":
        return isinstance(value, bool)
    if edm_type == "Edm.String":
        return isinstance(value, str)
    raise AssertionError(f"unhandled EDM type {edm_type}")


def test_one_goal_entity_per_goal(goal_properties):
    document = sample_document()
    payloads = load_mapping("successfactors-goal").render(document)
    assert len(payloads) == len(document["plan"]["goals"]) == 2
    for payload, goal in zip(payloads, document["plan"]["goals"]):
        assert (payload["method"], payload["path"]) == ("POST", "/odata/v2/Goal_1")
        body = payload["body"]
        for field, value in body.items():
            assert field in goal_properties, f"{field} is not a property of Goal_1"
            edm_type, nullable = goal_properties[field]
            assert value is not None or nullable, f"{field} is not nullable"
            assert value is None or json_type_fits(value, edm_type), f"{field}={value!r} does not fit {edm_type}"
        required = [name for name, (_, nullable) in goal_properties.items() if not nullable]
        assert required and all(name in body for name in required)
        assert body["bizxTarget"] == goal["target"] and body["weight"] == goal["weight"]
        assert body["userId"] == document["employee"]["id"]
        assert body["name"] == goal["name"]["en"]
    # 2027-Q1: from 2027-01-01 to 2027-03-31, midnight UTC in milliseconds.
    assert payloads[0]["body"]["start"] == "/Date(1798761600000)/"
    assert payloads[0]["body"]["due"] == "/Date(1806451200000)/"


def test_shipped_schema_agrees_with_the_edmx(goal_properties):
    schema = load_mapping("successfactors-goal")._target_validator.schema
    for name, rule in schema["properties"].items():
        assert name in goal_properties
        assert ("null" in rule["type"]) == goal_properties[name][1]
    assert set(schema["required"]) == {name for name, (_, nullable) in goal_properties.items() if not nullable}


def test_no_goals_means_no_payloads():
    document = sample_document()
    document["plan"]["goals"] = []
    assert load_mapping("successfactors-goal").render(document) == []


def test_hire_without_employee_id_fails_permanently():
    document = sample_document()
    document["employee"]["id"] = None
    with pytest.raises(MappingError) as caught:
        load_mapping("successfactors-goal").render(document)
    assert (caught.value.payload_index, caught.value.pointer) == (0, "/body/userId")


def test_language_and_category_come_from_connector_settings():
    document = sample_document()
    document["connector"]["settings"] = {"language": "zh", "category": "Customer", "state": "On Track"}
    body = load_mapping("successfactors-goal").render(document)[1]["body"]
    assert (body["name"], body["category"], body["state"]) == ("模型准确率", "Customer", "On Track")
