"""Connector instances: add, change, disable and look at the target systems the hub delivers to."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import mappings
from connectors.errors import ConfigError
from connectors.plugins import connector_class, mask_secrets, validate_config
from connectors.schema import MASK
from hub.audit import chain as audit
from hub.delivery.outbox import EVENTS
from hub.errors import ConnectorExists, ConnectorNotFound, InvalidInput
from hub.storage.models import Connector

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
UPDATABLE = ("config", "mapping", "settings", "events", "job_codes", "retry_schedule", "max_concurrency",
             "rate_per_second", "enabled")


def _invalid(pointer: str, message: str, title: str = "Invalid connector") -> InvalidInput:
    return InvalidInput(message, title=title, errors=[{"pointer": pointer, "message": message}])


def check_fields(spec: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate a connector spec (API body, CLI options); every problem names its JSON pointer."""
    errors: list[dict] = []
    allowed = {"name", "type", *UPDATABLE}
    for key in spec:
        if key not in allowed:
            errors.append({"pointer": f"/{key}", "message": f"unknown field {key!r}; allowed: {', '.join(sorted(allowed))}"})
    if not partial:
        for key in ("name", "type", "config", "mapping", "events"):
            if key not in spec:
                errors.append({"pointer": f"/{key}", "message": f"required field {key!r} is missing"})
    if "name" in spec and not (isinstance(spec["name"], str) and NAME.match(spec["name"])):
        errors.append({"pointer": "/name", "message": "lower-case letters, digits, '-' and '_', starting with a letter or digit"})
    if "events" in spec:
        events = spec["events"]
        if not isinstance(events, list) or not events or any(e not in EVENTS for e in events):
            errors.append({"pointer": "/events", "message": f"a non-empty list of: {', '.join(EVENTS)}"})
    if "job_codes" in spec and spec["job_codes"] is not None and (
            not isinstance(spec["job_codes"], list) or not all(isinstance(c, str) for c in spec["job_codes"])):
        errors.append({"pointer": "/job_codes", "message": "a list of job codes, or null for every job"})
    if "settings" in spec and not isinstance(spec["settings"], dict):
        errors.append({"pointer": "/settings", "message": "an object of mapping parameters"})
    if "retry_schedule" in spec and spec["retry_schedule"] is not None and (
            not isinstance(spec["retry_schedule"], list) or not spec["retry_schedule"]
            or not all(isinstance(v, (int, float)) and v >= 0 for v in spec["retry_schedule"])):
        errors.append({"pointer": "/retry_schedule", "message": "a list of seconds between attempts, e.g. [5, 300, 1800]"})
    if "max_concurrency" in spec and not (isinstance(spec["max_concurrency"], int) and 1 <= spec["max_concurrency"] <= 64):
        errors.append({"pointer": "/max_concurrency", "message": "a whole number from 1 to 64"})
    if "rate_per_second" in spec and spec["rate_per_second"] is not None and not (
            isinstance(spec["rate_per_second"], (int, float)) and spec["rate_per_second"] > 0):
        errors.append({"pointer": "/rate_per_second", "message": "a positive number, or null for no limit"})
    if "enabled" in spec and not isinstance(spec["enabled"], bool):
        errors.append({"pointer": "/enabled", "message": "true or false"})
    if "config" in spec and not isinstance(spec["config"], dict):
        errors.append({"pointer": "/config", "message": "an object, as the connector type's schema describes"})
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s)", title="Invalid connector", errors=errors)
    return spec


def _checked_config(type_name: str, config: dict) -> dict:
    try:
        return validate_config(type_name, config)
    except ConfigError as error:
        raise InvalidInput(str(error), title="Invalid connector configuration",
                      errors=[{"pointer": "/config" + e["pointer"], "message": e["message"]} for e in error.errors]) from None


def _checked_mapping(type_name: str, mapping: str) -> None:
    try:
        loaded = mappings.load_mapping(mapping)
    except mappings.MappingError as error:
        raise _invalid("/mapping", str(error)) from None
    kind = connector_class(type_name).payload_kind
    if loaded.kind != kind:
        raise _invalid("/mapping", f"mapping {loaded.name!r} renders {loaded.kind} payloads; a {type_name} connector takes {kind}")


def add(session: Session, spec: dict, *, actor: str) -> Connector:
    check_fields(spec, partial=False)
    try:
        connector_class(spec["type"])
    except ConfigError as error:
        raise _invalid("/type", str(error)) from None
    if session.scalar(select(Connector.id).where(Connector.name == spec["name"])):
        raise ConnectorExists(f"a connector named {spec['name']!r} exists already")
    config = _checked_config(spec["type"], spec["config"])
    _checked_mapping(spec["type"], spec["mapping"])
    connector = Connector(
        name=spec["name"], type=spec["type"], config=config, mapping=spec["mapping"],
        settings=spec.get("settings") or {}, events=spec["events"], job_codes=spec.get("job_codes"),
        retry_schedule=spec.get("retry_schedule"), max_concurrency=spec.get("max_concurrency", 4),
        rate_per_second=spec.get("rate_per_second"), enabled=spec.get("enabled", True),
    )
    session.add(connector)
    session.flush()
    audit.append(session, actor=actor, action="connector.added", object_type="connector", object_id=connector.name,
                 details={"type": connector.type, "mapping": connector.mapping, "events": connector.events})
    return connector


def update(session: Session, name: str, changes: dict, *, actor: str) -> Connector:
    connector = get(session, name)
    check_fields(changes, partial=True)
    if "name" in changes or "type" in changes:
        raise _invalid("/name" if "name" in changes else "/type", "a connector's name and type cannot change; add a new one")
    if "config" in changes:
        # Secrets left out (or sent back masked) keep their stored values, so a form can round-trip.
        merged = _merge_config(connector.config, changes["config"])
        changes = {**changes, "config": _checked_config(connector.type, merged)}
    if "mapping" in changes:
        _checked_mapping(connector.type, changes["mapping"])
    for key, value in changes.items():
        setattr(connector, key, value)
    if changes.get("enabled") is True:
        connector.disabled_reason = None
        connector.breaker_state, connector.breaker_failures, connector.breaker_open_until = "closed", 0, None
    audit.append(session, actor=actor, action="connector.updated", object_type="connector", object_id=name,
                 details={"fields": sorted(changes)})
    return connector



def _merge_config(stored: dict, changes: dict) -> dict:
    """Apply changes over the stored config, deeply; a masked value keeps what is stored."""
    merged = dict(stored)
    for key, value in changes.items():
        if value == MASK:
            continue
        if isinstance(value, dict) and isinstance(stored.get(key), dict):
            merged[key] = _merge_config(stored[key], value)
        else:
            merged[key] = value
    return merged


def disable(session: Session, name: str, *, actor: str, reason: str) -> Connector:
    connector = get(session, name)
    connector.enabled, connector.disabled_reason = False, reason
    audit.append(session, actor=actor, action="connector.disabled", object_type="connector", object_id=name,
                 details={"reason": reason})
    return connector


def get(session: Session, name: str) -> Connector:
    connector = session.scalar(select(Connector).where(Connector.name == name))
    if connector is None:
        raise ConnectorNotFound(f"no connector named {name!r}")
    return connector


def view(connector: Connector) -> dict:
    """A connector as admins see it: secrets masked."""
    schema = connector_class(connector.type).config_schema
    return {
        "name": connector.name,
        "type": connector.type,
        "config": mask_secrets(schema, connector.config),
        "mapping": connector.mapping,
        "settings": connector.settings,
        "events": connector.events,
        "job_codes": connector.job_codes,
        "enabled": connector.enabled,
        "disabled_reason": connector.disabled_reason,
        "retry_schedule": connector.retry_schedule,
        "max_concurrency": connector.max_concurrency,
        "rate_per_second": connector.rate_per_second,
        "breaker": {"state": connector.breaker_state, "failures": connector.breaker_failures,
                    "open_until": connector.breaker_open_until.isoformat() if connector.breaker_open_until else None},
        "created_at": connector.created_at.isoformat(),
        "updated_at": connector.updated_at.isoformat() if connector.updated_at else None,
    }


def types_view() -> list[dict]:
    from connectors.plugins import connector_types

    return [{"type": name, "version": cls.version, "description": cls.description, "payload_kind": cls.payload_kind,
             "batching": cls.batching, "config_schema": cls.config_schema} for name, cls in connector_types().items()]


