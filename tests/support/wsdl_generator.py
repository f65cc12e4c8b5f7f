"""Generates a large document/literal WSDL, the size and shape of a real HR vendor's (many operations, types)."""

from __future__ import annotations

import argparse
import pathlib

NAMESPACE = "urn:example:big-hr"
_FIELD_TYPES = ("xsd:string", "xsd:decimal", "xsd:int", "xsd:date", "xsd:boolean", "xsd:string")


def _field(index: int, documentation: str) -> str:
    return (
        f'<xsd:element name="field{index:03d}" type="{_FIELD_TYPES[index % len(_FIELD_TYPES)]}" minOccurs="0">'
        f"<xsd:annotation><xsd:documentation>{documentation}</xsd:documentation></xsd:annotation></xsd:element>"
    )


def _operation_types(number: int, fields: int, documentation: str) -> str:
    record_fields = "".join(_field(index, documentation) for index in range(fields))
    return (
        f'<xsd:complexType name="Record{number:03d}"><xsd:sequence>{record_fields}</xsd:sequence></xsd:complexType>'
        f'<xsd:element name="Operation{number:03d}"><xsd:complexType><xsd:sequence>'
        f'<xsd:element name="employeeId" type="xsd:string"/>'
        f'<xsd:element name="record" type="tns:Record{number:03d}" maxOccurs="unbounded"/>'
        f"</xsd:sequence></xsd:complexType></xsd:element>"
        f'<xsd:element name="Operation{number:03d}Response"><xsd:complexType><xsd:sequence>'
        f'<xsd:element name="receipt" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element>'
    )


def generate_wsdl(operations: int = 150, fields: int = 40, documentation_bytes: int = 300,
                  address: str = "http://127.0.0.1:9/big-hr") -> str:
    """WSDL text with `operations` operations, each taking a record type of `fields` documented fields."""
    documentation = ("Field documentation as vendors write it. " * (documentation_bytes // 40 + 1))[:documentation_bytes]
    types = "".join(_operation_types(number, fields, documentation) for number in range(operations))
    messages = "".join(
        f'<wsdl:message name="Operation{n:03d}Request"><wsdl:part name="parameters" element="tns:Operation{n:03d}"/>'
        f'</wsdl:message><wsdl:message name="Operation{n:03d}Reply">'
        f'<wsdl:part name="parameters" element="tns:Operation{n:03d}Response"/></wsdl:message>'
        for n in range(operations)
    )
    port_operations = "".join(
        f'<wsdl:operation name="Operation{n:03d}"><wsdl:input message="tns:Operation{n:03d}Request"/>'
        f'<wsdl:output message="tns:Operation{n:03d}Reply"/></wsdl:operation>'
        for n in range(operations)
    )
    binding_operations = "".join(
        f'<wsdl:operation name="Operation{n:03d}"><soap:operation soapAction="{NAMESPACE}/Operation{n:03d}"/>'
        f'<wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output>'
        f"</wsdl:operation>"
        for n in range(operations)
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
    arguments = parser.parse_args()
    write_wsdl(arguments.path, operations=arguments.operations, fields=arguments.fields,
               documentation_bytes=arguments.documentation_bytes)


if __name__ == "__main__":
    main()
