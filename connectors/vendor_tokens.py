"""Vendor token flows for the REST connector: Feishu/Lark tenant_access_token and WeCom access_token.

Both vendors hand out a token valid for about two hours from an app's credentials and answer HTTP 200 with a
non-zero code in the body when something is wrong. The token is cached until shortly before it expires, and
the connector asks for a new one when a response rule says the vendor refused it (see response_rules).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from connectors.diagnostics import describe_network_error
from connectors.errors import PermanentDeliveryError, RetryableDeliveryError
from connectors.http_status import is_retryable_status, parse_retry_after
from connectors.redaction import excerpt, mask_text
from connectors.rest_auth import NoAuth
from connectors.schema import MASK

logger = logging.getLogger(__name__)

FEISHU = "feishu_tenant_access_token"
WECOM = "wecom_access_token"
# Feishu returns the same token while more than 30 minutes are left and a new one after; five minutes early is
# well inside that window and long enough that a token never expires between fetch and use.
DEFAULT_REFRESH_BEFORE_SECONDS = 300.0
DEFAULT_LIFETIME_SECONDS = 7200.0


@dataclass(frozen=True)
class Vendor:
    """How one vendor's token endpoint is called and answers."""

    label: str
    token_path: str  # joined to the origin of base_url unless auth.token_url is set
    id_field: str
    secret_field: str
    code_field: str
    message_field: str
    token_field: str
    expiry_field: str
    retryable_codes: frozenset  # token endpoint codes worth retrying (system busy, rate limit)
    as_query: bool  # WeCom: ?access_token=...; Feishu: Authorization: Bearer ...


VENDORS = {
    # https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal: POST JSON {app_id, app_secret}
    # -> {code, msg, tenant_access_token, expire}. 99991400 (rate limit) is not on the token page: configurable.
    FEISHU: Vendor(
        "Feishu tenant_access_token",
        "/open-apis/auth/v3/tenant_access_token/internal",
        "app_id",
        "app_secret",
        "code",
        "msg",
        "tenant_access_token",
        "expire",
        frozenset({99991400}),
        as_query=False,
    ),
    # https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ID&corpsecret=SECRET: GET
    # -> {errcode, errmsg, access_token, expires_in}; -1 system busy and 45009 rate limit are worth a retry.
    WECOM: Vendor(
        "WeCom access_token",
        "/cgi-bin/gettoken",
        "corpid",
        "corpsecret",
        "errcode",
        "errmsg",
        "access_token",
        "expires_in",
        frozenset({-1, 45009}),
        as_query=True,
    ),
}

# Merged into the REST connector's `auth` properties (connectors/rest.py).
AUTH_PROPERTIES = {
    "app_id": {"type": "string", "minLength": 1, "description": f"Feishu/Lark app_id (type {FEISHU})."},
    "app_secret": {
        "type": "string",
        "minLength": 1,
        "secret": True,
        "writeOnly": True,
        "description": f"Feishu/Lark app_secret (type {FEISHU}).",
    },
    "corpid": {"type": "string", "minLength": 1, "description": f"WeCom corpid (type {WECOM})."},
    "corpsecret": {
        "type": "string",
        "minLength": 1,
        "secret": True,
        "writeOnly": True,
        "description": f"WeCom application secret, corpsecret (type {WECOM}).",
    },
    "refresh_before_seconds": {
        "type": "number",
        "minimum": 0,
        "description": "Vendor tokens: fetch a new token this many seconds before the "
        "cached one expires (default 300).",
    },
    "token_retryable_codes": {
        "type": "array",
        "items": {"type": "integer"},
        "uniqueItems": True,
        "description": "Vendor tokens: token endpoint codes retried later instead of failing "
        "(default Feishu [99991400], WeCom [-1, 45009]).",
    },
}
AUTH_TYPES = {FEISHU: ["app_id", "app_secret"], WECOM: ["corpid", "corpsecret"]}


def default_token_url(vendor_type: str, base_url: str) -> str:
    """The vendor's token endpoint on the same origin as base_url (open.feishu.cn, qyapi.weixin.qq.com...)."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{VENDORS[vendor_type].token_path}"


class VendorToken(NoAuth):
    """A vendor app token, fetched with the app's credentials and cached until shortly before it expires."""

    refreshable = True

    def __init__(
        self,
        vendor_type: str,
        auth_config: dict,
        base_url: str,
        session: requests.Session,
        timeouts: tuple[float, float],
    ):
        self.vendor = VENDORS[vendor_type]
        self.app_id = auth_config[self.vendor.id_field]
        self.app_secret = auth_config[self.vendor.secret_field]
        self.token_url = auth_config.get("token_url") or default_token_url(vendor_type, base_url)
        self.refresh_before = float(auth_config.get("refresh_before_seconds", DEFAULT_REFRESH_BEFORE_SECONDS))
        codes = auth_config.get("token_retryable_codes")
        self.retryable_codes = frozenset(codes) if codes is not None else self.vendor.retryable_codes
        self.session = session
        self.timeouts = timeouts
        self.clock = time.monotonic  # tests move time forward without sleeping
        self.fetches = 0
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0
        self._retired: list[str] = []  # tokens handed out before, still masked if they show up in text

    # ---- what the connector sends --------------------------------------------------------------

    def headers(self) -> dict[str, str]:
        return {} if self.vendor.as_query else {"Authorization": f"Bearer {self.access_token()}"}

    def masked_headers(self) -> dict[str, str]:
        return {} if self.vendor.as_query else {"Authorization": f"Bearer {MASK}"}

    def params(self) -> dict[str, str]:
        return {"access_token": self.access_token()} if self.vendor.as_query else {}

    def masked_params(self) -> dict[str, str]:
        return {"access_token": MASK} if self.vendor.as_query else {}

    def secrets(self) -> list[str]:
        return [value for value in (self.app_secret, self._token, *self._retired) if value]

    def current(self) -> str | None:
        """The cached token, without fetching one."""
        return self._token

    def invalidate(self, used: str | None = None) -> None:
        """Forget the cached token; with `used`, only if it is still that one (another thread may have refreshed)."""
        with self._lock:
            if used is None or used == self._token:
                self._forget()

    def _forget(self) -> None:
        if self._token:
            self._retired = [self._token, *self._retired][:4]
        self._token = None
        self._refresh_at = 0.0

    def access_token(self) -> str:
        """The cached token, fetched anew when missing or within refresh_before_seconds of expiry."""
        with self._lock:
            if self._token is None or self.clock() >= self._refresh_at:
                self._forget()
                token, lifetime = self._fetch()
                self._token = token
                self._refresh_at = self.clock() + max(0.0, lifetime - self.refresh_before)
            return self._token

    # ---- the token endpoint --------------------------------------------------------------------

    def _request(self) -> requests.Response:
        vendor = self.vendor
        credentials = {vendor.id_field: self.app_id, vendor.secret_field: self.app_secret}
        if vendor.as_query:
            return self.session.get(
                self.token_url,
                params=credentials,
                timeout=self.timeouts,
                allow_redirects=False,
                headers={"Accept": "application/json"},
            )
        return self.session.post(
            self.token_url,
            json=credentials,
            timeout=self.timeouts,
            allow_redirects=False,
            headers={"Content-Type": "application/json; charset=utf-8"},
        )

    def _fetch(self) -> tuple[str, float]:
        label = self.vendor.label
        started = time.perf_counter()
        self.fetches += 1
        try:
            response = self._request()
        except requests.RequestException as exception:
            # The WeCom secret travels in the query string, which requests quotes in its messages.
            message = describe_network_error(exception, self.token_url, self.timeouts)
            raise RetryableDeliveryError(f"{label} endpoint: {mask_text(message, self.secrets())}") from exception
        details: dict[str, Any] = {
            "status_code": response.status_code,
            "latency_ms": (time.perf_counter() - started) * 1000,
        }
        try:
            answer = response.json()
        except ValueError:
            answer = None
        # The fresh token is in the answer: mask it too, the excerpt may end up in the attempt log.
        token = answer.get(self.vendor.token_field) if isinstance(answer, dict) else None
        masked = [*self.secrets(), *([token] if isinstance(token, str) else [])]
        details["response_excerpt"] = excerpt(response.content, masked)
        if not isinstance(answer, dict):
            if is_retryable_status(response.status_code):
                raise RetryableDeliveryError(
                    f"{label} endpoint {self.token_url} answered HTTP {response.status_code}",
                    **details,
                    retry_after=parse_retry_after(response.headers.get("Retry-After")),
                )
            raise PermanentDeliveryError(
                f"{label} endpoint {self.token_url} answered HTTP {response.status_code} "
                "without a JSON body: check auth/token_url",
                **details,
            )
        code = answer.get(self.vendor.code_field, 0)
        vendor_message = mask_text(str(answer.get(self.vendor.message_field, "")), masked)
        if code != 0 or not isinstance(token, str) or not token:
            what = f"{self.vendor.code_field} {code}: {vendor_message}" if code != 0 else "no token in the answer"
            if code in self.retryable_codes or is_retryable_status(response.status_code):
                raise RetryableDeliveryError(
                    f"{label} endpoint {self.token_url}: {what}; will retry",
                    retry_after=parse_retry_after(response.headers.get("Retry-After")),
                    **details,
                )
            raise PermanentDeliveryError(
                f"{label} endpoint {self.token_url} refused the app credentials ({what}): check "
                f"auth/{self.vendor.id_field} and auth/{self.vendor.secret_field}",
                **details,
            )
        try:
            lifetime = float(answer.get(self.vendor.expiry_field) or DEFAULT_LIFETIME_SECONDS)
        except (TypeError, ValueError):
            lifetime = DEFAULT_LIFETIME_SECONDS
        logger.debug("fetched a %s valid for %.0f s", label, lifetime)
        return token, lifetime
