"""The destination and catalog settings, read and checked at start-up: a bad value stops the start and names itself."""

from __future__ import annotations

import ipaddress

import pytest

from hub.config import ConfigurationError, Settings
from tests.conftest import TEST_KEY


def settings(tmp_path, **env) -> Settings:
    base = {
        "HUB_INSTANCE_PATH": str(tmp_path / "instance"),
        "HUB_ENCRYPTION_KEYS": TEST_KEY,
        "HUB_SECRET_KEY": "test-secret-key-0123456789",
    }
    return Settings.from_env({**base, **env})


def test_nothing_set_is_the_built_in_policy_and_the_shipped_catalog(tmp_path):
    read = settings(tmp_path)
    assert read.destinations.allowed_networks == () and not read.destinations.allow_plain_http
    assert read.destinations.wsdl_roots == () and read.destinations.csv_roots == ()
    assert read.destinations.url_refusal("https://127.0.0.1/") is not None
    assert read.policy == "default" and "generic-rest" in read.catalog.mapping_names()


def test_allowances_are_read(tmp_path):
    (tmp_path / "wsdl").mkdir()
    read = settings(
        tmp_path,
        HUB_ALLOWED_DESTINATIONS="10.20.0.0/16 hr.corp.example",
        HUB_ALLOW_PLAIN_HTTP="true",
        HUB_WSDL_ROOTS=str(tmp_path / "wsdl"),
        HUB_CSV_ROOTS=f"{tmp_path / 'a'}:{tmp_path / '出口'}",
    )
    assert ipaddress.ip_network("10.20.0.0/16") in read.destinations.allowed_networks
    assert read.destinations.url_refusal("http://hr.corp.example/api") is None
    assert read.destinations.url_refusal("http://10.20.3.4/api") is None
    assert read.destinations.url_refusal("http://10.21.0.1/api") is not None
    assert len(read.destinations.csv_roots) == 2


@pytest.mark.parametrize(
    "env, names",
    [
        ({"HUB_ALLOWED_DESTINATIONS": "10.0.0.0/8, not a host!"}, "HUB_ALLOWED_DESTINATIONS"),
        ({"HUB_ALLOW_PLAIN_HTTP": "maybe"}, "HUB_ALLOW_PLAIN_HTTP"),
        ({"HUB_WSDL_ROOTS": "relative/wsdl"}, "HUB_WSDL_ROOTS"),
        ({"HUB_CSV_ROOTS": "exports"}, "HUB_CSV_ROOTS"),
        ({"HUB_MAPPING_DIRS": "mappings"}, "HUB_MAPPING_DIRS"),
        ({"HUB_POLICY": "/etc/passwd"}, "HUB_POLICY"),
        ({"HUB_POLICY": "no-such-policy"}, "HUB_POLICY"),
        ({"HUB_POLICY": "../default"}, "HUB_POLICY"),
    ],
)
def test_a_bad_value_stops_the_start_and_names_the_setting(tmp_path, env, names):
    with pytest.raises(ConfigurationError) as raised:
        settings(tmp_path, **env)
    assert names in str(raised.value)
    assert "root:x:0:0" not in str(raised.value)


def test_a_policy_folder_and_an_older_policy_path_are_both_read_as_names(tmp_path):
    folder = tmp_path / "policies"
    folder.mkdir()
    shipped = settings(tmp_path).catalog.path_of("default", "policy").read_text(encoding="utf-8")
    (folder / "acme.yaml").write_text(shipped, encoding="utf-8")
    by_name = settings(tmp_path, HUB_POLICY_DIRS=str(folder), HUB_POLICY="acme")
    assert by_name.policy == "acme" and "acme" in by_name.catalog.policy_names()
    by_path = settings(tmp_path, HUB_POLICY=str(folder / "acme.yaml"))
    assert by_path.policy == "acme" and by_path.catalog.path_of("acme", "policy") == folder / "acme.yaml"
