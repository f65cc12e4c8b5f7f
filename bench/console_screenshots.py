"""The screenshots in docs/console.md: a seeded hub (tests/support/console_seed.py) served on loopback, each console
page opened in headless Debian Chromium through Playwright, saved as docs/console/<page>.png.

    .venv/bin/python bench/console_screenshots.py [--out docs/console] [--chromium /usr/bin/chromium] [--language en|zh|both]

English pages are saved as <page>.png, Chinese ones (the browser asking for zh-CN) as <page>.zh.png.

Not a test: run it by hand after a console page changes, look at the pictures, and commit them.
Needs the `test` extra (Playwright) and Debian's chromium (apt-get install chromium fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import tempfile
import time

REPOSITORY_ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY_ROOT))

from tests.conftest import LOOPBACK_DESTINATIONS, hub_config  # noqa: E402

for _name, _value in LOOPBACK_DESTINATIONS.items():  # the seeded connectors deliver to a loopback receiver
    os.environ.setdefault(_name, _value)

from playwright.sync_api import sync_playwright  # noqa: E402

from hub import create_app  # noqa: E402
from hub.ops.serving import BackgroundServer  # noqa: E402
from hub.storage.migrate import upgrade  # noqa: E402
from tests.support import console_seed  # noqa: E402
from tests.support.http_receiver import HttpReceiver, Reply  # noqa: E402

# The pages docs/console.md shows (console_seed.console_pages has a few more, which the accessibility test checks).
SHOWN = [
    "overview",
    "results",
    "result",
    "jobs",
    "job",
    "connectors",
    "connector",
    "connector-form-errors",
    "preview",
    "policies",
    "policy",
    "users",
    "clients",
    "audit",
    "bias",
    "validity",
    "attendance",
]
MAX_HEIGHT = 2200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=REPOSITORY_ROOT / "docs" / "console")
    parser.add_argument("--chromium", default=os.environ.get("HUB_TEST_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--language", choices=["en", "zh", "both"], default="both")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, HttpReceiver(default=Reply(201, body={"id": "hr-1"})) as receiver:
        path = pathlib.Path(folder)
        app = create_app(hub_config(path, f"sqlite:///{path / 'hub.sqlite'}"))
        upgrade(app.extensions["hub"].engine)
        seeded = console_seed.seed_console(app, receiver)
        server = BackgroundServer(app)
        pages = {slug: (page_path, action) for slug, page_path, action in console_seed.console_pages(seeded)}
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=arguments.chromium, headless=True, args=args)
                languages = ["en", "zh"] if arguments.language == "both" else [arguments.language]
                for language in languages:
                    suffix, locale = ("", "en-GB") if language == "en" else (".zh", "zh-CN")
                    context = browser.new_context(
                        base_url=server.url, viewport={"width": arguments.width, "height": 800}, locale=locale
                    )
                    page = context.new_page()
                    page.goto("/console/sign-in")
                    page.screenshot(path=str(arguments.out / f"sign-in{suffix}.png"))
                    page.locator("input[name='email']").fill(console_seed.ADMIN)
                    page.locator("input[name='password']").fill(console_seed.PASSWORD)
                    page.locator("form button[type='submit']").click()
                    page.wait_for_load_state()
                    for slug in SHOWN:
                        page_path, action = pages[slug]
                        page.goto(page_path)
                        if action:
                            action(page)
                        target = arguments.out / f"{slug}{suffix}.png"
                        # The whole page, cut at MAX_HEIGHT (the REST form's every setting would be 4,600 px).
                        height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
                        clip = {"x": 0, "y": 0, "width": arguments.width, "height": height}
                        page.screenshot(path=str(target), full_page=True, clip=clip)
                        print(f"{target.relative_to(REPOSITORY_ROOT)}  {page_path}")
                    context.close()
                browser.close()
        finally:
            server.close()
            app.extensions["hub"].dispose()
    count = (len(SHOWN) + 1) * (2 if arguments.language == "both" else 1)
    print(f"{count} screenshots in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
