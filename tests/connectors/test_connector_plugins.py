"""The plugin manager, config validation and secret handling."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from connectors import Connector, hookimpl
from connectors.errors import ConfigError, ConnectorError
from connectors.plugins import (
    connector_types,
    create_connector,
    get_plugin_manager,
    mask_secrets,
    secret_pointers,
    validate_config,
)
from connectors.rest import RestConnector

BUILT_IN_TYPES = {"rest", "soap", "csv"}


def test_built_in_types_are_registered_as_plugins():
    types = connector_types()
    assert BUILT_IN_TYPES <= set(types)
    assert types["rest"] is RestConnector
    plugin_names = {get_plugin_manager().get_name(plugin) for plugin in get_plugin_manager().get_plugins()}
    assert {"connectors.rest", "connectors.soap", "connectors.csv_export"} <= plugin_names


class EchoConnector(Connector):
    type_name = "echo"
    payload_kind = "rest"
    config_schema = {"type": "object", "properties": {"prefix": {"type": "string", "description": "Prefix."}}}


class EchoPlugin:
    @hookimpl
    def hub_connector_types(self):
        return [EchoConnector]


def test_a_plugin_registered_at_run_time_is_listed():
    plugin_manager = get_plugin_manager()
    plugin_manager.register(EchoPlugin(), name="echo-plugin")
    try:
        assert connector_types()["echo"] is EchoConnector
        assert create_connector("echo", {"prefix": "x"}).config == {"prefix": "x"}
    finally:
        plugin_manager.unregister(name="echo-plugin")
    assert "echo" not in connector_types()


class SecondRest(RestConnector):
    pass


class ClashingPlugin:
    @hookimpl
    def hub_connector_types(self):
        return [SecondRest]


def test_two_plugins_claiming_one_type_name_is_a_clear_error():
    plugin_manager = get_plugin_manager()
    plugin_manager.register(ClashingPlugin(), name="clashing-plugin")
    try:
        with pytest.raises(ConnectorError) as raised:
            connector_types()
    finally:
        plugin_manager.unregister(name="clashing-plugin")
    message = str(raised.value)
    assert "'rest'" in message and "connectors.rest" in message and "clashing-plugin" in message


class NotAConnectorPlugin:
    @hookimpl
    def hub_connector_types(self):
        return [dict]


def test_a_plugin_returning_something_else_is_named():
    plugin_manager = get_plugin_manager()
    plugin_manager.register(NotAConnectorPlugin(), name="broken-plugin")
    try:
        with pytest.raises(ConnectorError, match="broken-plugin"):
            connector_types()
    finally:
        plugin_manager.unregister(name="broken-plugin")


def test_unknown_type_names_the_known_ones():
    with pytest.raises(ConfigError) as raised:
        validate_config("ftp", {})
    assert "'ftp'" in str(raised.value)
    for type_name in BUILT_IN_TYPES:
        assert type_name in str(raised.value)


def test_every_violation_is_listed_with_its_pointer():
    config = {
        "base_url": "ftp://x",
        "auth": {"type": "basic", "username": "u"},
        "timeouts": {"read": -1},
        "colour": "red",
    }
    with pytest.raises(ConfigError) as raised:
        validate_config("rest", config)
    pointers = {error["pointer"] for error in raised.value.errors}
    assert {
        "/base_url",
        "/auth/password",
        "/timeouts/read",
        "/colour",
    } <= pointers  # each unknown field at its own pointer
    assert raised.value.pointer == raised.value.errors[0]["pointer"]
    assert "colour" in str(raised.value)


def test_invalid_secrets_are_not_echoed():
    with pytest.raises(ConfigError) as raised:
        validate_config("rest", {"base_url": "https://hr.example", "webhook_secret": "not-a-whsec-hunter2"})
    assert "hunter2" not in str(raised.value)
    assert raised.value.errors == [{"pointer": "/webhook_secret", "message": raised.value.errors[0]["message"]}]


def test_defaults_are_filled_in():
    config = validate_config("rest", {"base_url": "https://hr.example"})
    assert config["timeouts"] == {"connect": 5, "read": 30}
    assert config["auth"] == {"type": "none", "client_auth_method": "client_secret_basic"}
    assert config["verify_tls"] is True


def test_create_connector_validates():
    with pytest.raises(ConfigError, match="/base_url"):
        create_connector("rest", {})


def test_secret_pointers_and_masking():
    schema = RestConnector.config_schema
    assert set(secret_pointers(schema)) == {
        "/auth/token",
        "/auth/password",
        "/auth/client_secret",
        "/auth/app_secret",
        "/auth/corpsecret",
        "/webhook_secret",
        "/secret_headers",
    }
    config = {
        "base_url": "https://hr.example",
        "auth": {"type": "bearer", "token": "t0ken"},
        "secret_headers": {"X-Api-Key": "k3y"},
        "headers": {"X-Tenant": "acme"},
    }
    masked = mask_secrets(schema, config)
    assert masked == {
        "base_url": "https://hr.example",
        "auth": {"type": "bearer", "token": "********"},
        "secret_headers": {"X-Api-Key": "********"},
        "headers": {"X-Tenant": "acme"},
    }
    assert config["auth"]["token"] == "t0ken"


def _properties(schema: dict, pointer: str = ""):
    for keyword in ("allOf", "anyOf", "oneOf"):
        for subschema in schema.get(keyword, []):
            yield from _properties(subschema, pointer)
    for name, property_schema in schema.get("properties", {}).items():
        yield pointer + "/" + name, property_schema
        yield from _properties(property_schema, pointer + "/" + name)


@pytest.mark.parametrize("type_name", sorted(BUILT_IN_TYPES))
def test_built_in_config_schemas_are_valid_and_described(type_name):
    connector_class = connector_types()[type_name]
    Draft202012Validator.check_schema(connector_class.config_schema)
    undescribed = [
        pointer for pointer, schema in _properties(connector_class.config_schema) if not schema.get("description")
    ]
    assert undescribed == []
    assert connector_class.payload_kind in ("rest", "soap", "csv")
    assert connector_class.version and connector_class.description
