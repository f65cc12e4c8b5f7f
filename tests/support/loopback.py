"""A WSGI server on 127.0.0.1 in a background thread, on a port the OS picks; start/stop or use as a context manager."""

from __future__ import annotations

import threading

from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietRequestHandler(WSGIRequestHandler):
    """Request handler that does not log each request (test output stays readable)."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class LoopbackWsgiServer:
    """Serve `self.wsgi_app` (or the `app` given) threaded on 127.0.0.1; `.url` is its root URL."""

    def __init__(self, app=None, host: str = "127.0.0.1"):
        self._app = app
        self.host = host
        self.port: int | None = None
        self.stopping = threading.Event()
        self._server = None
        self._thread: threading.Thread | None = None

    def wsgi_app(self, environ, start_response):
        """The WSGI application served; subclasses override it or pass `app`."""
        return self._app(environ, start_response)

    @property
    def url(self) -> str:
        """Root URL, without a trailing slash."""
        if self.port is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self.port}"

    def start(self):
        """Bind a free port and serve in a daemon thread; returns self."""
        self.stopping.clear()
        self._server = make_server(self.host, 0, self.wsgi_app, threaded=True, request_handler=_QuietRequestHandler)
        self.port = self._server.server_port
        # A short poll interval keeps stop() quick: shutdown() waits for the serve loop to notice.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=f"{type(self).__name__}:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; delayed responses in flight are cut short."""
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
