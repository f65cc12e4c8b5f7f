"""Authentication for the REST connector: none, bearer, basic, OAuth2 client credentials (token cached).

Vendor token flows (Feishu, WeCom) live in connectors.vendor_tokens and are built here too.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from typing import Any

import requests

from connectors.diagnostics import describe_network_error
from connectors.errors import PermanentDeliveryError, RetryableDeliveryError
from connectors.http_status import is_retryable_status, parse_retry_after
from connectors.redaction import excerpt
from connectors.schema import MASK

logger = logging.getLogger(__name__)

# Refresh a little before the token's stated expiry, so it does not expire in flight.
EXPIRY_MARGIN_SECONDS = 30.0
DEFAULT_TOKEN_LIFETIME_SECONDS = 300.0


class NoAuth:
    """No authentication."""

    refreshable = False

    def headers(self) -> dict[str, str]:
        return {}

    def masked_headers(self) -> dict[str, str]:
        return {}

    def params(self) -> dict[str, str]:
        """Query parameters added to every request (a token some vendors want in the URL)."""
        return {}

    def masked_params(self) -> dict[str, str]:
        return {}

    def current(self) -> str | None:
        """The credential in use now, if any, so a refresh can name the one that was refused."""
        return None

    def secrets(self) -> list[str]:
        return []

    def invalidate(self, used: str | None = None) -> None:
        """Nothing cached, nothing to forget."""


class StaticAuth(NoAuth):
    """A fixed Authorization header (bearer token or basic credentials)."""

    def __init__(self, scheme: str, credentials: str):
        self.scheme = scheme
        self.credentials = credentials

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"{self.scheme} {self.credentials}"}

    def masked_headers(self) -> dict[str, str]:
        return {"Authorization": f"{self.scheme} {MASK}"}

    def secrets(self) -> list[str]:
        return [self.credentials]


class OAuth2ClientCredentials(NoAuth):
    """OAuth2 client-credentials grant; the token is cached until shortly before it expires."""

    refreshable = True

    def __init__(self, auth_config: dict, session: requests.Session, timeouts: tuple[float, float]):
        self.token_url = auth_config["token_url"]
        self.client_id = auth_config["client_id"]
        self.client_secret = auth_config["client_secret"]
        self.scope = auth_config.get("scope")
        self.client_auth_method = auth_config["client_auth_method"]
        self.session = session
        self.timeouts = timeouts
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token()}"}

    def masked_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {MASK}"}

    def secrets(self) -> list[str]:
        return [secret for secret in (self.client_secret, self._token) if secret]

    def current(self) -> str | None:
        return self._token

    def invalidate(self, used: str | None = None) -> None:
        with self._lock:
            if used is None or used == self._token:
                self._token = None
                self._expires_at = 0.0

    def access_token(self) -> str:
        """The cached token, fetched anew when missing or about to expire."""
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at:
                self._token, lifetime = self._fetch_token()
                self._expires_at = time.monotonic() + max(0.0, lifetime - EXPIRY_MARGIN_SECONDS)
            return self._token

    def _fetch_token(self) -> tuple[str, float]:
        form = {"grant_type": "client_credentials"}
        if self.scope:
            form["scope"] = self.scope
        auth = None
        if self.client_auth_method == "client_secret_basic":
            auth = (self.client_id, self.client_secret)
        else:
            form.update(client_id=self.client_id, client_secret=self.client_secret)
        started = time.perf_counter()
        try:
            response = self.session.post(
                self.token_url,
                data=form,
                auth=auth,
                timeout=self.timeouts,
                allow_redirects=False,
                headers={"Accept": "application/json"},
            )
        except requests.RequestException as exception:
            raise RetryableDeliveryError(
                "OAuth2 token endpoint: " + describe_network_error(exception, self.token_url, self.timeouts)
            ) from exception
        latency_ms = (time.perf_counter() - started) * 1000
        details: dict[str, Any] = {
            "status_code": response.status_code,
            "response_excerpt": excerpt(response.content, self.secrets()),
            "latency_ms": latency_ms,
        }
        if is_retryable_status(response.status_code):
            raise RetryableDeliveryError(
                f"OAuth2 token endpoint {self.token_url} answered HTTP {response.status_code}",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                **details,
            )
        if response.status_code != 200:
            raise PermanentDeliveryError(
                f"OAuth2 token endpoint {self.token_url} refused the client credentials "
                f"(HTTP {response.status_code}): check auth/client_id, auth/client_secret and auth/scope",
                **details,
            )
        try:
            token_response = response.json()
            token = token_response["access_token"]
        except (ValueError, KeyError, TypeError) as exception:
            raise PermanentDeliveryError(
                f"OAuth2 token endpoint {self.token_url} answered without an access_token", **details
            ) from exception
        lifetime = float(token_response.get("expires_in") or DEFAULT_TOKEN_LIFETIME_SECONDS)
        logger.debug("fetched an OAuth2 token from %s valid for %.0f s", self.token_url, lifetime)
        return token, lifetime


def build_auth(
    auth_config: dict, session: requests.Session, timeouts: tuple[float, float], base_url: str = ""
) -> NoAuth:
    """The authenticator for a validated `auth` config."""
    from connectors import vendor_tokens  # imports this module for NoAuth

    auth_type = auth_config["type"]
    if auth_type in vendor_tokens.VENDORS:
        return vendor_tokens.VendorToken(auth_type, auth_config, base_url, session, timeouts)
    if auth_type == "bearer":
        return StaticAuth("Bearer", auth_config["token"])
    if auth_type == "basic":
        user_pass = f"{auth_config['username']}:{auth_config['password']}".encode()
        return StaticAuth("Basic", base64.b64encode(user_pass).decode("ascii"))
    if auth_type == "oauth2_client_credentials":
        return OAuth2ClientCredentials(auth_config, session, timeouts)
    return NoAuth()
