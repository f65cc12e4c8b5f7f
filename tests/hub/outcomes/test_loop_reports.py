"""Through the hub: synthetic hires with planted effects go in as outcomes, and the API's and CLI's reports find them."""

from __future__ import annotations

import csv
import io
import json

from scipy import stats

from hub.ops import demo_outcomes
from hub.storage.db import transaction
from scoring_engine.validity.simulate import DEFAULT_LATE_PROBABILITY, DEFAULT_VALIDITY, WORKDAYS_PER_MONTH
from tests.support.cli import invoke


def test_validity_and_attendance_reports_recover_the_planted_effects(live, hub_state):
    with transaction(hub_state.session_factory) as session:
        seeded = demo_outcomes.seed_synthetic(session, applicants=4000, run_id="r")
    auditor = live.key("auditor")
    validity = live.request("GET", "/api/v1/reports/validity?job_family=rnd", auditor).json()
    assert validity["counted"] == {"hires": 1200, "applicants": 4000, "unlinked_outcomes": 0}
    cells = {c["predictor"]: c for c in validity["cells"] if c["outcome"] == "performance"}
    # Five 95 % intervals miss about 0.25 planted values between them: at most one may miss, and by less than
    # its own half-width (a miss that size is a 1-in-10,000 event for an honest interval).
    misses = []
    for dimension, planted in DEFAULT_VALIDITY.items():
        corrected = cells[dimension]["corrected"]
        assert cells[dimension]["correction"] == "multivariate"
        half = (corrected["high"] - corrected["low"]) / 2
        assert corrected["low"] - half <= planted <= corrected["high"] + half, (dimension, planted, corrected)
        if not corrected["low"] <= planted <= corrected["high"]:
            misses.append(dimension)
    assert len(misses) <= 1, misses
    assert cells["technical_skill"]["corrected"]["low"] <= 0.5 <= cells["technical_skill"]["corrected"]["high"]
    assert [key for key, cell in cells.items() if cell["flagged"]] == ["teamwork"]
    # Among hires the weak dimension even looks harmful; only the correction brings it back.
    assert cells["teamwork"]["pearson"]["r"] < 0 < cells["teamwork"]["corrected"]["r"]

    attendance = live.request("GET", "/api/v1/reports/attendance?job_family=rnd", auditor).json()
    groups = {(g["grouping"], g["group"]): g for g in attendance["groups"]}
    days = WORKDAYS_PER_MONTH * seeded.simulation.months
    for schedule, daily in DEFAULT_LATE_PROBABILITY.items():
        # Often late: late on more than 5 % of workdays. The planted chance of that, per hire:
        expected = stats.binom.sf(int(0.05 * days), days, daily)
        group = groups[("work_schedule", schedule)]
        assert group["low"] <= expected <= group["high"], (schedule, expected, group)
    assert groups[("work_schedule", "flexible")]["significant"]
    assert groups[("work_schedule", "flexible")]["comparison"]["difference"] > 0
    assert not any(g["significant"] for (grouping, _), g in groups.items() if grouping == "department")  # none planted
    kinds = [p["kind"] for p in attendance["proposals"]]
    assert kinds == ["competency_model", "attendance_policy"]
    assert attendance["proposals"][0]["change"]["to"] == 0.2

    as_csv = live.request("GET", "/api/v1/reports/attendance?job_family=rnd&format=csv", auditor)
    assert as_csv.status_code == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert {(r["grouping"], r["group"]) for r in rows} == set(groups)
    every = live.request("GET", "/api/v1/reports/attendance", auditor).json()
    assert every["job_family"] is None and every["proposals"] == []  # no model to change without a family

    text = invoke(live.app, "reports", "attendance", "--job-family", "rnd")
    assert text.exit_code == 0 and "SIGNIFICANT" in text.output and "flexible" in text.output
    assert "models propose --from attendance" in text.output
    as_json = json.loads(invoke(live.app, "reports", "attendance", "--job-family", "rnd", "--format", "json").output)
    assert as_json["hires"] == attendance["hires"] == 1200
    cli_csv = invoke(live.app, "reports", "attendance", "--format", "csv").output.splitlines()[0]
    assert cli_csv.startswith("grouping,group,hires,often_late,rate,low,high")


def test_the_attendance_report_refuses_bad_queries_and_other_roles(live):
    auditor = live.key("auditor")
    assert live.request("GET", "/api/v1/reports/attendance", live.key("ingest")).status_code == 403
    assert live.request("GET", "/api/v1/reports/attendance", live.key("outcomes")).status_code == 403
    for query, pointer in [
        ("job_family=astrology", "?job_family"),
        ("often_late_share=2", "?often_late_share"),
        ("often_late_share=lots", "?often_late_share"),
        ("since=yesterday", "?since"),
        ("min_group=1", "?min_group"),
        ("min_group=1e400", "?min_group"),
        ("min_group=99999999999", "?min_group"),
        ("often_late_share=", "?often_late_share"),
        ("alpha=nan", "?alpha"),
    ]:
        response = live.request("GET", f"/api/v1/reports/attendance?{query}", auditor)
        assert response.status_code == 422, (query, response.text)
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["pointer"] == pointer
    for query in ("min_n=inf", "min_n=2.5", "threshold="):
        response = live.request("GET", f"/api/v1/reports/validity?job_family=rnd&{query}", auditor)
        assert response.status_code == 422, (query, response.text)
    assert live.request("GET", "/api/v1/reports/attendance?since=", auditor).status_code == 200  # empty: no bound
    empty = live.request("GET", "/api/v1/reports/attendance?job_family=rnd", auditor).json()
    assert empty["groups"] == [] and empty["proposals"] == [] and "no hire" in empty["notes"][0]
