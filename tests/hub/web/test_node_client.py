"""clients/node against the real hub: the hub served on loopback, an ingest client and a signing one made with the
CLI, then `node --test clients/node/test/` with the hub's URL and keys in its environment. Fails when node's tests
fail or skip; skipped (saying why) only where `node` is not installed."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT
from tests.support.cli import invoke

NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed (Node.js 18+ runs clients/node/test)")
def test_the_node_snippet_passes_its_tests_against_the_hub(live):
    plain = json.loads(invoke(live.app, "clients", "create", "--name", "cloud-fn", "--role", "ingest",
                              "--json").output)
    signed = json.loads(invoke(live.app, "clients", "create", "--name", "cloud-fn-signed", "--role", "ingest",
                               "--signed", "--json").output)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRIS_HUB_")}
    env.update(HRIS_HUB_URL=live.url, HRIS_HUB_KEY=plain["key"], HRIS_HUB_SIGNED_KEY=signed["key"],
               HRIS_HUB_SIGNING_SECRET=signed["signing_secret"])
    run = subprocess.run([NODE, "--test", "clients/node/test/"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    counts = {name: int(number) for name, number in re.findall(r"^# (pass|fail|skipped) (\d+)$", output, re.M)}
    assert counts.get("fail") == 0 and counts.get("skipped") == 0, output[-6000:]
    assert counts.get("pass", 0) >= 9, output[-6000:]
