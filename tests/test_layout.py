"""The import rules of docs/architecture.md, checked on the source: a module that crosses a line fails here."""

from __future__ import annotations

import ast
import importlib
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
HUB = ROOT / "hub"
LIBRARIES = ("connectors", "mappings", "scoring_engine")
ROOMS = ("intake", "delivery", "privacy", "audit", "accounts", "web", "storage", "ops", "outcomes")
# Shared leaves at hub/ itself; every other module lives in a room.
SHARED = {"__init__", "__main__", "cli", "clitools", "config", "errors", "state"}
# What only hub/web may use: request handling, responses, routing, HTTP errors, forms.
HTTP_NAMES = {
    "request",
    "Blueprint",
    "jsonify",
    "Response",
    "redirect",
    "abort",
    "url_for",
    "make_response",
    "session",
    "stream_with_context",
    "flash",
    "send_file",
}
HTTP_MODULES = ("werkzeug.exceptions", "werkzeug.wrappers", "werkzeug.routing", "flask_wtf")
# The demo's stand-in HR system is a Flask app of its own (a fake *target*), not part of the hub's HTTP layer.
HTTP_EXEMPT = {"hub/ops/demo_target.py", "hub/__init__.py"}


def _modules(folder: pathlib.Path):
    for path in sorted(folder.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imports(tree: ast.AST):
    """(module, name) pairs: `import a.b` gives ("a.b", None), `from a import b` gives ("a", "b")."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield node.module, alias.name


def _room_of(path: str) -> str | None:
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "hub" else None


def _public(room: str) -> set[str]:
    return set(importlib.import_module(f"hub.{room}").__all__)


@pytest.mark.parametrize("library", LIBRARIES)
def test_libraries_never_import_the_hub(library):
    offenders = [
        f"{path}: {module}"
        for path, tree in _modules(ROOT / library)
        for module, _ in _imports(tree)
        if module == "hub" or module.startswith("hub.")
    ]
    assert not offenders, "libraries must not import hub/:\n" + "\n".join(offenders)


def test_every_hub_module_lives_in_a_room():
    flat = sorted(p.stem for p in HUB.glob("*.py") if p.stem not in SHARED)
    assert not flat, f"put these in a room (docs/architecture.md says which): {flat}"
    assert sorted(p.name for p in HUB.iterdir() if p.is_dir() and (p / "__init__.py").exists()) == sorted(ROOMS)


def test_only_web_speaks_http():
    offenders = []
    for path, tree in _modules(HUB):
        if _room_of(path) == "web" or path in HTTP_EXEMPT:
            continue
        for module, name in _imports(tree):
            if module.startswith("hub.web") or (module == "hub" and name == "web"):
                offenders.append(f"{path}: imports {module}{'.' + name if name else ''}")
            elif module == "flask" and name in HTTP_NAMES:
                offenders.append(f"{path}: uses flask.{name}")
            elif module.startswith(HTTP_MODULES):
                offenders.append(f"{path}: imports {module}")
    assert not offenders, "only hub/web speaks HTTP:\n" + "\n".join(offenders)


def test_domain_code_raises_domain_errors_not_problems():
    offenders = [
        path
        for path, tree in _modules(HUB)
        if _room_of(path) != "web"
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == "Problem"
    ]
    assert not offenders, f"raise a hub.errors error instead of Problem in: {sorted(set(offenders))}"


def test_rooms_import_each_other_only_through_public_names():
    offenders = []
    for path, tree in _modules(HUB):
        room = _room_of(path)
        for module, name in _imports(tree):
            parts = module.split(".")
            if parts[0] != "hub" or len(parts) < 2 or parts[1] not in ROOMS or parts[1] == room:
                continue
            target = parts[1]
            imported = parts[2] if len(parts) > 2 else name
            if imported not in _public(target):
                offenders.append(f"{path}: hub.{target}.{imported} is not in hub/{target}/__init__.py's __all__")
    assert not offenders, "\n".join(offenders)


def test_public_names_exist():
    for room in ROOMS:
        for name in _public(room):
            assert (HUB / room / f"{name}.py").exists() or (HUB / room / name / "__init__.py").exists(), (room, name)


def test_architecture_doc_names_every_room():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [room for room in ROOMS if f"hub/{room}/" not in text]
    assert not missing, f"docs/architecture.md does not describe: {missing}"


def test_the_rules_catch_a_crossing(tmp_path):
    """The checker itself: a planted library import of hub and a planted Problem are both found."""
    planted = ast.parse(
        "from hub.web.problems import Problem\nraise Problem(400, 'x', 'y')\nfrom flask import request\n"
    )
    imports = list(_imports(planted))
    assert ("hub.web.problems", "Problem") in imports and ("flask", "request") in imports
    assert any(isinstance(n, ast.Name) and n.id == "Problem" for n in ast.walk(planted))


def test_the_shared_leaf_imports_none_of_ours():
    ours = ("hub", *LIBRARIES)
    offenders = [
        f"{path}: {module}"
        for path, tree in _modules(ROOT / "jsonerrors")
        for module, _ in _imports(tree)
        if module.split(".")[0] in ours
    ]
    assert not offenders, offenders


def test_one_json_pointer_helper():
    """RFC 6901 escaping is written once, in jsonerrors; every other module calls it."""
    copies = [
        path
        for folder in ("hub", *LIBRARIES)
        for path, tree in _modules(ROOT / folder)
        if '.replace("~", "~0")' in (ROOT / path).read_text(encoding="utf-8")
    ]
    assert not copies, copies
