"""Connector instances: add, change, disable and look at the target systems the hub delivers to."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

import mappings
from connectors.base import CheckResult
from connectors.destinations import DestinationPolicy
from connectors.errors import ConfigError
from connectors.plugins import (
    connector_class,
    create_connector,
    mask_secrets,
    validate_config,
)
from connectors.schema import MASK
from hub.audit import chain as audit
from hub.config import Settings
from hub.delivery.outbox import EVENTS
from hub.delivery.reloading import load_mapping, load_policy
from hub.errors import ConnectorExists, ConnectorNotFound, InvalidInput
from hub.storage.models import Connector, SyncJob, utcnow
from hub.storage.statuses import BreakerState, JobStatus
from jsonerrors import pointer

NAME_PATTERN = "^[a-z0-9][a-z0-9_-]{0,99}$"
UPDATABLE = (
    "config",
    "mapping",
    "settings",
    "events",
    "job_codes",
    "retry_schedule",
    "max_concurrency",
    "rate_per_second",
    "enabled",
)
REQUIRED = ("name", "type", "config", "mapping", "events")

# A connector spec (API body, CLI options) as JSON Schema; `x-message` is what a person is told at the field's
# pointer when it breaks any of its rules (jsonschema's own wording names the rule, not what to write).
SPEC_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {
            "type": "string",
            "pattern": NAME_PATTERN,
            "x-message": "lower-case letters, digits, '-' and '_', starting with a letter or digit",
        },
        "type": {"type": "string", "minLength": 1, "x-message": "a connector type (see `connectors types`)"},
        "config": {"type": "object", "x-message": "an object, as the connector type's schema describes"},
        "mapping": {
            "type": "string",
            "minLength": 1,
            "x-message": "a mapping name: a preset (`mappings list`) or a file of HUB_MAPPING_DIRS, never a path",
        },
        "settings": {"type": "object", "x-message": "an object of mapping parameters; `policy` is a policy name"},
        "events": {
            "type": "array",
            "minItems": 1,
            "items": {"enum": list(EVENTS)},
            "x-message": f"a non-empty list of: {', '.join(EVENTS)}",
        },
        "job_codes": {
            "type": ["array", "null"],
            "items": {"type": "string"},
            "x-message": "a list of job codes, or null for every job",
        },
        "retry_schedule": {
            "anyOf": [{"type": "null"}, {"type": "array", "minItems": 1, "items": {"type": "number", "minimum": 0}}],
            "x-message": "a list of seconds between attempts, e.g. [5, 300, 1800]",
        },
        "max_concurrency": {"type": "integer", "minimum": 1, "maximum": 64, "x-message": "a whole number from 1 to 64"},
        "rate_per_second": {
            "anyOf": [{"type": "null"}, {"type": "number", "exclusiveMinimum": 0}],
            "x-message": "a positive number, or null for no limit",
        },
        "enabled": {"type": "boolean", "x-message": "true or false"},
    },
}
_VALIDATOR = Draft202012Validator(SPEC_SCHEMA)


def _invalid(pointer: str, message: str, title: str = "Invalid connector") -> InvalidInput:
    return InvalidInput(message, title=title, errors=[{"pointer": pointer, "message": message}])


def check_fields(spec: Any, *, partial: bool) -> dict[str, Any]:
    """Validate a connector spec against SPEC_SCHEMA; every problem is named at its JSON pointer."""
    if not isinstance(spec, dict):
        raise _invalid("", "a JSON object of connector fields")
    properties = SPEC_SCHEMA["properties"]
    found: dict[str, str] = {}
    for error in _VALIDATOR.iter_errors(spec):
        if error.validator == "additionalProperties":
            for key in sorted(set(spec) - set(properties)):
                found[pointer([key])] = f"unknown field {key!r}; allowed: {', '.join(sorted(properties))}"
        elif error.absolute_path:
            # At the bad item itself (/events/0), told what the field as a whole expects.
            field = str(error.absolute_path[0])
            found.setdefault(pointer([str(part) for part in error.absolute_path]), properties[field]["x-message"])
    if not partial:
        for key in REQUIRED:
            if key not in spec:
                found[pointer([key])] = f"required field {key!r} is missing"
    if found:
        errors = [{"pointer": where, "message": message} for where, message in sorted(found.items())]
        raise InvalidInput(f"{len(errors)} problem(s)", title="Invalid connector", errors=errors)
    return spec


def _checked_config(type_name: str, config: dict, policy: DestinationPolicy) -> dict:
    """The config as its type's schema, the destination policy and the type itself accept it, defaults filled; else
    every problem at its pointer under /config."""
    try:
        checked = validate_config(type_name, config, policy=policy)
    except ConfigError as error:
        raise _config_problems(
            type_name, error.errors or [{"pointer": error.pointer or "", "message": str(error)}]
        ) from None
    with create_connector(type_name, checked, policy=policy) as connector:
        problems = connector.configuration_problems()
    if problems:
        raise _config_problems(type_name, problems)
    return checked


def _config_problems(type_name: str, problems: list[dict]) -> InvalidInput:
    return InvalidInput(
        f"the {type_name} connector's config has {len(problems)} problem(s)",
        title="Invalid connector configuration",
        errors=[{"pointer": "/config" + p["pointer"], "message": p["message"]} for p in problems],
    )


def _checked_mapping(type_name: str, mapping: str, settings: Settings) -> None:
    """The mapping is a catalog name whose file loads and renders the type's payloads; never a path."""
    try:
        settings.catalog.path_of(mapping, "mapping")
        loaded = load_mapping(settings.catalog, mapping)
    except (mappings.CatalogError, mappings.MappingError) as error:
        raise _invalid("/mapping", str(error)) from None
    kind = connector_class(type_name).payload_kind
    if loaded.kind != kind:
        raise _invalid(
            "/mapping", f"mapping {loaded.name!r} renders {loaded.kind} payloads; a {type_name} connector takes {kind}"
        )


def _checked_policy(connector_settings: dict, settings: Settings) -> None:
    """`settings.policy`, when given, is a policy name from the catalog whose file loads; never a path."""
    if "policy" not in connector_settings:
        return
    name = connector_settings["policy"]
    try:
        settings.catalog.path_of(name, "policy")
        load_policy(settings.catalog, name)
    except (mappings.CatalogError, mappings.PolicyError) as error:
        raise _invalid("/settings/policy", str(error)) from None


def add(session: Session, spec: dict, *, actor: str, settings: Settings) -> Connector:
    """Add a connector; `settings` (the hub's) give the destination policy and the catalog it is checked against."""
    check_fields(spec, partial=False)
    try:
        connector_class(spec["type"])
    except ConfigError as error:
        raise _invalid("/type", str(error)) from None
    if session.scalar(select(Connector.id).where(Connector.name == spec["name"], Connector.deleted_at.is_(None))):
        raise ConnectorExists(f"a connector named {spec['name']!r} exists already")
    config = _checked_config(spec["type"], spec["config"], settings.destinations)
    _checked_mapping(spec["type"], spec["mapping"], settings)
    _checked_policy(spec.get("settings") or {}, settings)
    connector = Connector(
        name=spec["name"],
        type=spec["type"],
        config=config,
        mapping=spec["mapping"],
        settings=spec.get("settings") or {},
        events=spec["events"],
        job_codes=spec.get("job_codes"),
        retry_schedule=spec.get("retry_schedule"),
        max_concurrency=spec.get("max_concurrency", 4),
        rate_per_second=spec.get("rate_per_second"),
        enabled=spec.get("enabled", True),
    )
    session.add(connector)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="connector.added",
        object_type="connector",
        object_id=connector.name,
        details={"type": connector.type, "mapping": connector.mapping, "events": connector.events},
    )
    return connector


def update(
    session: Session, name: str, changes: dict, *, actor: str, settings: Settings, replace_config: bool = False
) -> Connector:
    """Change a connector. `config` is merged into the stored one (what is left out is kept), unless
    `replace_config`: then it is the whole new config (a form's), with only masked secrets kept from the stored."""
    connector = get(session, name)
    check_fields(changes, partial=True)
    if "name" in changes or "type" in changes:
        raise _invalid(
            "/name" if "name" in changes else "/type", "a connector's name and type cannot change; add a new one"
        )
    if "config" in changes:
        # Secrets left out (or sent back masked) keep their stored values, so a form can round-trip.
        if replace_config:
            merged = _keep_masked(connector.config, changes["config"])
        else:
            merged = _merge_config(connector.config, changes["config"])
        changes = {**changes, "config": _checked_config(connector.type, merged, settings.destinations)}
    if "mapping" in changes:
        _checked_mapping(connector.type, changes["mapping"], settings)
    if "settings" in changes:
        _checked_policy(changes["settings"], settings)
    for key, value in changes.items():
        setattr(connector, key, value)
    if changes.get("enabled") is True:
        connector.disabled_reason = None
        connector.breaker_state, connector.breaker_failures, connector.breaker_open_until = BreakerState.CLOSED, 0, None
    audit.append(
        session,
        actor=actor,
        action="connector.updated",
        object_type="connector",
        object_id=name,
        details={"fields": sorted(changes)},
    )
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


def _keep_masked(stored: dict, new: dict) -> dict:
    """`new` with every masked value replaced by the stored value at the same place."""
    kept = dict(new)
    for key, value in new.items():
        if value == MASK and key in stored:
            kept[key] = stored[key]
        elif isinstance(value, dict) and isinstance(stored.get(key), dict):
            kept[key] = _keep_masked(stored[key], value)
    return kept


def disable(session: Session, name: str, *, actor: str, reason: str) -> Connector:
    connector = get(session, name)
    connector.enabled, connector.disabled_reason = False, reason
    # The reason is free text a person typed (it may name people): it stays on the connector, not in the trail.
    audit.append(session, actor=actor, action="connector.disabled", object_type="connector", object_id=name, details={})
    return connector


# Jobs that would wait (or be replayed) for ever on a deleted connector; delivered and in-flight ones are left.
UNFINISHED = (JobStatus.PENDING, JobStatus.RETRYING, JobStatus.DEAD)


def delete(session: Session, name: str, *, actor: str) -> int:
    """Delete a connector: its config and secrets are erased and it receives nothing more; its row stays, renamed
    `NAME (deleted #ID)` so the name can be used again, and its jobs stay in the sync log under that name. Jobs
    still waiting are cancelled ("connector deleted"), as erasure cancels them. Returns how many jobs it had."""
    connector = get(session, name)
    now = utcnow()
    ended = session.execute(
        sql_update(SyncJob)
        .where(SyncJob.connector_id == connector.id, SyncJob.status.in_(UNFINISHED))
        .values(status=JobStatus.CANCELLED, next_attempt_at=None, last_error=f"connector {name!r} deleted by {actor}")
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    jobs = session.scalar(select(func.count()).select_from(SyncJob).where(SyncJob.connector_id == connector.id)) or 0
    connector.name = f"{name[:80]} (deleted #{connector.id})"
    connector.config, connector.settings = {}, {}
    connector.enabled, connector.disabled_reason, connector.deleted_at = False, f"deleted by {actor}", now
    audit.append(
        session,
        actor=actor,
        action="connector.deleted",
        object_type="connector",
        object_id=name,
        details={"type": connector.type, "jobs_kept": jobs, "jobs_ended": ended, "renamed": connector.name},
    )
    return jobs


def check(connector: Connector, settings: Settings) -> CheckResult:
    """Test a stored connector's connection under the hub's destination policy; a refused config is a failed check."""
    try:
        live_connector = create_connector(connector.type, connector.config, policy=settings.destinations)
    except ConfigError as error:
        return CheckResult(False, f"the config is refused: {error}")
    with live_connector:
        return live_connector.check()


def live(statement):
    """Restrict a select over Connector to the connectors not deleted."""
    return statement.where(Connector.deleted_at.is_(None))


def get(session: Session, name: str) -> Connector:
    connector = session.scalar(live(select(Connector).where(Connector.name == name)))
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
        "breaker": {
            "state": connector.breaker_state,
            "failures": connector.breaker_failures,
            "open_until": connector.breaker_open_until.isoformat() if connector.breaker_open_until else None,
        },
        "created_at": connector.created_at.isoformat(),
        "updated_at": connector.updated_at.isoformat() if connector.updated_at else None,
    }


def mappings_for(type_name: str, settings: Settings) -> list[str]:
    """Catalog mappings that render this type's kind of payload, for a form's choice; a file that does not load is
    left out here (named by add/update, with its error, when chosen)."""
    kind = connector_class(type_name).payload_kind
    names = []
    for name in settings.catalog.mapping_names():
        try:
            if load_mapping(settings.catalog, name).kind == kind:
                names.append(name)
        except (mappings.CatalogError, mappings.MappingError):
            continue
    return names


def types_view() -> list[dict]:
    from connectors.plugins import connector_types

    return [
        {
            "type": name,
            "version": cls.version,
            "description": cls.description,
            "payload_kind": cls.payload_kind,
            "batching": cls.batching,
            "config_schema": cls.config_schema,
        }
        for name, cls in connector_types().items()
    ]
