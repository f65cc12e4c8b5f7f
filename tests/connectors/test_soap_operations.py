"""Listing what a SOAP operation expects, as the pointers a mapping writes, from a large generated WSDL."""

from __future__ import annotations

import pytest

from connectors import soap_operations, wsdl_cache
from tests.support.wsdl_generator import write_wsdl


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    wsdl_cache.clear()
    path = write_wsdl(tmp_path_factory.mktemp("wsdl") / "big.wsdl", operations=30, fields=12, rich=True)
    yield wsdl_cache.load_document(str(path))
    wsdl_cache.clear()


def test_operations_are_listed(document):
    names = soap_operations.operations(document)
    assert len(names) == 31 and "PutWorkSchedule" in names and names == sorted(names)


def test_fields_carry_pointers_types_facets_attributes_and_choices(document):
    fields = {field.pointer: field for field in soap_operations.operation_fields(document, "PutWorkSchedule")}
    assert fields["/body/startTime"].type == "xsd:time" and fields["/body/startTime"].required
    assert fields["/body/weeklyHours"].type == "Hours (decimal; fractionDigits=2, minInclusive=0, maxInclusive=80)"
    assert fields["/body/Worker_Reference/ID"].repeated
    reference_type = fields["/body/Worker_Reference/ID/0/type"]
    assert reference_type.note == "attribute" and reference_type.required
    assert "enumeration=Employee_ID|WID|Contingent_Worker_ID" in reference_type.type
    assert fields["/body/Worker_Reference/ID/0/_value_1"].note.startswith("text of the element")
    assert not fields["/body/Worker_Reference/Descriptor"].required
    for branch in ("/body/fixedDays", "/body/flexibleWindow"):
        assert fields[branch].note == "choice 1: exactly one of (fixedDays | flexibleWindow)"
        assert not fields[branch].required


def test_the_table_and_the_command(document, capsys, tmp_path):
    table = soap_operations.format_fields(
        "PutWorkSchedule", soap_operations.operation_fields(document, "PutWorkSchedule")
    )
    assert table.splitlines()[0] == "PutWorkSchedule: 13 fields, 8 required"
    path = write_wsdl(tmp_path / "small.wsdl", operations=2, fields=3, rich=True)
    assert soap_operations.main([str(path), "Missing"]) == 2
    assert (
        "operation 'Missing' is not in the WSDL; operations: Operation000, Operation001, PutWorkSchedule"
        in capsys.readouterr().err
    )
    assert soap_operations.main([str(path), "Operation001"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("/body/record/0/field002 "))
    assert row.split()[1:6] == ["Count", "(int;", "minInclusive=0,", "maxInclusive=1000)", "no"]
