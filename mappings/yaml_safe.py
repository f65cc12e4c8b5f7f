"""YAML parsing for policies and mappings: safeyaml's alias-bomb limits, with errors that never quote the file.

safeyaml counts aliases and the expanded size of every node while composing (see its docstring); this module
turns what it and PyYAML raise into one error with a reason and a 1-based line, every quoted piece of the file
left out, because a policy or mapping file may hold secrets or personal data.
"""

from __future__ import annotations

import re

import yaml

import safeyaml
from safeyaml import MAX_ALIASES, MAX_EXPANDED_NODES

__all__ = ["MAX_ALIASES", "MAX_EXPANDED_NODES", "YamlRefused", "compose_and_load", "safe_load"]

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


class YamlRefused(ValueError):
    """A YAML document is not valid or is too large when expanded; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None):
        self.reason = message
        self.line = line
        super().__init__(message)


def _describe(error: yaml.YAMLError) -> tuple[str, int | None]:
    """What PyYAML found wrong and on which line, with every quoted piece of the file left out."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or getattr(error, "context", None) or type(error).__name__
    return _QUOTED.sub("…", str(problem)), (mark.line + 1 if mark else None)


def compose_and_load(text: str):
    """(root node, data) of one YAML document; YamlRefused with a line for invalid YAML or alias bombs."""
    try:
        return safeyaml.compose_and_load(text)
    except safeyaml.AliasBombError as error:
        message, line = _describe(error)
        raise YamlRefused(message, line=line) from None
    except yaml.YAMLError as error:
        message, line = _describe(error)
        raise YamlRefused(f"not valid YAML ({message})", line=line) from None
    except RecursionError:
        raise YamlRefused("nested too deeply") from None


def safe_load(text: str):
    """The data of one YAML document, as yaml.safe_load, with alias bombs refused."""
    return compose_and_load(text)[1]
