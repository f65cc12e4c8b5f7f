"""The REST connector: JSON over HTTP(S) with idempotency keys, Standard Webhooks signatures and pooled sessions."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import requests

from connectors import response_rules, vendor_tokens
from connectors.base import CheckResult, Connector, DeliveryContext, DeliveryResult, PreparedDelivery
from connectors.destinations import DestinationPolicy, guarded_session, url_errors
from connectors.diagnostics import describe_http_status, describe_network_error
from connectors.errors import PermanentDeliveryError, RetryableDeliveryError
from connectors.hookspecs import hookimpl
from connectors.http_status import error_for_status, is_success, parse_retry_after
from connectors.redaction import excerpt, mask_text
from connectors.rest_auth import build_auth
from connectors.schema import MASK, require_payload_shape, secret_values, tls_properties
from connectors.webhook_signing import webhook_headers

USER_AGENT = "hris-hub-connector-rest/1"
# Headers the connector sets itself; a payload or config cannot override them.
RESERVED_HEADERS = frozenset(
    {"authorization", "idempotency-key", "webhook-id", "webhook-timestamp", "webhook-signature", "content-length"}
)


def _auth_requirement(auth_type: str, required: list[str]) -> dict:
    return {
        "if": {"required": ["type"], "properties": {"type": {"const": auth_type}}},
        "then": {"required": required},
    }


CONFIG_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["base_url"],
    "properties": {
        "base_url": {
            "type": "string",
            "format": "uri",
            "pattern": "^https?://",
            "description": "Root URL of the target API; each payload's path is joined to it.",
        },
        "auth": {
            "type": "object",
            "description": "How to authenticate to the target.",
            "default": {"type": "none"},
            "additionalProperties": False,
            "required": ["type"],
            "properties": {
                "type": {
                    "enum": ["none", "bearer", "basic", "oauth2_client_credentials", *vendor_tokens.AUTH_TYPES],
                    "description": "Authentication scheme.",
                },
                "token": {
                    "type": "string",
                    "minLength": 1,
                    "secret": True,
                    "writeOnly": True,
                    "description": "Bearer token (type bearer).",
                },
                "username": {"type": "string", "description": "User name (type basic)."},
                "password": {
                    "type": "string",
                    "secret": True,
                    "writeOnly": True,
                    "description": "Password (type basic).",
                },
                "token_url": {
                    "type": "string",
                    "format": "uri",
                    "pattern": "^https?://",
                    "description": "OAuth2 token endpoint (type oauth2_client_credentials); for the "
                    "vendor token types, overrides the vendor's endpoint on base_url's "
                    "host.",
                },
                "client_id": {"type": "string", "description": "OAuth2 client id."},
                "client_secret": {
                    "type": "string",
                    "secret": True,
                    "writeOnly": True,
                    "description": "OAuth2 client secret.",
                },
                "scope": {"type": "string", "description": "OAuth2 scope(s), space separated; optional."},
                "client_auth_method": {
                    "enum": ["client_secret_basic", "client_secret_post"],
                    "default": "client_secret_basic",
                    "description": "How the client authenticates to the token endpoint: HTTP basic or form fields.",
                },
                **vendor_tokens.AUTH_PROPERTIES,
            },
            "allOf": [
                _auth_requirement("bearer", ["token"]),
                _auth_requirement("basic", ["username", "password"]),
                _auth_requirement("oauth2_client_credentials", ["token_url", "client_id", "client_secret"]),
                *(_auth_requirement(name, fields) for name, fields in vendor_tokens.AUTH_TYPES.items()),
            ],
        },
        "webhook_secret": {
            "type": "string",
            "pattern": "^whsec_[A-Za-z0-9+/]+={0,2}$",
            "secret": True,
            "writeOnly": True,
            "description": "Standard Webhooks signing secret (whsec_<base64>); when set, each request is signed.",
        },
        "headers": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "default": {},
            "description": "Extra HTTP headers sent with every request.",
        },
        "secret_headers": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "default": {},
            "secret": True,
            "writeOnly": True,
            "description": "Extra HTTP headers whose values are secret, e.g. an API key header; masked in logs.",
        },
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
                "read": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "default": 30,
                    "description": "Seconds to wait for the answer once connected.",
                },
            },
        },
        **tls_properties("target"),
        "health_path": {
            "type": "string",
            "pattern": "^/(?!/)",
            "description": "Path that check() GETs (expects 2xx); default: HEAD on base_url.",
        },
        "pool_size": {
            "type": "integer",
            "minimum": 1,
            "default": 10,
            "description": "Connections kept open to the target.",
        },
        "response_rule": {
            **response_rules.RULE_SCHEMA,
            "description": "How to read the vendor's result code in the answer; overrides the "
            "mapping's `response` rule. Without either, any 2xx is success.",
        },
    },
}

PAYLOAD_SCHEMA = {
    "type": "object",
    "required": ["method", "path"],
    "properties": {
        "method": {"enum": ["POST", "PUT", "PATCH"]},
        "path": {"type": "string", "pattern": "^(/(?!/)|$)"},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
        "body": {},
        "response": response_rules.RULE_SCHEMA,
    },
}


class RestConnector(Connector):
    """Sends each payload as one JSON HTTP request."""

    type_name = "rest"
    version = "1.0"
    description = "JSON over HTTP(S): POST/PUT/PATCH with Idempotency-Key and optional Standard Webhooks signatures."
    config_schema = CONFIG_SCHEMA
    payload_kind = "rest"

    def __init__(self, config: dict, *, policy: DestinationPolicy | None = None):
        super().__init__(config, policy=policy)
        self.base_url = self.config["base_url"].rstrip("/")
        self.timeouts = (float(self.config["timeouts"]["connect"]), float(self.config["timeouts"]["read"]))
        # Every request of this connector, token fetches and outcome pulls included, passes the policy.
        self.session = guarded_session(self.destination_policy, pool_size=self.config["pool_size"])
        self.session.verify = self.config.get("ca_bundle") or self.config["verify_tls"]
        self.auth = build_auth(self.config["auth"], self.session, self.timeouts, base_url=self.base_url)

    @classmethod
    def destination_errors(cls, config: dict, policy: DestinationPolicy) -> list[dict]:
        urls = [("/base_url", config.get("base_url"))]
        urls.append(("/auth/token_url", (config.get("auth") or {}).get("token_url")))
        return url_errors(urls, policy)

    def _secrets(self) -> list[str]:
        return secret_values(self.config_schema, self.config) + self.auth.secrets()

    def url_for(self, path: str) -> str:
        """The absolute URL of a payload path."""
        return self.base_url + path if path else self.base_url

    def _render(self, payload: dict, context: DeliveryContext) -> tuple[str, str, dict, dict, bytes]:
        """Method, URL, headers sent, headers masked, and body bytes for one payload."""
        require_payload_shape(PAYLOAD_SCHEMA, payload, "REST payload")
        body = b""
        if payload.get("body") is not None:
            body = json.dumps(payload["body"], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        public = {"User-Agent": USER_AGENT, "Accept": "application/json", "Content-Type": "application/json"}
        for source in (self.config["headers"], payload.get("headers") or {}):
            public.update({name: value for name, value in source.items() if name.lower() not in RESERVED_HEADERS})
        secret = {
            name: value for name, value in self.config["secret_headers"].items() if name.lower() not in RESERVED_HEADERS
        }
        public["Idempotency-Key"] = context.job_id
        if self.config.get("webhook_secret"):
            timestamp = int(context.now.timestamp())
            public.update(webhook_headers(self.config["webhook_secret"], context.job_id, timestamp, body))
        sent = {**public, **secret}
        masked = {**public, **{name: MASK for name in secret}, **self.auth.masked_headers()}
        return payload["method"], self.url_for(payload["path"]), sent, masked, body

    def prepare(self, payload: dict, context: DeliveryContext) -> PreparedDelivery:
        method, url, _sent, masked, body = self._render(payload, context)
        if self.auth.masked_params():
            # Readable as the operator sees it in a preview: access_token=********, not percent-encoded.
            url += ("&" if "?" in url else "?") + urlencode(self.auth.masked_params(), safe="*")
        return PreparedDelivery(method=method, url=url, headers=masked, body=body.decode("utf-8"))

    def _send(self, method: str, url: str, headers: dict, body: bytes) -> tuple[requests.Response, float]:
        started = time.perf_counter()
        try:
            response = self.session.request(
                method,
                url,
                data=body,
                headers={**headers, **self.auth.headers()},
                params=self.auth.params(),
                timeout=self.timeouts,
                allow_redirects=False,
            )
        except requests.RequestException as exception:
            # A token sent as a query parameter is part of the URL requests quotes in its messages.
            raise RetryableDeliveryError(
                mask_text(describe_network_error(exception, url, self.timeouts), self._secrets()),
                latency_ms=(time.perf_counter() - started) * 1000,
            ) from exception
        return response, (time.perf_counter() - started) * 1000

    def deliver(self, payload: dict, context: DeliveryContext) -> DeliveryResult:
        method, url, headers, _masked, body = self._render(payload, context)
        rule = self.config.get("response_rule") or payload.get("response")
        response, latency_ms = self._send(method, url, headers, body)
        verdict = response_rules.judge(rule, response.status_code, response.content)
        if self.auth.refreshable and (verdict.kind == response_rules.REFRESH or response.status_code == 401):
            # The vendor may revoke a cached token before its stated expiry: fetch a new one and try once more.
            self.auth.invalidate(used=self.auth.current())
            response, latency_ms = self._send(method, url, headers, body)
            verdict = response_rules.judge(rule, response.status_code, response.content)
        return self._outcome(response, latency_ms, verdict, rule, target=f"{method} {url}", context=context)

    def _outcome(
        self,
        response: requests.Response,
        latency_ms: float,
        verdict: response_rules.Verdict,
        rule: dict | None,
        target: str,
        context: DeliveryContext,
    ) -> DeliveryResult:
        """The result of a delivery, or the error to raise, from the answer and the rule's verdict on it."""
        status = response.status_code
        response_excerpt = excerpt(response.content, self._secrets())
        if verdict.kind == response_rules.SUCCESS or (verdict.kind == response_rules.BY_STATUS and is_success(status)):
            return DeliveryResult(
                status_code=status,
                latency_ms=latency_ms,
                response_excerpt=response_excerpt,
                remote_id=_remote_id(response),
            )
        if verdict.kind == response_rules.BY_STATUS:
            raise error_for_status(
                status, response.headers, response_excerpt, latency_ms, target=target, now=context.now
            )
        details: dict[str, Any] = {
            "status_code": status,
            "response_excerpt": response_excerpt,
            "latency_ms": latency_ms,
        }
        said = mask_text(verdict.describe(rule or {}), self._secrets())
        if verdict.kind == response_rules.RETRY:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), context.now)
            raise RetryableDeliveryError(
                f"{target} answered HTTP {status} with {said}; will retry", retry_after=retry_after, **details
            )
        if verdict.kind == response_rules.REFRESH:
            hint = (
                "a freshly fetched token was refused too: check the app's credentials and permissions"
                if self.auth.refreshable
                else "check auth: this auth type cannot fetch a new token"
            )
            raise PermanentDeliveryError(f"{target} answered HTTP {status} with {said}; {hint}", **details)
        raise PermanentDeliveryError(f"{target} answered HTTP {status} with {said}; not retried", **details)

    def check(self) -> CheckResult:
        health_path = self.config.get("health_path")
        method, url = ("GET", self.url_for(health_path)) if health_path else ("HEAD", self.base_url)
        started = time.perf_counter()
        try:
            response = self.session.request(
                method,
                url,
                headers={
                    "User-Agent": USER_AGENT,
                    **self.config["headers"],
                    **self.config["secret_headers"],
                    **self.auth.headers(),
                },
                params=self.auth.params(),
                timeout=self.timeouts,
                allow_redirects=False,
            )
        except requests.RequestException as exception:
            return CheckResult(False, mask_text(describe_network_error(exception, url, self.timeouts), self._secrets()))
        except (RetryableDeliveryError, PermanentDeliveryError) as error:
            return CheckResult(False, str(error))
        latency_ms = (time.perf_counter() - started) * 1000
        status = response.status_code
        # HEAD on an API root often answers 404/405; reaching it is what counts. A health path must say 2xx.
        ok = is_success(status) if health_path else (status < 500 and status not in (401, 403))
        if not ok:
            return CheckResult(False, describe_http_status(status, url))
        return CheckResult(True, f"reachable: {method} {url} answered HTTP {status} in {latency_ms:.0f} ms")

    def close(self) -> None:
        self.session.close()


def _remote_id(response: requests.Response) -> str | None:
    """The target's id for what was created: a top-level "id" in a JSON answer, else the Location header."""
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if isinstance(answer, dict) and answer.get("id") is not None:
        return str(answer["id"])
    return response.headers.get("Location")


@hookimpl
def hub_connector_types():
    return [RestConnector]
