"""Policies in the console over real HTTP: the catalog's policies and the one in force, each rule, and a policy
evaluated against a stored result: the rules that fire (with the scores behind them), those that do not, and the
plan and attendance rule; read-only for auditors as for admins."""

from __future__ import annotations

from mappings import load_policy
from mappings.document import job_family
from tests.hub.delivery_support import caller, hire


def test_policies_list_rules_and_a_try_on_a_result(live, browsers):
    state = live.app.extensions["hub"]
    [result_id] = hire(state, caller(state))
    auditor = browsers("audit@example.com", role="auditor")
    assert auditor.get("/console/policies").status_code == 200
    assert "HUB_POLICY_DIRS" in auditor.text()
    assert auditor.page.xpath("//a[@href='/console/policies/default']")
    page = auditor.get("/console/policies/default")
    assert page.status_code == 200
    default = load_policy("default")
    assert [code.text for code in auditor.page.xpath("//table[1]//tbody//td[1]/code")] == [
        r["id"] for r in default.rules
    ]

    auditor.get(f"/console/policies/default?result={result_id}")
    with state.read_session_factory() as session:
        from hub.storage.models import InterviewResult

        found = session.get(InterviewResult, result_id)
        profile = found.profiles[-1].data
        context = {
            "job_code": found.job_code,
            "job_family": job_family(profile),
            "start_date": found.decision.start_date.isoformat(),
            "preferences": found.payload.get("preferences") or {},
        }
    expected = default.evaluate(profile, context).to_dict()
    fired = [li.text_content() for li in auditor.page.xpath("//ul[@id='fired']/li")]
    assert [line.split(" ")[0] for line in fired] == [f["rule"] for f in expected["fired"]]
    assert all(f["reason"] in line for f, line in zip(expected["fired"], fired))
    not_fired = [li.text_content() for li in auditor.page.xpath("//ul[@id='not-fired']/li")]
    assert len(not_fired) == len(expected["not_fired"]) or (not expected["not_fired"] and not_fired == ["none"])
    goals = auditor.page.xpath("//table[@id='plan-goals']/tbody/tr/td[4]/code/text()")
    assert goals == [g["rationale"]["rule"] for g in expected["plan"]["goals"]]

    assert auditor.get("/console/policies/../../etc/passwd").status_code == 404
    assert auditor.get("/console/policies/nope").status_code == 404
    assert auditor.get("/console/policies/default?result=nope").status_code == 404


def test_results_csv_follows_the_filters_and_keeps_contact_details_out(live, browsers):
    import csv
    import io

    state = live.app.extensions["hub"]
    hire(state, caller(state), count=2)
    admin = browsers("it@example.com")
    admin.get("/console/results")
    [link] = admin.page.xpath("//a[text()='Export CSV']/@href")
    answer = admin.get(link)
    assert answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert {row["candidate_name"] for row in rows} == {"王小明"}
    assert all("communication=92" in row["dimensions"] and row["hired"] == "yes" for row in rows)
    assert "xiaoming@example.com" not in answer.text and "138 0013 8000" not in answer.text
    assert admin.get("/console/results.csv?status=failed").content.decode("utf-8-sig").count("\n") == 1  # header only

    auditor = browsers("audit@example.com", role="auditor")
    seen = auditor.get("/console/results.csv")
    assert seen.status_code == 200 and "王小明" not in seen.content.decode("utf-8-sig")
    assert "candidate_name" not in seen.content.decode("utf-8-sig").splitlines()[0]
    assert auditor.get("/console/results.csv?status=bogus").status_code == 400
