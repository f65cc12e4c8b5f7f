"""The connector contract: the base class every connector type subclasses, and the values it trades in."""

from __future__ import annotations

import pathlib
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from connectors.destinations import DestinationPolicy, default_policy
from connectors.schema import apply_defaults


@dataclass(frozen=True)
class DeliveryContext:
    """What the hub knows about the job being delivered."""

    job_id: str  # stable idempotency key, same on every attempt
    attempt: int
    event: str
    connector_name: str
    cache_dir: pathlib.Path  # instance folder subdir for caches, e.g. WSDL and CSV staging
    now: datetime


@dataclass(frozen=True)
class DeliveryResult:
    """A successful delivery as the attempt log records it."""

    status_code: int | None
    latency_ms: float
    response_excerpt: str  # first 2 KB, secrets masked
    remote_id: str | None = None


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a connection test, with a message a person can act on."""

    ok: bool
    message: str


@dataclass(frozen=True)
class PreparedDelivery:
    """Exactly what would be sent, secrets masked."""

    method: str
    url: str
    headers: dict
    body: str


class Connector:
    """Base class of every connector type, built-in or plugin."""

    type_name: ClassVar[str]
    version: ClassVar[str] = "0"
    description: ClassVar[str] = ""
    config_schema: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {},
    }
    payload_kind: ClassVar[str]  # "rest" | "soap" | "csv"
    batching: ClassVar[bool] = False

    def __init__(self, config: dict, *, policy: DestinationPolicy | None = None):
        # Defaults are filled here as well as in validate_config, so a config stored without them still works.
        self.config = apply_defaults(self.config_schema, config)
        self.destination_policy = policy or default_policy()

    @classmethod
    def destination_errors(cls, config: dict, policy: DestinationPolicy) -> list[dict]:
        """Every configured destination the policy refuses, as {pointer, message}; checked at configuration time."""
        return []

    def check(self) -> CheckResult:
        """Test the connection with a real request."""
        raise NotImplementedError

    def configuration_problems(self) -> list[dict]:
        """What makes this config undeliverable beyond its schema, as {pointer, message} items, checked when a
        connector is added or changed (a SOAP WSDL whose address is relative, say). Nothing by default."""
        return []

    def prepare(self, payload: dict, context: DeliveryContext) -> PreparedDelivery:
        """Render what `deliver` would send; raise PermanentDeliveryError for a payload the target cannot take."""
        raise NotImplementedError

    def deliver(self, payload: dict, context: DeliveryContext) -> DeliveryResult:
        """Send one payload; raise RetryableDeliveryError or PermanentDeliveryError on failure."""
        raise NotImplementedError

    def deliver_batch(self, items: list[tuple[DeliveryContext, dict]]) -> list[DeliveryResult]:
        """Deliver a batch all-or-nothing (batching connectors only); one result per item, in order."""
        raise NotImplementedError

    def batch_due(
        self,
        pending: int,
        oldest_pending_at: datetime | None,
        last_flush_at: datetime | None,
        now: datetime,
    ) -> bool:
        """Whether a batching connector wants its pending jobs flushed now."""
        return pending > 0

    def close(self) -> None:
        """Release pooled connections and other resources."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
