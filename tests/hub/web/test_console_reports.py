"""The console's report pages over real HTTP: who may see them, SVG charts with one mark per hire or group, escaping."""

from __future__ import annotations

import lxml.html
import pytest

from hub.ops import demo_outcomes
from hub.outcomes import records
from hub.storage.db import transaction
from tests.conftest import BACKENDS
from tests.hub.web.test_console import browsers  # noqa: F401  (the fixture)
from tests.support.seeded_database import seeded_database

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>'


def seed(state) -> None:
    with transaction(state.session_factory) as session:
        demo_outcomes.seed_synthetic(session, applicants=3000, run_id="c")
        # One hire spends most workdays in a department whose name is markup: it must come back as text.
        months = [
            {
                "kind": "attendance_summary",
                "employee_id": "SIMc-000000",
                "month": f"2027-{m:02d}",
                "workdays": 21,
                "late_arrivals": 1,
                "absences": 0,
                "overtime_occasions": 0,
                "department": HOSTILE,
                "source": "test",
            }
            for m in range(1, 13)
        ]
        assert records.check(months) == []
        records.store(session, months, actor="test", via="test")


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory):
    """The report data, seeded once per backend: the tests read it, and add only users and keys of their own."""
    with seeded_database(request.param, tmp_path_factory, seed) as template:
        yield template


@pytest.fixture
def database_url(seeded, tmp_path):
    return seeded.url_for(tmp_path)


def svgs(html: str) -> list:
    return lxml.html.fromstring(html).xpath("//*[local-name()='svg']")


def count(svg, tag: str, cls: str | None = None) -> int:
    path = f".//*[local-name()='{tag}']" + (f"[contains(concat(' ', @class, ' '), ' {cls} ')]" if cls else "")
    return len(svg.xpath(path))


def test_report_pages_need_a_console_sign_in_and_either_role_sees_them(live, browsers):  # noqa: F811
    anonymous = browsers()
    for path in ("/console/reports/validity", "/console/reports/attendance"):
        refused = anonymous.get(path, allow_redirects=False)
        assert refused.status_code in (302, 303) and "/console/sign-in" in refused.headers["Location"]
        with_key = anonymous.get(path, allow_redirects=False, headers={"Authorization": f"Bearer {live.key('admin')}"})
        assert with_key.status_code in (302, 303), "an API key is not a console sign-in"
    for role in ("auditor", "admin"):
        browser = browsers(f"{role}-reports@example.com", role)
        for path in ("/console/reports/validity?job_family=rnd", "/console/reports/attendance?job_family=rnd"):
            page = browser.get(path)
            assert page.status_code == 200, page.text
            assert "default-src 'none'" in page.headers["Content-Security-Policy"]
            assert "<script" not in page.text and "style=" not in page.text and "<style" not in page.text
        assert 'href="/console/reports/validity"' in browser.get("/console/").text  # the one nav link


def test_validity_page_draws_every_hire_the_fitted_line_and_each_dimensions_interval(live, browsers):  # noqa: F811
    api = live.request("GET", "/api/v1/reports/validity?job_family=rnd", live.key("auditor")).json()
    cells = {c["predictor"]: c for c in api["cells"] if c["outcome"] == "performance"}
    browser = browsers("auditor-v@example.com", "auditor")
    page = browser.get("/console/reports/validity?job_family=rnd&outcome=performance&predictor=technical_skill")
    assert page.status_code == 200
    intervals, scatter = svgs(page.text)
    assert count(intervals, "circle", "estimate") == len(cells) == 6
    assert count(intervals, "line", "whisker") == 6 and count(intervals, "line", "reference") == 1
    rows = intervals.xpath(".//*[local-name()='g'][contains(@class, 'row')]")
    flagged = [row.xpath("./*[local-name()='text']")[0].text for row in rows if "marked" in row.get("class")]
    assert flagged == ["teamwork"]  # the planted weak dimension, as the API flags it
    assert [p for p, c in cells.items() if c["flagged"]] == ["teamwork"]
    assert count(scatter, "circle") == cells["technical_skill"]["n"] == 900
    (fit,) = scatter.xpath(".//*[local-name()='line'][@class='fit']")
    assert float(fit.get("y2")) < float(fit.get("y1")), (
        "higher technical skill, higher rating: the line rises (y grows down)"
    )
    bad = browser.get("/console/reports/validity?job_family=astrology")
    assert bad.status_code == 422 and "unknown job family" in bad.text
    assert browser.get("/console/reports/validity?job_family=rnd&predictor=%3Cb%3E").status_code == 422
    for query in ("min_n=inf", "min_n=nan", "threshold=lots", "since=yesterday"):
        assert browser.get(f"/console/reports/validity?job_family=rnd&{query}").status_code == 422, query
    assert browser.get("/console/reports/attendance?often_late_share=1e999").status_code == 422


def test_attendance_page_draws_a_bar_per_group_and_escapes_group_names(live, browsers):  # noqa: F811
    api = live.request("GET", "/api/v1/reports/attendance?job_family=rnd", live.key("auditor")).json()
    by_grouping: dict[str, list] = {}
    for group in api["groups"]:
        by_grouping.setdefault(group["grouping"], []).append(group)
    browser = browsers("admin-a@example.com", "admin")
    page = browser.get("/console/reports/attendance?job_family=rnd")
    assert page.status_code == 200
    charts = svgs(page.text)
    assert len(charts) == len(by_grouping)
    for chart, (grouping, groups) in zip(charts, by_grouping.items()):
        assert count(chart, "rect", "bar") == len(groups), grouping
    schedule = charts[list(by_grouping).index("work_schedule")]
    marked = [
        row.xpath("./*[local-name()='text']")[0].text
        for row in schedule.xpath(".//*[local-name()='g'][contains(@class, 'marked')]")
    ]
    assert marked == ["flexible"] or sorted(marked) == ["fixed", "flexible"]
    assert HOSTILE not in page.text and "&lt;script&gt;" in page.text
    assert HOSTILE in [g["group"] for g in by_grouping["department"]]
    assert "Proposals (not applied)" in page.text and "time_management" in page.text
