"""Serving a WSGI app with waitress in a background thread (the demo's servers, and tests'), stopped cleanly."""

from __future__ import annotations

import errno
import threading
from contextlib import contextmanager

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
