"""Parsed WSDL documents, loaded once per process and shared by every SOAP connector using the same WSDL."""

from __future__ import annotations

import collections
import logging
import os
import pathlib
import threading
import time
from urllib.parse import urlsplit

from zeep.cache import SqliteCache
from zeep.settings import Settings
from zeep.transports import Transport
from zeep.wsdl import Document

from connectors.destinations import DestinationPolicy, DestinationRefused, default_policy, guarded_session

logger = logging.getLogger(__name__)

# Entity expansion and DTDs are refused in every document zeep parses: WSDLs and responses alike.
SAFE_SETTINGS = Settings(strict=True, forbid_dtd=True, forbid_entities=True, xml_huge_tree=False)
CACHE_FILE_NAME = "wsdl-cache.sqlite"

_lock = threading.Lock()
_key_locks: dict[tuple, threading.Lock] = collections.defaultdict(threading.Lock)
_documents: dict[tuple, Document] = {}
loads: collections.Counter = collections.Counter()  # WSDL location -> times parsed in this process


def is_url(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


class GuardedTransport(Transport):
    """A zeep transport that reads local files (the WSDL and every schema it imports) only under the WSDL roots.

    URLs go through the session, whose adapter checks each one and each address it connects to.
    """

    def __init__(self, *args, policy: DestinationPolicy, **kwargs):
        self.destination_policy = policy
        super().__init__(*args, **kwargs)

    def load(self, url):
        if url and not is_url(url):
            path = self.destination_policy.checked_wsdl_path(os.path.expanduser(url))
            with open(path, "rb") as handle:
                return handle.read()
        reason = self.destination_policy.url_refusal(url or "")
        if reason is not None:
            raise DestinationRefused(f"destination refused: {url.split('?', 1)[0]}: {reason}")
        return super().load(url)


def location_refusal(location: str, policy: DestinationPolicy) -> str | None:
    """Why a configured WSDL location (URL or local path) is refused; None when the policy admits it."""
    if "://" in location and urlsplit(location).scheme.lower() != "file":
        return policy.url_refusal(location)
    return policy.wsdl_path_refusal(location)


def _cache_key(location: str) -> tuple:
    if is_url(location):
        return (location,)
    path = pathlib.Path(location).resolve()
    # A changed file is a new document; the mtime makes an edit take effect without a restart.
    return (str(path), os.stat(path).st_mtime_ns)


def load_document(
    location: str,
    *,
    cache_dir: pathlib.Path | None = None,
    timeout: float = 30.0,
    verify: bool | str = True,
    auth: tuple[str, str] | None = None,
    cache_seconds: int = 86400,
    policy: DestinationPolicy | None = None,
) -> Document:
    """The parsed WSDL at `location` (file path or URL); parsed at most once per process.

    A WSDL fetched over HTTP is also kept in `cache_dir` (SQLite), so a restarted process does not refetch it.
    """
    policy = policy or default_policy()
    reason = location_refusal(location, policy)
    if reason is not None:
        raise DestinationRefused(f"destination refused: WSDL {location}: {reason}")
    key = _cache_key(location)
    with _lock:
        document = _documents.get(key)
        if document is not None:
            return document
        key_lock = _key_locks[key]
    # One loader per WSDL; others wanting the same one wait, different WSDLs load in parallel.
    with key_lock:
        with _lock:
            if key in _documents:
                return _documents[key]
        session = guarded_session(policy, pool_size=2)
        session.verify = verify
        session.auth = auth
        cache = None
        if cache_dir is not None and is_url(location):
            cache_dir.mkdir(parents=True, exist_ok=True)
            cache = SqliteCache(path=str(cache_dir / CACHE_FILE_NAME), timeout=cache_seconds)
        transport = GuardedTransport(cache=cache, timeout=timeout, session=session, policy=policy)
        started = time.perf_counter()
        document = Document(str(location), transport, settings=SAFE_SETTINGS)  # type: ignore[arg-type]
        logger.info("loaded WSDL %s in %.2f s", location, time.perf_counter() - started)
        with _lock:
            _documents[key] = document
            loads[location] += 1
        return document


def clear() -> None:
    """Forget every parsed document (tests and benchmarks)."""
    with _lock:
        _documents.clear()
        _key_locks.clear()
        loads.clear()
