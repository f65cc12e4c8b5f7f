"""Help is quiet and touches nothing; log lines go to stderr at a level the person chooses."""

from __future__ import annotations

import json

import pytest

from tests.conftest import TEST_KEY
from tests.support.hub_process import hub_env, run_hub

FLASK_OPTIONS = ("--env-file", "--app", "--debug", "-e, ", "-A, ")


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["serve", "--help"],
        ["db", "upgrade", "--help"],
        ["connectors", "delete", "--help"],
        ["demo", "--help"],
        ["users", "--help"],
        ["--version"],
    ],
)
def test_help_touches_nothing_and_shows_only_the_hubs_options(tmp_path, args):
    run = run_hub(*args, env=hub_env(), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert list(tmp_path.iterdir()) == [], "help created files"
    assert run.stderr == "", run.stderr  # no migration or first-start log lines
    assert not any(option in run.stdout for option in FLASK_OPTIONS), run.stdout
    if args[0] in ("--help", "-h"):
        assert "--verbose / --quiet" in run.stdout and "connectors" in run.stdout


def test_log_lines_go_to_stderr_at_the_chosen_level(tmp_path):
    env = hub_env(
        {
            "HUB_INSTANCE_PATH": str(tmp_path / "instance"),
            "HUB_ENCRYPTION_KEYS": TEST_KEY,
            "HUB_SECRET_KEY": "test-secret-key-0123456789",
            "HUB_LOG_FORMAT": "json",
        }
    )
    default = run_hub("db", "upgrade", env=env, cwd=tmp_path)
    assert default.returncode == 0, default.stderr
    assert default.stdout.startswith("database at revision")
    assert default.stderr == ""  # alembic's step-by-step lines are debug lines here
    verbose = run_hub("--verbose", "db", "current", env=env, cwd=tmp_path)
    assert verbose.returncode == 0 and verbose.stdout.startswith("current: ")
    entries = [json.loads(line) for line in verbose.stderr.splitlines() if line.startswith("{")]
    assert any(entry["level"] == "DEBUG" or entry["logger"].startswith("alembic") for entry in entries), verbose.stderr
    # A first start's warning (keys generated) is shown by default and hidden by --quiet.
    fresh = hub_env({"HUB_INSTANCE_PATH": str(tmp_path / "fresh")})
    warned = run_hub("db", "upgrade", env=fresh, cwd=tmp_path)
    assert "first start: generated encryption key file" in warned.stderr and "generated" not in warned.stdout
    quiet = run_hub(
        "--quiet", "db", "upgrade", env=hub_env({"HUB_INSTANCE_PATH": str(tmp_path / "fresh2")}), cwd=tmp_path
    )
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
