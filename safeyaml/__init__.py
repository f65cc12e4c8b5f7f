"""YAML safe-loading that refuses alias bombs ("billion laughs"), for scoring_engine and whoever else needs it.

A leaf package: it imports none of ours, so `hub`, `connectors`, `mappings` and `scoring_engine` may all use it.
PyYAML's safe loader shares an aliased node rather than copying it, so loading a bomb is cheap; what explodes
is whatever walks the result afterwards (JSON Schema validation, rendering, json.dumps). Here every node's
size, its aliases expanded, is counted while composing, and a document over the limits is refused with the
line and column of the alias that crossed them.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = [
    "MAX_ALIASES",
    "MAX_EXPANDED_NODES",
    "AliasBombError",
    "compose_and_load",
    "safe_compose",
    "safe_load",
]

# Real policies, mappings and data files use a few anchors (shared defaults); a bomb needs many, or few that
# each repeat the one before.
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000


class AliasBombError(yaml.MarkedYAMLError):
    """The document's aliases expand past the limits."""


class _CountingLoader(yaml.SafeLoader):
    """SafeLoader that counts aliases and the expanded size of every node it composes."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise AliasBombError(
                    problem=f"more than {MAX_ALIASES} aliases (*name) in one document",
                    problem_mark=mark,
                )
            target = super().compose_node(parent, index)
            if isinstance(target, yaml.CollectionNode) and id(target) not in self._sizes:
                # The anchor's collection is still being composed: the alias sits inside it.
                raise AliasBombError(
                    problem="an alias refers to a node that contains it (a recursive structure)", problem_mark=mark
                )
            return target
        node = super().compose_node(parent, index)
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            children = []
        size = 1 + sum(self._sizes.get(id(child), 1) for child in children)
        if size > MAX_EXPANDED_NODES:
            raise AliasBombError(
                problem=f"aliases expand this node to more than {MAX_EXPANDED_NODES:,} values (an alias bomb)",
                problem_mark=node.start_mark,
            )
        self._sizes[id(node)] = size
        return node


def safe_compose(text: str) -> yaml.Node | None:
    """yaml.compose with the safe loader and the alias limits."""
    loader = _CountingLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """(root node, data) of one YAML document, composed once, for callers that also want the nodes' line marks."""
    loader = _CountingLoader(text)
    try:
        node = loader.get_single_node()
        return node, (None if node is None else loader.construct_document(node))
    finally:
        loader.dispose()


def safe_load(text: str) -> Any:
    """yaml.safe_load with the alias limits; raises yaml.YAMLError (AliasBombError for a bomb) with its mark."""
    loader = _CountingLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
