"""Connectors deliver rendered payloads to target HR systems; built-ins and plugins share one contract."""

from connectors.base import CheckResult, Connector, DeliveryContext, DeliveryResult, PreparedDelivery
from connectors.destinations import DestinationPolicy, DestinationRefused
from connectors.errors import (
    ConfigError,
    ConnectorError,
    DeliveryError,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from connectors.hookspecs import hookimpl

__all__ = [
    "CheckResult",
    "ConfigError",
    "Connector",
    "ConnectorError",
    "DeliveryContext",
    "DeliveryError",
    "DeliveryResult",
    "DestinationPolicy",
    "DestinationRefused",
    "PermanentDeliveryError",
    "PreparedDelivery",
    "RetryableDeliveryError",
    "hookimpl",
]
