"""Serving a WSGI app with waitress in a background thread (the demo's servers, and tests'), stopped cleanly."""
from __future__ import annotations

import threading

import waitress


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
        self.server.close()
        self._thread.join(timeout)
