"""Read YAML files for policies and mappings, keeping line numbers so errors can name them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import jsonerrors

from .yaml_safe import YamlRefused, compose_and_load


@dataclass
class YamlDocument:
    """Parsed YAML data plus the source line of every node, keyed by JSON pointer."""

    path: Path
    data: Any
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, pointer: str) -> int | None:
        """Return the 1-based line of the node at pointer, or of its nearest ancestor."""
        while True:
            if pointer in self.lines:
                return self.lines[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


def _record_lines(node: yaml.Node, path: list, lines: dict[str, int]) -> None:
    lines[jsonerrors.pointer(path)] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _record_lines(value_node, path + [key_node.value], lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item_node in enumerate(node.value):
            _record_lines(item_node, path + [index], lines)


def read_yaml(path: Path) -> YamlDocument:
    """Parse one YAML file safely; raise ValueError naming the file and line (never its content) when it cannot be
    read, is not valid YAML or is an alias bomb."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise ValueError(f"{path}: cannot read it ({error.strerror})") from None
    try:
        node, data = compose_and_load(text)
    except YamlRefused as refused:
        where = f"{path}:{refused.line}" if refused.line else str(path)
        raise ValueError(f"{where}: {refused.reason}") from None
    lines: dict[str, int] = {}
    if node is not None:
        _record_lines(node, [], lines)
    return YamlDocument(path=path, data=data, lines=lines)
