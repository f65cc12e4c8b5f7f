"""The overview's charts over real HTTP, on both backends: jobs per hour and per day by status (grouped by the
database), delivery latency percentiles, breaker states and the oldest due job, each checked against rows written
with known times and numbers."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from hub.storage.db import transaction
from hub.storage.models import Connector, DeliveryAttempt, SyncJob, utcnow
from tests.hub.delivery_support import add_rest_connector, caller, hire, jobs


def segments(browser, chart_id: str) -> list[str]:
    svg = browser.page.xpath(f"//svg[title[@id='{chart_id}-t']]")[0]
    return [title.text for title in svg.xpath(".//rect[contains(@class, 'segment')]/title")]


def test_overview_charts_count_what_the_tables_hold(live, browsers, receiver):
    state = live.app.extensions["hub"]
    add_rest_connector(state, "hr", receiver.url)
    add_rest_connector(state, "hr2", receiver.url)
    hire(state, caller(state), count=3)
    now = utcnow()
    ids = sorted(job.id for job in jobs(state))
    assert len(ids) == 6  # 3 hires x 2 connectors
    two_hours_ago = (now - timedelta(hours=2)).replace(minute=30)
    three_days_ago = now - timedelta(days=3)
    with transaction(state.session_factory) as session:
        plan = [
            (ids[0], "delivered", two_hours_ago),
            (ids[1], "delivered", two_hours_ago),
            (ids[2], "dead", two_hours_ago),
            (ids[3], "delivered", three_days_ago),
            (ids[4], "delivered", now - timedelta(days=45)),  # outside both charts
        ]
        for job_id, status, created in plan:
            session.execute(
                update(SyncJob)
                .where(SyncJob.id == job_id)
                .values(status=status, created_at=created, next_attempt_at=None)
            )
        # The sixth job stays pending, due ten minutes ago: the oldest due job.
        session.execute(
            update(SyncJob)
            .where(SyncJob.id == ids[5])
            .values(created_at=now, next_attempt_at=now - timedelta(minutes=10))
        )
        for number, latency in enumerate([100.0, 200.0, 300.0, 400.0, 1000.0], 1):
            session.add(
                DeliveryAttempt(
                    job_id=ids[0],
                    number=number,
                    outcome="delivered",
                    status_code=201,
                    latency_ms=latency,
                    started_at=now - timedelta(minutes=number),
                    finished_at=now,
                )
            )
        session.add(
            DeliveryAttempt(
                job_id=ids[1],
                number=1,
                outcome="delivered",
                status_code=201,
                latency_ms=99999.0,
                started_at=now - timedelta(days=2),
                finished_at=now,
            )
        )  # older than 24 h: not in the percentiles
        session.execute(update(Connector).where(Connector.name == "hr2").values(breaker_state="open"))

    admin = browsers("it@example.com")
    assert admin.get("/console/").status_code == 200
    hour = two_hours_ago.strftime("%H:00")
    day_titles = segments(admin, "jobs-24h")
    assert sorted(day_titles) == sorted([f"{hour}: 2 delivered", f"{hour}: 1 dead", f"{now:%H:00}: 1 pending"])
    month_titles = segments(admin, "jobs-30d")
    assert f"{three_days_ago:%m-%d}: 1 delivered" in month_titles
    assert sum(int(re.search(r": (\d+) ", t).group(1)) for t in month_titles) == 5  # the 45-day-old job is left out

    latency = {
        row.xpath("th")[0].text: row.xpath("td")[0].text for row in admin.page.xpath("//table[@id='latency']/tr")
    }
    assert latency == {"p50": "300 ms", "p90": "760 ms", "p99": "976 ms"}  # inclusive quantiles of 100..400, 1000
    breakers = {
        row.xpath("td")[0].text_content(): row.xpath("td")[2].text_content()
        for row in admin.page.xpath("//table[@id='breakers']/tr")
    }
    assert breakers["open"] == "hr2" and breakers["closed"] == "hr"
    assert admin.page.xpath("//p[@id='oldest-due']/text()") == ["10 min"]
    assert ids[5] in admin.text()
