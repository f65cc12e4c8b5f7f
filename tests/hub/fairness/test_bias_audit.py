"""Self-identified demographics: stored encrypted apart, never read by scoring or mappings, erased with the candidate;
and the bias audit computed from them over the API, the CLI and the console."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text

from hub.storage.db import transaction
from hub.storage.demographics import Demographic
from hub.storage.models import Candidate, Connector, InterviewResult, SyncJob
from tests.conftest import ROOT, interview_result
from tests.hub.delivery_support import run_worker
from tests.support.cli import invoke


def self_id(**categories) -> dict:
    return {"category_set": "eeo1", "self_identified": True, "categories": categories}


def put(live, key, external_id: str, body: dict):
    return live.request("PUT", f"/api/v1/candidates/{external_id}/demographics", key, json=body)


def test_demographics_are_stored_encrypted_replaced_and_withdrawn(live, hub_state):
    key = live.key()
    first = put(live, key, "wx-1", self_id(sex="female", race_ethnicity="asian"))
    assert first.status_code == 201, first.text
    assert first.json()["categories"] == {"sex": "female", "race_ethnicity": "asian"}
    again = put(live, key, "wx-1", self_id(sex="female", race_ethnicity="declined"))
    assert again.status_code == 200
    with hub_state.engine.connect() as connection:
        raw = " ".join(str(row) for row in connection.execute(text("SELECT * FROM demographics")))
    assert raw and "female" not in raw and "declined" not in raw, "demographics must be encrypted at rest"
    audit = live.request("GET", "/api/v1/audit?action=demographics.recorded", live.key("auditor")).json()["items"]
    assert len(audit) == 2 and "female" not in json.dumps(audit), "the trail never holds the categories"
    assert live.request("DELETE", "/api/v1/candidates/wx-1/demographics", key).status_code == 204
    assert live.request("DELETE", "/api/v1/candidates/wx-1/demographics", key).status_code == 404
    with hub_state.read_session_factory() as session:
        assert session.scalars(select(Demographic)).all() == []


def test_bad_demographics_say_where_and_store_nothing(live, hub_state):
    key = live.key()
    response = put(live, key, "wx-2", {"category_set": "eeo1", "categories": {"sex": "robot", "eye_colour": "blue"}})
    assert response.status_code == 422 and response.headers["Content-Type"].startswith("application/problem+json")
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/self_identified", "/categories/sex", "/categories/eye_colour"}
    unknown_set = put(live, key, "wx-2", {"category_set": "mars", "self_identified": True, "categories": {"x": "y"}})
    assert {e["pointer"] for e in unknown_set.json()["errors"]} == {"/category_set"}
    assert put(live, key, "wx-2", ["not", "an", "object"]).status_code == 422
    assert put(live, live.key("auditor"), "wx-2", self_id(sex="male")).status_code == 403
    with hub_state.read_session_factory() as session:
        assert session.scalars(select(Demographic)).all() == []
        assert session.scalars(select(Candidate).where(Candidate.external_id == "wx-2")).first() is None
    china = put(
        live,
        key,
        "wx-3",
        {"category_set": "cn", "self_identified": True, "categories": {"gender": "female", "ethnicity": "minority"}},
    )
    assert china.status_code == 201
    sets = live.request("GET", "/api/v1/demographics/category-sets", key).json()["items"]
    assert {s["name"] for s in sets} >= {"eeo1", "cn", "eu"}


def test_erasure_and_retention_remove_demographics(live, hub_state):
    key = live.key()
    posted = live.request(
        "POST", "/api/v1/results", key, json=interview_result(candidate={"external_id": "wx-erase", "name": "李雷"})
    )
    assert posted.status_code == 202, posted.text
    assert put(live, key, "wx-erase", self_id(sex="male", race_ethnicity="asian")).status_code == 201
    erased = live.request("DELETE", "/api/v1/candidates/wx-erase", key)
    assert erased.status_code == 200 and erased.json()["demographics"] == 1
    with hub_state.read_session_factory() as session:
        assert session.scalars(select(Demographic)).all() == []
    # An erased candidate's self-identification is not taken again.
    assert put(live, key, "wx-erase", self_id(sex="male")).status_code == 409
    # Retention erases through the same path.
    old = live.request("POST", "/api/v1/results", key, json=interview_result(candidate={"external_id": "wx-old"}))
    put(live, key, "wx-old", self_id(sex="female"))
    with transaction(hub_state.session_factory) as session:
        session.get(InterviewResult, old.json()["id"]).created_at = datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert invoke(live.app, "candidates", "retention", "--days", "30").exit_code == 0
    with hub_state.read_session_factory() as session:
        assert session.scalars(select(Demographic)).all() == []


def _profile_and_payload(hub_state, result_id: str) -> tuple[bytes, bytes]:
    """The latest profile and what the generic REST mapping renders from it, as bytes."""
    from hub.delivery import deliver, documents

    settings = hub_state.settings
    with hub_state.read_session_factory() as session:
        result = session.get(InterviewResult, result_id)
        connector = Connector(name="hr-rest", type="rest", mapping="generic-rest", settings={}, config={})
        job = SyncJob(id="fixed-job", event="result.scored", created_at=datetime(2026, 12, 1, tzinfo=timezone.utc))
        document = documents.build(job, connector, result, default_policy=settings.policy, catalog=settings.catalog)
        rendered = deliver.render_document(connector, document, settings.catalog)
        profile = json.dumps(result.profiles[-1].data, sort_keys=True, ensure_ascii=False).encode()
    payloads = json.dumps(
        [p.body if hasattr(p, "body") else repr(p) for p in rendered.payloads],
        sort_keys=True,
        ensure_ascii=False,
        default=repr,
    ).encode()
    return profile, payloads


def test_scores_and_payloads_are_byte_identical_with_and_without_demographics(live, hub_state):
    """Score an answered interview, then store the candidate's self-identification and score it again: the
    profile and the rendered payload do not change by a byte (scoring and mappings never see the table)."""
    key = live.key()
    document = json.loads((ROOT / "examples" / "results" / "en-rnd-answers.json").read_text(encoding="utf-8"))
    document.pop("decision", None)
    document["candidate"] = {"external_id": "wx-same", "name": "Emily Stone"}
    accepted = live.request("POST", "/api/v1/results", key, json=document).json()
    run_worker(hub_state)
    without = _profile_and_payload(hub_state, accepted["id"])
    assert b'"dimensions"' in without[0] and len(without[1]) > 20
    assert put(live, key, "wx-same", self_id(sex="female", race_ethnicity="white")).status_code == 201
    assert invoke(live.app, "results", "rescore", accepted["id"]).exit_code == 0
    run_worker(hub_state)
    with hub_state.read_session_factory() as session:
        assert len(session.get(InterviewResult, accepted["id"]).profiles) == 2  # really scored again
        assert session.scalars(select(Demographic)).one().categories["sex"] == "female"
    assert _profile_and_payload(hub_state, accepted["id"]) == without


def _population(live, key, rng: random.Random) -> dict:
    """60 sales applicants: 30 women (6 hired, 12 advanced), 30 men (15 hired, 18 advanced), 5 with no self-id."""
    counts = {"female": (30, 6, 12), "male": (30, 15, 18)}
    races = ["asian", "white"]
    people = []
    for sex, (n, hired, advanced) in counts.items():
        for i in range(n):
            people.append((sex, races[i % 2], i < hired, i < advanced))
    people += [(None, None, i < 2, i < 3) for i in range(5)]
    rng.shuffle(people)
    for number, (sex, race, hired, advanced) in enumerate(people):
        external = f"wx-pop-{number}"
        dims = {
            "communication": rng.randint(40, 95),
            "stress_tolerance": 70,
            "customer_orientation": 80,
            "teamwork": 70,
            "responsibility": 90,
        }
        posted = live.request(
            "POST",
            "/api/v1/results",
            key,
            json=interview_result(
                candidate={"external_id": external}, scores={"source": "acme-ai", "model": "sales", "dimensions": dims}
            ),
        )
        assert posted.status_code == 202, posted.text
        decided = live.request(
            "POST",
            f"/api/v1/results/{posted.json()['id']}/decision",
            key,
            json={"hired": hired, "advanced": advanced or hired, "decided_by": "hr"},
        )
        assert decided.status_code in (200, 201), decided.text
        if sex:
            assert put(live, key, external, self_id(sex=sex, race_ethnicity=race)).status_code == 201
    return counts


def test_the_bias_report_over_the_api_cli_and_console(live, hub_state):
    key = live.key()
    _population(live, key, random.Random(13))
    auditor = live.key("auditor")
    assert live.request("GET", "/api/v1/reports/bias?job_family=sales", key).status_code == 403
    response = live.request("GET", "/api/v1/reports/bias?job_family=sales", auditor)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["applicants"] == 65 and report["unknown"] == {"sex": 5, "race_ethnicity": 5}
    hired = next(o for o in report["outcomes"] if o["outcome"] == "hired")
    sex = hired["tables"]["sex"]
    rows = {row["category"]: row for row in sex["rows"]}
    assert sex["reference"] == "male" and sex["unknown"] == 5
    assert (rows["female"]["applicants"], rows["female"]["selected"]) == (30, 6)
    assert rows["female"]["impact_ratio"] == pytest.approx((6 / 30) / (15 / 30))
    assert rows["female"]["flagged"] and rows["female"]["p_value"] is not None
    assert not rows["male"]["flagged"] and rows["male"]["impact_ratio"] == 1.0
    advanced = next(o for o in report["outcomes"] if o["outcome"] == "advanced")
    female_advanced = next(r for r in advanced["tables"]["sex"]["rows"] if r["category"] == "female")
    assert female_advanced["impact_ratio"] == pytest.approx((12 / 30) / (18 / 30))
    assert "sex × race_ethnicity" in hired["tables"]
    intersections = {r["category"] for r in hired["tables"]["sex × race_ethnicity"]["rows"]}
    assert intersections == {"female × asian", "female × white", "male × asian", "male × white"}
    scoring = {o["outcome"] for o in report["outcomes"] if o["kind"] == "scoring"}
    assert "score:communication" in scoring
    assert any(f["outcome"] == "hired" and f["category"] == "female" for f in report["flags"])
    summary = report["summary"]
    assert summary["audit_date"] and summary["distribution_date_range"]["from"] and summary["applicants"] == 65
    as_csv = live.request("GET", "/api/v1/reports/bias?job_family=sales&format=csv", auditor)
    assert as_csv.status_code == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert any(
        r["outcome"] == "hired" and r["dimension"] == "sex" and r["category"] == "female" and r["flagged"] == "True"
        for r in table
    )
    bad = live.request("GET", "/api/v1/reports/bias?job_family=astronauts", auditor)
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "?job_family"
    bad_date = live.request("GET", "/api/v1/reports/bias?job_family=sales&since=yesterday", auditor)
    assert bad_date.status_code == 422
    text_report = invoke(live.app, "reports", "bias", "--job-family", "sales")
    assert text_report.exit_code == 0, text_report.output
    assert "FLAG under 0.8" in text_report.output and "65 applicants" in text_report.output
    as_json = invoke(live.app, "reports", "bias", "--job-family", "sales", "--format", "json")
    assert json.loads(as_json.output)["applicants"] == 65
    later = invoke(live.app, "reports", "bias", "--job-family", "sales", "--since", "2999-01-01")
    assert later.exit_code == 0 and "0 applicants" in later.output
    wrong = invoke(live.app, "reports", "bias", "--job-family", "nope")
    assert wrong.exit_code != 0 and "Traceback" not in wrong.output and "unknown job family" in wrong.output


def test_a_persons_assessments_are_audited_apart_and_their_selections_counted(live, hub_state):
    """Candidates who opted out of automated decisions get a person's assessment as their profile: the audit counts
    their hires like everyone's, and rates the person's scores as assessment:* outcomes, never as the engine's."""
    from tests.hub.rights.test_rights_api import answers_document

    key = live.key()
    rng = random.Random(7)
    engine_scored = 0
    for number in range(8):  # the engine scores these (answers, no opt-out)
        document = answers_document(suffix=f"engine-{number}")
        document["candidate"] = {**document["candidate"], "external_id": f"wx-engine-{number}"}
        posted = live.request("POST", "/api/v1/results", key, json=document)
        assert posted.status_code == 202, posted.text
        engine_scored += 1
        sex = "female" if number % 2 else "male"
        assert put(live, key, f"wx-engine-{number}", self_id(sex=sex, race_ethnicity="asian")).status_code == 201
    run_worker(hub_state, max_seconds=20)
    assessed = {}  # result id -> (sex, the person's teamwork score, hired)
    for number in range(6):
        document = answers_document(automated_decision_opt_out=True, suffix=f"person-{number}")
        document["candidate"] = {**document["candidate"], "external_id": f"wx-person-{number}"}
        posted = live.request("POST", "/api/v1/results", key, json=document)
        assert posted.status_code == 202, posted.text
        result_id = posted.json()["id"]
        sex = "female" if number < 3 else "male"
        score = rng.choice([20, 30, 40]) if sex == "female" else rng.choice([80, 90])
        hired = sex == "male"
        review = live.request(
            "POST",
            f"/api/v1/results/{result_id}/reviews",
            key,
            json={"subject": "assessment", "dimensions": {"teamwork": score}, "reviewer": "hr.li", "reason": "read"},
        )
        assert review.status_code == 201, review.text
        decided = live.request(
            "POST", f"/api/v1/results/{result_id}/decision", key, json={"hired": hired, "decided_by": "hr.li"}
        )
        assert decided.status_code in (200, 201), decided.text
        assert put(live, key, f"wx-person-{number}", self_id(sex=sex, race_ethnicity="asian")).status_code == 201
        assessed[result_id] = (sex, score, hired)
    report = live.request("GET", "/api/v1/reports/bias?job_family=rnd&keep_small=true", live.key("auditor")).json()
    assert report["applicants"] == engine_scored + len(assessed)
    assert report["assessed_by_person"] == len(assessed)
    assert any("assessed by a person" in note for note in report["notes"])
    by_name = {o["outcome"]: o for o in report["outcomes"]}
    # The person's teamwork scores: their own outcome, counted over the assessed only.
    person = by_name["assessment:teamwork"]
    assert person["kind"] == "assessment" and person["counted"] == len(assessed)
    rows = {r["category"]: r for r in person["tables"]["sex"]["rows"]}
    assert rows["female"]["selected"] == 0 and rows["male"]["selected"] == 3  # all men above the person's median
    # The engine's teamwork rate counts the engine's profiles only.
    assert by_name["score:teamwork"]["kind"] == "scoring" and by_name["score:teamwork"]["counted"] == engine_scored
    # Hires count everyone decided: the assessed candidates' decisions are in.
    hired_rows = {r["category"]: r for r in by_name["hired"]["tables"]["sex"]["rows"]}
    assert by_name["hired"]["counted"] == len(assessed)
    assert (hired_rows["male"]["selected"], hired_rows["female"]["selected"]) == (3, 0)
    names = [o["outcome"] for o in report["outcomes"]]
    assert names.index("score:overall") < names.index("score:teamwork") < names.index("assessment:teamwork")


def test_the_console_draws_the_bias_audit_for_an_auditor(live, hub_state):
    import lxml.html

    from tests.hub.web.test_console import Browser, add_user

    _population(live, live.key(), random.Random(5))
    add_user(hub_state, "auditor@example.com", "auditor")
    browser = Browser(live)
    try:
        assert browser.sign_in("auditor@example.com").status_code == 200
        page = browser.get("/console/reports/bias?job_family=sales")
        assert page.status_code == 200, page.text
        tree = lxml.html.fromstring(page.content)
        assert tree.xpath("//nav/a[text()='Bias audit']/@class") == ["active"]
        charts = tree.xpath("//svg[@class='chart']")
        assert len(charts) >= 6  # hired, advanced and overall, by sex, race/ethnicity and their intersection
        hired_by_sex = next(
            svg for svg in charts if "for hired" in svg.get("aria-label") and " sex " in svg.get("aria-label")
        )
        bars = {rect.xpath("string(title)").split(":")[0]: rect for rect in hired_by_sex.xpath(".//rect")}
        assert bars["female"].get("class") == "bar-flagged" and bars["male"].get("class") == "bar-ok"
        assert float(bars["female"].get("width")) == pytest.approx(300 * 0.4)  # ratio (6/30)/(15/30)
        assert "Distribution date range" in page.text and "65" in page.text
        exported = browser.get("/console/reports/bias?job_family=sales&format=csv")
        assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
        bad = browser.get("/console/reports/bias?job_family=sales&since=soon")
        assert bad.status_code in (400, 422) and "since" in bad.text and "Traceback" not in bad.text
    finally:
        browser.close()
