"""YAML parsing that refuses alias bombs ("billion laughs") and never quotes the file's content in errors.

PyYAML shares the node an alias points to, so a small file of nested aliases composes quickly but expands to
billions of values as soon as anything walks it (line bookkeeping, deep copies, schema validation, JSON).
The loader counts aliases while composing and measures the expanded size before anything is constructed.
"""

from __future__ import annotations

import re

import yaml

MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


class YamlRefused(ValueError):
    """A YAML document is not valid or is too large when expanded; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None):
        self.reason = message
        self.line = line
        super().__init__(message)


class _AliasCountingLoader(yaml.SafeLoader):
    """SafeLoader that stops at the (MAX_ALIASES + 1)th alias, naming its line."""

    def __init__(self, stream):
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise YamlRefused(
                    f"more than {MAX_ALIASES} aliases (*name); write the values out instead", line=mark.line + 1
                )
        return super().compose_node(parent, index)


def _expanded_size(node: yaml.Node, sizes: dict[int, int], active: set[int]) -> int:
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in active:
        raise YamlRefused(
            "an alias refers to a node that contains it (a recursive structure)", line=node.start_mark.line + 1
        )
    active.add(key)
    size = 1
    if isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, sizes, active) + _expanded_size(v, sizes, active) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(item, sizes, active) for item in node.value)
    active.discard(key)
    sizes[key] = size
    if size > MAX_EXPANDED_NODES:
        raise YamlRefused(
            f"expands to more than {MAX_EXPANDED_NODES:,} values through aliases", line=node.start_mark.line + 1
        )
    return size


def _describe(error: yaml.YAMLError) -> tuple[str, int | None]:
    """What PyYAML found wrong and on which line, with every quoted piece of the file left out."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or getattr(error, "context", None) or type(error).__name__
    return _QUOTED.sub("…", str(problem)), (mark.line + 1 if mark else None)


def compose_and_load(text: str):
    """(root node, data) of one YAML document; YamlRefused with a line for invalid YAML or alias bombs."""
    loader = _AliasCountingLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _expanded_size(node, {}, set())
        return node, loader.construct_document(node)
    except yaml.YAMLError as error:
        message, line = _describe(error)
        raise YamlRefused(f"not valid YAML ({message})", line=line) from None
    except RecursionError:
        raise YamlRefused("nested too deeply") from None
    finally:
        loader.dispose()


def safe_load(text: str):
    """The data of one YAML document, as yaml.safe_load, with alias bombs refused."""
    return compose_and_load(text)[1]
