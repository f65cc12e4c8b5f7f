"""The README's first command: `hris-hub demo --once` on a fresh SQLite instance delivers everything."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_demo_once_delivers_everything(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(HUB_INSTANCE_PATH=str(tmp_path / "instance"), HUB_SCORING_EMBEDDINGS="false", HUB_LOG_LEVEL="WARNING")
    run = subprocess.run([sys.executable, "-m", "hub", "demo", "--once"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "demo complete: everything delivered" in run.stdout
    assert "李娜" in run.stdout and "Maria Lopez" in run.stdout
    assert "Goal_1" in run.stdout
    exports = list((tmp_path / "instance" / "exports").glob("*.csv"))
    assert exports, "the CSV connector wrote no file"
    again = subprocess.run([sys.executable, "-m", "hub", "demo", "--once"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=240)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    audit = subprocess.run([sys.executable, "-m", "hub", "audit", "verify"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=60)
    assert audit.returncode == 0 and "intact" in audit.stdout
