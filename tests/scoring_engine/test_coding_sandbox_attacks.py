"""Attacks on the sandbox: each must end as a contained, scored failure with the host intact."""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from scoring_engine.coding import CodeSandboxUnavailable, SandboxConfig
from scoring_engine.coding.runner import run_test
from scoring_engine.coding.sandbox import NOBODY
from scoring_engine.coding.task import CodingTask, Limits, Quality, Scoring, TestCase

LIMITS = Limits(
    time_seconds=1.0, memory_mb=128, max_processes=8, file_bytes=1024 * 1024, open_files=32, output_bytes=4096
)
GRACE = 0.5
# A run that is killed takes its time limit plus the grace; anything well past that means containment failed.
CONTAINED_SECONDS = LIMITS.time_seconds + GRACE + 2.0


@pytest.fixture
def config() -> SandboxConfig:
    return replace(SandboxConfig.from_env(), grace_seconds=GRACE)


def sandbox_processes() -> list[int]:
    """Pids of sandboxed interpreters still alive (the harness's source, with its marker, is on their command line)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"harness-ready" in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def attack(code: str, config: SandboxConfig, expected=None, limits: Limits = LIMITS):
    """Run `code` (defining attack()) as one test; returns the test result after checking the host is intact."""
    task = CodingTask(
        id="attack",
        version="1",
        title={"zh": "攻击", "en": "attack"},
        prompt={"zh": "-", "en": "-"},
        dimension="technical_skill",
        languages=("python3",),
        entry="attack",
        limits=limits,
        tests=(),
        scoring=Scoring(1, 0, 0, 0.25, ()),
        quality=Quality(),
    )
    test = TestCase(name="attack", visibility="hidden", weight=1, limits=limits, literal_args=[], expected=expected)
    started = time.monotonic()
    result = run_test(code, task, test, config)
    assert time.monotonic() - started < CONTAINED_SECONDS
    deadline = time.monotonic() + 2
    while sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox_processes() == [], "a sandboxed process outlived its run"
    return result


def test_fork_bomb_is_contained(config):
    code = (
        "import os\n"
        "def attack():\n"
        "    while True:\n"
        "        try:\n"
        "            os.fork()\n"
        "        except OSError:\n"
        "            pass\n"
    )
    result = attack(code, config)
    assert result.verdict == "timeout"


def test_processes_and_threads_are_limited(config):
    code = (
        "import threading, time\n"
        "def attack():\n"
        "    for _ in range(100):\n"
        "        threading.Thread(target=time.sleep, args=(30,)).start()\n"
    )
    result = attack(code, config)
    assert result.verdict == "error"
    assert "can't start new thread" in result.message


def test_endless_loop_times_out(config):
    result = attack("def attack():\n    while True:\n        pass\n", config)
    assert (result.verdict, result.message) == ("timeout", "still running after 1 s")


def test_endless_loop_that_ignores_the_alarm_is_killed_by_the_host(config):
    code = (
        "import signal\n"
        "def attack():\n"
        "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
        "    while True:\n"
        "        pass\n"
    )
    result = attack(code, config)
    assert (result.verdict, result.message) == ("timeout", "killed after 1 s wall clock")
    assert result.wall_seconds >= LIMITS.time_seconds + GRACE


def test_allocating_10_gb_fails_with_memory_error(config):
    result = attack("def attack():\n    block = bytearray(10 * 1024 ** 3)\n    return len(block)\n", config)
    assert result.verdict == "memory"


def test_writing_1_gb_stops_at_the_file_size_limit_inside_a_private_tmp(config):
    marker = f"hris-sandbox-{uuid.uuid4().hex}"
    code = (
        "def attack():\n"
        f"    with open('/tmp/{marker}', 'wb') as handle:\n"
        "        for _ in range(1024):\n"
        "            handle.write(b'x' * 1024 * 1024)\n"
    )
    result = attack(code, config)
    assert result.verdict == "error"
    assert "File too large" in result.message
    assert not Path("/tmp", marker).exists()


def test_a_socket_to_the_hosts_loopback_reaches_nothing(config):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        code = (
            "import socket\n"
            "def attack():\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=0.5).sendall(b'leak')\n"
        )
        result = attack(code, config)
        listener.settimeout(0.2)
        with pytest.raises(TimeoutError):
            listener.accept()
    assert result.verdict == "error"
    assert "ConnectionRefusedError" in result.message or "Network is unreachable" in result.message


def test_the_network_namespace_has_only_loopback(config):
    code = "import socket\ndef attack():\n    return sorted(name for _, name in socket.if_nameindex())\n"
    assert attack(code, config, expected=["lo"]).verdict == "passed"


def test_instance_key_file_and_etc_shadow_are_unreadable(config, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    key_file = instance / "hub.key"
    key_file.write_text("fake-instance-key-" + uuid.uuid4().hex)
    os.chmod(tmp_path, 0o755)  # readable by anyone on the host: only the sandbox's own view keeps it out
    os.chmod(instance, 0o755)
    os.chmod(key_file, 0o644)
    for path in (key_file, Path("/etc/shadow")):
        result = attack(f"def attack():\n    return open({str(path)!r}).read()\n", config)
        assert result.verdict == "error"
        assert "FileNotFoundError" in result.message


def test_environment_is_not_inherited(config, monkeypatch):
    secret = "fake-secret-" + uuid.uuid4().hex
    monkeypatch.setenv("HUB_SECRET_KEY", secret)
    monkeypatch.setenv("HUB_DATABASE_URL", f"postgresql://hub:{secret}@127.0.0.1/hub")
    code = (
        "import os\n"
        "def attack():\n"
        "    found = dict(os.environ)\n"
        "    for path in ('/proc/self/environ', '/proc/1/environ'):\n"
        "        try:\n"
        "            found[path] = open(path).read()\n"
        "        except OSError as error:\n"
        "            found[path] = type(error).__name__\n"
        "    return found\n"
    )
    expected = {
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PWD": "/tmp",
        "/proc/self/environ": "FileNotFoundError",
        "/proc/1/environ": "FileNotFoundError",
    }
    result = attack(code, config, expected=expected)
    assert result.verdict == "passed", result.message
    assert secret not in result.message


def test_spawning_a_shell_fails(config):
    code = (
        "import os, subprocess\n"
        "def attack():\n"
        "    status = os.system('echo owned')\n"
        "    subprocess.run(['/bin/sh', '-c', 'echo owned'])\n"
    )
    result = attack(code, config)
    assert result.verdict == "error"
    assert "FileNotFoundError" in result.message and "/bin/sh" in result.message


def test_ctypes_cannot_gain_privileges(config):
    code = (
        "import ctypes\n"
        "def attack():\n"
        "    libc = ctypes.CDLL(None, use_errno=True)\n"
        "    return [libc.setuid(0), libc.unshare(0x10000000), libc.ptrace(16, 1, 0, 0),\n"
        "            libc.mount(b'none', b'/usr', b'tmpfs', 0, None), ctypes.CDLL(None).getuid()]\n"
    )
    assert attack(code, config, expected=[-1, -1, -1, -1, NOBODY]).verdict == "passed"


def test_ctypes_segfault_is_a_crash_not_a_hub_failure(config):
    result = attack("import ctypes\ndef attack():\n    return ctypes.string_at(0)\n", config)
    assert (result.verdict, result.message) == ("crashed", "the process died of SIGSEGV")


def test_ctypes_cannot_raise_its_own_limits(config):
    code = (
        "import resource\n"
        "def attack():\n"
        "    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))\n"
    )
    result = attack(code, config)
    assert result.verdict == "error"
    assert "not allowed to raise maximum limit" in result.message


@pytest.mark.parametrize("stream", [1, 2])
def test_output_flooding_is_cut_off(config, stream):
    code = f"import os\ndef attack():\n    while True:\n        os.write({stream}, b'x' * 65536)\n"
    result = attack(code, config)
    assert result.verdict == "output_limit"


def test_printing_is_captured_not_passed_through(config):
    code = "def attack():\n    for _ in range(10 ** 5):\n        print('x' * 100)\n    return 1\n"
    assert attack(code, config, expected=1).verdict == "passed"


def test_the_interpreter_and_libraries_are_read_only(config):
    code = "import os\ndef attack():\n    open(os.__file__, 'a').write('owned')\n"
    result = attack(code, config)
    assert result.verdict == "error"
    assert "Read-only file system" in result.message or "Permission denied" in result.message


def test_installed_packages_are_out_of_reach(config):
    code = "import sys\ndef attack():\n    import yaml\n"
    result = attack(code, config)
    assert result.verdict == "error"
    assert "ModuleNotFoundError" in result.message


def test_a_missing_bubblewrap_refuses_to_run_anything(tmp_path):
    marker = tmp_path / "ran"
    config = replace(SandboxConfig.from_env(), bwrap=str(tmp_path / "no-such-bwrap"))
    code = f"def attack():\n    open({str(marker)!r}, 'w').write('unsandboxed')\n"
    with pytest.raises(CodeSandboxUnavailable) as raised:
        attack(code, config)
    assert raised.value.code == "code-sandbox-unavailable"
    assert "bubblewrap is not installed" in str(raised.value)
    assert not marker.exists()


def test_a_bubblewrap_that_cannot_build_namespaces_refuses(tmp_path):
    # A stand-in bwrap that fails the way the real one does on a host without user namespaces.
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    config = replace(SandboxConfig.from_env(), bwrap=str(fake), uid=None)
    with pytest.raises(CodeSandboxUnavailable, match="No permissions to creating new namespace"):
        attack("def attack():\n    return 1\n", config)
