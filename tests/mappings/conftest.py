"""Fixtures for the mappings tests: the shared vendor schemas, profiles, and a policy-file factory."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POLICY = REPO_ROOT / "mappings" / "policies" / "default.yaml"


@pytest.fixture(scope="session")
def vendor_schemas() -> Path:
    """The read-only vendor schema folder from HRIS_SHARED (default <repo>/../shared)."""
    shared = Path(os.environ.get("HRIS_SHARED", REPO_ROOT.parent / "shared"))
    folder = shared / "vendor-schemas"
    if not folder.is_dir():
        pytest.skip(f"vendor schemas not found at {folder}; set HRIS_SHARED")
    return folder


def _make_profile(preference: str | None = None, **scores) -> dict:
    """A profile with the given dimension scores (None means insufficient)."""
    dimensions = {key: {"score": value, "level": None, "insufficient": value is None} for key, value in scores.items()}
    return {
        "dimensions": dimensions,
        "overall": None,
        "insufficient": [key for key, value in scores.items() if value is None],
        "preferences": {"work_schedule": preference, "preferred_hours": None},
    }


@pytest.fixture(scope="session")
def make_profile():
    """Build a profile: make_profile("flexible", data_analysis=86, teamwork=None)."""
    return _make_profile


@pytest.fixture
def write_policy(tmp_path):
    """Write a policy (the default one, changed by a function, or given as text) and return its path."""

    def write(change=None, *, text: str | None = None, name: str = "policy.yaml") -> Path:
        if text is None:
            data = yaml.safe_load(DEFAULT_POLICY.read_text(encoding="utf-8"))
            if change:
                change(data)
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


TABLE_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*([^|]*?)\s*\|(?:\s*([^|]*?)\s*\|)?\s*$")


@pytest.fixture(scope="session")
def vendor_tables(vendor_schemas):
    """Parse a vendor markdown file (relative to vendor-schemas) into its tables."""
    return lambda relative: _markdown_tables(vendor_schemas / relative)


@pytest.fixture(scope="session")
def table_problems():
    """check_against_tables(value, section, tables) -> list of problems."""
    return _check_against_tables


def _markdown_tables(path: Path) -> dict[str, dict[str, dict[str, str]]]:
    """Parse '## section' tables of 'field | type | meaning' into {section: {field: {type, meaning}}}."""
    tables: dict[str, dict[str, dict[str, str]]] = {}
    section = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            tables[section] = {}
            continue
        match = TABLE_ROW.match(line)
        if not section or not match or match.group(1) in ("field",) or set(match.group(1)) <= {"-"}:
            continue
        for field_name in match.group(1).split(","):
            tables[section][field_name.strip()] = {"type": match.group(2), "meaning": match.group(3) or ""}
    return tables


def _type_matches(value, declared: str) -> bool:
    declared = declared.strip()
    if declared.startswith("list"):
        return isinstance(value, list)
    if declared.startswith("string"):
        return isinstance(value, str)
    if declared == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if declared == "bool":
        return isinstance(value, bool)
    if declared == "object":
        return isinstance(value, dict)
    raise AssertionError(f"unknown declared type {declared!r} in the vendor file")


def _check_against_tables(value: dict, section: str, tables: dict, path: str = "") -> list[str]:
    """Return every field of value that is not in the vendor table or has the wrong JSON type (recursing into lists)."""
    problems = []
    for key, item in value.items():
        where = f"{path}/{key}"
        if key not in tables[section]:
            problems.append(f"{where}: not a field of {section}")
            continue
        declared = tables[section][key]["type"]
        if not _type_matches(item, declared):
            problems.append(f"{where}: {item!r} is not {declared}")
            continue
        element = declared[len("list of ") :].strip() if declared.startswith("list of ") else None
        for index, element_value in enumerate(item if element else []):
            if element in tables:
                problems.extend(_check_against_tables(element_value, element, tables, f"{where}/{index}"))
            elif not _type_matches(element_value, element):
                problems.append(f"{where}/{index}: {element_value!r} is not {element}")
    return problems
