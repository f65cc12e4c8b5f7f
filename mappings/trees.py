"""Copying trees of plain data (dicts, lists, scalars) as YAML and JSON give them."""

from __future__ import annotations

from typing import Any


def copy_tree(value: Any) -> Any:
    """A copy of a tree of dicts and lists whose leaves are shared (immutable scalars: str, numbers, dates), at a
    fraction of `copy.deepcopy`'s cost: policies and mappings copy their YAML data on every job."""
    if isinstance(value, dict):
        return {key: copy_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_tree(item) for item in value]
    return value
