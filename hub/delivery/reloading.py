"""Loading catalog mappings and policies by name, once, and again only when their file changes."""

from __future__ import annotations

import functools
from pathlib import Path

from mappings import MappingError, PolicyError
from mappings.catalog import Catalog, CatalogError
from mappings.policy import Policy
from mappings.target_mapping import TargetMapping


@functools.lru_cache(maxsize=256)
def _cached(catalog: Catalog, kind: str, name: str, path: str, mtime: float):
    return catalog.mapping(name) if kind == "mapping" else catalog.policy(name)


def _load(catalog: Catalog, kind: str, name: str):
    try:
        path = catalog.path_of(name, kind)
    except CatalogError as error:
        # Named for what the caller does next: a bad name is a broken mapping or policy, never retried.
        if kind == "mapping":
            raise MappingError(str(error), mapping=name if isinstance(name, str) else None) from None
        raise PolicyError(str(error)) from None
    return _cached(catalog, kind, name, str(path), Path(path).stat().st_mtime)


def load_mapping(catalog: Catalog, name: str) -> TargetMapping:
    """The mapping the catalog calls `name`; MappingError for a name that is not in it or a broken file."""
    return _load(catalog, "mapping", name)


def load_policy(catalog: Catalog, name: str) -> Policy:
    """The policy the catalog calls `name`; PolicyError for a name that is not in it or a broken file."""
    return _load(catalog, "policy", name)
