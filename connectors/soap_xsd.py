"""Validating a rendered SOAP body against the operation's XSD (facets and lexical forms), with libxml2 via lxml.

zeep checks element names and Python types, but lets through what a schema-validating server refuses: an
xsd:time of "09:00", a decimal with more digits than fractionDigits allows, a value below minInclusive, a
required xsd:choice with no branch. The schemas embedded in the WSDL (and what they import or include) are
compiled once into an lxml XMLSchema; each violation is reported with a JSON pointer into the payload's body.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import weakref
from typing import Any

from lxml import etree
from zeep.loader import load_external

import jsonerrors

logger = logging.getLogger(__name__)

XSD = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
INLINE = "urn:hris-hub:wsdl-inline-schema:"
_STEP = re.compile(r"^(?:[^:/\[]+:)?(?P<name>[^\[\]]+)(?:\[(?P<index>\d+)\])?$")
_CLARK = re.compile(r"\{[^}'\s]*:[^}'\s]*\}")
MAX_VIOLATIONS = 20

_lock = threading.Lock()
# One compiled schema per parsed WSDL (documents are shared per process by wsdl_cache); None: none usable.
_compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class _Resolver(etree.Resolver):
    """Serves the WSDL's inline schemas by their made-up URLs; other locations through zeep's transport."""

    def __init__(self, inline: dict[str, bytes], document):
        super().__init__()
        self.inline = inline
        self.document = document

    def resolve(self, url, pubid, context):
        if url in self.inline:
            return self.resolve_string(self.inline[url], context)
        # zeep's loader refuses DTDs and entities and uses the WSDL cache, like the WSDL itself.
        tree = load_external(url, self.document.transport, settings=self.document.settings)
        return self.resolve_string(etree.tostring(tree), context, base_url=url)


def _standalone(schema_node) -> etree._Element:
    """The xsd:schema element as a document of its own, keeping the prefixes it inherits from wsdl:definitions."""
    standalone = etree.Element(schema_node.tag, attrib=dict(schema_node.attrib), nsmap=schema_node.nsmap)
    standalone.text = schema_node.text
    for child in schema_node:
        standalone.append(copy.deepcopy(child))
    return standalone


def _inline_schemas(document) -> list[tuple[etree._Element, str]]:
    """(schema element, base URL) for every xsd:schema in wsdl:types of the WSDL and the WSDLs it imports."""
    found = []
    locations = [definition.location for definition in document._definitions.values()] or [document.location]
    for location in dict.fromkeys(locations):
        root = load_external(location, document.transport, settings=document.settings)
        for node in root.iterfind(f"{{{WSDL}}}types/{{{XSD}}}schema"):
            found.append((node, location))
    return found


def compile_schema(document) -> etree.XMLSchema | None:
    """The XMLSchema of a zeep WSDL Document's types; None (logged) when there are none or libxml2 cannot compile them."""
    nodes = _inline_schemas(document)
    if not nodes:
        return None
    standalone = [(_standalone(node), base) for node, base in nodes]
    by_namespace: dict[str, Any] = {}
    for index, (node, _base) in enumerate(standalone):
        by_namespace.setdefault(node.get("targetNamespace"), f"{INLINE}{index}")
    inline = {}
    for index, (node, base) in enumerate(standalone):
        # Inline schemas import each other by namespace alone; libxml2 needs a location to find them.
        for imported in node.iterfind(f"{{{XSD}}}import"):
            if imported.get("schemaLocation") is None and imported.get("namespace") in by_namespace:
                imported.set("schemaLocation", by_namespace[imported.get("namespace")])
            elif imported.get("schemaLocation"):
                imported.set("schemaLocation", _absolute(imported.get("schemaLocation"), base))
        for included in node.iterfind(f"{{{XSD}}}include"):
            included.set("schemaLocation", _absolute(included.get("schemaLocation", ""), base))
        inline[f"{INLINE}{index}"] = etree.tostring(node)
    wrapper = etree.Element(f"{{{XSD}}}schema", nsmap={"xsd": XSD})
    for namespace, location in by_namespace.items():
        if namespace is None:
            etree.SubElement(wrapper, f"{{{XSD}}}include", schemaLocation=location)
        else:
            etree.SubElement(wrapper, f"{{{XSD}}}import", namespace=namespace, schemaLocation=location)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    parser.resolvers.add(_Resolver(inline, document))
    try:
        return etree.XMLSchema(etree.fromstring(etree.tostring(wrapper), parser))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError, ValueError) as error:
        logger.warning(
            "WSDL %s: its XSD cannot be compiled for validation (%s); sending without it", document.location, error
        )
        return None


def _absolute(location: str, base: str) -> str:
    from zeep.loader import absolute_location

    return absolute_location(location, base)


class OperationValidator:
    """The compiled XSD of one WSDL, safe to use from several threads (an lxml validator's error log is not)."""

    def __init__(self, schema: etree.XMLSchema):
        self.schema = schema
        self._lock = threading.Lock()

    def violations(self, envelope: etree._Element, body: dict) -> list[tuple[str, str]]:
        with self._lock:
            return violations(self.schema, envelope, body)


def validator_for(document) -> OperationValidator | None:
    """The validator of a zeep WSDL Document, compiled on first use and kept as long as the document."""
    with _lock:
        if document in _compiled:
            return _compiled[document]
    schema = compile_schema(document)
    validator = OperationValidator(schema) if schema is not None else None
    with _lock:
        return _compiled.setdefault(document, validator)


def violations(
    schema: etree.XMLSchema, envelope: etree._Element, body: dict, base_path: tuple = ("body",)
) -> list[tuple[str, str]]:
    """(JSON pointer into the payload, message) for each way the envelope's body breaks the XSD."""
    soap_body = next((child for child in envelope if etree.QName(child).localname == "Body"), None)
    if soap_body is None:
        return []
    problems: list[tuple[str, str]] = []
    for element in soap_body:
        if schema.validate(element):
            continue
        for entry in schema.error_log:
            if "No matching global declaration" in entry.message:
                break  # rpc style: the wrapper is not a schema element, nothing to validate it with
            message = _CLARK.sub("", entry.message)
            problems.append((_pointer(entry.path, body, list(base_path)), message))
    return problems[:MAX_VIOLATIONS]


def _pointer(xpath: str | None, body, path: list) -> str:
    """A JSON pointer into the payload from libxml2's path of the element ('/ns0:Op/ns0:rule[2]/ns0:start')."""
    steps = [step for step in (xpath or "").split("/") if step][1:]  # the first step is the operation's wrapper
    node = body
    for step in steps:
        match = _STEP.match(step)
        if match is None:
            break
        name, index = match["name"], int(match["index"] or 1) - 1
        if isinstance(node, dict) and name in node:
            path.append(name)
            node = node[name]
            if isinstance(node, list):
                path.append(index)
                node = node[index] if index < len(node) else None
        elif isinstance(node, list):
            # The payload gave the items of an array wrapper directly; the XML has the repeated child.
            path.append(index)
            node = node[index] if index < len(node) else None
        else:
            break
    return jsonerrors.pointer(path)
