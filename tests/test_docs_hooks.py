"""Every hook specification is documented in docs/plugin_hooks.md (datasette's test_docs, for our hooks)."""

from __future__ import annotations

import inspect
import pathlib
import re

import pytest

from connectors import hookspecs

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs" / "plugin_hooks.md"


def hook_specifications() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(function)
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("hub_")
    }


def documented_hooks() -> dict[str, str]:
    """Hook name -> the argument list in its '### hub_name(arguments)' heading."""
    return dict(re.findall(r"^### (hub_\w+)\((.*)\)\s*$", DOCS.read_text(encoding="utf-8"), re.MULTILINE))


def test_there_are_hooks():
    assert "hub_connector_types" in hook_specifications()


@pytest.mark.parametrize("hook_name", sorted(hook_specifications()))
def test_hook_is_documented_with_its_signature(hook_name):
    documented = documented_hooks()
    assert hook_name in documented, f"{hook_name} is not documented in {DOCS}"
    arguments = [argument.strip() for argument in documented[hook_name].split(",") if argument.strip()]
    assert arguments == list(hook_specifications()[hook_name].parameters), (
        f"{DOCS}: the heading of {hook_name} lists {arguments}, the hookspec takes "
        f"{list(hook_specifications()[hook_name].parameters)}"
    )


def test_no_documented_hook_is_missing_from_the_specifications():
    assert set(documented_hooks()) <= set(hook_specifications())


def test_every_hook_carries_the_prefix_and_a_docstring():
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        assert name.startswith("hub_"), f"hook {name} lacks the hub_ prefix"
        assert (function.__doc__ or "").strip(), f"hook {name} has no docstring"
