"""The plugin manager: built-in connector types and those of installed packages, looked up by type name."""

from __future__ import annotations

import functools
import importlib
import inspect
import logging

import pluggy

from connectors import hookspecs
from connectors.base import Connector
from connectors.destinations import DestinationPolicy, default_policy
from connectors.errors import ConfigError, ConnectorError
from connectors.schema import format_errors, mask_secrets, secret_pointers, validate

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "hris_hub.connectors"

# Built-in connector types register exactly as third-party plugins do.
DEFAULT_PLUGINS = (
    "connectors.rest",
    "connectors.soap",
    "connectors.csv_export",
    # The generic REST type's outcome pull, apart from rest.py so each can change on its own.
    "connectors.rest_outcomes",
    # The generic REST type's erasure: a DELETE where the mapping names one.
    "connectors.rest_erase",
)

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "connector_class",
    "connector_types",
    "create_connector",
    "erase_at_target",
    "fetch_outcomes",
    "get_plugin_manager",
    "mask_secrets",
    "secret_pointers",
    "validate_config",
]


@functools.lru_cache(maxsize=None)
def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager (cached; `get_plugin_manager.cache_clear()` reloads)."""
    plugin_manager = pluggy.PluginManager("hris_hub")
    plugin_manager.add_hookspecs(hookspecs)
    for module_name in DEFAULT_PLUGINS:
        plugin_manager.register(importlib.import_module(module_name), name=module_name)
    loaded = plugin_manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    if loaded:
        logger.info("loaded %d connector plugin(s) from entry points %r", loaded, ENTRY_POINT_GROUP)
    return plugin_manager


def _describe(connector_class: type) -> str:
    return f"{connector_class.__module__}.{connector_class.__qualname__}"


def connector_types() -> dict[str, type[Connector]]:
    """Every registered connector type by its type name; two plugins claiming one name is an error."""
    types: dict[str, type[Connector]] = {}
    providers: dict[str, str] = {}
    for hook_implementation in get_plugin_manager().hook.hub_connector_types.get_hookimpls():
        plugin_name = hook_implementation.plugin_name
        for connector_class in hook_implementation.function() or []:  # type: ignore[attr-defined]
            if not (isinstance(connector_class, type) and issubclass(connector_class, Connector)):
                raise ConnectorError(
                    f"plugin {plugin_name!r} returned {connector_class!r} from hub_connector_types; "
                    "expected Connector subclasses"
                )
            type_name = getattr(connector_class, "type_name", None)
            if not type_name:
                raise ConnectorError(f"plugin {plugin_name!r}: {_describe(connector_class)} has no type_name")
            if type_name in types and types[type_name] is not connector_class:
                raise ConnectorError(
                    f"connector type {type_name!r} is provided twice: by plugin {providers[type_name]!r} "
                    f"({_describe(types[type_name])}) and by plugin {plugin_name!r} ({_describe(connector_class)}); "
                    "uninstall one of them"
                )
            types[type_name] = connector_class
            providers[type_name] = plugin_name
    return dict(sorted(types.items()))


def connector_class(type_name: str) -> type[Connector]:
    """The Connector subclass registered as `type_name`, or ConfigError naming the known types."""
    types = connector_types()
    if type_name not in types:
        known = ", ".join(types) or "none"
        raise ConfigError(f"unknown connector type {type_name!r}; known types: {known}", pointer="")
    return types[type_name]


def validate_config(type_name: str, config: dict, *, policy: DestinationPolicy | None = None) -> dict:
    """Validate a config against its type's JSON Schema and its destinations against the policy; return it with
    defaults filled in."""
    cls = connector_class(type_name)
    validated = validate(cls.config_schema, config, what=f"{type_name!r} connector")
    errors = cls.destination_errors(validated, policy or default_policy())
    if errors:
        raise ConfigError(
            f"invalid {type_name!r} connector config: {format_errors(errors)}",
            pointer=errors[0]["pointer"],
            errors=errors,
        )
    return validated


def create_connector(type_name: str, config: dict, *, policy: DestinationPolicy | None = None) -> Connector:
    """A ready connector of `type_name` from a config, validated first; `policy` overrides the default policy."""
    validated = validate_config(type_name, config, policy=policy)
    cls = connector_class(type_name)
    if policy is None:
        return cls(validated)
    if "policy" not in inspect.signature(cls).parameters:
        # A plugin written before the policy existed takes only its config; it still gets the policy to use.
        connector = cls(validated)
        connector.destination_policy = policy
        return connector
    return cls(validated, policy=policy)


def erase_at_target(connector: Connector, *, subject: dict, settings: dict | None = None) -> list | None:
    """Ask the connector's target to delete a candidate (hub_erase): the results of the requests sent, or None when no
    plugin can delete there. Raises DeliveryError when the target refused or could not be reached."""
    return get_plugin_manager().hook.hub_erase(connector=connector, subject=subject, settings=settings)


def fetch_outcomes(connector: Connector, *, kinds: list[str], since=None, settings: dict | None = None) -> list | None:
    """Outcome records the connector's target gives back (hub_fetch_outcomes); None when no plugin pulls for its type."""
    return get_plugin_manager().hook.hub_fetch_outcomes(
        connector=connector, kinds=list(kinds), since=since, settings=settings or {}
    )
