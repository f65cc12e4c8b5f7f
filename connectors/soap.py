"""The SOAP connector: zeep with a per-process WSDL cache, WS-Security, and fault classification."""

from __future__ import annotations

import base64
import logging
import threading
import time
from urllib.parse import urlsplit

import requests
import zeep
from lxml import etree
from zeep import exceptions as zeep_errors
from zeep.helpers import serialize_object
from zeep.wsdl.utils import etree_to_string

from connectors import soap_xsd, wsdl_cache
from connectors.base import CheckResult, Connector, DeliveryContext, DeliveryResult, PreparedDelivery
from connectors.destinations import DestinationPolicy, guarded_session, url_errors
from connectors.diagnostics import describe_http_status, describe_network_error
from connectors.errors import DeliveryError, PermanentDeliveryError, RetryableDeliveryError
from connectors.hookspecs import hookimpl
from connectors.http_status import error_for_status, is_success
from connectors.redaction import excerpt, mask_text
from connectors.schema import MASK, require_payload_shape, secret_values, tls_properties
from connectors.soap_payload import PayloadMismatch, operation_arguments
from connectors.wsse_token import FreshUsernameToken

WSSE_NAMESPACE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"

logger = logging.getLogger(__name__)

# SOAP 1.1 Client / SOAP 1.2 Sender (and protocol-level faults) mean the request itself is wrong.
PERMANENT_FAULT_CODES = frozenset({"client", "sender", "versionmismatch", "mustunderstand", "dataencodingunknown"})


def _credentials_schema(description: str) -> dict:
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": ["username", "password"],
        "properties": {
            "username": {"type": "string", "minLength": 1, "description": "User name."},
            "password": {"type": "string", "secret": True, "writeOnly": True, "description": "Password."},
        },
    }


_WSSE_SCHEMA = _credentials_schema("WS-Security UsernameToken added to every request; omit for none.")
_WSSE_SCHEMA["properties"].update(
    {
        "password_type": {
            "enum": ["digest", "text"],
            "default": "digest",
            "description": "PasswordDigest (SHA-1 of nonce, Created and password) or PasswordText.",
        },
        "timestamp": {
            "type": "boolean",
            "default": True,
            "description": "Add a wsu:Timestamp (Created/Expires, 5 minutes) to the security header.",
        },
    }
)

CONFIG_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["wsdl", "operation"],
    "properties": {
        "wsdl": {
            "type": "string",
            "minLength": 1,
            "description": "WSDL location: a file path or an http(s) URL; parsed once per process.",
        },
        "service": {"type": "string", "description": "wsdl:service name; default: the first one."},
        "port": {"type": "string", "description": "wsdl:port name within the service; default: the first one."},
        "binding": {
            "type": "string",
            "description": "Binding name ({namespace}Name or Name) to use with endpoint, instead of service and port.",
        },
        "endpoint": {
            "type": "string",
            "format": "uri",
            "pattern": "^https?://",
            "description": "Endpoint address overriding the WSDL's (when it is relative or wrong).",
        },
        "operation": {
            "type": "string",
            "minLength": 1,
            "description": 'Operation called; a payload\'s "operation" overrides it.',
        },
        "wsse": _WSSE_SCHEMA,
        "basic_auth": _credentials_schema("HTTP basic authentication for the endpoint (and a WSDL URL)."),
        "timeouts": {
            "type": "object",
            "default": {},
            "additionalProperties": False,
            "description": "Timeouts in seconds.",
            "properties": {
                "connect": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "default": 5,
                    "description": "Seconds to wait for the TCP/TLS connection.",
                },
                "operation": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "default": 60,
                    "description": "Seconds to wait for an operation's answer (zeep operation_timeout).",
                },
                "load": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "default": 60,
                    "description": "Seconds allowed to fetch the WSDL and its imports.",
                },
            },
        },
        **tls_properties("endpoint"),
        "wsdl_cache_seconds": {
            "type": "integer",
            "minimum": 0,
            "default": 86400,
            "description": "How long a WSDL fetched by URL is reused from the instance folder.",
        },
        "validate_xsd": {
            "type": "boolean",
            "default": True,
            "description": "Validate each request body against the WSDL's XSD (facets, lexical forms, "
            "choices) before sending; turn off only for a service whose schema is wrong.",
        },
    },
    "dependentRequired": {"binding": ["endpoint"]},
}

PAYLOAD_SCHEMA = {
    "type": "object",
    "required": ["body"],
    "properties": {"operation": {"type": "string", "minLength": 1}, "body": {"type": "object"}},
}


RELATIVE_ADDRESS = (
    "the WSDL {wsdl} gives the service address {address!r}, not an absolute http(s) URL; "
    "set endpoint to the service's URL"
)


def _absolute_url(address) -> bool:
    parts = urlsplit(address or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class SoapConnector(Connector):
    """Calls one SOAP operation per payload; the plain-dict body becomes the operation's typed request."""

    type_name = "soap"
    version = "1.0"
    description = "SOAP 1.1/1.2 via zeep: WSDL cached per process, WS-Security UsernameToken, faults classified."
    config_schema = CONFIG_SCHEMA
    payload_kind = "soap"

    def __init__(self, config: dict, *, policy: DestinationPolicy | None = None):
        super().__init__(config, policy=policy)
        timeouts = self.config["timeouts"]
        self.connect_timeout = float(timeouts["connect"])
        self.operation_timeout = float(timeouts["operation"])
        # The WSDL's imports, the endpoint it names and check()'s GET all pass the policy.
        self.session = guarded_session(self.destination_policy)
        self.session.verify = self.config.get("ca_bundle") or self.config["verify_tls"]
        if self.config.get("basic_auth"):
            self.session.auth = (self.config["basic_auth"]["username"], self.config["basic_auth"]["password"])
        self._lock = threading.Lock()
        self._client: zeep.Client | None = None
        self._service = None
        self._document = None

    @classmethod
    def destination_errors(cls, config: dict, policy: DestinationPolicy) -> list[dict]:
        errors = url_errors([("/endpoint", config.get("endpoint"))], policy)
        reason = wsdl_cache.location_refusal(config["wsdl"], policy) if config.get("wsdl") else None
        if reason is not None:
            errors.insert(0, {"pointer": "/wsdl", "message": f"{config['wsdl']!r} is refused: {reason}"})
        return errors

    # ---- building ------------------------------------------------------------------------------

    def _load_document(self, cache_dir):
        return wsdl_cache.load_document(
            self.config["wsdl"],
            cache_dir=cache_dir,
            timeout=float(self.config["timeouts"]["load"]),
            verify=self.session.verify,
            auth=self.session.auth,
            cache_seconds=self.config["wsdl_cache_seconds"],
            policy=self.destination_policy,
        )

    def _service_proxy(self, cache_dir=None):
        """The zeep client and service proxy, built on first use from the shared parsed WSDL."""
        with self._lock:
            if self._service is None:
                document = self._load_document(cache_dir)
                wsse = None
                if self.config.get("wsse"):
                    wsse_config = self.config["wsse"]
                    wsse = FreshUsernameToken(
                        wsse_config["username"],
                        wsse_config["password"],
                        use_digest=wsse_config["password_type"] == "digest",
                        add_timestamp=wsse_config["timestamp"],
                    )
                # zeep passes operation_timeout straight to requests, so (connect, read) works.
                transport = wsdl_cache.GuardedTransport(
                    session=self.session,
                    timeout=float(self.config["timeouts"]["load"]),
                    operation_timeout=(self.connect_timeout, self.operation_timeout),
                    policy=self.destination_policy,
                )
                client = zeep.Client(wsdl=document, transport=transport, wsse=wsse, settings=wsdl_cache.SAFE_SETTINGS)
                self._service = self._bind(client, document)
                self._client = client
                self._document = document
            return self._client, self._service

    def _bind(self, client: zeep.Client, document):
        endpoint = self.config.get("endpoint")
        if self.config.get("binding"):
            return client.create_service(self._binding_qname(document), endpoint)
        try:
            service = client.bind(self.config.get("service"), self.config.get("port"))
        except (ValueError, KeyError) as exception:
            raise PermanentDeliveryError(
                f"WSDL {self.config['wsdl']}: {exception}; services: {', '.join(document.services) or 'none'}"
            ) from exception
        if service is None:
            raise PermanentDeliveryError(
                f"WSDL {self.config['wsdl']} defines no wsdl:service; configure binding and endpoint instead"
            )
        if endpoint:
            return client.create_service(service._binding.name.text, endpoint)
        address = service._binding_options.get("address")
        if not _absolute_url(address):
            raise PermanentDeliveryError(RELATIVE_ADDRESS.format(wsdl=self.config["wsdl"], address=address))
        return service

    def configuration_problems(self) -> list[dict]:
        """Without `endpoint`, the WSDL's soap:address must be an absolute URL. A WSDL that cannot be loaded now is
        not held against the config: `connectors check` and delivery say why."""
        if self.config.get("endpoint") or self.config.get("binding"):
            return []
        try:
            self._service_proxy()
        except PermanentDeliveryError as error:
            if str(error).startswith(RELATIVE_ADDRESS.split("{", 1)[0]):
                return [{"pointer": "/endpoint", "message": str(error)}]
        except Exception:  # noqa: BLE001 - unreachable or unreadable: a check's business, not a config error
            return []
        return []

    def _binding_qname(self, document) -> str:
        wanted = self.config["binding"]
        for qname in document.bindings:
            if qname == wanted or qname.rsplit("}", 1)[-1] == wanted:
                return qname
        raise PermanentDeliveryError(
            f"binding {wanted!r} not in WSDL {self.config['wsdl']}; bindings: {', '.join(document.bindings)}"
        )

    def _secrets(self) -> list[str]:
        secrets = secret_values(self.config_schema, self.config)
        if self.config.get("basic_auth"):
            basic = self.config["basic_auth"]
            secrets.append(base64.b64encode(f"{basic['username']}:{basic['password']}".encode()).decode())
        return secrets

    def _render(self, payload: dict, context: DeliveryContext):
        """Client, operation, envelope, HTTP headers and address; PermanentDeliveryError for a mapping error."""
        require_payload_shape(PAYLOAD_SCHEMA, payload, "SOAP payload")
        client, service = self._loaded_service(context.cache_dir)
        operation_name = payload.get("operation") or self.config["operation"]
        binding = service._binding
        operation = binding.all().get(operation_name)
        if operation is None:
            known = ", ".join(sorted(binding.all())[:20])
            raise PermanentDeliveryError(
                f"operation {operation_name!r} is not in WSDL {self.config['wsdl']}; operations include: {known}"
            )
        try:
            arguments = operation_arguments(operation.input.body, payload["body"])
            envelope, http_headers = binding._create(
                operation_name, (), arguments, client=client, options=service._binding_options
            )
        except PayloadMismatch as mismatch:
            raise PermanentDeliveryError(f"SOAP payload does not fit {operation_name}: {mismatch}") from mismatch
        except (TypeError, ValueError, zeep_errors.Error) as exception:
            raise PermanentDeliveryError(f"SOAP payload does not fit {operation_name}: {exception}") from exception
        self._check_against_xsd(operation_name, envelope, payload["body"])
        return client, operation, envelope, http_headers, service._binding_options["address"]

    def _check_against_xsd(self, operation_name: str, envelope, body: dict) -> None:
        """Refuse a body the WSDL's XSD rejects, each violation with its JSON pointer into the payload."""
        if not self.config["validate_xsd"] or self._document is None:
            return
        validator = soap_xsd.validator_for(self._document)
        problems = validator.violations(envelope, body) if validator is not None else []
        if problems:
            details = "; ".join(f"{pointer}: {message}" for pointer, message in problems)
            raise PermanentDeliveryError(f"SOAP payload breaks the XSD of {operation_name}: {details}")

    def _loaded_service(self, cache_dir):
        try:
            return self._service_proxy(cache_dir)
        except DeliveryError:
            raise
        except requests.RequestException as exception:
            raise RetryableDeliveryError(
                "cannot fetch the WSDL: " + describe_network_error(exception, self.config["wsdl"])
            ) from exception
        except (OSError, zeep_errors.Error, etree.LxmlError, ValueError) as exception:
            raise PermanentDeliveryError(f"cannot load WSDL {self.config['wsdl']}: {exception}") from exception

    # ---- the contract --------------------------------------------------------------------------

    def prepare(self, payload: dict, context: DeliveryContext) -> PreparedDelivery:
        _client, _operation, envelope, http_headers, address = self._render(payload, context)
        # A WS-Security UsernameToken's digest and nonce authenticate whoever sends them until its Timestamp
        # expires: a preview shows them masked, like the basic-auth header.
        for name in ("Password", "Nonce"):
            for element in envelope.iter(f"{{{WSSE_NAMESPACE}}}{name}"):
                element.text = MASK
        # Serialised as zeep's transport serialises it, so the preview is byte for byte what is sent (tokens aside).
        body = etree_to_string(envelope).decode("utf-8")
        headers = dict(http_headers)
        if self.config.get("basic_auth"):
            headers["Authorization"] = f"Basic {MASK}"
        return PreparedDelivery(method="POST", url=address, headers=headers, body=mask_text(body, self._secrets()))

    def deliver(self, payload: dict, context: DeliveryContext) -> DeliveryResult:
        client, operation, envelope, http_headers, address = self._render(payload, context)
        started = time.perf_counter()
        try:
            response = client.transport.post_xml(address, envelope, http_headers)
        except requests.RequestException as exception:
            raise RetryableDeliveryError(
                describe_network_error(exception, address, (self.connect_timeout, self.operation_timeout)),
                latency_ms=(time.perf_counter() - started) * 1000,
            ) from exception
        latency_ms = (time.perf_counter() - started) * 1000
        details = {
            "status_code": response.status_code,
            "response_excerpt": excerpt(response.content, self._secrets()),
            "latency_ms": latency_ms,
        }
        try:
            result = operation.binding.process_reply(client, operation, response)
        except zeep_errors.Fault as fault:
            raise _fault_error(fault, operation.name, details) from fault
        except (zeep_errors.DTDForbidden, zeep_errors.EntitiesForbidden) as exception:
            raise _refused_response(
                operation.name, f"it declares a DTD or entities ({exception})", details
            ) from exception
        except zeep_errors.TransportError as exception:
            if not is_success(response.status_code):
                raise error_for_status(
                    response.status_code,
                    response.headers,
                    details["response_excerpt"],
                    latency_ms,
                    target=f"SOAP {operation.name} at {address}",
                    now=context.now,
                ) from exception
            # zeep's own message quotes the whole response; the lxml reason is what a person needs.
            reason = exception.__context__ if isinstance(exception.__context__, zeep_errors.Error) else exception
            raise _refused_response(operation.name, reason.message, details) from exception
        except (zeep_errors.Error, etree.LxmlError) as exception:
            raise _refused_response(operation.name, str(exception), details) from exception
        if not is_success(response.status_code):
            raise error_for_status(
                response.status_code,
                response.headers,
                details["response_excerpt"],
                latency_ms,
                target=f"SOAP {operation.name} at {address}",
                now=context.now,
            )
        return DeliveryResult(
            status_code=response.status_code,
            latency_ms=latency_ms,
            response_excerpt=details["response_excerpt"],
            remote_id=_remote_id(result),
        )

    def check(self) -> CheckResult:
        try:
            _client, service = self._service_proxy()
        except requests.RequestException as exception:
            return CheckResult(
                False, "cannot fetch the WSDL: " + describe_network_error(exception, self.config["wsdl"])
            )
        except (DeliveryError, OSError, zeep_errors.Error, etree.LxmlError, ValueError) as exception:
            return CheckResult(False, f"cannot load WSDL {self.config['wsdl']}: {exception}")
        operations = service._binding.all()
        if self.config["operation"] not in operations:
            return CheckResult(
                False,
                f"operation {self.config['operation']!r} is not in the WSDL; "
                f"operations include: {', '.join(sorted(operations)[:20])}",
            )
        address = service._binding_options["address"]
        try:
            response = self.session.get(
                address, timeout=(self.connect_timeout, self.operation_timeout), allow_redirects=False
            )
        except requests.RequestException as exception:
            return CheckResult(
                False, describe_network_error(exception, address, (self.connect_timeout, self.operation_timeout))
            )
        except DeliveryError as error:
            return CheckResult(False, str(error))
        # A GET on a SOAP endpoint commonly answers 405, or 500 with a fault: it is there, which is what counts.
        if response.status_code in (401, 403) or response.status_code > 500:
            return CheckResult(False, describe_http_status(response.status_code, address))
        return CheckResult(
            True, f"WSDL loaded ({len(operations)} operations); endpoint {address} answered HTTP {response.status_code}"
        )

    def close(self) -> None:
        self.session.close()


def _fault_error(fault: zeep_errors.Fault, operation_name: str, details: dict) -> DeliveryError:
    code = str(fault.code or "")
    # 'soap11env:Client.UnknownEmployee' -> 'client'; SOAP 1.2 codes arrive as 'soap-env:Sender'.
    kind = code.rsplit(":", 1)[-1].split(".", 1)[0].lower()
    message = f"{operation_name}: SOAP fault {code or '?'}: {fault.message}"
    if kind in PERMANENT_FAULT_CODES:
        return PermanentDeliveryError(message, **details)
    return RetryableDeliveryError(message, **details)


def _refused_response(operation_name: str, reason: str, details: dict) -> PermanentDeliveryError:
    return PermanentDeliveryError(
        f"{operation_name}: response refused, not safe or not valid XML (entity expansion and DTDs are "
        f"forbidden): {reason[:300]}",
        **details,
    )


def _remote_id(result) -> str | None:
    """A scalar operation result (a receipt or record id) is the target's id for what was stored."""
    result = serialize_object(result)
    if isinstance(result, (str, int)) and not isinstance(result, bool):
        return str(result)
    return None


@hookimpl
def hub_connector_types():
    return [SoapConnector]
