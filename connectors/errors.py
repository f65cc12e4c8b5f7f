"""Errors a connector raises, named for what the caller does next."""

from __future__ import annotations


class ConnectorError(Exception):
    """Base class of every error raised by the connectors package."""


class ConfigError(ConnectorError):
    """A connector configuration is invalid; `.errors` lists every violation with its JSON pointer."""

    def __init__(self, message: str, pointer: str = "", errors: list[dict] | None = None):
        self.pointer = pointer
        self.errors = errors if errors is not None else [{"pointer": pointer, "message": message}]
        super().__init__(message)


class DeliveryError(ConnectorError):
    """A delivery attempt failed; carries what the target answered, secrets masked."""

    def __init__(
        self,
        message: str,
        status_code: int | None = None,
        response_excerpt: str = "",
        latency_ms: float | None = None,
    ):
        self.status_code = status_code
        self.response_excerpt = response_excerpt
        self.latency_ms = latency_ms
        super().__init__(message)


class RetryableDeliveryError(DeliveryError):
    """The attempt may succeed later: retry, no earlier than `.retry_after` seconds when set."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs):
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help; `.disable_connector` asks the hub to stop using the target (HTTP 410)."""

    def __init__(self, message: str, *, disable_connector: bool = False, **kwargs):
        self.disable_connector = disable_connector
        super().__init__(message, **kwargs)
