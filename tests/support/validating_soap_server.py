"""A schema-validating SOAP 1.1 endpoint on loopback for a generated WSDL (tests/support/wsdl_generator.py).

It does what strict vendor services do: every request body is validated against the WSDL's XSD with libxml2,
and an invalid one is answered with a Client fault quoting the schema error. A valid call is answered with
`<{operation}Response><receipt>receipt-N</receipt>`. GET ?wsdl serves the WSDL with the address pointing here.

    with ValidatingSoapServer(generate_wsdl(operations=3, rich=True)) as server:
        server.wsdl_url, server.requests  # [(operation, body bytes, schema errors or [])]
"""

from __future__ import annotations

import itertools
import re
import threading

from lxml import etree
from werkzeug.wrappers import Request, Response

from tests.support.loopback import LoopbackWsgiServer

XSD = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class ValidatingSoapServer(LoopbackWsgiServer):
    def __init__(self, wsdl_text: str):
        super().__init__()
        self._wsdl_text = wsdl_text
        root = etree.fromstring(wsdl_text.encode("utf-8"), SAFE_PARSER)
        [schema_node] = root.iterfind(f"{{{WSDL}}}types/{{{XSD}}}schema")
        standalone = etree.Element(schema_node.tag, attrib=dict(schema_node.attrib), nsmap=schema_node.nsmap)
        standalone.extend(list(schema_node))
        self.schema = etree.XMLSchema(standalone)
        self.namespace = schema_node.get("targetNamespace")
        self._lock = threading.Lock()
        self._receipts = itertools.count(1)
        self.requests: list[tuple[str, bytes, list[str]]] = []

    @property
    def wsdl_url(self) -> str:
        return self.url + "/service?wsdl"

    @Request.application
    def wsgi_app(self, request: Request) -> Response:
        if request.method == "GET":
            text = re.sub(r'location="[^"]*"', f'location="{self.url}/service"', self._wsdl_text)
            return Response(text, content_type="text/xml; charset=utf-8")
        body = request.get_data()
        envelope = etree.fromstring(body, SAFE_PARSER)
        [call] = envelope.find(f"{{{SOAP_ENV}}}Body")
        operation = etree.QName(call).localname
        with self._lock:
            valid = self.schema.validate(call)
            errors = [] if valid else [entry.message for entry in self.schema.error_log]
            self.requests.append((operation, body, errors))
        if errors:
            fault = (
                f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body><soap:Fault>'
                f"<faultcode>soap:Client</faultcode><faultstring>schema validation failed: "
                f"{_escape(errors[0])}</faultstring></soap:Fault></soap:Body></soap:Envelope>"
            )
            return Response(fault, status=500, content_type="text/xml; charset=utf-8")
        answer = (
            f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body><tns:{operation}Response '
            f'xmlns:tns="{self.namespace}"><tns:receipt>receipt-{next(self._receipts)}</tns:receipt>'
            f"</tns:{operation}Response></soap:Body></soap:Envelope>"
        )
        return Response(answer, content_type="text/xml; charset=utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
