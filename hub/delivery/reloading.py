"""Loading catalog mappings and policies by name, once, and again only when their file changes."""

from __future__ import annotations

import functools
import threading
import time
from pathlib import Path

from mappings import MappingError, PolicyError
from mappings.catalog import Catalog, CatalogError
from mappings.policy import Policy
from mappings.target_mapping import TargetMapping


@functools.lru_cache(maxsize=256)
def _cached(catalog: Catalog, kind: str, name: str, path: str, mtime: float):
    return catalog.mapping(name) if kind == "mapping" else catalog.policy(name)


# Where a name resolves to is looked up again after this long (a file added in front of a preset); whether the file
# changed is asked on every load (one stat), so an edited mapping or policy is used from its next job on.
RESOLVE_SECONDS = 1.0
_resolved: dict[tuple[int, str, str], tuple[float, Catalog, Path]] = {}
_resolved_lock = threading.Lock()


def _path_of(catalog: Catalog, kind: str, name: str, *, fresh: bool = False) -> Path:
    key, now = (id(catalog), kind, name), time.monotonic()
    with _resolved_lock:
        cached = _resolved.get(key)
    if not fresh and cached is not None and cached[1] is catalog and now - cached[0] < RESOLVE_SECONDS:
        return cached[2]
    path = catalog.path_of(name, kind)  # realpath and isfile per folder: a few stats, paid once a second
    with _resolved_lock:
        if len(_resolved) > 1024:
            _resolved.clear()
        _resolved[key] = (now, catalog, path)
    return path


def _load(catalog: Catalog, kind: str, name: str):
    try:
        path = _path_of(catalog, kind, name)
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:  # gone since it was resolved: resolving again says what is wrong, or finds another
            path = _path_of(catalog, kind, name, fresh=True)
            mtime = path.stat().st_mtime
    except CatalogError as error:
        # Named for what the caller does next: a bad name is a broken mapping or policy, never retried.
        if kind == "mapping":
            raise MappingError(str(error), mapping=name if isinstance(name, str) else None) from None
        raise PolicyError(str(error)) from None
    return _cached(catalog, kind, name, str(path), mtime)


def load_mapping(catalog: Catalog, name: str) -> TargetMapping:
    """The mapping the catalog calls `name`; MappingError for a name that is not in it or a broken file."""
    return _load(catalog, "mapping", name)


def load_policy(catalog: Catalog, name: str) -> Policy:
    """The policy the catalog calls `name`; PolicyError for a name that is not in it or a broken file."""
    return _load(catalog, "policy", name)
