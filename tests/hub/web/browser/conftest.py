"""The console in a real browser: Playwright for Python driving Debian's Chromium (no browser download).

One Chromium is launched per session (`chromium`); each test opens its own context (cookies, listeners) on a hub
served over real HTTP by waitress on loopback (the `live` fixture, on SQLite). Every page a test opens records the
browser's console messages, failed requests and CSP violations; `Person.assert_clean()` (called at the end of each
test by the `person` fixture) fails on any of them.

The tests skip, saying why, where Playwright or Chromium cannot be had; with HUB_TEST_BROWSER=1 (.ci/run sets it)
they fail instead. HUB_TEST_CHROMIUM names another Chromium binary.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.support.console_seed import PASSWORD

CHROMIUM = os.environ.get("HUB_TEST_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("HUB_TEST_BROWSER", "").lower() in {"1", "true", "yes"}
AXE = Path(__file__).resolve().parents[3] / "support" / "axe" / "axe.min.js"


def unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"HUB_TEST_BROWSER is set, but {reason}", pytrace=False)
    pytest.skip(reason)


def launch_chromium(playwright):
    """Headless Debian Chromium; without its sandbox when running as root (Chromium refuses root otherwise)."""
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set HUB_TEST_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def database_url(tmp_path):
    """Browser tests run on SQLite only: what they check is the pages, which the backend tests cover twice."""
    return f"sqlite:///{tmp_path / 'hub.sqlite'}"


class Person:
    """Someone at Chromium: one browser context (own cookies), its page, and what went wrong in it."""

    def __init__(self, browser, base_url: str, **context_options):
        self.base = base_url
        self.context = browser.new_context(base_url=base_url, **context_options)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.expected_statuses: set[int] = set()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._on_request_failed)
        self.page.on("response", self._on_response)

    def _on_console(self, message) -> None:
        if message.type not in {"error", "warning"}:
            return
        text = message.text
        # Chromium logs every 4xx/5xx document as "Failed to load resource"; a test that expects one says so.
        status = re.search(r"status of (\d{3})", text)
        if status and int(status.group(1)) in self.expected_statuses:
            return
        self.problems.append(f"console {message.type}: {text} ({message.location.get('url')})")

    def _on_request_failed(self, request) -> None:
        # ERR_ABORTED: the browser dropped a request (a favicon, say) because the person moved to the next page.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} {request.failure}")

    def _on_response(self, response) -> None:
        if not response.url.startswith(self.base):
            self.problems.append(f"a request left the hub: {response.url}")

    def goto(self, path: str, status: int = 200):
        response = self.page.goto(path)
        assert response is not None and response.status == status, (path, response and response.status)
        return response

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        self.goto("/console/sign-in")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def flash(self) -> str:
        return " | ".join(self.page.locator("p.flash").all_inner_texts())

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def person(chromium, live):
    """`person()` opens a browser context on the live hub; each is checked clean (no console errors, no failed or
    off-site requests) and closed at the end of the test."""
    opened: list[Person] = []

    def open_person(**context_options) -> Person:
        someone = Person(chromium, live.url, **context_options)
        opened.append(someone)
        return someone

    yield open_person
    try:
        for someone in opened:
            someone.assert_clean()
    finally:
        for someone in opened:
            someone.close()
