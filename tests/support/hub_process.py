"""`hris-hub ...` as a person runs it: the installed console script in a subprocess, in a folder of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def entry_point() -> list[str]:
    """The `hris-hub` script installed beside this Python (what `pip install` makes), else `python -m hub`."""
    script = Path(sys.executable).with_name("hris-hub")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hub"]


def hub_env(config: dict | None = None, **extra: str) -> dict[str, str]:
    """The environment of a person's shell: no HUB_* of the test process but the tests' loopback destination
    policy, then the given settings."""
    from tests.conftest import LOOPBACK_DESTINATIONS

    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(LOOPBACK_DESTINATIONS)
    env.update({k: str(v) for k, v in (config or {}).items() if k.startswith("HUB_")})
    env.update(extra)
    return env


def run_hub(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | str = ROOT,
    input: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*entry_point(), *args],
        env=env if env is not None else hub_env(),
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
