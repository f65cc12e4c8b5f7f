"""Storing outcome records: validated like results, idempotent by natural key, linked through the employee ids
recorded at the decision, encrypted, audited (no personal data in the trail)."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.audit import chain as audit
from hub.errors import InvalidInput
from hub.storage.models import Decision, utcnow
from hub.storage.outcomes import Outcome
from mappings.outcomes import natural_key, outcome_errors

MAX_RECORDS = 5000  # per request or import batch


@dataclass
class Stored:
    """What one batch did: counts, and the records that link to no hire (reported, never dropped)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unlinked: list[dict[str, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "linked": self.created + self.updated + self.unchanged - len(self.unlinked),
            "unlinked": self.unlinked,
            "ids": self.ids,
        }


def check(records: Any) -> list[dict]:
    """Every record's problems at its pointer (/records/N/...), or InvalidInput when the batch itself is wrong."""
    if not isinstance(records, list) or not records:
        raise InvalidInput(
            'send {"records": [...]} with at least one outcome record',
            errors=[{"pointer": "/records", "message": "expected a non-empty array of outcome records"}],
        )
    if len(records) > MAX_RECORDS:
        raise InvalidInput(
            f"at most {MAX_RECORDS} records per request",
            errors=[{"pointer": "/records", "message": f"{len(records)} records; split the batch"}],
        )
    errors: list[dict] = []
    for index, record in enumerate(records):
        errors.extend(outcome_errors(record, prefix=f"/records/{index}"))
    return errors


class Linker:
    """Employee id -> result id, from the hires' decisions (one query per batch)."""

    def __init__(self, session: Session):
        self.by_system: dict[tuple[str, str], str] = {}
        self.by_id: dict[str, set[str]] = {}
        for decision in session.scalars(select(Decision).where(Decision.hired.is_(True))):
            for system, employee_id in (decision.employee_ids or {}).items():
                if employee_id:
                    self.by_system[(system, str(employee_id))] = decision.result_id
                    self.by_id.setdefault(str(employee_id), set()).add(decision.result_id)

    def result_for(self, record: dict) -> str | None:
        employee_id = str(record["employee_id"])
        system = record.get("id_system")
        if system:
            return self.by_system.get((system, employee_id))
        found = self.by_id.get(employee_id, set())
        return next(iter(found)) if len(found) == 1 else None  # an id two hires share in different systems is ambiguous


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def store(session: Session, records: Iterable[dict], *, actor: str, via: str) -> Stored:
    """Store valid records (validate first with `check`); a record already stored with the same content is left as it
    is, one with new content for the same natural key replaces it (a corrected review)."""
    linker = Linker(session)
    stored = Stored()
    keyed = [(_digest(list(natural_key(record))), record) for record in records]
    known: dict[str, Outcome] = {}
    keys = [key for key, _ in keyed]
    for start in range(0, len(keys), 500):  # one query per 500 records, not one per record
        known.update(
            (o.natural_key, o)
            for o in session.scalars(select(Outcome).where(Outcome.natural_key.in_(keys[start : start + 500])))
        )
    for key, record in keyed:
        content = _digest(record)
        result_id = linker.result_for(record)
        existing = known.get(key)
        if existing is None:
            existing = Outcome(
                id=f"out_{uuid.uuid4().hex[:20]}",
                kind=record["kind"],
                natural_key=key,
                content_hash=content,
                employee_id=str(record["employee_id"]),
                period=record.get("period") or record["month"],
                result_id=result_id,
                record=record,
                received_at=utcnow(),
            )
            session.add(existing)
            known[key] = existing  # the same record twice in one batch is one outcome
            stored.created += 1
        elif existing.content_hash != content or existing.result_id != result_id:
            existing.record, existing.content_hash, existing.result_id, existing.updated_at = (
                record,
                content,
                result_id,
                utcnow(),
            )
            stored.updated += 1
        else:
            stored.unchanged += 1
        stored.ids.append(existing.id)
        if result_id is None:
            stored.unlinked.append(
                {
                    "id": existing.id,
                    "kind": record["kind"],
                    "period": existing.period,
                    "reason": "no hire's decision records this employee id",
                }
            )
    audit.append(
        session,
        actor=actor,
        action="outcomes.received",
        object_type="outcome_batch",
        object_id=uuid.uuid4().hex[:12],
        details={
            "via": via,
            "created": stored.created,
            "updated": stored.updated,
            "unchanged": stored.unchanged,
            "unlinked": len(stored.unlinked),
        },
    )
    return stored


def relink(session: Session) -> int:
    """Link outcomes that arrived before their hire's decision; returns how many were linked now."""
    linker = Linker(session)
    linked = 0
    for outcome in session.scalars(select(Outcome).where(Outcome.result_id.is_(None))):
        result_id = linker.result_for(outcome.record)
        if result_id:
            outcome.result_id, outcome.updated_at = result_id, utcnow()
            linked += 1
    return linked


def erase_for_results(session: Session, result_ids: list[str]) -> int:
    """Delete the outcomes linked to these results (a candidate's erasure); returns how many."""
    if not result_ids:
        return 0
    found = session.scalars(select(Outcome).where(Outcome.result_id.in_(result_ids))).all()
    for outcome in found:
        session.delete(outcome)
    return len(found)
