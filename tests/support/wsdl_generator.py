"""Generates a large document/literal WSDL, the size and shape of a real HR vendor's (many operations, types).

With rich=True the schema looks like a real vendor's in the ways that matter to validation: reference elements
carrying a `type` attribute (Workday-style Worker_Reference/ID), required xsd:choice groups, restricted simple
types with facets (fractionDigits, minInclusive, enumeration) and xsd:time fields; plus PutWorkSchedule, the
operation docs/connectors.md walks through.
"""

from __future__ import annotations

import argparse
import pathlib

NAMESPACE = "urn:example:big-hr"
_FIELD_TYPES = ("xsd:string", "xsd:decimal", "xsd:int", "xsd:date", "xsd:boolean", "xsd:string")
_RICH_FIELD_TYPES = ("xsd:string", "tns:Amount", "tns:Count", "xsd:date", "xsd:boolean", "xsd:time")
RICH_TYPES = (
    '<xsd:simpleType name="Amount"><xsd:restriction base="xsd:decimal"><xsd:totalDigits value="12"/>'
    '<xsd:fractionDigits value="2"/></xsd:restriction></xsd:simpleType>'
    '<xsd:simpleType name="Count"><xsd:restriction base="xsd:int"><xsd:minInclusive value="0"/>'
    '<xsd:maxInclusive value="1000"/></xsd:restriction></xsd:simpleType>'
    '<xsd:simpleType name="Hours"><xsd:restriction base="xsd:decimal"><xsd:fractionDigits value="2"/>'
    '<xsd:minInclusive value="0"/><xsd:maxInclusive value="80"/></xsd:restriction></xsd:simpleType>'
    '<xsd:simpleType name="ReferenceType"><xsd:restriction base="xsd:string"><xsd:enumeration value="Employee_ID"/>'
    '<xsd:enumeration value="WID"/><xsd:enumeration value="Contingent_Worker_ID"/></xsd:restriction></xsd:simpleType>'
    '<xsd:complexType name="ReferenceID"><xsd:simpleContent><xsd:extension base="xsd:string">'
    '<xsd:attribute name="type" type="tns:ReferenceType" use="required"/></xsd:extension></xsd:simpleContent>'
    "</xsd:complexType>"
    '<xsd:complexType name="ObjectReference"><xsd:sequence>'
    '<xsd:element name="ID" type="tns:ReferenceID" maxOccurs="unbounded"/></xsd:sequence>'
    '<xsd:attribute name="Descriptor" type="xsd:string"/></xsd:complexType>'
    '<xsd:complexType name="FlexibleWindow"><xsd:sequence><xsd:element name="earliestStart" type="xsd:time"/>'
    '<xsd:element name="latestEnd" type="xsd:time"/></xsd:sequence></xsd:complexType>'
    '<xsd:element name="PutWorkSchedule"><xsd:complexType><xsd:sequence>'
    '<xsd:element name="Worker_Reference" type="tns:ObjectReference"/>'
    '<xsd:element name="startTime" type="xsd:time"/><xsd:element name="endTime" type="xsd:time"/>'
    '<xsd:element name="weeklyHours" type="tns:Hours"/>'
    '<xsd:element name="lateArrivalsAllowed" type="tns:Count"/>'
    '<xsd:choice><xsd:element name="fixedDays" type="xsd:string"/>'
    '<xsd:element name="flexibleWindow" type="tns:FlexibleWindow"/></xsd:choice>'
    "</xsd:sequence></xsd:complexType></xsd:element>"
    '<xsd:element name="PutWorkScheduleResponse"><xsd:complexType><xsd:sequence>'
    '<xsd:element name="receipt" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element>'
)


def _field(index: int, documentation: str, rich: bool = False) -> str:
    types = _RICH_FIELD_TYPES if rich else _FIELD_TYPES
    return (
        f'<xsd:element name="field{index:03d}" type="{types[index % len(types)]}" minOccurs="0">'
        f"<xsd:annotation><xsd:documentation>{documentation}</xsd:documentation></xsd:annotation></xsd:element>"
    )


def _operation_types(number: int, fields: int, documentation: str, rich: bool = False) -> str:
    record_fields = "".join(_field(index, documentation, rich) for index in range(fields))
    who = (
        '<xsd:element name="Worker_Reference" type="tns:ObjectReference"/>'
        if rich
        else '<xsd:element name="employeeId" type="xsd:string"/>'
    )
    when = (
        '<xsd:choice><xsd:element name="effectiveDate" type="xsd:date"/>'
        '<xsd:element name="effectiveNow" type="xsd:boolean"/></xsd:choice>'
        if rich
        else ""
    )
    return (
        f'<xsd:complexType name="Record{number:03d}"><xsd:sequence>{record_fields}</xsd:sequence></xsd:complexType>'
        f'<xsd:element name="Operation{number:03d}"><xsd:complexType><xsd:sequence>{who}'
        f'<xsd:element name="record" type="tns:Record{number:03d}" maxOccurs="unbounded"/>{when}'
        f"</xsd:sequence></xsd:complexType></xsd:element>"
        f'<xsd:element name="Operation{number:03d}Response"><xsd:complexType><xsd:sequence>'
        f'<xsd:element name="receipt" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element>'
    )


def generate_wsdl(
    operations: int = 150,
    fields: int = 40,
    documentation_bytes: int = 300,
    address: str = "http://127.0.0.1:9/big-hr",
    rich: bool = False,
) -> str:
    """WSDL text with `operations` operations, each taking a record type of `fields` documented fields."""
    documentation = ("Field documentation as vendors write it. " * (documentation_bytes // 40 + 1))[
        :documentation_bytes
    ]
    types = "".join(_operation_types(number, fields, documentation, rich) for number in range(operations))
    names = [f"Operation{n:03d}" for n in range(operations)] + (["PutWorkSchedule"] if rich else [])
    if rich:
        types = RICH_TYPES + types
    messages = "".join(
        f'<wsdl:message name="{n}Request"><wsdl:part name="parameters" element="tns:{n}"/>'
        f'</wsdl:message><wsdl:message name="{n}Reply">'
        f'<wsdl:part name="parameters" element="tns:{n}Response"/></wsdl:message>'
        for n in names
    )
    port_operations = "".join(
        f'<wsdl:operation name="{n}"><wsdl:input message="tns:{n}Request"/>'
        f'<wsdl:output message="tns:{n}Reply"/></wsdl:operation>'
        for n in names
    )
    binding_operations = "".join(
        f'<wsdl:operation name="{n}"><soap:operation soapAction="{NAMESPACE}/{n}"/>'
        f'<wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output>'
        f"</wsdl:operation>"
        for n in names
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" '
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:tns="{NAMESPACE}" targetNamespace="{NAMESPACE}">'
        f'<wsdl:types><xsd:schema targetNamespace="{NAMESPACE}" elementFormDefault="qualified">{types}'
        f"</xsd:schema></wsdl:types>{messages}"
        f'<wsdl:portType name="BigHrPortType">{port_operations}</wsdl:portType>'
        '<wsdl:binding name="BigHrBinding" type="tns:BigHrPortType">'
        '<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>'
        f"{binding_operations}</wsdl:binding>"
        '<wsdl:service name="BigHrService"><wsdl:port name="BigHrPort" binding="tns:BigHrBinding">'
        f'<soap:address location="{address}"/></wsdl:port></wsdl:service></wsdl:definitions>'
    )


def write_wsdl(path: pathlib.Path, **options) -> pathlib.Path:
    """Write a generated WSDL to `path`; returns the path."""
    path.write_text(generate_wsdl(**options), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a large generated WSDL file.")
    parser.add_argument("path", type=pathlib.Path)
    parser.add_argument("--operations", type=int, default=150)
    parser.add_argument("--fields", type=int, default=40)
    parser.add_argument("--documentation-bytes", type=int, default=300)
    parser.add_argument("--rich", action="store_true", help="references, choices, facets and PutWorkSchedule")
    parser.add_argument("--address", default="http://127.0.0.1:9/big-hr", help="soap:address of the service")
    arguments = parser.parse_args()
    write_wsdl(
        arguments.path,
        operations=arguments.operations,
        fields=arguments.fields,
        documentation_bytes=arguments.documentation_bytes,
        rich=arguments.rich,
        address=arguments.address,
    )


if __name__ == "__main__":
    main()
