"""The fields a SOAP operation expects, as JSON pointers into a mapping's body, with types, facets and choices.

    python -m connectors.soap_operations WSDL [OPERATION]     # list operations, or one operation's fields

The hub's `hris-hub connectors operations NAME` prints the same for a configured SOAP connector.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import click
import requests
from lxml import etree
from zeep import exceptions as zeep_errors
from zeep.xsd import ComplexType, Element
from zeep.xsd.elements.indicators import All, Choice, Group, Sequence

from connectors import soap_xsd, wsdl_cache
from connectors.errors import DeliveryError

XSD = soap_xsd.XSD
FACETS = (
    "length",
    "minLength",
    "maxLength",
    "pattern",
    "enumeration",
    "whiteSpace",
    "maxInclusive",
    "maxExclusive",
    "minInclusive",
    "minExclusive",
    "totalDigits",
    "fractionDigits",
)
MAX_DEPTH = 12


@dataclass(frozen=True)
class Field:
    """One field of an operation's body: where a mapping writes it and what the XSD wants there."""

    pointer: str
    type: str
    required: bool
    repeated: bool = False
    note: str = ""


def operations(document) -> list[str]:
    """Operation names of every binding in a parsed WSDL."""
    return sorted({name for binding in document.bindings.values() for name in binding.all()})


def _simple_type_facets(document) -> dict[str, str]:
    """{'{ns}Name': 'decimal; fractionDigits=2, minInclusive=0'} for the WSDL's named simple types."""
    described = {}
    for node, _base in soap_xsd._inline_schemas(document):
        namespace = node.get("targetNamespace") or ""
        for simple in node.iter(f"{{{XSD}}}simpleType"):
            name = simple.get("name")
            restriction = simple.find(f"{{{XSD}}}restriction")
            if not name or restriction is None:
                continue
            facets: dict[str, list[str]] = {}
            for facet in restriction:
                local = facet.tag.rsplit("}", 1)[-1]
                if local in FACETS:
                    facets.setdefault(local, []).append(facet.get("value", ""))
            base = (restriction.get("base") or "").rsplit(":", 1)[-1]
            text = ", ".join(f"{key}={'|'.join(values)}" for key, values in facets.items())
            described[f"{{{namespace}}}{name}"] = f"{base}; {text}" if text else base
    return described


class _Describer:
    def __init__(self, facets: dict[str, str]):
        self.facets = facets
        self.fields: list[Field] = []
        self.choices = 0

    def type_name(self, xsd_type) -> str:
        qname = getattr(xsd_type, "qname", None)
        if qname is None:
            return type(xsd_type).__name__
        if qname.namespace == XSD:
            return f"xsd:{qname.localname}"
        facets = self.facets.get(qname.text)
        return f"{qname.localname} ({facets})" if facets else qname.localname

    def complex(self, xsd_type: ComplexType, pointer: str, required: bool, seen: frozenset) -> None:
        for name, attribute in xsd_type.attributes:
            self.fields.append(
                Field(
                    f"{pointer}/{name}",
                    self.type_name(attribute.type),
                    required and bool(getattr(attribute, "required", False)),
                    note="attribute",
                )
            )
        content = getattr(xsd_type, "_element", None)
        if content is None:
            return
        if isinstance(content, Element):  # simple content: zeep's `_value_1`
            self.fields.append(
                Field(
                    f"{pointer}/_value_1",
                    self.type_name(content.type),
                    required,
                    note="text of the element (simple content)",
                )
            )
            return
        self.indicator(content, pointer, required, seen)

    def indicator(self, indicator, pointer: str, required: bool, seen: frozenset, note: str = "") -> None:
        required = required and getattr(indicator, "min_occurs", 1) > 0
        if isinstance(indicator, Choice):
            self.choices += 1
            branches = [_branch_name(branch) for branch in indicator]
            label = f"choice {self.choices}: exactly one of ({' | '.join(branches)}){'' if required else ', optional'}"
            for branch in indicator:
                self.item(branch, pointer, False, seen, label)
            return
        for child in indicator:
            self.item(child, pointer, required, seen, note)

    def item(self, item, pointer: str, required: bool, seen: frozenset, note: str) -> None:
        if isinstance(item, Element):
            self.element(item, pointer, required, seen, note)
        elif isinstance(item, (Sequence, Choice, All, Group)):
            self.indicator(item, pointer, required, seen, note)

    def element(self, element: Element, pointer: str, required: bool, seen: frozenset, note: str) -> None:
        repeated = element.accepts_multiple
        here = f"{pointer}/{element.name}"
        field_required = required and element.min_occurs > 0
        notes = [note] if note else []
        if getattr(element, "nillable", False):
            notes.append("nillable")
        self.fields.append(Field(here, self.type_name(element.type), field_required, repeated, "; ".join(notes)))
        qname = getattr(element.type, "qname", None)
        key = qname.text if qname is not None else id(element.type)
        if isinstance(element.type, ComplexType) and key not in seen and len(seen) < MAX_DEPTH:
            # Items of a list are written at /0, /1, ...: the first stands for each of them.
            self.complex(element.type, here + ("/0" if repeated else ""), field_required, seen | {key})


def _branch_name(branch) -> str:
    if isinstance(branch, Element):
        return branch.name
    return "{" + ", ".join(_branch_name(child) for child in branch) + "}"


def operation_fields(document, operation: str) -> list[Field]:
    """The fields of `operation`'s input body; KeyError naming the known operations when it does not exist."""
    for binding in document.bindings.values():
        found = binding.all().get(operation)
        if found is not None:
            break
    else:
        known = operations(document)
        listed = ", ".join(known[:20]) + (f", ... ({len(known)} in all)" if len(known) > 20 else "")
        raise KeyError(f"operation {operation!r} is not in the WSDL; operations: {listed}")
    describer = _Describer(_simple_type_facets(document))
    body = found.input.body
    if body is not None and isinstance(body.type, ComplexType):
        describer.complex(body.type, "/body", True, frozenset())
    return describer.fields


def format_fields(operation: str, fields: list[Field]) -> str:
    """A text table: pointer, type, required, notes."""
    rows = [("pointer", "type", "required", "notes")]
    for field in fields:
        notes = "; ".join(part for part in ("repeated (a list)" if field.repeated else "", field.note) if part)
        rows.append((field.pointer, field.type, "yes" if field.required else "no", notes))
    widths = [min(max(len(row[column]) for row in rows), 60) for column in range(3)]
    lines = [f"{operation}: {len(fields)} fields, {sum(field.required for field in fields)} required"]
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3])
    return "\n".join(line.rstrip() for line in lines)


@click.command("operations")
@click.argument("wsdl")
@click.argument("operation", required=False)
def operations_command(wsdl: str, operation: str | None) -> None:
    """List a WSDL's operations, or the fields OPERATION expects (WSDL: a file path or an http(s) URL)."""
    try:
        document = wsdl_cache.load_document(wsdl)
    except DeliveryError as error:  # the destination policy refused the file or URL
        raise click.ClickException(str(error)) from None
    except (OSError, requests.RequestException, zeep_errors.Error, etree.LxmlError, ValueError) as error:
        raise click.ClickException(f"cannot load WSDL {wsdl}: {error}") from None
    if operation is None:
        click.echo("\n".join(operations(document)))
        return
    try:
        fields = operation_fields(document, operation)
    except KeyError as error:
        raise click.UsageError(error.args[0]) from None
    click.echo(format_fields(operation, fields))


def main(argv: list[str] | None = None) -> int:
    """`python -m connectors.soap_operations WSDL [OPERATION]`: the exit status is 2 for an unknown operation."""
    try:
        operations_command.main(argv, prog_name="python -m connectors.soap_operations", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
