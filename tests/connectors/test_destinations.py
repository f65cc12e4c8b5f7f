"""The destination policy: refused addresses at configuration time and at connect time, on real loopback servers."""

from __future__ import annotations

import ipaddress
import os
import socket

import paramiko
import pytest

from connectors import wsdl_cache
from connectors.destinations import (
    DestinationPolicy,
    DestinationRefused,
    check_url,
    create_guarded_connection,
    guarded_session,
)
from connectors.errors import ConfigError
from connectors.plugins import create_connector, fetch_outcomes, validate_config
from connectors.rest import RestConnector
from tests.support.http_receiver import HttpReceiver, Reply
from tests.support.sftp_server import SftpServer
from tests.support.wsdl_generator import write_wsdl

STRICT = DestinationPolicy()  # the built-in default: nothing but public https
PLAIN_HTTP = DestinationPolicy(allow_plain_http=True)  # loopback still refused
LOOPBACK = DestinationPolicy.from_settings("127.0.0.1/32", allow_plain_http=True)
GOALS_PAYLOAD = {"method": "POST", "path": "/goals", "body": {"employee_id": "E-1", "目标": "季度数据报告完成率"}}


@pytest.fixture(autouse=True)
def fresh_wsdl_cache():
    wsdl_cache.clear()
    yield
    wsdl_cache.clear()


# ---- configuration time -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://169.254.169.254/latest/meta-data/", "cloud metadata service"),
        ("https://100.100.100.200/latest/meta-data/", "cloud metadata service"),
        ("https://[fd00:ec2::254]/latest/meta-data/", "cloud metadata service"),
        ("https://metadata.google.internal/computeMetadata/v1/", "names a cloud metadata service"),
        ("https://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/", "names a cloud metadata service"),
        ("https://127.0.0.1/", "loopback"),
        ("https://localhost:8443/", "names this machine"),
        ("https://hr.localhost/", "names this machine"),
        ("https://ⓛocalhost/", "names this machine"),
        ("https://[fe80::1%25eth0]/", "link-local"),
        ("https://[64:ff9b::a9fe:a9fe]/", "169.254.169.254 (inside 64:ff9b::a9fe:a9fe) is a cloud metadata"),
        ("https://192.0.2.10/", "private-network"),
        ("https://[::1]/", "loopback"),
        ("https://0.0.0.0/", "unspecified"),
        ("https://[::]/", "unspecified"),
        ("https://10.20.30.40/api", "private-network"),
        ("https://172.16.5.4/api", "private-network"),
        ("https://192.168.1.10/api", "private-network"),
        ("https://[fc00::1]/api", "private-network"),
        ("https://169.254.10.10/", "link-local"),
        ("https://[fe80::1]/", "link-local"),
        ("https://100.64.0.1/", "reserved or shared"),
        ("https://224.0.0.1/", "multicast"),
        ("https://2130706433/", "alternate spelling of the IPv4 address 127.0.0.1"),
        ("https://0177.0.0.1/", "alternate spelling of the IPv4 address 127.0.0.1"),
        ("https://0x7f.0.0.1/", "alternate spelling of the IPv4 address 127.0.0.1"),
        ("https://0x7f000001/", "alternate spelling of the IPv4 address 127.0.0.1"),
        ("https://127.1/", "alternate spelling of the IPv4 address 127.0.0.1"),
        ("https://0xa9fea9fe/", "alternate spelling of the IPv4 address 169.254.169.254"),
        ("https://[::ffff:127.0.0.1]/", "IPv4-mapped IPv6 spelling of 127.0.0.1"),
        ("https://[::ffff:a9fe:a9fe]/", "IPv4-mapped IPv6 spelling of 169.254.169.254"),
        ("https://[2002:7f00:1::]/", "127.0.0.1 (inside 2002:7f00:1::)"),
        ("https://999.1.1.1/", "looks like an IP address"),
        ("file:///etc/passwd", "file:// URLs are refused"),
        ("ftp://files.example.com/", "not http(s)"),
        ("http://hr.example.com/api", "plain http:// is refused"),
    ],
)
def test_refused_urls_say_why(url, reason):
    with pytest.raises(ConfigError) as refused:
        check_url(url, STRICT, pointer="/base_url", what="base_url")
    assert reason in str(refused.value)
    assert refused.value.pointer == "/base_url"


@pytest.mark.parametrize(
    "url",
    [
        "https://open.feishu.cn/open-apis",
        "https://qyapi.weixin.qq.com/cgi-bin",
        "https://8.8.8.8/",
        "https://[2001:4860:4860::8888]/",
    ],
)
def test_public_https_urls_pass(url):
    assert check_url(url, STRICT) == url


def test_plain_http_needs_the_opt_in():
    with pytest.raises(ConfigError, match="HUB_ALLOW_PLAIN_HTTP"):
        check_url("http://hr.example.com/", STRICT)
    assert check_url("http://hr.example.com/", PLAIN_HTTP)


def test_allowed_networks_and_hosts_admit_an_on_premises_system():
    policy = DestinationPolicy.from_settings("10.20.0.0/16, hr.corp.example", allow_plain_http="true")
    assert check_url("http://10.20.3.4:8080/api", policy)
    assert check_url("https://HR.corp.example/api", policy)
    assert policy.address_refusal("192.168.0.5", "hr.corp.example") is None  # a named host, wherever it lives
    assert "private-network" in policy.address_refusal("10.21.0.1", "other.corp.example")
    # A wide allowance never lets the metadata service through; only its own address does.
    wide = DestinationPolicy.from_settings("169.254.0.0/16, 100.64.0.0/10")
    assert "metadata" in wide.address_refusal("169.254.169.254")
    assert "metadata" in wide.address_refusal("100.100.100.200", "hr.corp.example")
    assert wide.address_refusal("169.254.1.1") is None
    assert DestinationPolicy.from_settings("169.254.169.254").address_refusal("169.254.169.254") is None


def test_a_bad_allowance_is_a_clear_error():
    with pytest.raises(ConfigError, match="HUB_ALLOWED_DESTINATIONS entry '10.0.0.0/33' is neither"):
        DestinationPolicy.from_settings("10.0.0.0/33")
    with pytest.raises(ConfigError, match="HUB_WSDL_ROOTS entry 'wsdl' must be an absolute path"):
        DestinationPolicy.from_settings(wsdl_roots="wsdl")


def test_policy_from_the_environment(tmp_path):
    policy = DestinationPolicy.from_environ(
        {
            "HUB_ALLOWED_DESTINATIONS": "10.0.0.0/8 hr.corp.example",
            "HUB_ALLOW_PLAIN_HTTP": "1",
            "HUB_WSDL_ROOTS": os.pathsep.join([str(tmp_path / "wsdl"), str(tmp_path / "其他")]),
            "HUB_CSV_ROOTS": str(tmp_path / "exports"),
        }
    )
    assert policy.allowed_networks == (ipaddress.ip_network("10.0.0.0/8"),)
    assert policy.allowed_hosts == {"hr.corp.example"}
    assert policy.allow_plain_http
    assert policy.wsdl_roots == (os.path.realpath(tmp_path / "wsdl"), os.path.realpath(tmp_path / "其他"))
    assert DestinationPolicy.from_environ({}) == STRICT


@pytest.mark.parametrize(
    ("type_name", "config", "pointer", "reason"),
    [
        ("rest", {"base_url": "https://169.254.169.254/latest"}, "/base_url", "metadata"),
        (
            "rest",
            {
                "base_url": "https://open.feishu.cn",
                "auth": {
                    "type": "feishu_tenant_access_token",
                    "app_id": "cli_1",
                    "app_secret": "s",
                    "token_url": "https://10.0.0.8/token",
                },
            },
            "/auth/token_url",
            "private-network",
        ),
        ("soap", {"wsdl": "/etc/passwd", "operation": "Put"}, "/wsdl", "not under HUB_WSDL_ROOTS"),
        ("soap", {"wsdl": "file:///etc/passwd", "operation": "Put"}, "/wsdl", "file:// URLs are refused"),
        (
            "soap",
            {
                "wsdl": "https://hr.example.com/svc?wsdl",
                "operation": "Put",
                "endpoint": "https://[::ffff:10.0.0.1]/svc",
                "binding": "B",
            },
            "/endpoint",
            "IPv4-mapped",
        ),
        (
            "csv",
            {"destination": {"type": "folder", "path": "/etc/cron.d"}},
            "/destination/path",
            "not under HUB_CSV_ROOTS",
        ),
        (
            "csv",
            {
                "destination": {
                    "type": "sftp",
                    "host": "169.254.169.254",
                    "username": "hr",
                    "password": "p",
                    "host_key": "ssh-ed25519 AAAA",
                }
            },
            "/destination/host",
            "metadata",
        ),
    ],
)
def test_connector_configs_are_checked_against_the_policy(type_name, config, pointer, reason):
    rooted = DestinationPolicy.from_settings(wsdl_roots=["/srv/hris/wsdl"], csv_roots=["/srv/hris/导出"])
    with pytest.raises(ConfigError) as refused:
        validate_config(type_name, config, policy=rooted)
    assert refused.value.pointer == pointer
    assert reason in str(refused.value)
    assert "HUB_" in str(refused.value)


# ---- connect time, real servers -----------------------------------------------------------------


def test_loopback_is_refused_by_default_and_admitted_when_allowed(make_context):
    with HttpReceiver() as receiver:
        config = {"base_url": receiver.url}
        with pytest.raises(ConfigError, match="loopback"):
            create_connector("rest", config, policy=PLAIN_HTTP)
        # A config stored before the policy tightened is refused at connect time, and nothing is sent.
        with RestConnector(config, policy=PLAIN_HTTP) as refused:
            with pytest.raises(DestinationRefused, match="127.0.0.1 is a loopback address"):
                refused.deliver(GOALS_PAYLOAD, make_context())
            assert not refused.check().ok
        assert receiver.requests == []
        with create_connector("rest", config, policy=LOOPBACK) as admitted:
            assert admitted.deliver(GOALS_PAYLOAD, make_context()).status_code == 200
        assert receiver.requests[0].json()["目标"] == "季度数据报告完成率"


def test_a_host_name_resolving_to_loopback_is_refused_at_connect_time(make_context):
    name = socket.gethostname()
    addresses = {info[4][0] for info in socket.getaddrinfo(name, 80, 0, socket.SOCK_STREAM)}
    if not all(ipaddress.ip_address(address).is_loopback for address in addresses):
        pytest.skip(f"this machine's name {name!r} does not resolve to loopback here ({sorted(addresses)})")
    with HttpReceiver() as receiver:
        config = {"base_url": f"http://{name}:{receiver.port}"}
        connector = create_connector("rest", config, policy=PLAIN_HTTP)  # a plain name passes configuration
        with connector, pytest.raises(DestinationRefused, match=f"{name} resolves to 127"):
            connector.deliver(GOALS_PAYLOAD, make_context())
        assert receiver.requests == []


def test_dns_rebinding_is_refused_at_connect_time(monkeypatch, make_context):
    """The name resolves to a public address when configured and to loopback when connected."""
    with HttpReceiver() as receiver:
        connector = create_connector("rest", {"base_url": f"http://hr.example.com:{receiver.port}"}, policy=PLAIN_HTTP)
        real_getaddrinfo = socket.getaddrinfo

        def rebinding(host, port, *args, **kwargs):
            # DNS cannot be made to rebind on demand on loopback: this one name answers with loopback.
            return real_getaddrinfo("127.0.0.1" if host == "hr.example.com" else host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        with connector, pytest.raises(DestinationRefused, match="hr.example.com resolves to 127.0.0.1"):
            connector.deliver(GOALS_PAYLOAD, make_context())
        assert receiver.requests == []


def test_a_redirect_to_a_refused_address_is_refused():
    with HttpReceiver(host="127.0.0.2") as inner, HttpReceiver() as outer:
        outer.script("/start", Reply(302, headers={"Location": inner.url + "/secret"}))
        with guarded_session(LOOPBACK) as session, pytest.raises(DestinationRefused, match="127.0.0.2 is a loopback"):
            session.get(outer.url + "/start", timeout=5)
        assert len(outer.requests) == 1
        assert inner.requests == []


def test_a_wsdl_url_redirecting_to_a_refused_address_is_refused():
    with HttpReceiver(host="127.0.0.2") as inner, HttpReceiver() as front:
        front.script("/hr.wsdl", Reply(302, headers={"Location": inner.url + "/hr.wsdl"}))
        result = create_connector(
            "soap", {"wsdl": front.url + "/hr.wsdl", "operation": "PutPerformanceGoals"}, policy=LOOPBACK
        ).check()
        assert not result.ok
        assert "127.0.0.2 is a loopback address" in result.message
        assert len(front.requests) == 1 and inner.requests == []


def test_token_fetches_and_outcome_pulls_pass_the_policy(make_context):
    with HttpReceiver(host="127.0.0.2") as token_server, HttpReceiver() as api:
        config = {
            "base_url": api.url,
            "auth": {
                "type": "wecom_access_token",
                "corpid": "ww1",
                "corpsecret": "s3",
                "token_url": token_server.url + "/cgi-bin/gettoken",
            },
        }
        with pytest.raises(ConfigError) as refused:
            validate_config("rest", config, policy=LOOPBACK)
        assert refused.value.pointer == "/auth/token_url"
        with RestConnector(config, policy=LOOPBACK) as connector, pytest.raises(DestinationRefused, match="127.0.0.2"):
            connector.deliver(GOALS_PAYLOAD, make_context())
        assert token_server.requests == [] and api.requests == []
    with HttpReceiver(host="127.0.0.2") as outcomes:
        with (
            RestConnector({"base_url": outcomes.url}, policy=LOOPBACK) as connector,
            pytest.raises(DestinationRefused, match="127.0.0.2"),
        ):
            fetch_outcomes(connector, kinds=["performance_review"])
        assert outcomes.requests == []


def test_guarded_connection_refuses_before_connecting():
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        port = listener.getsockname()[1]
        with pytest.raises(DestinationRefused, match="loopback"):
            create_guarded_connection(STRICT, ("127.0.0.1", port), timeout=2)
        create_guarded_connection(LOOPBACK, ("127.0.0.1", port), timeout=2).close()
    finally:
        listener.close()


def test_sftp_to_a_refused_host_is_refused_at_connect_time(tmp_path, make_context):
    with SftpServer(tmp_path / "root", username="hr", password="pw", host_key=paramiko.ECDSAKey.generate()) as server:
        config = {
            "destination": {
                "type": "sftp",
                "host": "127.0.0.1",
                "port": server.port,
                "username": "hr",
                "password": "pw",
                "host_key": server.host_key_line,
                "remote_dir": "/",
                "timeout": 5,
            }
        }
        connector = create_connector("csv", config)  # the tests' own policy admits loopback
        connector.destination.destination_policy = STRICT  # as a stored config meets a stricter policy
        result = connector.check()
        assert not result.ok and "loopback" in result.message
        assert server.operations == []


# ---- local roots ---------------------------------------------------------------------------------


def _rooted(tmp_path, **extra) -> DestinationPolicy:
    return DestinationPolicy.from_settings(
        wsdl_roots=[str(tmp_path / "wsdl")], csv_roots=[str(tmp_path / "导出")], **extra
    )


def test_wsdl_files_only_from_the_roots(tmp_path):
    (tmp_path / "wsdl").mkdir()
    inside = write_wsdl(tmp_path / "wsdl" / "hr.wsdl", operations=2, fields=2)
    outside = write_wsdl(tmp_path / "elsewhere.wsdl", operations=2, fields=2)
    policy = _rooted(tmp_path)
    loaded = create_connector("soap", {"wsdl": str(inside), "operation": "Operation000"}, policy=policy).check()
    # The WSDL loads; the address it names (plain http on loopback) is what the policy refuses.
    assert not loaded.ok and "cannot load WSDL" not in loaded.message and "plain http" in loaded.message
    with pytest.raises(ConfigError, match="not under HUB_WSDL_ROOTS"):
        create_connector("soap", {"wsdl": str(outside), "operation": "Operation000"}, policy=policy)
    escape = tmp_path / "wsdl" / "link.wsdl"
    escape.symlink_to(outside)
    with pytest.raises(ConfigError, match="really"):
        create_connector("soap", {"wsdl": str(escape), "operation": "Operation000"}, policy=policy)
    with pytest.raises(ConfigError, match="absolute path"):
        create_connector("soap", {"wsdl": "wsdl/hr.wsdl", "operation": "Operation000"}, policy=policy)


def test_a_wsdl_importing_a_file_outside_the_roots_is_refused(tmp_path):
    (tmp_path / "wsdl").mkdir()
    (tmp_path / "secret.xsd").write_text("<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'/>")
    document = write_wsdl(tmp_path / "wsdl" / "imports.wsdl", operations=1, fields=1).read_text()
    for location in ("../secret.xsd", "file:///etc/passwd"):
        importing = document.replace(
            "<wsdl:types>",
            f"<wsdl:types><xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:import "
            f"namespace='urn:secret' schemaLocation='{location}'/></xs:schema>",
            1,
        )
        assert importing != document
        path = tmp_path / "wsdl" / "imports.wsdl"
        path.write_text(importing)
        wsdl_cache.clear()
        result = create_connector(
            "soap", {"wsdl": str(path), "operation": "Operation000"}, policy=_rooted(tmp_path)
        ).check()
        assert not result.ok
        assert "destination refused" in result.message


def test_csv_folders_only_from_the_roots(tmp_path, make_context):
    policy = _rooted(tmp_path)
    (tmp_path / "导出" / "月度").mkdir(parents=True)
    connector = create_connector(
        "csv", {"destination": {"type": "folder", "path": str(tmp_path / "导出" / "月度")}}, policy=policy
    )
    assert connector.check().ok
    payload = {"columns": [{"key": "name", "header": "姓名"}], "rows": [{"name": "张伟"}]}
    connector.deliver(payload, make_context())
    for folder in ("/etc/cron.d", str(tmp_path / "导出" / ".." / "outside")):
        with pytest.raises(ConfigError, match="not under HUB_CSV_ROOTS"):
            validate_config("csv", {"destination": {"type": "folder", "path": folder}}, policy=policy)
    (tmp_path / "outside").mkdir()
    (tmp_path / "导出" / "escape").symlink_to(tmp_path / "outside")
    with pytest.raises(ConfigError, match="really"):
        validate_config(
            "csv", {"destination": {"type": "folder", "path": str(tmp_path / "导出" / "escape")}}, policy=policy
        )
    # A stored config meeting the policy is refused when delivering, and nothing is written.
    stored = create_connector("csv", {"destination": {"type": "folder", "path": str(tmp_path / "outside")}})
    stored.destination.refusal = policy.csv_folder_refusal(str(tmp_path / "outside"))
    with pytest.raises(DestinationRefused):
        stored.deliver(payload, make_context())
    assert list((tmp_path / "outside").iterdir()) == []


def test_the_built_in_default_is_strict():
    assert STRICT.allowed_networks == () and not STRICT.allow_plain_http
    assert STRICT.wsdl_roots == () and STRICT.csv_roots == ()
    with pytest.raises(DestinationRefused, match="lists no roots"):
        STRICT.checked_csv_folder("/srv/exports")
    with guarded_session(STRICT) as session, pytest.raises(DestinationRefused, match="loopback"):
        session.get("https://127.0.0.1/", timeout=2)
