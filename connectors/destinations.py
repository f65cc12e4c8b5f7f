"""Where connectors may send: a destination policy checked when a connector is configured and again at connect time.

By default a connector may reach public addresses over https only. Loopback, private, link-local, shared
(carrier-grade NAT), unspecified, multicast and reserved addresses are refused, and so are the cloud metadata
services (169.254.169.254, 100.100.100.200, fd00:ec2::254, metadata.google.internal) and IP addresses written in
alternate spellings (2130706433, 0177.0.0.1, 0x7f.1, ::ffff:127.0.0.1). An operator admits an on-premises HR
system by network or host name (HUB_ALLOWED_DESTINATIONS), plain http by HUB_ALLOW_PLAIN_HTTP, and local WSDL
files and CSV folders only under configured roots (HUB_WSDL_ROOTS, HUB_CSV_ROOTS).

The check runs twice: on the configured URL (`check_url`, a ConfigError with a pointer), and on every address a
host name resolves to when a connection is opened (`guarded_session`, `create_guarded_connection`), so a name
that resolves to a refused address later (DNS rebinding) or a redirect to one is refused too.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    NameResolutionError,
    NewConnectionError,
)
from urllib3.util.connection import _set_socket_options
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from connectors.errors import ConfigError, PermanentDeliveryError

__all__ = [
    "METADATA_ADDRESSES",
    "METADATA_HOSTS",
    "DestinationPolicy",
    "DestinationRefused",
    "check_url",
    "create_guarded_connection",
    "default_policy",
    "guarded_session",
    "set_default_policy",
    "url_errors",
]

ADMIT_HINT = "add it to HUB_ALLOWED_DESTINATIONS if the hub is meant to reach it"

# Cloud instance metadata services hand out credentials: refused unless allowed by that exact address.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, Azure, GCP, OpenStack, DigitalOcean, Oracle
        "169.254.170.2",  # AWS ECS task credentials
        "100.100.100.200",  # Alibaba Cloud
        "fd00:ec2::254",  # AWS over IPv6
    )
)
METADATA_HOSTS = frozenset(
    {"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"}
)
LOCAL_HOSTS = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

# A host made only of numbers and hex numbers is an IPv4 address to the resolver, however it is written.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


class DestinationRefused(PermanentDeliveryError):
    """A connection the destination policy refuses; retrying cannot help until the policy or the target changes."""


def _parse_ipv4_spelling(host: str) -> ipaddress.IPv4Address | None:
    """The address inet_aton would make of a numeric host (2130706433, 0177.0.0.1, 0x7f.1); None if not numeric."""
    labels = host.split(".")
    if not 1 <= len(labels) <= 4 or not all(_NUMERIC_LABEL.match(label) for label in labels):
        return None
    try:
        numbers = [
            int(label, 16)
            if label.startswith("0x")
            else int(label, 8)
            if label.startswith("0") and len(label) > 1
            else int(label)
            for label in labels
        ]
    except ValueError:
        return None
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    value = 0
    for number in leading:
        value = value * 256 + number
    value = value * 256 ** (5 - len(numbers)) + last
    return ipaddress.IPv4Address(value)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (IPv4-mapped, 6to4, NAT64), which is where packets really go."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _category(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What kind of non-public address this is; None for a public one."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata service address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private-network address"
    if not address.is_global:
        return "a reserved or shared (non-public) address"
    return None


def _split_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = re.split(r"[,\s]+", value)
    return [item.strip() for item in value if item and item.strip()]


def _truthy(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def _normal_host(host: str) -> str:
    host = host.strip().strip("[]").rstrip(".").lower()
    if not host.isascii():
        # What the resolver will be asked: "ⓛocalhost" is localhost once IDNA-mapped.
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            pass
    return host


def _is_within(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


@dataclass(frozen=True)
class DestinationPolicy:
    """Which networks, hosts, schemes and local roots connectors may use; frozen, shared between threads."""

    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    allowed_hosts: frozenset[str] = frozenset()
    allow_plain_http: bool = False
    wsdl_roots: tuple[str, ...] = ()  # real paths (symlinks resolved)
    csv_roots: tuple[str, ...] = ()
    source: str = field(default="the built-in default", compare=False)

    @classmethod
    def from_settings(
        cls,
        allowed_destinations: str | Iterable[str] | None = None,
        allow_plain_http: bool | str | None = False,
        wsdl_roots: str | Iterable[str] | None = None,
        csv_roots: str | Iterable[str] | None = None,
        source: str = "settings",
    ) -> DestinationPolicy:
        """A policy from setting values: CIDRs, addresses and host names separated by commas or spaces."""
        networks = []
        hosts = set()
        for item in _split_list(allowed_destinations):
            try:
                networks.append(ipaddress.ip_network(item.strip("[]"), strict=False))
            except ValueError:
                host = _normal_host(item)
                if not re.match(r"^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$", host):
                    raise ConfigError(
                        f"HUB_ALLOWED_DESTINATIONS entry {item!r} is neither a CIDR (10.20.0.0/16), an address "
                        "nor a host name",
                        pointer="HUB_ALLOWED_DESTINATIONS",
                    ) from None
                hosts.add(host)

        def roots(value, name: str) -> tuple[str, ...]:
            paths = []
            for item in _split_list(value) if isinstance(value, str) else list(value or []):
                if not os.path.isabs(item):
                    raise ConfigError(f"{name} entry {item!r} must be an absolute path", pointer=name)
                paths.append(os.path.realpath(item))
            return tuple(paths)

        return cls(
            allowed_networks=tuple(networks),
            allowed_hosts=frozenset(hosts),
            allow_plain_http=_truthy(allow_plain_http),
            wsdl_roots=roots(wsdl_roots, "HUB_WSDL_ROOTS"),
            csv_roots=roots(csv_roots, "HUB_CSV_ROOTS"),
            source=source,
        )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> DestinationPolicy:
        """A policy from HUB_ALLOWED_DESTINATIONS, HUB_ALLOW_PLAIN_HTTP, HUB_WSDL_ROOTS and HUB_CSV_ROOTS."""
        environ = os.environ if environ is None else environ
        # Roots are separated like PATH, so a root may contain a comma or a space.
        return cls.from_settings(
            environ.get("HUB_ALLOWED_DESTINATIONS"),
            environ.get("HUB_ALLOW_PLAIN_HTTP"),
            [item for item in environ.get("HUB_WSDL_ROOTS", "").split(os.pathsep) if item],
            [item for item in environ.get("HUB_CSV_ROOTS", "").split(os.pathsep) if item],
            source="the environment",
        )

    # ---- addresses and hosts -------------------------------------------------------------------

    def _allowed_by_network(self, address) -> bool:
        if address in METADATA_ADDRESSES:
            # Only an operator naming the metadata address itself admits it, never a wide range around it.
            return any(network.num_addresses == 1 and address in network for network in self.allowed_networks)
        return any(address.version == network.version and address in network for network in self.allowed_networks)

    def address_refusal(
        self, address: str | ipaddress.IPv4Address | ipaddress.IPv6Address, host: str | None = None
    ) -> str | None:
        """Why a connection to `address` (reached through the name `host`) is refused; None when it is admitted."""
        if isinstance(address, str):
            address = ipaddress.ip_address(address.split("%", 1)[0])
        candidates = [address]
        if address.version == 6:
            embedded = _embedded_ipv4(address)
            if embedded is not None:
                candidates.append(embedded)
        for candidate in candidates:
            if host is not None and _normal_host(host) in self.allowed_hosts and candidate not in METADATA_ADDRESSES:
                continue
            if self._allowed_by_network(candidate):
                continue
            category = _category(candidate)
            if category is not None:
                shown = str(candidate) if candidate == address else f"{candidate} (inside {address})"
                return f"{shown} is {category}"
        return None

    def host_refusal(self, host: str) -> str | None:
        """Why a configured host is refused before any lookup (literal addresses, odd spellings, known names)."""
        name = _normal_host(host)
        if not name:
            return "the URL has no host"
        if name in self.allowed_hosts:
            return None
        try:
            address = ipaddress.ip_address(name.split("%", 1)[0])
        except ValueError:
            address = None
        if address is not None:
            if address.version == 6 and address.ipv4_mapped is not None and not self._allowed_by_network(address):
                return f"{host} is an IPv4-mapped IPv6 spelling of {address.ipv4_mapped}; write the IPv4 address itself"
            return self.address_refusal(address)
        spelled = _parse_ipv4_spelling(name)
        if spelled is not None:
            return f"{host} is an alternate spelling of the IPv4 address {spelled}; write it as {spelled}"
        if _NUMERIC_LABEL.match(name.split(".")[-1]) and all(_NUMERIC_LABEL.match(label) for label in name.split(".")):
            return f"{host} looks like an IP address but is not one"
        if name in LOCAL_HOSTS or name.endswith(".localhost"):
            return f"{host} names this machine (loopback)"
        if name in METADATA_HOSTS:
            return f"{host} names a cloud metadata service"
        return None

    def url_refusal(self, url: str) -> str | None:
        """Why a URL is refused (scheme, host); None when it may be used. Addresses are checked again at connect."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - a bad port raises here
        except ValueError as error:
            return f"it is not a valid URL ({error})"
        scheme = parts.scheme.lower()
        if scheme == "file":
            return "file:// URLs are refused; give a plain path under HUB_WSDL_ROOTS or HUB_CSV_ROOTS"
        if scheme not in ("http", "https"):
            return f"the scheme {scheme or '(none)'}:// is not http(s)"
        if scheme == "http" and not self.allow_plain_http:
            return (
                "plain http:// is refused (credentials and candidate data would travel unencrypted); use "
                "https://, or set HUB_ALLOW_PLAIN_HTTP=true for a trusted network"
            )
        reason = self.host_refusal(parts.hostname or "")
        if reason is not None:
            return f"{reason}; {ADMIT_HINT}"
        return None

    # ---- local roots ---------------------------------------------------------------------------

    def _rooted(self, path: str, roots: tuple[str, ...], setting: str, what: str) -> str | None:
        if "\x00" in path:
            return f"{what} contains a NUL character"
        if urlsplit(path).scheme.lower() == "file":
            return f"file:// URLs are refused for the {what}; give a plain path under {setting}"
        if not os.path.isabs(path):
            return f"the {what} must be an absolute path under {setting}"
        if not roots:
            return f"no {what} is allowed: {setting} lists no roots"
        real = os.path.realpath(path)
        if not _is_within(real, roots):
            shown = path if real == os.path.normpath(path) else f"{path} (really {real})"
            return f"the {what} {shown} is not under {setting} ({', '.join(roots)})"
        return None

    def wsdl_path_refusal(self, path: str) -> str | None:
        """Why a local WSDL (or schema it imports) may not be read; None when it lies under HUB_WSDL_ROOTS."""
        return self._rooted(path, self.wsdl_roots, "HUB_WSDL_ROOTS", "WSDL file")

    def csv_folder_refusal(self, path: str) -> str | None:
        """Why a CSV export folder may not be written; None when it lies under HUB_CSV_ROOTS."""
        return self._rooted(path, self.csv_roots, "HUB_CSV_ROOTS", "CSV folder")

    def checked_wsdl_path(self, path: str) -> str:
        """The real path of a local WSDL under the roots, or DestinationRefused."""
        reason = self.wsdl_path_refusal(path)
        if reason is not None:
            raise DestinationRefused(f"destination refused: {reason}")
        return os.path.realpath(path)

    def checked_csv_folder(self, path: str) -> str:
        """The real path of a CSV folder under the roots, or DestinationRefused."""
        reason = self.csv_folder_refusal(path)
        if reason is not None:
            raise DestinationRefused(f"destination refused: {reason}")
        return os.path.realpath(path)


# ---- the process-wide default -------------------------------------------------------------------

_default_lock = threading.Lock()
_default: DestinationPolicy | None = None


def default_policy() -> DestinationPolicy:
    """The policy connectors use when none is passed: set by the hub at start-up, else read from the environment."""
    global _default
    with _default_lock:
        if _default is None:
            _default = DestinationPolicy.from_environ()
        return _default


def set_default_policy(policy: DestinationPolicy | None) -> None:
    """Replace the process-wide default; None reads the environment again on next use."""
    global _default
    with _default_lock:
        _default = policy


def check_url(url: str, policy: DestinationPolicy | None = None, *, pointer: str = "", what: str = "URL") -> str:
    """The URL itself when the policy admits it; ConfigError saying why not, at `pointer`, otherwise."""
    reason = (policy or default_policy()).url_refusal(url)
    if reason is not None:
        raise ConfigError(f"{what} {url!r} is refused: {reason}", pointer=pointer)
    return url


def url_errors(urls: Iterable[tuple[str, str | None]], policy: DestinationPolicy) -> list[dict]:
    """{pointer, message} for each (pointer, URL) the policy refuses; absent URLs are skipped."""
    errors = []
    for pointer, url in urls:
        if url:
            reason = policy.url_refusal(url)
            if reason is not None:
                errors.append({"pointer": pointer, "message": f"{url!r} is refused: {reason}"})
    return errors


# ---- connect time -------------------------------------------------------------------------------


def create_guarded_connection(
    policy: DestinationPolicy,
    address: tuple[str, int],
    timeout=_DEFAULT_TIMEOUT,
    source_address=None,
    socket_options=None,
) -> socket.socket:
    """socket.create_connection that connects only to resolved addresses the policy admits."""
    host, port = address
    host = host.strip("[]")
    refusals = []
    last_error: OSError | None = None
    for family, socket_type, protocol, _name, socket_address in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM):
        reason = policy.address_refusal(str(socket_address[0]), host)
        if reason is not None:
            refusals.append(reason)
            continue
        sock = None
        try:
            sock = socket.socket(family, socket_type, protocol)
            _set_socket_options(sock, socket_options)
            if timeout is not _DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            # The resolved address itself: no second lookup that could answer differently.
            sock.connect(socket_address)
            return sock
        except OSError as error:
            last_error = error
            if sock is not None:
                sock.close()
    if last_error is not None:
        raise last_error
    if refusals:
        raise DestinationRefused(
            f"destination refused: {host} resolves to {'; '.join(sorted(set(refusals)))}; {ADMIT_HINT}"
        )
    raise OSError(f"getaddrinfo returned no address for {host}")


class _GuardedConnectionMixin:
    destination_policy: DestinationPolicy
    # What urllib3's HTTPConnection, which this is mixed into, provides.
    _dns_host: str
    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        try:
            return create_guarded_connection(
                self.destination_policy,
                (self._dns_host, self.port),
                self.timeout,
                source_address=self.source_address,
                socket_options=self.socket_options,
            )
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error  # type: ignore[arg-type]
        except TimeoutError as error:
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
            ) from error
        except DestinationRefused:
            raise
        except OSError as error:
            raise NewConnectionError(self, f"Failed to establish a new connection: {error}") from error  # type: ignore[arg-type]


def _pool_classes(policy: DestinationPolicy) -> dict:
    connection = type(
        "GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection), {"destination_policy": policy}
    )
    secure_connection = type(
        "GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection), {"destination_policy": policy}
    )
    return {
        "http": type("GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": connection}),
        "https": type("GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": secure_connection}),
    }


class GuardedAdapter(HTTPAdapter):
    """An HTTPAdapter checking every request's URL (redirect hops included) and every address it connects to."""

    def __init__(self, policy: DestinationPolicy, **kwargs):
        self.destination_policy = policy
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self.destination_policy)

    def send(self, request, *args, **kwargs):
        reason = self.destination_policy.url_refusal(request.url)
        if reason is not None:
            raise DestinationRefused(f"destination refused: {_without_query(request.url)}: {reason}")
        return super().send(request, *args, **kwargs)

    def __getstate__(self):
        state = super().__getstate__()
        state["destination_policy"] = self.destination_policy
        return state

    def __setstate__(self, state):
        self.destination_policy = state.pop("destination_policy")
        super().__setstate__(state)


def _without_query(url: str) -> str:
    """A URL as quoted in errors: a token may travel in the query string."""
    return url.split("?", 1)[0]


def guarded_session(policy: DestinationPolicy | None = None, *, pool_size: int = 10) -> requests.Session:
    """A requests session whose every connection passes the policy (default: the process-wide one)."""
    session = requests.Session()
    adapter = GuardedAdapter(
        policy or default_policy(), pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
