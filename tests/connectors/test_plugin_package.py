"""The example plugin package installs with pip and its connector type is found through its entry point."""

from __future__ import annotations

import importlib
import json
import pathlib
import shutil
import subprocess
import sys

import pytest

from connectors.plugins import connector_types, create_connector, get_plugin_manager

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "connector-plugin"


@pytest.fixture
def installed_example(tmp_path):
    """The example installed into a private target folder on sys.path (the venv itself is left alone)."""
    source = tmp_path / "source"
    # Built from a copy so the build leaves no egg-info or build folder in the repository.
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "--no-input",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    get_plugin_manager.cache_clear()
    try:
        yield target
    finally:
        sys.path.remove(str(target))
        sys.modules.pop("hris_hub_connector_jsonl", None)
        get_plugin_manager.cache_clear()


def test_the_example_plugin_is_listed_and_delivers(installed_example, tmp_path, make_context):
    assert (installed_example / "hris_hub_connector_jsonl").is_dir()
    types = connector_types()
    assert "jsonl" in types and {"rest", "soap", "csv"} <= set(types)
    assert types["jsonl"].__module__ == "hris_hub_connector_jsonl"
    output = tmp_path / "deliveries.jsonl"
    connector = create_connector("jsonl", {"path": str(output)})
    assert connector.check().ok
    context = make_context()
    connector.deliver({"method": "POST", "path": "/goals", "body": {"目标": 95}}, context)
    connector.deliver({"method": "POST", "path": "/goals", "body": {"目标": 95}}, context)  # a retry
    [line] = output.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["job_id"] == context.job_id
    assert json.loads(line)["payload"]["body"] == {"目标": 95}


def test_without_the_package_the_type_is_unknown():
    assert "jsonl" not in connector_types()
