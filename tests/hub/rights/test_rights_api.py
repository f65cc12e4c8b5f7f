"""Candidates' rights over real HTTP: notices and the consent record, the human-only path, the human review log,
explanations (zh, en; no weights, nothing about emotion), and the subject access export, with roles, bad input
at its pointer and the audit trail."""

from __future__ import annotations

import json
import re

import lxml.html
import pytest
import yaml
from sqlalchemy import select, text

import scoring_engine
from hub.accounts import console_users as accounts
from hub.rights import explanation
from hub.storage.db import transaction
from hub.storage.models import AuditEntry
from hub.storage.rights import ConsentRecord, Review
from tests.conftest import ROOT, hub_config, interview_result
from tests.hub.delivery_support import run_worker
from tests.support.cli import invoke

PASSWORD = "correct horse battery staple"


def answers_document(**consent) -> dict:
    document = json.loads((ROOT / "examples/results/en-rnd-answers.json").read_text())
    document.pop("decision")
    document["external_id"] = f"iv-{consent.pop('suffix', 'a')}"
    document["consent"] = {**document["consent"], **consent}
    return document


def audit(state, action: str) -> list[AuditEntry]:
    with state.read_session_factory() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


def all_audit_text(state) -> str:
    with state.engine.connect() as connection:
        return json.dumps(
            [list(map(str, r)) for r in connection.execute(text("SELECT * FROM audit_entries"))], ensure_ascii=False
        )


# --- notices --------------------------------------------------------------------------------------------


def test_notices_are_listed_and_shown_publicly(live):
    listed = live.request("GET", "/api/v1/notices")
    assert listed.status_code == 200
    keys = {(n["id"], n["version"], n["language"], n["jurisdiction"]) for n in listed.json()["notices"]}
    assert ("candidate-assessment", "2026-09", "zh", "CN") in keys
    assert ("candidate-assessment", "2026-09", "en", "US-NY-NYC") in keys
    one = live.request("GET", "/api/v1/notices/candidate-assessment/2026-09/zh/CN").json()
    assert "自动化决策" in one["text"] and one["source"] == "shipped"
    missing = live.request("GET", "/api/v1/notices/candidate-assessment/1999-01/zh/CN")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "consent, pointer",
    [
        ({"notice_version": "1999-01"}, "/consent/notice_version"),
        ({"notice_id": "no-such-notice"}, "/consent/notice_id"),
        ({"jurisdiction": "US-IL", "language": "zh"}, "/consent/jurisdiction"),  # zh exists, but not for US-IL
        ({"language": "en", "jurisdiction": "JP"}, "/consent/jurisdiction"),
    ],
)
def test_a_result_citing_an_unknown_notice_is_refused_at_its_pointer(live, consent, pointer):
    document = interview_result()
    document["consent"] = {**document["consent"], **consent}
    response = live.request("POST", "/api/v1/results", live.key(), json=document)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["errors"][0]["pointer"] == pointer
    assert "GET /api/v1/notices" in body["detail"] and "known:" in body["errors"][0]["message"]


def test_each_result_records_its_notice_and_consent(live, hub_state):
    key = live.key()
    document = interview_result()
    document["consent"] = {
        **document["consent"],
        "notice_id": "candidate-assessment",
        "language": "en",
        "jurisdiction": "EU",
        "scopes": ["scoring", "transfer_to_hr_systems"],
    }
    accepted = live.request("POST", "/api/v1/results", key, json=document).json()
    view = live.request("GET", accepted["links"]["self"], key).json()
    assert view["consent"] == {
        "notice_id": "candidate-assessment",
        "notice_version": "2026-09",
        "language": "en",
        "jurisdiction": "EU",
        "scopes": ["scoring", "transfer_to_hr_systems"],
        "automated_decision_opt_out": False,
    }
    [received] = [e for e in audit(hub_state, "result.received") if e.object_id == accepted["id"]]
    assert received.details["notice"] == "candidate-assessment/2026-09/en/EU"
    # A version the catalog holds in several languages, cited without one, is recorded as such.
    plain = live.request("POST", "/api/v1/results", key, json=interview_result()).json()
    assert live.request("GET", plain["links"]["self"], key).json()["consent"]["language"] == "unspecified"


def test_an_operators_notice_folder_adds_notices_and_a_broken_file_is_named(tmp_path, database_url):
    from hub import create_app
    from hub.storage.migrate import upgrade

    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "acme.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "acme-hiring",
                "version": "3",
                "language": "zh",
                "jurisdiction": "CN",
                "title": "Acme 告知书",
                "effective_from": "2026-10-01",
                "text": "……",
                "scopes": ["scoring"],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    # The employer's own text of a shipped notice replaces the shipped template.
    (folder / "ours.yaml").write_text(
        "id: candidate-assessment\nversion: '2026-09'\nlanguage: zh\njurisdiction: CN\ntitle: 我们的告知书\n"
        "effective_from: 2026-09-01\ntext: 由 Acme 公司发布。\n",
        encoding="utf-8",
    )
    app = create_app(hub_config(tmp_path, database_url, HUB_NOTICES_DIR=str(folder)))
    try:
        upgrade(app.extensions["hub"].engine)
        listed = invoke(app, "notices", "list")
        assert listed.exit_code == 0 and "acme-hiring  3  zh  CN  (operator)" in listed.output
        ours = [line for line in listed.output.splitlines() if line.startswith("candidate-assessment  2026-09  zh  CN")]
        assert ours == ["candidate-assessment  2026-09  zh  CN  (operator)  我们的告知书"]
        shown = invoke(app, "notices", "show", "candidate-assessment", "2026-09", "zh", "CN")
        assert "由 Acme 公司发布" in shown.output
        client = app.test_client()
        from hub.accounts.api_clients import create_client

        with transaction(app.extensions["hub"].session_factory) as session:
            _, key = create_client(session, name="fe", role="ingest", actor="test")
        document = interview_result()
        document["consent"] = {**document["consent"], "notice_id": "acme-hiring", "notice_version": "3"}
        assert (
            client.post("/api/v1/results", json=document, headers={"Authorization": f"Bearer {key}"}).status_code == 202
        )
        (folder / "broken.yaml").write_text("id: x\nversion: [unclosed\n", encoding="utf-8")
        broken = invoke(app, "notices", "list")
        assert broken.exit_code == 1 and "broken.yaml:" in broken.output and "Traceback" not in broken.output
    finally:
        app.extensions["hub"].dispose()


# --- the human-only path --------------------------------------------------------------------------------


def test_opting_out_sends_the_result_to_a_person_and_scores_nothing(live, hub_state):
    key = live.key()
    accepted = live.request(
        "POST", "/api/v1/results", key, json=answers_document(automated_decision_opt_out=True)
    ).json()
    assert accepted["status"] == "not_scored"
    assert accepted["human_review"]["required"] is True and accepted["human_review"]["scored"] is False
    assert f"/api/v1/results/{accepted['id']}/reviews" in accepted["human_review"]["reason"]
    run_worker(hub_state, max_seconds=5)
    rescored = invoke(live.app, "results", "rescore", accepted["id"])
    assert rescored.exit_code == 0 and "queued 0 result(s)" in rescored.output, rescored.output
    run_worker(hub_state, max_seconds=5)
    view = live.request("GET", accepted["links"]["self"], key).json()
    assert view["status"] == "not_scored" and view["profile"] is None and view["profile_versions"] == 0
    assert view["human_review"]["required"] and view["human_review"]["pending"]
    assert view["consent"]["automated_decision_opt_out"] is True
    with hub_state.read_session_factory() as session:
        assert session.execute(text("SELECT count(*) FROM profiles")).scalar() == 0
    # A review of scores that do not exist says what to do instead.
    nothing = live.request(
        "POST",
        f"/api/v1/results/{accepted['id']}/reviews",
        key,
        json={"subject": "score", "action": "confirm", "dimension": "teamwork", "reviewer": "hr.li", "reason": "ok"},
    )
    assert nothing.status_code == 409 and "record an assessment" in nothing.json()["detail"]
    # A person's assessment is the result's only profile; then, and only then, it counts as scored.
    assessed = live.request(
        "POST",
        f"/api/v1/results/{accepted['id']}/reviews",
        key,
        json={
            "subject": "assessment",
            "dimensions": {"logical_thinking": 70, "teamwork": 80},
            "reviewer": "hr.li@example.com",
            "reason": "read the answers in full",
        },
    )
    assert assessed.status_code == 201, assessed.text
    view = live.request("GET", accepted["links"]["self"], key).json()
    assert view["status"] == "scored" and view["profile"]["source"] == "human:review"
    assert view["profile"]["dimensions"]["teamwork"]["score"] == 80 and view["human_review"]["pending"] is False


def test_ready_scores_with_an_opt_out_are_refused(live):
    document = interview_result()
    document["consent"] = {**document["consent"], "automated_decision_opt_out": True}
    response = live.request("POST", "/api/v1/results", live.key(), json=document)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/consent/automated_decision_opt_out"


def test_an_assessment_of_a_result_that_was_not_opted_out_is_a_conflict(live):
    key = live.key()
    accepted = live.request("POST", "/api/v1/results", key, json=interview_result()).json()
    response = live.request(
        "POST",
        f"/api/v1/results/{accepted['id']}/reviews",
        key,
        json={"subject": "assessment", "dimensions": {"teamwork": 50}, "reviewer": "x", "reason": "y"},
    )
    assert response.status_code == 409


def test_the_console_lists_human_only_results(live, hub_state):
    key = live.key()
    human = live.request(
        "POST", "/api/v1/results", key, json=answers_document(automated_decision_opt_out=True, suffix="h")
    ).json()
    scored = live.request("POST", "/api/v1/results", key, json=interview_result()).json()
    with transaction(hub_state.session_factory) as session:
        accounts.create_user(session, email="hr.it@example.com", role="admin", password=PASSWORD, actor="test")
    import requests

    browser = requests.Session()
    page = lxml.html.fromstring(browser.get(live.url + "/console/sign-in").text)
    token = page.xpath("//input[@name='csrf_token']/@value")[0]
    browser.post(
        live.url + "/console/sign-in", data={"email": "hr.it@example.com", "password": PASSWORD, "csrf_token": token}
    )
    listed = browser.get(live.url + "/console/results?review=human_only")
    assert listed.status_code == 200
    assert human["external_id"] in listed.text and scored["external_id"] not in listed.text
    exported = browser.get(live.url + "/console/results.csv?review=human_only")
    assert exported.status_code == 200
    assert human["external_id"] in exported.text and scored["external_id"] not in exported.text
    pending = browser.get(live.url + "/console/results?review=pending")
    assert human["external_id"] in pending.text
    bad = browser.get(live.url + "/console/results?review=everyone")
    assert bad.status_code == 400
    detail = browser.get(live.url + f"/console/results/{human['id']}")
    assert "refused" in detail.text and "nothing is scored" in detail.text
    browser.close()


# --- the human review log -------------------------------------------------------------------------------


def test_a_review_is_kept_beside_the_engines_output_and_audited_without_names(live, hub_state):
    key = live.key()
    accepted = live.request("POST", "/api/v1/results", key, json=interview_result()).json()
    url = f"/api/v1/results/{accepted['id']}/reviews"
    override = live.request(
        "POST",
        url,
        key,
        json={
            "subject": "score",
            "action": "override",
            "dimension": "communication",
            "value": 80,
            "reviewer": "李审核 reviewer@example.com",
            "reason": "the call recording shows less than the score says",
        },
    )
    assert override.status_code == 201, override.text
    body = override.json()
    assert body["engine"] == 92 and body["value"] == 80 and body["profile_version"] == 1
    confirm = live.request(
        "POST",
        url,
        key,
        json={"subject": "recommendation", "action": "confirm", "reviewer": "hr.wang", "reason": "agree"},
    )
    assert confirm.status_code == 201 and confirm.json()["engine"]["overall"] is not None
    recommend = live.request(
        "POST",
        url,
        key,
        json={
            "subject": "recommendation",
            "action": "override",
            "value": "hold",
            "reviewer": "hr.wang",
            "reason": "second round",
        },
    )
    assert recommend.status_code == 201
    view = live.request("GET", accepted["links"]["self"], key).json()
    assert view["profile"]["dimensions"]["communication"]["score"] == 92  # the engine's output stays
    assert [r["action"] for r in view["human_review"]["reviews"]] == ["override", "confirm", "override"]
    listed = live.request("GET", url, key).json()
    assert listed["reviews"][0]["reviewer"].startswith("李审核")
    entries = audit(hub_state, "review.override")
    assert len(entries) == 2 and entries[0].details["target"] == "communication"
    trail = all_audit_text(hub_state)
    assert "李审核" not in trail and "reviewer@example.com" not in trail and "call recording" not in trail
    # The reviewer and reason are encrypted at rest.
    with hub_state.engine.connect() as connection:
        stored = json.dumps(
            [list(map(str, r)) for r in connection.execute(text("SELECT * FROM reviews"))], ensure_ascii=False
        )
    assert "李审核" not in stored and "call recording" not in stored


@pytest.mark.parametrize(
    "document, pointer",
    [
        ({"subject": "score", "action": "override", "dimension": "charisma", "value": 50}, "/dimension"),
        ({"subject": "score", "action": "confirm", "dimension": "teamwork", "value": 50}, "/value"),
        ({"subject": "score", "action": "override", "dimension": "teamwork"}, "/value"),
        ({"subject": "score", "action": "override", "dimension": "teamwork", "value": 101}, "/value"),
        ({"subject": "score", "dimension": "teamwork"}, "/action"),
        ({"subject": "recommendation", "action": "override", "value": 40}, "/value"),
        ({"subject": "verdict", "action": "confirm"}, "/subject"),
        ({"subject": "score", "action": "confirm", "dimension": "teamwork", "colour": "red"}, "/colour"),
    ],
)
def test_bad_reviews_are_refused_at_their_pointer(live, document, pointer):
    key = live.key()
    accepted = live.request("POST", "/api/v1/results", key, json=interview_result()).json()
    response = live.request(
        "POST",
        f"/api/v1/results/{accepted['id']}/reviews",
        key,
        json={"reviewer": "hr", "reason": "because", **document},
    )
    assert response.status_code == 422, response.text
    assert pointer in [e["pointer"] for e in response.json()["errors"]]


def test_reviews_need_a_reason_a_visible_result_and_the_right_role(live):
    key = live.key()
    accepted = live.request("POST", "/api/v1/results", key, json=interview_result()).json()
    url = f"/api/v1/results/{accepted['id']}/reviews"
    review = {"subject": "score", "action": "confirm", "dimension": "teamwork", "reviewer": "hr"}
    no_reason = live.request("POST", url, key, json=review)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["pointer"] in ("", "/reason")
    blank = live.request("POST", url, key, json={**review, "reason": "   "})
    assert blank.status_code == 422
    assert live.request("POST", url, live.key(), json={**review, "reason": "x"}).status_code == 404
    assert live.request("POST", url, live.key("auditor"), json={**review, "reason": "x"}).status_code == 403
    assert live.request("POST", url, json={**review, "reason": "x"}).status_code == 401
    assert live.request("GET", url, live.key("outcomes")).status_code == 403
    assert live.request("POST", "/api/v1/results/nope/reviews", key, json={**review, "reason": "x"}).status_code == 404
    assert live.request("POST", url, key, data="{", headers={"Content-Type": "application/json"}).status_code == 400


def test_the_reviews_cli_records_and_lists(live, hub_state):
    accepted = live.request("POST", "/api/v1/results", live.key(), json=interview_result()).json()
    added = invoke(
        live.app,
        "reviews",
        "add",
        accepted["id"],
        "--subject",
        "score",
        "--action",
        "override",
        "--dimension",
        "teamwork",
        "--value",
        "60",
        "--reviewer",
        "hr.li",
        "--reason",
        "seen live",
    )
    assert added.exit_code == 0, added.output
    listed = invoke(live.app, "reviews", "list", accepted["id"], "--json")
    [row] = json.loads(listed.output)["reviews"]
    assert (row["engine"], row["value"], row["reviewer"]) == (70, 60.0, "hr.li")
    bad = invoke(
        live.app,
        "reviews",
        "add",
        accepted["id"],
        "--subject",
        "score",
        "--action",
        "override",
        "--dimension",
        "charisma",
        "--value",
        "60",
        "--reviewer",
        "hr",
        "--reason",
        "x",
    )
    assert bad.exit_code == 1 and "/dimension" in bad.output and "Traceback" not in bad.output
    assert invoke(live.app, "reviews", "list", "nope").exit_code == 1
    assert audit(hub_state, "review.override")[0].actor == "cli"


def test_erasure_takes_the_reviews_personal_data(live, hub_state):
    key = live.key()
    accepted = live.request(
        "POST", "/api/v1/results", key, json=interview_result(candidate={"external_id": "c-rev", "name": "王小明"})
    ).json()
    live.request(
        "POST",
        f"/api/v1/results/{accepted['id']}/reviews",
        key,
        json={
            "subject": "score",
            "action": "override",
            "dimension": "teamwork",
            "value": 10,
            "reviewer": "hr.zhao",
            "reason": "王小明 said so",
        },
    )
    erased = live.request("DELETE", "/api/v1/candidates/c-rev", key)
    assert erased.status_code == 200 and erased.json()["reviews"] == 1
    [review] = live.request("GET", f"/api/v1/results/{accepted['id']}/reviews", key).json()["reviews"]
    assert review["erased"] and review["reviewer"] is None and review["reason"] is None
    assert review["action"] == "override"  # the fact of the review stays
    with hub_state.read_session_factory() as session:
        assert session.scalars(select(Review)).one().data == {"erased": True}
        assert session.scalars(select(ConsentRecord)).one().notice_version == "2026-09"  # evidence stays


# --- explanations ---------------------------------------------------------------------------------------

WEIGHT_WORDS = re.compile(r"weight|权重|加权", re.IGNORECASE)


def _model_weights() -> set[str]:
    values = set()
    for name in ("sales", "rnd"):
        for dimension in scoring_engine.load_competency_model(name).dimensions.values():
            values |= {repr(w) for w in dimension.weights.values()}
    return values


def _assert_clean(explained: dict, html: str) -> None:
    strings = explanation.strings(explained)
    for value in strings + [html]:
        assert not WEIGHT_WORDS.search(value), value
        assert not explanation.mentions_emotion(value), value
    numbers = {str(n) for n in re.findall(r"\d+\.\d+", json.dumps(explained) + html)}
    assert not numbers & _model_weights(), numbers & _model_weights()
    assert "confidence" not in json.dumps(explained) and "overall" not in json.dumps(explained)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_explanation_says_what_was_assessed_quotes_evidence_and_suggests(live, hub_state, language):
    key = live.key()
    document = answers_document(suffix=language)
    # An answer that talks about feelings: the explanation leaves that passage out rather than quote it.
    document["answers"][2]["text"] = "I felt anxious and stayed calm. " + document["answers"][2]["text"]
    accepted = live.request("POST", "/api/v1/results", key, json=document).json()
    run_worker(hub_state, max_seconds=30)
    response = live.request("GET", f"/api/v1/results/{accepted['id']}/explanation?language={language}", key)
    assert response.status_code == 200, response.text
    explained = response.json()
    assert explained["language"] == language and explained["status"] == "assessed"
    assert explained["assessed"], explained
    quotes = [item["quote"] for d in explained["assessed"] for item in d["evidence"]]
    answers = " ".join(a["text"] for a in document["answers"])
    assert quotes and all(q.rstrip("…") in answers for q in quotes)  # the candidate's own words (long ones cut)
    assert not any("anxious" in q or "calm" in q for q in quotes)
    assert all(d["to_improve"] for d in explained["assessed"])
    names = [d["name"] for d in explained["assessed"]]
    model = scoring_engine.load_competency_model("rnd")
    assert set(names) <= {dim.name[language] for dim in model.dimensions.values()}
    html = live.request("GET", f"/api/v1/results/{accepted['id']}/explanation.html?language={language}", key)
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    assert explained["title"] in html.text and "@media print" in html.text
    _assert_clean(explained, html.text)


def test_every_sentence_the_explanation_adds_is_free_of_weights_and_emotion():
    for language, strings in explanation.TEXT.items():
        for value in explanation.strings(strings):
            assert not WEIGHT_WORDS.search(value) and not explanation.mentions_emotion(value), (language, value)


def test_explanations_of_unscored_results_say_why_and_bad_language_is_a_400(live, hub_state):
    key = live.key()
    human = live.request(
        "POST", "/api/v1/results", key, json=answers_document(automated_decision_opt_out=True, suffix="x")
    ).json()
    explained = live.request("GET", f"/api/v1/results/{human['id']}/explanation?language=en", key).json()
    assert explained["status"] == "human_pending" and explained["assessed"] == []
    assert "nothing was scored automatically" in explained["status_text"]
    bad = live.request("GET", f"/api/v1/results/{human['id']}/explanation?language=fr", key)
    assert bad.status_code == 400 and bad.json()["errors"][0]["pointer"] == "?language"
    assert live.request("GET", f"/api/v1/results/{human['id']}/explanation", live.key()).status_code == 404
    assert live.request("GET", f"/api/v1/results/{human['id']}/explanation", live.key("auditor")).status_code == 403


def test_an_override_shows_in_the_explanation(live):
    key = live.key()
    accepted = live.request("POST", "/api/v1/results", key, json=interview_result()).json()
    live.request(
        "POST",
        f"/api/v1/results/{accepted['id']}/reviews",
        key,
        json={
            "subject": "score",
            "action": "override",
            "dimension": "teamwork",
            "value": 85,
            "reviewer": "hr",
            "reason": "x",
        },
    )
    explained = live.request("GET", f"/api/v1/results/{accepted['id']}/explanation?language=zh", key).json()
    [teamwork] = [d for d in explained["assessed"] if d["dimension"] == "teamwork"]
    assert teamwork["score"] == 70 and teamwork["review"]["reviewed_score"] == 85
    assert "复核" in teamwork["review"]["note"]


# --- access export --------------------------------------------------------------------------------------


def test_the_access_export_holds_everything_and_is_audited(live, hub_state):
    key = live.key()
    accepted = live.request(
        "POST",
        "/api/v1/results",
        key,
        json=interview_result(candidate={"external_id": "c-sar", "name": "<b>王小明</b>", "email": "wxm@example.cn"}),
    ).json()
    live.request(
        "POST",
        f"/api/v1/results/{accepted['id']}/decision",
        key,
        json={"hired": True, "decided_by": "hr.li", "employee_ids": {"default": "E77"}, "note": "strong"},
    )
    live.request(
        "POST",
        f"/api/v1/results/{accepted['id']}/reviews",
        key,
        json={"subject": "score", "action": "confirm", "dimension": "teamwork", "reviewer": "hr.li", "reason": "agree"},
    )
    stored = live.request(
        "POST",
        "/api/v1/outcomes",
        live.key("outcomes"),
        json={
            "records": [
                {
                    "kind": "performance_review",
                    "employee_id": "E77",
                    "id_system": "default",
                    "period": "2027-H1",
                    "overall": {"rating": 4, "scale": {"min": 1, "max": 5}},
                    "source": "test-hr",
                }
            ]
        },
    )
    assert stored.status_code == 200, stored.text
    response = live.request("GET", "/api/v1/candidates/c-sar/export", key)
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    exported = response.json()
    assert exported["candidate"]["personal_data"]["email"] == "wxm@example.cn"
    [result] = exported["results"]
    assert result["submitted"]["scores"]["dimensions"]["communication"] == 92
    assert result["consent"]["notice"]["version"] == "2026-09"
    assert result["profiles"][0]["data"]["dimensions"]["teamwork"]["score"] == 70
    assert result["decision"]["note"] == "strong" and result["reviews"][0]["reason"] == "agree"
    assert result["outcomes"][0]["record"]["overall"]["rating"] == 4
    html = live.request("GET", "/api/v1/candidates/c-sar/export?format=html", key)
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    assert "&lt;b&gt;王小明&lt;/b&gt;" in html.text and "<b>王小明</b>" not in html.text
    entries = audit(hub_state, "candidate.access_exported")
    assert [e.details["format"] for e in entries] == ["json", "html"]
    assert "wxm@example.cn" not in all_audit_text(hub_state) and "王小明" not in all_audit_text(hub_state)
    assert live.request("GET", "/api/v1/candidates/c-sar/export", live.key()).status_code == 404
    assert (
        live.request("GET", "/api/v1/candidates/c-sar/export?format=pdf", key).json()["errors"][0]["pointer"]
        == "?format"
    )
    assert live.request("GET", "/api/v1/candidates/c-sar/export", live.key("auditor")).status_code == 403


def test_the_export_cli_writes_json_and_html(live, hub_state, tmp_path):
    key = live.key(name="mini-program")
    live.request(
        "POST", "/api/v1/results", key, json=interview_result(candidate={"external_id": "c-cli", "name": "Jane Roe"})
    )
    out = tmp_path / "export.html"
    done = invoke(
        live.app, "candidates", "export", "c-cli", "--client", "mini-program", "--format", "html", "--output", str(out)
    )
    assert done.exit_code == 0, done.output
    assert "Jane Roe" in out.read_text(encoding="utf-8")
    as_json = invoke(live.app, "candidates", "export", "c-cli", "--client", "mini-program")
    assert json.loads(as_json.output)["candidate"]["personal_data"]["name"] == "Jane Roe"
    missing = invoke(live.app, "candidates", "export", "nobody", "--client", "mini-program")
    assert missing.exit_code == 1 and "no candidate 'nobody'" in missing.output
    assert [e.actor for e in audit(hub_state, "candidate.access_exported")] == ["cli", "cli"]


def test_a_human_only_hire_sends_no_plan_until_a_person_assesses(live, hub_state):
    from tests.hub.delivery_support import add_rest_connector, jobs
    from tests.support.http_receiver import HttpReceiver

    key = live.key()
    with HttpReceiver() as receiver:
        add_rest_connector(hub_state, "hr", receiver.url)
        accepted = live.request(
            "POST", "/api/v1/results", key, json=answers_document(automated_decision_opt_out=True, suffix="hire")
        ).json()
        decided = live.request(
            "POST",
            f"/api/v1/results/{accepted['id']}/decision",
            key,
            json={"hired": True, "decided_by": "hr.li", "employee_ids": {"default": "E9"}},
        )
        assert decided.status_code == 201
        run_worker(hub_state, max_seconds=5)
        assert receiver.requests == [] and jobs(hub_state) == []
        assert [e.details["reason"] for e in audit(hub_state, "sync.deferred")] == [
            "human review: no assessment recorded yet"
        ]
        assessed = live.request(
            "POST",
            f"/api/v1/results/{accepted['id']}/reviews",
            key,
            json={"subject": "assessment", "dimensions": {"teamwork": 75}, "reviewer": "hr.li", "reason": "read"},
        )
        assert assessed.status_code == 201
        run_worker(hub_state, max_seconds=10)
        assert [job.status for job in jobs(hub_state)] == ["delivered"]
        assert len(receiver.requests) == 1
