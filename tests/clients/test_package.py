"""The client is a package of its own: one exception class per documented problem type, no import of the hub,
and a wheel that installs and works in a venv where the hub is not installed."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, interview_result

CLIENT = ROOT / "clients" / "python"
SOURCE = CLIENT / "src" / "hris_hub_client"
OURS = {"hub", "connectors", "mappings", "scoring_engine", "jsonerrors", "safeyaml", "migrations", "tests"}
ALLOWED_THIRD_PARTY = {"requests", "urllib3"}  # urllib3 comes with requests, whose exceptions wrap it


def test_every_documented_problem_type_has_its_class():
    import hris_hub_client as hh

    table = (ROOT / "docs" / "api.md").read_text(encoding="utf-8").split("## Errors", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([a-z]+(?:-[a-z]+)+|[a-z]+)`", table)) & _slug_like(table)
    assert documented, "the error table of docs/api.md lists no types"
    missing = sorted(slug for slug in documented if slug not in hh.PROBLEM_TYPES)
    assert not missing, f"no exception class for {missing}: add one to hris_hub_client/errors.py"
    for slug, cls in hh.PROBLEM_TYPES.items():
        assert issubclass(cls, hh.ProblemError) and cls.slug == slug and cls.__doc__
        assert cls.__name__ in hh.__all__


def _slug_like(table: str) -> set[str]:
    """The backquoted words of the table's type column and its resume list (not header names or settings)."""
    slugs = set()
    for line in table.splitlines():
        cells = line.split("|")
        if len(cells) > 3:
            slugs |= set(re.findall(r"`([a-z-]+)`", cells[2]))
            slugs |= set(re.findall(r"`(resume-[a-z-]+)`", line))
    return slugs


def test_an_unknown_type_is_still_a_problem_error():
    from hris_hub_client.errors import ProblemError, UnexpectedAnswer, from_response

    error = from_response(
        418,
        "I'm a teapot",
        {},
        b'{"type": "https://hris-hub.dev/problems/new-thing", '
        b'"title": "New", "status": 418, "errors": [{"pointer": "/a"}]}',
    )
    assert type(error) is ProblemError and error.slug == "new-thing" and error.pointers == ["/a"]
    html = from_response(502, "Bad Gateway", {"Retry-After": "3"}, b"<html>upstream down</html>")
    assert isinstance(html, UnexpectedAnswer) and html.status == 502 and html.retry_after == 3
    dated = from_response(503, "x", {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, b"")
    assert dated.retry_after == 0  # a date in the past: try again now


def test_the_client_imports_only_the_standard_library_and_requests():
    offenders = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
            )
            for name in names:
                top = name.split(".")[0]
                if top == "hris_hub_client" or top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY:
                    continue
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders, offenders


@pytest.mark.slow
def test_the_wheel_installs_and_works_without_the_hub(tmp_path, live):
    """Build the client's wheel, pip-install it into a fresh venv that holds only requests and its dependencies
    (linked from this environment with their metadata: no download), and post a result with it there."""
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(CLIENT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("hris_hub_client-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "hris_hub_client/models.py" in names and "hris_hub_client/py.typed" in names
    assert not {name.split("/")[0] for name in names} & OURS

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    for name in ("requests", "urllib3", "idna", "certifi", "charset-normalizer"):
        distribution = importlib.metadata.distribution(name)
        for top in {str(f).split("/")[0] for f in distribution.files or [] if not str(f).startswith("..")}:
            source = Path(distribution.locate_file(top))
            if source.exists() and not (site / top).exists():
                (site / top).symlink_to(source)
    # pip of this environment installs into the venv (`--python`), resolving requests from what is linked there.
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr

    key = live.key("ingest")
    script = (
        "import json, sys\n"
        "import hris_hub_client as hh\n"
        "try:\n    import hub\nexcept ImportError:\n    pass\nelse:\n    sys.exit('the hub is importable here')\n"
        f"client = hh.HubClient({live.url!r}, {key!r})\n"
        "print(client.post_result(json.loads(sys.stdin.read())).status)\n"
        "try:\n    client.get_result('nope')\nexcept hh.NotFound as e:\n    print(e.status)\n"
    )
    run = subprocess.run(
        [str(python), "-I", "-c", script],
        input=json.dumps(interview_result()),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["scored", "404"]
