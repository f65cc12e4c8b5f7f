"""Dependency floors stay past known vulnerabilities, and constraints-min.txt lists exactly those floors."""

from __future__ import annotations

import configparser

import flask
import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from tests.conftest import ROOT

# The first version without the advisories named; a floor below it lets pip install a vulnerable release.
KNOWN_SAFE = {
    "jinja2": ("3.1.6", "CVE-2025-27516: sandbox breakout through the |attr filter"),
    "pdfminer-six": ("20251107", "CVE-2025-64512: arbitrary code through pickled CMaps"),
    "waitress": ("3.0.1", "CVE-2024-49768, CVE-2024-49769: request smuggling, socket exhaustion"),
    "requests": ("2.33.0", "CVE-2024-47081 (.netrc leak, 2.32.4), CVE-2026-25645 (temp file extraction)"),
    "urllib3": ("2.7.0", "CVE-2025-66471, CVE-2026-21441, CVE-2026-44432: decompression bombs"),
    "flask": ("3.1.1", "GHSA-4grg-w6v8-c28g (SECRET_KEY_FALLBACKS order); 3.1 sets max_content_length per request"),
    "werkzeug": ("3.1.6", "CVE-2024-49766/49767, CVE-2025-66221, CVE-2026-27199: safe_join, multipart memory"),
    "cryptography": ("50.0.0", "CVE-2024-26130, CVE-2026-69247/69249: NULL deref, Bleichenbacher oracle, DoS"),
    "lxml": ("6.1.3", "CVE-2026-41066 (XXE in iterparse), CVE-2026-49825"),
    "paramiko": ("5.0.0", "CVE-2023-48795 (Terrapin, 3.4), CVE-2026-44405 (SHA-1 in RSA keys)"),
    "pyyaml": ("6.0.1", "CVE-2020-14343 (5.4); 6.0.1 is the first 6.x that builds on current toolchains"),
    "zeep": ("4.2.1", "no advisory known; 4.2.1 has forbid_dtd/forbid_entities settings used here"),
}


def _normalized(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _install_requires() -> dict[str, Requirement]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = parser["options"]["install_requires"].strip().splitlines()
    return {_normalized(Requirement(line).name): Requirement(line) for line in lines if line.strip()}


def _floor(requirement: Requirement) -> Version | None:
    floors = [Version(spec.version) for spec in requirement.specifier if spec.operator in (">=", "==", "~=")]
    return max(floors) if floors else None


@pytest.mark.parametrize("name", sorted(KNOWN_SAFE))
def test_each_floor_is_at_least_the_known_safe_version(name):
    safe, reason = KNOWN_SAFE[name]
    requirements = _install_requires()
    assert name in requirements, f"{name} is not in setup.cfg install_requires (needed: >= {safe}, {reason})"
    floor = _floor(requirements[name])
    assert floor is not None, f"{name} has no lower bound in setup.cfg; needs >= {safe} ({reason})"
    assert floor >= Version(safe), f"{name}>={floor} in setup.cfg allows versions before {safe}: {reason}"


def test_every_dependency_has_a_floor():
    unbounded = [name for name, requirement in _install_requires().items() if _floor(requirement) is None]
    assert unbounded == []


def test_constraints_min_lists_exactly_the_floors():
    pinned = {}
    for line in (ROOT / "constraints-min.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            [spec] = requirement.specifier
            assert spec.operator == "==", line
            pinned[_normalized(requirement.name)] = Version(spec.version)
    floors = {name: _floor(requirement) for name, requirement in _install_requires().items()}
    missing = {name: str(version) for name, version in floors.items() if pinned.get(name) != version}
    assert not missing, f"constraints-min.txt must pin each setup.cfg floor: set {missing} (name==floor)"
    assert set(pinned) == set(floors), (
        f"constraints-min.txt pins packages setup.cfg does not require: {sorted(set(pinned) - set(floors))}"
    )


def test_the_installed_flask_sets_the_body_limit_per_request():
    """HUB_MAX_UPLOAD_BYTES raises the limit for one upload route: Flask 3.1 made request.max_content_length settable."""
    application = flask.Flask(__name__)
    application.config["MAX_CONTENT_LENGTH"] = 1024
    with application.test_request_context("/", method="POST", data=b"x" * 10):
        flask.request.max_content_length = 4096
        assert flask.request.max_content_length == 4096
