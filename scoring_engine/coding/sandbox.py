"""The sandbox: each run is a fresh bubblewrap container with no network, an empty private /tmp, a read-only
interpreter, no inherited environment, rlimits, a wall-clock kill and capped output. There is no unsandboxed path."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO

from scoring_engine.coding.errors import CodeSandboxUnavailable
from scoring_engine.coding.task import Limits

# The unprivileged user runs are dropped to when the hub runs as root (nobody/nogroup on Debian).
NOBODY = 65534
# Start-up of bwrap and the interpreter, on top of a test's time limit, before the run is killed.
DEFAULT_GRACE_SECONDS = 1.0
MAX_REQUEST_BYTES = 64 * 1024 * 1024
READY = b"\x00harness-ready\n"
RESULT = b"\x00harness-result "
RESULT_ALLOWANCE = 1024 * 1024
SITE_DIRS = ("site-packages", "dist-packages")


@dataclass(frozen=True)
class SandboxConfig:
    """Where bubblewrap and the interpreter are, and whom runs are dropped to; read from the environment once."""

    bwrap: str = "/usr/bin/bwrap"
    python: str = "/usr/bin/python3"
    uid: int | None = None
    grace_seconds: float = DEFAULT_GRACE_SECONDS

    @classmethod
    def from_env(cls, environ=None) -> SandboxConfig:
        """HUB_CODE_BWRAP, HUB_CODE_PYTHON, HUB_CODE_SANDBOX_UID (default: nobody when the hub runs as root)."""
        environ = os.environ if environ is None else environ
        uid = environ.get("HUB_CODE_SANDBOX_UID")
        return cls(
            bwrap=environ.get("HUB_CODE_BWRAP") or shutil.which("bwrap") or "/usr/bin/bwrap",
            python=environ.get("HUB_CODE_PYTHON")
            or ("/usr/bin/python3" if Path("/usr/bin/python3").exists() else _base_python()),
            uid=int(uid) if uid else (NOBODY if os.geteuid() == 0 else None),
        )


def _base_python() -> str:
    import sys

    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


@dataclass(frozen=True)
class RunOutcome:
    """What the host saw of one sandboxed run: the harness's result (a claim), and what the host measured."""

    result: dict | None
    exit_status: int
    wall_seconds: float
    cpu_seconds: float
    killed_for: str | None  # "wall_clock" | "output" | None
    stderr: str

    @property
    def signal_name(self) -> str | None:
        """The signal that ended bwrap itself, if one did."""
        if self.exit_status < 0:
            try:
                return signal.Signals(-self.exit_status).name
            except ValueError:
                return f"signal {-self.exit_status}"
        return None


@cache
def _interpreter_layout(python: str) -> tuple[str, tuple[str, ...]]:
    """The interpreter's real path and the directories it needs (stdlib, its lib dir), asked of itself once."""
    real = os.path.realpath(python)
    probe = (
        "import json, sys, sysconfig; p = sysconfig.get_paths(); "
        "print(json.dumps([p['stdlib'], p['platstdlib'], sysconfig.get_config_var('LIBDIR') or '']))"
    )
    try:
        completed = subprocess.run([real, "-I", "-S", "-c", probe], capture_output=True, env={}, timeout=20, check=True)
        paths = json.loads(completed.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        raise CodeSandboxUnavailable(f"the sandbox interpreter {python!r} does not run ({error})") from None
    return real, tuple(path for path in paths if path)


def _mount_arguments(python: str) -> list[str]:
    """Read-only binds of the interpreter, its stdlib and the system libraries; package dirs masked by empty tmpfs."""
    real, directories = _interpreter_layout(python)
    arguments = ["--ro-bind", real, real]
    binds: list[str] = []
    for directory in ("/usr/lib", "/usr/lib64", "/lib", "/lib64", *directories):
        if os.path.islink(directory) and directory in ("/lib", "/lib64"):
            arguments += ["--symlink", os.readlink(directory), directory]
        elif os.path.isdir(directory) and not any(directory == b or directory.startswith(b + "/") for b in binds):
            binds.append(os.path.realpath(directory))
    for directory in binds:
        arguments += ["--ro-bind", directory, directory]
    # Installed packages (the hub itself, its tasks with their hidden tests) stay out of reach.
    for directory in binds:
        for root, names, _ in os.walk(directory):
            for name in [name for name in names if name in SITE_DIRS]:
                arguments += ["--tmpfs", os.path.join(root, name)]
            names[:] = [name for name in names if name.startswith("python")] if root == directory else []
    return arguments


@cache
def _harness_source() -> str:
    return resources.files(__package__).joinpath("harness.py").read_text(encoding="utf-8")


def command(config: SandboxConfig, limits: Limits) -> list[str]:
    """The bwrap command line of one run."""
    return [
        config.bwrap,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",  # new user, pid, net, ipc, uts, cgroup namespaces
        # The interpreter is pid 1 of its namespace: when it ends, the kernel ends everything it started, and
        # wait4 on bwrap then reports the interpreter's CPU time (a reaper in between would hide it).
        "--as-pid-1",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--clearenv",
        "--uid",
        str(NOBODY),
        "--gid",
        str(NOBODY),
        "--hostname",
        "sandbox",
        *_mount_arguments(config.python),
        "--dev",
        "/dev",
        "--size",
        str(max(limits.file_bytes, 4096)),
        "--tmpfs",
        "/tmp",
        "--chdir",
        "/tmp",
        "--setenv",
        "HOME",
        "/tmp",
        "--setenv",
        "LANG",
        "C.UTF-8",
        "--",
        os.path.realpath(config.python),
        "-I",
        "-S",
        "-X",
        "utf8",
        "-c",
        _harness_source(),
    ]


def _require_tools(config: SandboxConfig) -> None:
    if not (os.path.isfile(config.bwrap) and os.access(config.bwrap, os.X_OK)):
        raise CodeSandboxUnavailable(
            f"bubblewrap is not installed at {config.bwrap!r} (Debian package bubblewrap); "
            "candidate code is not run without a sandbox"
        )


def run(request: dict, limits: Limits, config: SandboxConfig | None = None) -> RunOutcome:
    """Run the harness on one request in a fresh sandbox; CodeSandboxUnavailable when the sandbox cannot be built."""
    config = config or SandboxConfig.from_env()
    _require_tools(config)
    payload = json.dumps({**request, "limits": limits.__dict__}).encode()
    if len(payload) > MAX_REQUEST_BYTES:
        raise ValueError(f"the run request is {len(payload)} bytes, more than {MAX_REQUEST_BYTES}")
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            command(config, limits),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={},
            close_fds=True,
            start_new_session=True,
            user=config.uid,
            group=config.uid,
            extra_groups=[] if config.uid is not None else None,
        )
    except OSError as error:
        raise CodeSandboxUnavailable(f"cannot start bubblewrap {config.bwrap!r}: {error.strerror}") from None
    # The return value travels on stdout too: room for it on top of what the code may print.
    cap = limits.output_bytes + 2 * len(payload) + RESULT_ALLOWANCE
    stdout, stderr, killed_for = _exchange(process, payload, started + limits.time_seconds + config.grace_seconds, cap)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    if not stdout.startswith(READY) and killed_for is None:
        # The harness never started: bwrap could not build the namespaces (or the interpreter is unreadable).
        detail = stderr.decode(errors="replace").strip()[:500] or f"exit status {process.returncode}"
        raise CodeSandboxUnavailable(f"the sandbox could not be built: {detail}")
    result = None
    marker = stdout.rfind(RESULT)
    if marker >= 0 and killed_for is None:
        try:
            result = json.loads(stdout[marker + len(RESULT) :].split(b"\n", 1)[0])
        except ValueError:
            result = None
    return RunOutcome(
        result=result if isinstance(result, dict) else None,
        exit_status=process.returncode,
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        killed_for=killed_for,
        stderr=stderr.decode(errors="replace")[:2000],
    )


def _exchange(process: subprocess.Popen, payload: bytes, deadline: float, cap: int) -> tuple[bytes, bytes, str | None]:
    """Feed stdin, read stdout and stderr up to `cap` bytes together, kill at the deadline or past the cap."""
    assert process.stdin and process.stdout and process.stderr  # all three are pipes
    writer = threading.Thread(target=_feed, args=(process.stdin, payload), daemon=True)
    writer.start()
    buffers: dict[IO[bytes], bytearray] = {process.stdout: bytearray(), process.stderr: bytearray()}
    killed_for = None
    with selectors.DefaultSelector() as selector:
        for stream in buffers:
            selector.register(stream, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                killed_for = "wall_clock"
                break
            for key, _ in selector.select(timeout=remaining):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                buffers[key.fileobj] += chunk  # type: ignore[index]
            if sum(map(len, buffers.values())) > cap:
                killed_for = "output"
                break
    if killed_for:
        _kill(process)
    for stream in buffers:
        stream.close()
    writer.join(timeout=5)
    return bytes(buffers[process.stdout]), bytes(buffers[process.stderr]), killed_for


def _feed(stream, payload: bytes) -> None:
    try:
        stream.write(payload)
        stream.close()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the run ended (or was killed) before reading all of its input


def _kill(process: subprocess.Popen) -> None:
    """SIGKILL the sandbox's pid 1 (the kernel then ends its whole namespace) and bwrap's process group."""
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        children = []
    for child in children:
        try:
            os.kill(int(child), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
