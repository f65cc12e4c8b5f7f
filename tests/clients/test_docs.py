"""docs/clients.md stays true: its quickstart runs as written against a real hub, and it names every method."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys

from tests.conftest import ROOT

DOC = ROOT / "docs" / "clients.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_quickstart_runs_against_a_real_hub(live, tmp_path):
    quickstart, auditing = python_blocks()[:2]
    env = {
        **os.environ,
        "HRIS_HUB_URL": live.url,
        "HRIS_HUB_KEY": live.key("ingest"),
        "HRIS_HUB_AUDITOR_KEY": live.key("auditor"),
    }
    run = subprocess.run(
        [sys.executable, "-c", quickstart + auditing],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].endswith(" scored") and "/candidate/email" in run.stdout


def test_every_public_method_is_in_the_doc():
    from hris_hub_client import HubClient

    text = DOC.read_text(encoding="utf-8")
    public = [name for name, _ in inspect.getmembers(HubClient, inspect.isfunction) if not name.startswith("_")]
    missing = [name for name in public if f"`{name}(" not in text and name != "close"]
    assert not missing, f"docs/clients.md does not describe {missing}"
