"""Loading policies and mappings once, and again only when their file changes."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")


def reloading(loader: Callable[[str], T], maxsize: int = 128) -> Callable[[str], T]:
    """Wrap a loader of shipped names or file paths: cached, but a changed file is read again."""

    @functools.lru_cache(maxsize=maxsize)
    def cached(name_or_path: str, mtime: float | None) -> T:
        return loader(name_or_path)

    def load(name_or_path: str) -> T:
        path = Path(name_or_path)
        return cached(name_or_path, path.stat().st_mtime if path.is_file() else None)

    return load
