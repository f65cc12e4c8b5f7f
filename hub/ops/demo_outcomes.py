"""`hris-hub demo --with-outcomes`: outcomes for the demo's hires, and a few thousand synthetic hires with planted
effects (scoring_engine.validity.simulate), so the validity and attendance reports have something to find.

Synthetic applicants are stored as scored interview results of their own client (`demo-simulator`), with the
hired ones' decisions; their outcomes go in through the same path as an HR system's (records.store), linked by
the employee ids their decisions recorded. Nothing about them is delivered to any connector.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.outcomes import records
from hub.storage.models import ApiClient, Candidate, Decision, InterviewResult, Profile, new_id, utcnow
from hub.storage.statuses import ResultStatus
from scoring_engine.interview.answer_score import level_for
from scoring_engine.validity.simulate import DEPARTMENTS, Simulation, simulate

SIMULATOR_CLIENT = "demo-simulator"
DEFAULT_APPLICANTS = 5000
FLEXIBLE_HOURS = {"start": "10:00", "end": "19:00"}
FLUSH_EVERY = 1000  # synthetic applicants per flush


@dataclass(frozen=True)
class Seeded:
    applicants: int
    hires: int
    outcomes: int
    demo_hires: int
    simulation: Simulation


def _client(session: Session) -> ApiClient:
    found = session.scalar(select(ApiClient).where(ApiClient.name == SIMULATOR_CLIENT))
    if found is None:
        # A client row that owns the synthetic results; it has no usable key (the hash matches no key).
        found = ApiClient(
            name=SIMULATOR_CLIENT,
            role="ingest",
            key_prefix=f"sim{uuid.uuid4().hex[:12]}",
            key_hash="0" * 64,
            revoked_at=utcnow(),
        )
        session.add(found)
        session.flush()
    return found


def _profile(simulation: Simulation, index: int, hire_index: int | None) -> dict:
    dimensions = {
        key: {"score": round(float(values[index]), 1), "level": level_for(float(values[index])), "insufficient": False}
        for key, values in simulation.applicant_scores.items()
        if key != "overall"
    }
    schedule = str(simulation.work_schedule[hire_index]) if hire_index is not None else None
    return {
        "model": "rnd",
        "source": "simulator",
        "dimensions": dimensions,
        "overall": round(float(simulation.applicant_scores["overall"][index]), 1),
        "insufficient": [],
        "preferences": {
            "work_schedule": schedule,
            "preferred_hours": dict(FLEXIBLE_HOURS) if schedule == "flexible" else None,
        },
        "suggestions": [],
        "advisory": True,
    }


def seed_synthetic(
    session: Session, *, applicants: int = DEFAULT_APPLICANTS, seed: int = 12, run_id: str = "", actor: str = "demo"
) -> Seeded:
    """Store `applicants` simulated rnd applicants (the top 30 % hired) and their hires' reviews and attendance."""
    simulation = simulate(applicants, seed=seed)
    client = _client(session)
    prefix = f"SIM{run_id}-"
    created = utcnow() - timedelta(days=240)
    hired_positions = np.flatnonzero(simulation.hired)
    hire_of = {int(position): number for number, position in enumerate(hired_positions)}
    for index in range(applicants):
        hire_index = hire_of.get(index)
        # Ids made here, not at a flush: the applicants go in a thousand per flush (their rows and data keys a few
        # statements each), not one by one.
        candidate = Candidate(id=new_id(), client_id=client.id, external_id=f"sim-{run_id}-{index}", pii={})
        result = InterviewResult(
            id=new_id(),
            client_id=client.id,
            candidate=candidate,
            external_id=f"sim-iv-{run_id}-{index}",
            job_code="RND-SIM",
            body_sha256="0" * 64,
            status=ResultStatus.SCORED,
            payload={},
            created_at=created,
        )
        profile = _profile(simulation, index, hire_index)
        session.add_all(
            [
                candidate,
                result,
                Profile(result=result, version=1, source="simulator", engine_version=None, model="rnd", data=profile),
            ]
        )
        if hire_index is not None:
            session.add(
                Decision(
                    result=result,
                    hired=True,
                    decided_by="simulator",
                    employee_ids={"default": f"{prefix}{hire_index:06d}"},
                )
            )
        if (index + 1) % FLUSH_EVERY == 0:
            session.flush()
    session.flush()
    departments = simulation.department
    outcome_records = list(simulation.review_records(employee_prefix=prefix))
    for record in simulation.attendance_records(employee_prefix=prefix):
        number = int(record["employee_id"][len(prefix) :])
        outcome_records.append({**record, "department": str(departments[number])})
    stored = records.store(session, outcome_records, actor=actor, via="demo")
    return Seeded(applicants, int(simulation.hired.sum()), len(stored.ids), 0, simulation)


def outcomes_for_hires(employee_ids: list[str], *, seed: int = 7, months: int = 6) -> list[dict]:
    """A review and `months` of attendance for each of the demo's own hires (random, plausible)."""
    rng = random.Random(seed)
    found: list[dict[str, Any]] = []
    for employee_id in employee_ids:
        found.append(
            {
                "kind": "performance_review",
                "employee_id": employee_id,
                "period": "2026-H1",
                "overall": {"rating": round(rng.uniform(2.5, 4.8), 1), "scale": {"min": 1, "max": 5}},
                "source": "demo",
            }
        )
        for month in range(1, months + 1):
            found.append(
                {
                    "kind": "attendance_summary",
                    "employee_id": employee_id,
                    "month": f"2026-{month:02d}",
                    "workdays": 21,
                    "late_arrivals": rng.choice([0, 0, 0, 1, 2]),
                    "absences": 0,
                    "overtime_occasions": rng.choice([0, 1, 2]),
                    "department": rng.choice(DEPARTMENTS),
                    "source": "demo",
                }
            )
    return found


def summary_lines(state, hub_url: str, key: str, instance_path, *, running: bool = True) -> list[str]:
    """What the reports found, in a few lines, and where to see them in full."""
    from hub.outcomes import drafts, reports

    lines = []
    with state.read_session_factory() as session:
        report, counted = reports.validity_object(session, reports.Query("rnd"))
        _, proposals = drafts.attendance_preview(session, reports.AttendanceQuery("rnd"), state.settings)
        lateness = reports.attendance_object(session, reports.AttendanceQuery("rnd"))
    lines.append(
        f"\nValidity (rnd): {counted['hires']} hires, {counted['applicants']} scored applicants; corrected r against "
        "performance [95 %]:"
    )
    if report is not None:
        for cell in report.cells:
            if cell.outcome != reports.PERFORMANCE or cell.corrected is None:
                continue
            flag = "  FLAGGED" if cell.flagged else ""
            lines.append(
                f"  {cell.predictor:18} n {cell.n:5}  observed {cell.pearson.r:5.2f}  corrected {cell.corrected.r:5.2f} "
                f"[{cell.corrected.low:.2f}, {cell.corrected.high:.2f}] ({cell.correction}){flag}"
                if cell.pearson and cell.pearson.r is not None
                else f"  {cell.predictor:18} n {cell.n:5}  {cell.status}"
            )
    if lateness is not None:
        for group in lateness.groups:
            if group.grouping == "work_schedule":
                lines.append(
                    f"Attendance: {group.group:8} {group.often_late} of {group.hires} often late ({group.rate:.1%}, "
                    f"[{group.low:.1%}, {group.high:.1%}]){'  significant' if group.significant else ''}"
                )
    for proposal in proposals:
        lines.append(f"Proposal ({proposal.kind}): {json_short(proposal.change)}")
    env = f"HUB_INSTANCE_PATH={instance_path}"
    lines += [
        "\nWhere to see the reports"
        + ("" if running else f" (this hub stops with --once: `{env} hris-hub serve` serves the same data)")
        + ":",
        f"  console:  {hub_url}/console/reports/validity?job_family=rnd  and  {hub_url}/console/reports/attendance"
        "?job_family=rnd",
        f'  API:      curl -s -H "Authorization: Bearer {key}" "{hub_url}/api/v1/reports/validity?job_family=rnd"',
        f'            curl -s -H "Authorization: Bearer {key}" "{hub_url}/api/v1/reports/attendance?job_family=rnd'
        '&format=csv"',
        f"  CLI:      {env} hris-hub reports validity --job-family rnd",
        f"            {env} hris-hub reports attendance --job-family rnd",
        f"  drafts:   {env} hris-hub models propose --from validity --job-family rnd   (then models show / approve)",
    ]
    return lines


def json_short(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
