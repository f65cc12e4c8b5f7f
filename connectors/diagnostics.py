"""Turning network failures into messages a person can act on, for `check()` and delivery errors."""

from __future__ import annotations

import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NameResolutionError


def _causes(exception: BaseException):
    """The exception and everything it wraps: causes, contexts, urllib3 `.reason`s and exceptions in `.args`."""
    pending: list[Any] = [exception]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        pending.extend(argument for argument in current.args if isinstance(argument, BaseException))


def _find(exception: BaseException, kinds) -> BaseException | None:
    return next((item for item in _causes(exception) if isinstance(item, kinds)), None)


def _host_port(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}"


def describe_network_error(exception: BaseException, url: str, timeouts: tuple[float, float] | None = None) -> str:
    """A one-line, actionable description of why a request to `url` failed."""
    where = _host_port(url)
    host = urlsplit(url).hostname
    if isinstance(exception, requests.exceptions.ConnectTimeout):
        limit = f" within {timeouts[0]:g} s" if timeouts else ""
        return f"no answer from {where}{limit} (connect timeout): check the address and any firewall in between"
    if isinstance(exception, requests.exceptions.Timeout):
        limit = f" within {timeouts[1]:g} s" if timeouts else ""
        return f"{where} accepted the connection but sent no answer{limit} (read timeout)"
    if isinstance(exception, requests.exceptions.SSLError) or _find(exception, ssl.SSLError):
        reason = _find(exception, ssl.SSLError) or exception
        return (
            f"TLS handshake with {where} failed ({reason}): check the server certificate, "
            "or set ca_bundle to the CA that signed it"
        )
    if _find(exception, (socket.gaierror, NameResolutionError)):
        return f"cannot resolve host name {host!r}: check the address for typos and the DNS settings"
    if _find(exception, ConnectionRefusedError):
        return f"connection to {where} refused: is the service running, and is the port right?"
    if isinstance(exception, requests.exceptions.ConnectionError):
        return f"cannot connect to {where}: {exception}"
    return f"request to {where} failed: {exception}"


def describe_http_status(status_code: int, url: str) -> str:
    """An actionable line for an HTTP answer a connection test did not expect."""
    where = _host_port(url)
    if status_code == 401:
        return f"{where} answered 401 Unauthorized: the credentials (auth) are wrong or missing"
    if status_code == 403:
        return f"{where} answered 403 Forbidden: the credentials were accepted but lack permission"
    if status_code == 404:
        return f"{where} answered 404 Not Found for {urlsplit(url).path or '/'}: check the path"
    if status_code >= 500:
        return f"{where} answered {status_code}: the target is reachable but failing"
    return f"{where} answered HTTP {status_code}"
