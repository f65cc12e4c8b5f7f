"""Outcomes come back over the API and from CSV files, link to hires, stay private, and feed the validity report."""

from __future__ import annotations

import json
import random
from datetime import timedelta

from sqlalchemy import select, text

from hub.storage.db import transaction
from hub.storage.models import (
    ApiClient,
    Candidate,
    Decision,
    InterviewResult,
    Profile,
    utcnow,
)
from hub.storage.outcomes import Outcome
from tests.conftest import interview_result
from tests.support.cli import invoke


def review(employee_id: str, rating: float, period: str = "2026-H1", **extra) -> dict:
    return {
        "kind": "performance_review",
        "employee_id": employee_id,
        "id_system": "default",
        "period": period,
        "overall": {"rating": rating, "scale": {"min": 1, "max": 5}},
        "criteria": [{"name": "协作 Teamwork", "dimension": "teamwork", "rating": 3, "scale": {"min": 1, "max": 5}}],
        "source": "test-hr",
        **extra,
    }


def attendance(employee_id: str, late: int, month: str = "2026-03") -> dict:
    return {
        "kind": "attendance_summary",
        "employee_id": employee_id,
        "id_system": "default",
        "month": month,
        "workdays": 21,
        "late_arrivals": late,
        "absences": 0,
        "source": "test-hr",
    }


def hire(live, key, employee_id: str, name: str = "王芳") -> str:
    posted = live.request(
        "POST",
        "/api/v1/results",
        key,
        json=interview_result(
            candidate={"external_id": f"c-{employee_id}", "name": name, "email": f"{employee_id}@example.com"}
        ),
    )
    assert posted.status_code == 202, posted.text
    decided = live.request(
        "POST",
        f"/api/v1/results/{posted.json()['id']}/decision",
        key,
        json={"hired": True, "decided_by": "hr", "employee_ids": {"default": employee_id}},
    )
    assert decided.status_code in (200, 201), decided.text
    return posted.json()["id"]


def test_outcomes_are_stored_idempotently_linked_and_unlinked_ones_reported(live, hub_state):
    ingest, outcomes_key = live.key(), live.key("outcomes")
    result_id = hire(live, ingest, "E100")
    batch = {"records": [review("E100", 4), attendance("E100", 2), review("E999", 3)]}
    first = live.request("POST", "/api/v1/outcomes", outcomes_key, json=batch)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["created"], body["unchanged"], body["linked"]) == (3, 0, 2)
    assert [u["period"] for u in body["unlinked"]] == ["2026-H1"] and "employee id" in body["unlinked"][0]["reason"]
    again = live.request("POST", "/api/v1/outcomes", outcomes_key, json=batch).json()
    assert (again["created"], again["unchanged"]) == (0, 3) and again["ids"] == body["ids"]
    twice = live.request(
        "POST", "/api/v1/outcomes", outcomes_key, json={"records": [review("E777", 2), review("E777", 2)]}
    )
    assert twice.json()["created"] == 1 and twice.json()["unchanged"] == 1
    corrected = live.request("POST", "/api/v1/outcomes", outcomes_key, json={"records": [review("E100", 5)]}).json()
    assert (corrected["created"], corrected["updated"]) == (0, 1)
    with hub_state.read_session_factory() as session:
        stored = session.scalars(select(Outcome).order_by(Outcome.received_at)).all()
        assert len(stored) == 4  # E100's review and attendance, E999, E777
        assert {o.result_id for o in stored if o.employee_id == "E100"} == {result_id}
        assert (
            next(o for o in stored if o.kind == "performance_review" and o.employee_id == "E100").record["overall"][
                "rating"
            ]
            == 5
        )
    with hub_state.engine.connect() as connection:
        raw = " ".join(str(row) for row in connection.execute(text("SELECT record FROM outcomes")))
    assert "test-hr" not in raw and "Teamwork" not in raw, "outcome records must be encrypted at rest"


def test_only_the_outcomes_or_admin_role_may_post_and_bad_records_store_nothing(live, hub_state):
    assert (
        live.request("POST", "/api/v1/outcomes", live.key("ingest"), json={"records": [review("E1", 4)]}).status_code
        == 403
    )
    bad = {"records": [review("E1", 4), review("E2", 9), attendance("E3", 40)]}
    response = live.request("POST", "/api/v1/outcomes", live.key("admin"), json=bad)
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert {"/records/1/overall/rating", "/records/2/late_arrivals"} <= pointers
    assert live.request("POST", "/api/v1/outcomes", live.key("admin"), json={"records": []}).status_code == 422
    with hub_state.read_session_factory() as session:
        assert session.scalars(select(Outcome)).all() == []


def test_csv_import_detects_gb18030_dry_runs_and_names_bad_lines(live, hub_state, tmp_path):
    hire(live, live.key(), "E200")
    good = tmp_path / "reviews.csv"
    good.write_bytes("员工编号,考核周期,综合评分,团队协作\nE200,2026-H1,4,3\nE201,2026-H1,2,2\n".encode("gb18030"))
    dry = invoke(live.app, "outcomes", "import", str(good), "--mapping", "generic-csv-reviews", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "2 rows are valid" in dry.output and "gb18030" in dry.output.lower()
    with hub_state.read_session_factory() as session:
        assert session.scalars(select(Outcome)).all() == []
    done = invoke(live.app, "outcomes", "import", str(good), "--mapping", "generic-csv-reviews")
    assert done.exit_code == 0, done.output
    assert "2 new" in done.output and "1 link to no hire" in done.output
    broken = tmp_path / "broken.csv"
    broken.write_text("员工编号,考核周期,综合评分\nE200,2026-H2,4\nE202,2026-H2,seven\n", encoding="utf-8")
    failed = invoke(live.app, "outcomes", "import", str(broken), "--mapping", "generic-csv-reviews")
    assert failed.exit_code == 1
    assert f"{broken}:3:" in failed.output and "1 rows with errors were not imported" in failed.output
    assert f"{broken}:2:" not in failed.output
    with hub_state.read_session_factory() as session:
        assert len(session.scalars(select(Outcome)).all()) == 3  # the good row of the broken file is kept


def test_outcomes_arriving_before_the_decision_link_on_relink(live, hub_state):
    outcomes_key = live.key("outcomes")
    early = live.request("POST", "/api/v1/outcomes", outcomes_key, json={"records": [review("E300", 4)]}).json()
    assert early["linked"] == 0
    hire(live, live.key(), "E300")
    relinked = invoke(live.app, "outcomes", "relink")
    assert relinked.exit_code == 0 and "linked 1" in relinked.output


def test_erasing_a_candidate_erases_their_outcomes(live, hub_state):
    key = live.key()
    hire(live, key, "E400")
    live.request(
        "POST", "/api/v1/outcomes", live.key("outcomes"), json={"records": [review("E400", 4), attendance("E400", 1)]}
    )
    erased = live.request("DELETE", "/api/v1/candidates/c-E400", key)
    assert erased.status_code in (200, 204), erased.text
    with hub_state.read_session_factory() as session:
        assert session.scalars(select(Outcome)).all() == []


def _seed_family(state, n_applicants: int, seed: int = 7) -> None:
    """Applicants scored on two rnd dimensions; the top 30 % by overall are hired. technical_skill truly predicts
    performance (r about 0.5 in the pool), teamwork barely (about 0.05)."""
    rng = random.Random(seed)
    with transaction(state.session_factory) as session:
        client = ApiClient(name="seed", role="ingest", key_prefix="seed00000000", key_hash="x" * 64)
        session.add(client)
        session.flush()
        people = []
        for i in range(n_applicants):
            technical, teamwork = rng.gauss(0, 1), rng.gauss(0, 1)
            performance = 0.5 * technical + 0.05 * teamwork + rng.gauss(0, (1 - 0.25 - 0.0025) ** 0.5)
            people.append((technical, teamwork, performance))
        cut = sorted(t + w for t, w, _ in people)[int(0.7 * n_applicants)]
        for i, (technical, teamwork, performance) in enumerate(people):
            candidate = Candidate(client_id=client.id, external_id=f"seed-{i}", pii={})
            session.add(candidate)
            session.flush()
            result = InterviewResult(
                client_id=client.id,
                candidate_id=candidate.id,
                external_id=f"iv-{i}",
                job_code="RND",
                body_sha256="0" * 64,
                status="scored",
                payload={},
                created_at=utcnow() - timedelta(days=200),
            )
            session.add(result)
            session.flush()
            dims = {
                "technical_skill": max(0.0, min(100.0, 60 + 12 * technical)),
                "teamwork": max(0.0, min(100.0, 60 + 12 * teamwork)),
            }
            session.add(
                Profile(
                    result_id=result.id,
                    version=1,
                    source="seed",
                    engine_version="test",
                    model="rnd",
                    data={
                        "model": "rnd",
                        "overall": sum(dims.values()) / 2,
                        "dimensions": {k: {"score": v, "level": 3} for k, v in dims.items()},
                    },
                )
            )
            if technical + teamwork >= cut:
                session.add(
                    Decision(result_id=result.id, hired=True, decided_by="seed", employee_ids={"default": f"S{i}"})
                )
                rating = max(1.0, min(5.0, 3 + performance))
                session.add(
                    Outcome(
                        id=f"out_seed{i}",
                        kind="performance_review",
                        natural_key=f"{i:064d}",
                        content_hash="x",
                        employee_id=f"S{i}",
                        period="2026-H1",
                        result_id=result.id,
                        received_at=utcnow(),
                        record=review(f"S{i}", rating),
                    )
                )


def test_the_validity_report_recovers_planted_effects_and_flags_the_weak_dimension(live, hub_state):
    _seed_family(hub_state, 1500)
    response = live.request("GET", "/api/v1/reports/validity?job_family=rnd", live.key("auditor"))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["counted"]["hires"] == 450 and report["counted"]["applicants"] == 1500
    cells = {(c["predictor"], c["outcome"]): c for c in report["cells"]}
    strong, weak = cells[("technical_skill", "performance")], cells[("teamwork", "performance")]
    assert strong["corrected"]["low"] <= 0.5 <= strong["corrected"]["high"] + 0.05, strong["corrected"]
    assert strong["corrected"]["r"] > strong["pearson"]["r"], "range restriction must be corrected upwards"
    assert weak["flagged"] and not strong["flagged"]
    as_csv = live.request("GET", "/api/v1/reports/validity?job_family=rnd&format=csv", live.key("auditor"))
    assert as_csv.status_code == 200 and "technical_skill,performance" in as_csv.text
    cli = invoke(live.app, "reports", "validity", "--job-family", "rnd")
    assert cli.exit_code == 0 and "FLAG" in cli.output and "teamwork" in cli.output
    as_json = invoke(live.app, "reports", "validity", "--job-family", "rnd", "--format", "json")
    assert json.loads(as_json.output)["counted"]["hires"] == 450
    cli_csv = invoke(live.app, "reports", "validity", "--job-family", "rnd", "--format", "csv")
    assert cli_csv.output.splitlines()[0] == ",".join(
        ["predictor", "outcome", "n", "status", "flagged", "r", "low", "high", "correction", "observed_r"]
    )
    bad = live.request("GET", "/api/v1/reports/validity?job_family=astrology", live.key("auditor"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "?job_family"


def test_below_the_minimum_n_no_number_is_shown(live, hub_state):
    _seed_family(hub_state, 40, seed=3)
    report = live.request("GET", "/api/v1/reports/validity?job_family=rnd", live.key("auditor")).json()
    assert report["cells"] and all(c["status"] == "not_enough_data" and c["corrected"] is None for c in report["cells"])
    assert json.dumps(report)


def test_csv_import_shows_a_progress_bar_on_a_terminal(tmp_path):
    """On a terminal (a pty here) the import draws a bar with the row count and percentage; piped, just the label."""
    import os
    import pty
    import subprocess
    import sys

    from tests.support.hub_process import hub_env

    env = hub_env({"HUB_INSTANCE_PATH": str(tmp_path / "instance"), "COLUMNS": "120"})
    assert subprocess.run([sys.executable, "-m", "hub", "db", "upgrade"], env=env, cwd=tmp_path).returncode == 0
    rows = "".join(f"E{n},2026-H1,{n % 5 + 1},3\n" for n in range(2000))
    big = tmp_path / "big.csv"
    big.write_text("员工编号,考核周期,综合评分,团队协作\n" + rows, encoding="utf-8")
    argv = [
        sys.executable,
        "-m",
        "hub",
        "outcomes",
        "import",
        str(big),
        "--mapping",
        "generic-csv-reviews",
        "--dry-run",
    ]
    leader, follower = pty.openpty()
    process = subprocess.Popen(argv, env=env, cwd=tmp_path, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the pty closes when the process ends
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=120) == 0
    os.close(leader)
    text = seen.decode("utf-8", "replace")
    assert "reading big.csv (utf-8)" in text
    assert "100%" in text and "2000/2000" in text
    assert "dry run: 2000 rows are valid" in text
    piped = subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, text=True)
    assert "reading big.csv" in piped.stderr and "%" not in piped.stderr
