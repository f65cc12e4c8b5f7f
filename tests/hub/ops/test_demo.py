"""The README's first command: `hris-hub demo --once` on a fresh SQLite instance delivers everything."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_demo_once_delivers_everything(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(HUB_INSTANCE_PATH=str(tmp_path / "instance"), HUB_SCORING_EMBEDDINGS="false", HUB_LOG_LEVEL="WARNING")
    run = subprocess.run(
        [sys.executable, "-m", "hub", "demo", "--once"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "demo complete: everything delivered" in run.stdout
    assert f"demo instance: {tmp_path / 'instance' / 'demo'}" in run.stdout
    assert "李娜" in run.stdout and "Maria Lopez" in run.stdout
    assert "Goal_1" in run.stdout
    exports = list((tmp_path / "instance" / "demo" / "exports").glob("*.csv"))
    assert exports, "the CSV connector wrote no file"
    # The hub's own instance is left alone: no database, no connectors pointing at the demo's ports.
    assert not (tmp_path / "instance" / "hub.sqlite").exists()
    again = subprocess.run(
        [sys.executable, "-m", "hub", "demo", "--once"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    # Each run reports itself: the second counts its own jobs, not the first run's as well.
    assert _jobs_line(again.stdout) == _jobs_line(run.stdout), (_jobs_line(run.stdout), _jobs_line(again.stdout))
    assert sum(_jobs_line(again.stdout).values()) == again.stdout.count("      ok ") + again.stdout.count("      !! ")
    demo_env = dict(env, HUB_INSTANCE_PATH=str(tmp_path / "instance" / "demo"))
    audit = subprocess.run(
        [sys.executable, "-m", "hub", "audit", "verify"],
        cwd=ROOT,
        env=demo_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert audit.returncode == 0 and "intact" in audit.stdout


def _jobs_line(stdout: str) -> dict[str, int]:
    """`Sync jobs: 19 delivered, 2 dead` as {"delivered": 19, "dead": 2}."""
    line = next(line for line in stdout.splitlines() if line.startswith("Sync jobs:"))
    counts = {}
    for part in line.split(":", 1)[1].split(","):
        number, status = part.split()
        counts[status] = int(number)
    return counts


def test_demo_keeps_running_with_the_console_and_the_api(tmp_path):
    import re
    import signal
    import socket
    import time

    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(HUB_INSTANCE_PATH=str(tmp_path / "instance"), HUB_SCORING_EMBEDDINGS="false", HUB_LOG_LEVEL="WARNING")
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = ""
    try:
        deadline = time.monotonic() + 120
        while "hris-hub audit verify" not in output and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output += line
        sign_in = re.search(r"sign in as (\S+) / (\S+)", output)
        assert sign_in, output[-2000:]
        key = re.search(r"export KEY=(\S+)", output).group(1)
        base = f"http://127.0.0.1:{port}"
        assert requests.get(f"{base}/api/v1/sync-jobs", headers={"Authorization": f"Bearer {key}"}, timeout=10).ok
        browser = requests.Session()
        form = browser.get(f"{base}/console/sign-in", timeout=10).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        signed_in = browser.post(
            f"{base}/console/sign-in",
            timeout=10,
            data={"csrf_token": token, "email": sign_in.group(1), "password": sign_in.group(2)},
        )
        assert signed_in.ok and "Overview" in signed_in.text and "successfactors" in signed_in.text
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
