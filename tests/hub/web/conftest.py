"""The console's browser fixtures, shared by every console test module (defined beside the console tests)."""

from tests.hub.web.test_console import browsers, receiver  # noqa: F401
