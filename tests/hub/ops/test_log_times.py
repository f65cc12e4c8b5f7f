"""Log times are UTC, as their Z says, whatever time zone the host runs in (issue 10: 8 h off under Asia/Shanghai)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

SNIPPET = (
    "import logging; from hub.ops import logs; logs.configure('INFO', '{fmt}'); "
    "logging.getLogger('hub.test').info('hello')"
)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Los_Angeles"])
def test_json_log_times_are_utc_under_another_time_zone(zone):
    env = {**os.environ, "TZ": zone}
    done = subprocess.run(
        [sys.executable, "-c", SNIPPET.format(fmt="json")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    line = json.loads(done.stderr.strip().splitlines()[-1])
    logged = datetime.strptime(line["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - logged).total_seconds()) < 120, (zone, line["time"])


def test_text_log_times_are_utc_and_say_so():
    env = {**os.environ, "TZ": "Asia/Shanghai"}
    done = subprocess.run(
        [sys.executable, "-c", SNIPPET.format(fmt="text")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    stamp = done.stderr.strip().splitlines()[-1].split("Z ", 1)[0]
    logged = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - logged).total_seconds()) < 120, stamp
