"""A result's console page over real HTTP: the profile as a server-drawn SVG chart, the plan and attendance rule the
policy derives (each with the rule and score behind it), and what each connector received, contact details masked."""

from __future__ import annotations

import json

from tests.hub.delivery_support import add_rest_connector, caller, hire, run_worker

EVENTS_PATH = "/hris-hub/events"


def test_the_result_page_draws_the_profile_and_shows_plan_rule_and_payloads(live, browsers, receiver):
    state = live.app.extensions["hub"]
    add_rest_connector(state, "hr", receiver.url)
    [result_id] = hire(state, caller(state))
    run_worker(state)
    [delivered] = receiver.requests_for(EVENTS_PATH)
    admin = browsers("it@example.com")
    page = admin.get(f"/console/results/{result_id}")
    assert page.status_code == 200

    dimensions = {
        "communication": 92,
        "stress_tolerance": 75,
        "customer_orientation": 88,
        "teamwork": 70,
        "responsibility": 91,
    }  # tests/conftest.py's interview_result
    bars = admin.page.xpath("//svg[@role='img']//rect[@class='value']")
    assert len(bars) == len(dimensions)
    widths = sorted(float(bar.get("width")) for bar in bars)
    track = float(admin.page.xpath("//svg[@role='img']//g[@class='bar']/rect[1]/@width")[0])
    assert widths == sorted(round(track * score / 100, 1) for score in dimensions.values())
    assert admin.page.xpath("//svg[@role='img']/title/text()")

    goals = admin.page.xpath(
        "//h2[starts-with(normalize-space(.), 'Performance plan')]/following-sibling::table//tbody/tr"
    )
    assert goals and all("rule" in row.text_content() for row in goals)
    document = delivered.json()
    sent_rules = {goal["rationale"]["rule"] for goal in document.get("plan", {}).get("goals", [])}
    assert sent_rules <= {code.text for code in admin.page.xpath("//table//code")}
    assert "Attendance rule" in admin.text() and "late arrival(s) allowed a month" in admin.text()

    [received] = admin.page.xpath("//details[@class='received']/pre/text()")
    shown = json.loads(received)
    assert isinstance(shown, list) and shown
    assert "xiaoming@example.com" not in page.text and "138 0013 8000" not in page.text
    sent = json.loads(delivered.body.decode("utf-8").replace("xiaoming@example.com", "********"))
    sent = json.loads(json.dumps(sent).replace("+86 138 0013 8000", "********"))
    assert any(sent in (payload, payload.get("body")) for payload in shown if isinstance(payload, dict)), shown


def test_a_result_still_scoring_says_why_there_is_no_plan(live, browsers):
    from hub.intake import ingest
    from tests.conftest import interview_result

    state = live.app.extensions["hub"]
    document = interview_result()
    document.pop("scores")
    document["answers"] = [{"question_id": "sales-q1", "text": "I called the client back the same day."}]
    accepted = ingest.ingest(state.session_factory, caller(state), document, None)
    admin = browsers("it@example.com")
    page = admin.get(f"/console/results/{accepted.body['id']}")
    assert page.status_code == 200
    assert not admin.page.xpath("//svg[@role='img']")
    assert "Performance plan" not in admin.text()
