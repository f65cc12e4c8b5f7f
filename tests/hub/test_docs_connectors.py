"""docs/connectors.md, "Connecting real HR systems", stays true: its first command block (a fresh instance) and
every `sh` block followed by a `text` block run as they are written (the `hris-hub` script in a shell, from the
repository's folder), and each prints exactly its `text` block, but for what differs on every run (preview ids,
times, batch file digests). Blocks without a `text` block after them (the generated large WSDL's walk-through,
which tests/connectors covers) are not run here.

`hris-hub connectors check` lines are left out: they call the vendors' real hosts. The instance folder the docs
name (/srv/hris-hub/instance) is a temporary one here, and is written back as the docs name it before comparing.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support.hub_process import entry_point

DOC = ROOT / "docs" / "connectors.md"
SECTION = "## Connecting real HR systems"
DOC_INSTANCE = "/srv/hris-hub/instance"
VARYING = [
    (re.compile(r"preview-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "preview-<id>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)"), "<time>"),
    (re.compile(r"-[0-9a-f]{20}\.csv"), "-<digest>.csv"),
]


def blocks(markdown: str) -> list[tuple[str, str | None]]:
    """(commands, expected output or None) for each sh block of the section, in order."""
    section = markdown.split(SECTION, 1)[1].split("\n## ", 1)[0]
    fences = re.findall(r"^```(\w*)\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)
    out = []
    for index, (language, text) in enumerate(fences):
        if language != "sh":
            continue
        following = fences[index + 1] if index + 1 < len(fences) else None
        expected = following[1] if following and following[0] == "text" else None
        if expected is not None or not out:
            out.append((text, expected))
    return out


def runnable(commands: str) -> str:
    """The block as a script: continuation lines joined, `connectors check` lines left out."""
    joined = re.sub(r"\\\n", " ", commands)
    return "\n".join(":" if re.match(r"\s*hris-hub connectors check\b", line) else line
                     for line in joined.splitlines())


def normalised(text: str) -> str:
    for pattern, replacement in VARYING:
        text = pattern.sub(replacement, text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def run_block(script: str, instance: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    script = script.replace(DOC_INSTANCE, str(instance))
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def shell_env(tmp_path: Path) -> dict[str, str]:
    """A person's shell with hris-hub on the PATH and none of the tests' HUB_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    script = Path(entry_point()[0])
    if script.name == "hris-hub":
        env["PATH"] = f"{script.parent}{os.pathsep}{env.get('PATH', '')}"
    else:  # no console script installed: a shim running python -m hub
        shim = tmp_path / "bin"
        shim.mkdir()
        (shim / "hris-hub").write_text(f'#!/bin/sh\nexec "{entry_point()[0]}" -m hub "$@"\n')
        (shim / "hris-hub").chmod(0o755)
        env["PATH"] = f"{shim}{os.pathsep}{env.get('PATH', '')}"
    env["HUB_LOG_LEVEL"] = "ERROR"
    return env


@pytest.mark.slow
def test_the_documented_commands_print_what_the_docs_show(tmp_path):
    found = blocks(DOC.read_text())
    assert len(found) >= 8, "the section lost its command blocks"
    assert sum(expected is not None for _, expected in found) >= 8, "every preset shows what it prints"
    instance = tmp_path / "instance"
    env = shell_env(tmp_path)
    setup = runnable(found[0][0])
    exports = "\n".join(line for line in setup.splitlines() if line.startswith("export "))
    assert f"export HUB_INSTANCE_PATH={DOC_INSTANCE}" in exports, "the first block starts a fresh instance"
    failures = []
    for index, (commands, expected) in enumerate(found):
        script = runnable(commands) if index == 0 else exports + "\n" + runnable(commands)
        run = run_block(script, instance, env)
        printed = run.stdout.replace(str(instance), DOC_INSTANCE)
        if run.returncode != 0:
            failures.append(f"block {index + 1} exited {run.returncode}:\n{commands}\n{run.stderr[-2000:]}")
        elif expected is not None and normalised(printed) != normalised(expected):
            failures.append(f"block {index + 1} printed something else:\n{commands}\n--- printed\n{printed}"
                            f"\n--- documented\n{expected}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("line", ["hris-hub connectors check feishu", "  hris-hub connectors check wecom  # x"])
def test_check_lines_are_left_out(line):
    assert runnable(line) == ":"
