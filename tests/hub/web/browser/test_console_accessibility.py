"""Accessibility basics on every console page in Chromium, with axe-core (tests/support/axe/axe.min.js, vendored;
see the README beside it): no serious or critical violation (labels, contrast, headings, names, landmarks), and a
visible focus ring on everything the keyboard reaches."""

from __future__ import annotations

import json

import pytest

from tests.hub.web.browser.conftest import AXE, Person
from tests.support import console_seed

# WCAG 2.x A and AA, plus axe's best practices (heading order, landmarks, one h1).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PAGES = [slug for slug, _, _ in console_seed.console_pages(console_seed.Seeded(result_ids=["a", "b", "c"]))]


@pytest.fixture(scope="module")
def seeded_hub(tmp_path_factory):
    from hub import create_app
    from hub.ops.serving import BackgroundServer
    from hub.storage.migrate import upgrade
    from tests.conftest import hub_config
    from tests.support.http_receiver import HttpReceiver, Reply

    folder = tmp_path_factory.mktemp("console-a11y")
    app = create_app(hub_config(folder, f"sqlite:///{folder / 'hub.sqlite'}"))
    upgrade(app.extensions["hub"].engine)
    with HttpReceiver(default=Reply(201, body={"id": "hr-1"})) as receiver:
        seeded = console_seed.seed_console(app, receiver)
        server = BackgroundServer(app)
        try:
            yield server.url, seeded
        finally:
            server.close()
            app.extensions["hub"].dispose()


@pytest.fixture(scope="module")
def admin_state(chromium, seeded_hub):
    """The admin's signed-in cookies, so each page's test starts signed in."""
    url, _ = seeded_hub
    admin = Person(chromium, url)
    admin.sign_in(console_seed.ADMIN)
    assert "/console/sign-in" not in admin.page.url
    state = admin.context.storage_state()
    admin.close()
    return state


def serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))  # allowed by bypass_csp: the console itself runs no script
    report = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [node["target"] for node in v["nodes"]][:5],
            "why": v["nodes"][0]["failureSummary"],
        }
        for v in report["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("slug", PAGES)
def test_no_serious_accessibility_violation(chromium, seeded_hub, admin_state, slug):
    url, seeded = seeded_hub
    [(path, action)] = [(p, a) for s, p, a in console_seed.console_pages(seeded) if s == slug]
    admin = Person(chromium, url, storage_state=admin_state, bypass_csp=True)
    admin.expected_statuses = {422} if action else set()
    try:
        admin.goto(path)
        if action:
            action(admin.page)
            assert admin.page.locator("p.field-error").count() >= 1  # the errors are there to be checked
        found = serious_violations(admin.page)
        assert not found, json.dumps(found, indent=1, ensure_ascii=False)
        admin.assert_clean()
    finally:
        admin.close()


def test_the_sign_in_page_has_no_serious_accessibility_violation(chromium, seeded_hub):
    url, _ = seeded_hub
    someone = Person(chromium, url, bypass_csp=True)
    try:
        someone.goto("/console/sign-in")
        found = serious_violations(someone.page)
        assert not found, json.dumps(found, indent=1)
    finally:
        someone.close()


FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), text: (e.innerText || e.name || e.id || '').trim().slice(0, 40),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
}"""


@pytest.mark.parametrize("path", ["/console/connectors/new?type=rest", "/console/users"])
def test_the_keyboard_reaches_every_control_with_a_visible_focus_ring(chromium, seeded_hub, admin_state, path):
    url, _ = seeded_hub
    admin = Person(chromium, url, storage_state=admin_state)
    try:
        admin.goto(path)
        controls = admin.page.locator(
            "main :is(a[href], button, input:not([type=hidden]), select, textarea):visible"
        ).count()
        reached = []
        for _ in range(200):
            admin.page.keyboard.press("Tab")
            focused = admin.page.evaluate(FOCUSED)
            if focused["tag"] == "body" or (reached and focused == reached[0]):
                break
            reached.append(focused)
        in_main = admin.page.evaluate("() => document.querySelectorAll('main *').length")
        assert in_main and len(reached) >= controls, (len(reached), controls)
        unringed = [f for f in reached if not f["outline"]]
        assert not unringed, unringed
        admin.assert_clean()
    finally:
        admin.close()


OVERFLOWING_TEXT = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const box = svg.viewBox.baseVal;
  return [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()])
    .filter(([, b]) => b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5)
    .map(([text, b]) => `${text}: x ${b.x.toFixed(1)}..${(b.x + b.width).toFixed(1)} of ${box.width}`);
})"""


@pytest.mark.parametrize("slug", ["overview", "result", "result-2"])
def test_every_chart_label_is_drawn_inside_its_chart(chromium, seeded_hub, admin_state, slug):
    """Chinese and English dimension names, hours and counts are laid out in Chromium, not cut off at the edge."""
    url, seeded = seeded_hub
    [path] = [p for s, p, _ in console_seed.console_pages(seeded) if s == slug]
    admin = Person(chromium, url, storage_state=admin_state)
    try:
        admin.goto(path)
        assert admin.page.locator("svg.chart text").count() > 0
        assert admin.page.evaluate(OVERFLOWING_TEXT) == []
    finally:
        admin.close()


def test_no_serious_accessibility_violation_on_any_page_in_chinese(chromium, seeded_hub, admin_state):
    """The same pages with the browser asking for Chinese: labels, names and contrast hold in zh-CN too."""
    url, seeded = seeded_hub
    admin = Person(chromium, url, storage_state=admin_state, bypass_csp=True, locale="zh-CN")
    failures = {}
    try:
        for slug, path, action in console_seed.console_pages(seeded):
            admin.expected_statuses = {422} if action else set()
            admin.goto(path)
            if action:
                action(admin.page)
            assert admin.page.locator("html").get_attribute("lang") == "zh-CN", slug
            found = serious_violations(admin.page)
            if found:
                failures[slug] = found
        assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)
        admin.assert_clean()
    finally:
        admin.close()
