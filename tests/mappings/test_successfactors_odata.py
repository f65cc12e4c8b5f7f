"""The whole successfactors-goal preset checked against SAP's Goal.edmx with a real OData v2 client library (pyodata)."""

from __future__ import annotations

import datetime
import re

import pytest

from mappings import load_mapping, sample_document

pyodata_model = pytest.importorskip("pyodata.v2.model", reason="pyodata is in the `test` extra")

# SuccessFactors writes its sap:creatable/updatable annotations in its own namespace; pyodata reads SAP's.
# The attribute names and meanings are the same, so the metadata is read with the namespace renamed.
SF_SAP_NAMESPACE = b"http://www.successfactors.com/edm/sap"
SAP_NAMESPACE = b"http://www.sap.com/Protocols/SAPData"
ODATA_DATE = re.compile(r"^/Date\(-?\d+\)/$")
# The JSON form OData v2 writes each Edm type in, and what pyodata decodes it to.
JSON_FORMS = {
    "Edm.Int64": (str, int),
    "Edm.Decimal": (str, object),
    "Edm.Int32": (int, int),
    "Edm.Double": ((int, float), float),
    "Edm.String": (str, str),
    "Edm.Boolean": (bool, bool),
    "Edm.DateTime": (str, datetime.datetime),
}


@pytest.fixture(scope="module")
def goal_type(vendor_schemas):
    metadata = (vendor_schemas / "successfactors" / "Goal.edmx").read_bytes().replace(SF_SAP_NAMESPACE, SAP_NAMESPACE)
    config = pyodata_model.Config(default_error_policy=pyodata_model.PolicyIgnore())
    return pyodata_model.MetadataBuilder(metadata, config=config).build().entity_type("Goal_1")


def entity_problems(entity_type, body: dict) -> list[str]:
    """Every way `body` is not a creatable Goal_1 in OData v2 JSON, as 'property: problem'."""
    problems = []
    for name, value in body.items():
        try:
            prop = entity_type.proprty(name)
        except KeyError:
            problems.append(f"{name}: not a property of {entity_type.name}")
            continue
        if not prop.creatable:
            problems.append(f"{name}: not creatable (sap:creatable=false)")
        if value is None:
            if not prop.nullable:
                problems.append(f"{name}: null, but Nullable=false")
            continue
        json_type, decoded_type = JSON_FORMS[prop.typ.name]
        if isinstance(value, bool) and json_type is not bool or not isinstance(value, json_type):
            problems.append(f"{name}: {value!r} is not how OData v2 JSON writes {prop.typ.name}")
            continue
        if prop.typ.name == "Edm.DateTime" and not ODATA_DATE.match(value):
            problems.append(f"{name}: {value!r} is not /Date(ms)/")
            continue
        try:
            decoded = prop.typ.traits.from_json(value)
        except (TypeError, ValueError, IndexError) as error:
            problems.append(f"{name}: {value!r} does not decode as {prop.typ.name} ({error})")
            continue
        if not isinstance(decoded, decoded_type):
            problems.append(f"{name}: {value!r} decodes to {type(decoded).__name__}, not {prop.typ.name}")
    for prop in entity_type.proprties():
        if not prop.nullable and prop.name not in body:
            problems.append(f"{prop.name}: Nullable=false but missing")
    return problems


def test_every_rendered_goal_is_a_creatable_goal_1(goal_type):
    document = sample_document()
    document["connector"]["settings"] = {"state": "On Track"}  # every optional field of the preset rendered
    payloads = load_mapping("successfactors-goal").render(document)
    assert len(payloads) == 2
    for payload in payloads:
        assert entity_problems(goal_type, payload["body"]) == []
        assert payload["body"]["id"] == "0"
        assert goal_type.proprty("id").typ.traits.from_json(payload["body"]["id"]) == 0
        start = goal_type.proprty("start").typ.traits.from_json(payload["body"]["start"])
        assert start == datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)


def test_the_check_catches_what_successfactors_refuses(goal_type):
    body = load_mapping("successfactors-goal").render(sample_document())[0]["body"]
    wrong = {**body, "id": 0, "guid": "g-1", "due": "2027-03-31", "bizxTarget": "95", "nonsense": 1}
    problems = "\n".join(entity_problems(goal_type, wrong))
    assert "id: 0 is not how OData v2 JSON writes Edm.Int64" in problems
    assert "guid: not creatable" in problems
    assert "due: '2027-03-31' is not /Date(ms)/" in problems
    assert "bizxTarget: '95' is not how OData v2 JSON writes Edm.Double" in problems
    assert "nonsense: not a property of Goal_1" in problems
    missing_id = {key: value for key, value in body.items() if key != "id"}
    assert entity_problems(goal_type, missing_id) == ["id: Nullable=false but missing"]
