"""Hire decisions: a person decides (scores are advisory); a hire fires `candidate.hired`."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from hub.audit import chain as audit
from hub.delivery import outbox
from hub.errors import AlreadyDecided, InvalidInput
from hub.intake.validation import schema_errors
from hub.storage.models import Decision, InterviewResult


def record(session: Session, result: InterviewResult, document: dict, *, actor: str) -> tuple[Decision, bool]:
    """Store the decision once; the same decision again is a no-op, a different one a conflict."""
    errors = schema_errors("decision", document)
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s)", title="The decision is not valid", errors=errors)
    start = date.fromisoformat(document["start_date"]) if document.get("start_date") else None
    employee_ids = document.get("employee_ids") or {}
    existing = result.decision
    if existing is not None:
        same = (existing.hired, existing.start_date, existing.employee_ids) == (document["hired"], start, employee_ids)
        if not same:
            raise AlreadyDecided(
                f"result {result.id} was decided by {existing.decided_by} at {existing.decided_at.isoformat()}; "
                "a decision is recorded once"
            )
        return existing, False
    decision = Decision(
        result_id=result.id,
        hired=document["hired"],
        decided_by=document["decided_by"],
        employee_ids=employee_ids,
        start_date=start,
        note=document.get("note"),
        advanced=document.get("advanced"),
    )
    session.add(decision)
    session.flush()
    result.decision = decision
    # The trail names the decision, not the person: `decided_by` is free text (a name) and stays in decisions.
    audit.append(
        session,
        actor=actor,
        action="candidate.hired" if decision.hired else "candidate.not_hired",
        object_type="interview_result",
        object_id=result.id,
        details={"decision_id": decision.id, "start_date": document.get("start_date"), "targets": sorted(employee_ids)},
    )
    if decision.hired:
        outbox.enqueue(session, result, "candidate.hired")
    return decision, True
