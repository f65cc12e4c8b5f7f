"""Right to erasure and retention: personal data goes, the record of what happened stays and verifies."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, text, update

from hub.storage.models import Candidate, DeliveryAttempt, InterviewResult, utcnow
from tests.conftest import interview_result
from tests.hub.delivery_support import add_rest_connector, run_worker
from tests.scoring_engine.resume_fixtures import ENGLISH_RESUME, resume_pdf
from tests.support.cli import invoke
from tests.support.http_receiver import HttpReceiver, Reply


def dump(engine) -> str:
    with engine.connect() as connection:
        rows = []
        for table in ("candidates", "interview_results", "profiles", "resumes", "delivery_attempts", "decisions"):
            rows += [list(map(str, row)) for row in connection.execute(text(f"SELECT * FROM {table}"))]
    return json.dumps(rows, ensure_ascii=False)


def test_erasure_removes_personal_data_and_cancels_deliveries(live, hub_state):
    key = live.key()
    with HttpReceiver(default=Reply(503)) as receiver:
        add_rest_connector(hub_state, "hr", receiver.url, retry_schedule=[30])
        accepted = live.request(
            "POST",
            "/api/v1/results",
            key,
            json=interview_result(candidate={"external_id": "c-77", "name": "王小明", "email": "wxm@example.cn"}),
        ).json()
        live.request(
            "POST",
            f"/api/v1/results/{accepted['id']}/decision",
            key,
            json={"hired": True, "decided_by": "hr", "employee_ids": {"default": "E1"}},
        )
        live.request(
            "POST", "/api/v1/candidates/c-77/resumes", key, files={"file": ("cv.pdf", resume_pdf(ENGLISH_RESUME))}
        )
        run_worker(hub_state, max_seconds=5)
    erased = live.request("DELETE", "/api/v1/candidates/c-77", key)
    assert erased.status_code == 200, erased.text
    assert erased.json()["jobs_cancelled"] == 1 and erased.json()["resumes"] == 1
    view = live.request("GET", accepted["links"]["self"], key).json()
    assert view["profile"] == {"erased": True}
    assert [s["status"] for s in view["sync"]] == ["cancelled"]
    with hub_state.session_factory() as session:
        result = session.get(InterviewResult, accepted["id"])
        assert result.payload["erased"] and result.payload["consent"]["notice_version"] == "2026-09"
        assert result.candidate.pii == {}
        assert all(a.request is None and a.response_excerpt is None for a in session.scalars(select(DeliveryAttempt)))
    raw = dump(hub_state.engine)
    assert "王小明" not in raw and "Jane Doe" not in raw
    assert live.request("DELETE", "/api/v1/candidates/c-77", live.key()).status_code == 404  # another client
    audit = invoke(live.app, "audit", "verify")
    assert audit.exit_code == 0


def test_retention_erases_old_candidates_who_were_not_hired(live, hub_state):
    key = live.key()
    old = live.request(
        "POST", "/api/v1/results", key, json=interview_result(candidate={"external_id": "old", "name": "Old Candidate"})
    ).json()
    hired = live.request(
        "POST",
        "/api/v1/results",
        key,
        json=interview_result(candidate={"external_id": "hired", "name": "Hired Person"}),
    ).json()
    live.request("POST", f"/api/v1/results/{hired['id']}/decision", key, json={"hired": True, "decided_by": "hr"})
    live.request(
        "POST", "/api/v1/results", key, json=interview_result(candidate={"external_id": "new", "name": "New One"})
    )
    with hub_state.session_factory() as session, session.begin():
        session.execute(
            update(InterviewResult)
            .where(InterviewResult.id.in_([old["id"], hired["id"]]))
            .values(created_at=utcnow() - timedelta(days=400))
        )
    dry = invoke(live.app, "candidates", "retention", "--days", "365", "--dry-run")
    assert "would erase 1 candidate" in dry.output
    done = invoke(live.app, "candidates", "retention", "--days", "365")
    assert done.exit_code == 0 and "erased 1 candidate" in done.output
    raw = dump(hub_state.engine)
    with hub_state.session_factory() as session:
        names = sorted((c.pii or {}).get("name", "") for c in session.scalars(select(Candidate)))
    assert names == ["", "Hired Person", "New One"]
    assert "Old Candidate" not in raw
