"""`python -m connectors.soap_operations WSDL` on a WSDL it may not or cannot read: one line saying why, exit 1,
never a traceback."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize(("roots", "wsdl", "says"), [
    ("", str(ROOT / "examples" / "wsdl" / "legacy-hr.wsdl"), "HUB_WSDL_ROOTS lists no roots"),
    (str(ROOT / "examples"), "examples/wsdl/legacy-hr.wsdl", "must be an absolute path"),
    (str(ROOT / "examples"), str(ROOT / "examples" / "wsdl" / "missing.wsdl"), "No such file"),
    (str(ROOT / "examples"), str(ROOT / "examples" / "connector-plugin" / "README.md"), "cannot load WSDL"),
])
def test_an_unreadable_wsdl_is_one_line(roots, wsdl, says):
    env = {**os.environ, "HUB_WSDL_ROOTS": roots}
    run = subprocess.run([sys.executable, "-m", "connectors.soap_operations", wsdl], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and says in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
