"""Parsed WSDL documents, loaded once per process and shared by every SOAP connector using the same WSDL."""

from __future__ import annotations

import collections
import logging
import os
import pathlib
import threading
import time
from urllib.parse import urlsplit

import requests
from zeep.cache import SqliteCache
from zeep.settings import Settings
from zeep.transports import Transport
from zeep.wsdl import Document

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
) -> Document:
    """The parsed WSDL at `location` (file path or URL); parsed at most once per process.

    A WSDL fetched over HTTP is also kept in `cache_dir` (SQLite), so a restarted process does not refetch it.
    """
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
        session = requests.Session()
        session.verify = verify
        session.auth = auth
        cache = None
        if cache_dir is not None and is_url(location):
            cache_dir.mkdir(parents=True, exist_ok=True)
            cache = SqliteCache(path=str(cache_dir / CACHE_FILE_NAME), timeout=cache_seconds)
        transport = Transport(cache=cache, timeout=timeout, session=session)
        started = time.perf_counter()
        document = Document(str(location), transport, settings=SAFE_SETTINGS)
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
