"""Serving a WSGI app with waitress in a background thread (the demo's servers, and tests'), stopped cleanly."""

from __future__ import annotations

import errno
import threading
from contextlib import contextmanager
from typing import Callable

import click
import waitress
from waitress.channel import HTTPChannel


@contextmanager
def listening(host: str, port: int):
    """Around binding a server: a port in use or not ours to take becomes a line saying what to do."""
    try:
        yield
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} on {host} is in use (another hris-hub, or another program): "
                "stop it, or choose another port with --port"
            ) from None
        if error.errno in (errno.EACCES, errno.EADDRNOTAVAIL):
            raise click.ClickException(
                f"cannot listen on {host}:{port}: {error.strerror}; choose another --host or a --port above 1023"
            ) from None
        raise


class BackgroundServer:
    """waitress on host:port (0: a free port) in a daemon thread; `close()` lets requests in flight finish."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = 8):
        self.server = waitress.create_server(app, host=host, port=port, threads=threads, ident="hris-hub")
        self.url = f"http://{host}:{self.server.effective_port}"
        self._closing = False
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"waitress:{self.server.effective_port}")
        self._thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except (OSError, ValueError):
            if not self._closing:  # the loop trips over its own closed sockets while we stop it
                raise

    def close(self, timeout: float = 5.0) -> None:
        self._closing = True
        self.server.task_dispatcher.shutdown(cancel_pending=False, timeout=timeout)
        # Requests in flight are done: close the idle keep-alive connections too, in the loop's own thread, or the
        # loop runs on until their channel timeout (minutes) and the join below waits out its timeout.
        closed = threading.Event()

        def close_channels() -> None:
            for channel in list(self.server._map.values()):
                if isinstance(channel, HTTPChannel):
                    channel.handle_close()
            closed.set()

        self.server.trigger.pull_trigger(close_channels)
        closed.wait(timeout)
        self.server.close()
        self._thread.join(timeout)


# --- `hris-hub serve`: one process or several sharing one listening socket ------------------------------------

# Defaults that hold 1000 concurrent clients on one process (tests/hub/ops/test_serving.py opens 1000 at once):
# waitress answers a connection beyond its limit only when another closes, and its own default limit is 100.
DEFAULT_THREADS = 16
DEFAULT_CONNECTION_LIMIT = 2000
DEFAULT_BACKLOG = 2048


def serve_options(
    *, threads: int, connection_limit: int, backlog: int, max_body_bytes: int, channel_timeout: int = 120
) -> dict:
    """waitress's settings for the hub's server, as `serve` passes them."""
    return dict(
        threads=threads,
        connection_limit=connection_limit,
        backlog=backlog,
        channel_timeout=channel_timeout,
        ident="hris-hub",
        max_request_body_size=max_body_bytes,
        asyncore_use_poll=True,  # select() cannot watch descriptors above 1024: 1000 clients need poll()
    )


def raise_open_files_limit(wanted: int) -> int:
    """Lift the soft limit on open descriptors towards `wanted` (never above the hard limit); the limit now."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft


def listening_socket(host: str, port: int, backlog: int):
    """A bound, listening TCP socket that forked server processes share (the kernel hands each
    connection to one of them)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.setblocking(False)
    return sock


def run_processes(count: int, run_child: Callable[[], None], *, log_line: Callable[[str], None]) -> int:
    """Fork `count` children that each call `run_child` (which serves until killed); restart one that dies;
    on SIGTERM or SIGINT stop them all and return. POSIX only. The parent serves nothing itself."""
    import os
    import signal
    import time

    children: dict[int, int] = {}  # pid -> slot
    stopping = False

    def spawn(slot: int) -> None:
        pid = os.fork()
        if pid == 0:  # the child
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            code = 0
            try:
                run_child()
            except BaseException:  # noqa: BLE001 - the child ends here whatever happened
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        children[pid] = slot

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for slot in range(count):
        spawn(slot)
    restarts: list[float] = []
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        slot = children.pop(pid, -1)
        if slot < 0 or stopping:
            continue
        now = time.monotonic()
        restarts = [t for t in restarts if now - t < 60] + [now]
        if len(restarts) > 5 * count:  # crashing at start: a loop of forks helps no one
            log_line(f"server processes keep dying (last status {status}); stopping")
            stop()
            continue
        log_line(f"server process {pid} ended (status {status}); starting another")
        spawn(slot)
    return 0
