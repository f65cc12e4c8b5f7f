"""Ingest: validate an InterviewResult, settle idempotency, store it encrypted with its outbox rows."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hub.accounts.api_clients import Caller
from hub.audit import chain as audit
from hub.delivery import outbox
from hub.errors import IdempotencyConflict, InvalidInput
from hub.intake import consent
from hub.intake.validation import schema_errors
from hub.rights import notices
from hub.storage.models import Candidate, InterviewResult, new_id, utcnow
from hub.storage.statuses import ResultStatus

SCHEMA = "interview-result"
PII_FIELDS = ("name", "phone", "email", "id_number")


@dataclass
class Accepted:
    """What ingest answers: the body and status of the first response, replayed for duplicates."""

    status: int
    body: dict
    replayed: bool


def body_digest(document: Any) -> str:
    """A digest of the document's meaning: key order and whitespace do not change it."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate(document: Any, notices_dir: Path | None = None) -> notices.Cited:
    """Check the document and return the notice its consent cites (an unknown notice is refused, with a pointer)."""
    errors = schema_errors(SCHEMA, document)
    if not errors and "scores" in document and not consent.allows(document, consent.SCORING):
        errors = [
            {
                "pointer": "/consent/scopes",
                "message": "scores were given but the candidate's consent does not include 'scoring'",
            }
        ]
    if not errors and "scores" in document and notices.opted_out(document):
        errors = [
            {
                "pointer": "/consent/automated_decision_opt_out",
                "message": "scores were given but the candidate opted out of automated decisions; "
                "send the answers only, and a person reviews them",
            }
        ]
    if errors:
        raise InvalidInput(
            f"{len(errors)} problem(s); each names its JSON pointer.",
            title="The interview result is not valid",
            errors=errors,
        )
    return notices.resolve(notices_dir, document["consent"])


def accepted_body(result: InterviewResult) -> dict:
    body = {
        "id": result.id,
        "external_id": result.external_id,
        "status": result.status,
        "links": {"self": f"/api/v1/results/{result.id}"},
    }
    if notices.opted_out(result.payload):
        # `scored` is about automated scoring, which never happens here (a person's assessment may follow).
        body["human_review"] = {"required": True, "scored": False, "reason": notices.human_only_reason(result.id)}
    return body


def ingest(
    factory: sessionmaker[Session],
    caller: Caller,
    document: Any,
    idempotency_key: str | None,
    *,
    notices_dir: Path | None = None,
) -> Accepted:
    """Store one result, or replay the first answer for a duplicate; races end in one stored result."""
    cited = validate(document, notices_dir)
    digest = body_digest(document)
    for attempt in range(3):
        with factory() as session:
            existing, candidate = _lookup(session, caller, document, idempotency_key)
            if existing is not None:
                return _replay(existing, digest, idempotency_key)
            try:
                # Nothing _store reads depends on what it adds (models, connectors, the key store), so it all goes
                # to the database in one flush at commit: one unit of work, one sealing pass, one data-key lookup.
                with session.no_autoflush:
                    result = _store(session, caller, document, digest, idempotency_key, cited, candidate)
                session.commit()
            except IntegrityError:
                # Another request won a race (same result, or a first result of the same candidate):
                # look again; a duplicate is answered as such, anything else is stored on the next turn.
                session.rollback()
                if attempt == 2:
                    raise
                continue
            return Accepted(202, accepted_body(result), replayed=False)
    raise AssertionError("unreachable")


def _lookup(
    session: Session, caller: Caller, document: dict, key: str | None
) -> tuple[InterviewResult | None, Candidate | None]:
    """ONE statement for both lookups of an ingest: an earlier result with this external_id (or Idempotency-Key)
    and the candidate, each outer-joined to a one-row select, so either or both may be missing."""
    clauses = [InterviewResult.external_id == document["external_id"]]
    if key:
        clauses.append(InterviewResult.idempotency_key == key)
    one = select(literal(1).label("one")).subquery()
    row = session.execute(
        select(InterviewResult, Candidate)
        .select_from(one)
        .outerjoin(
            Candidate,
            and_(
                Candidate.client_id == caller.client_id, Candidate.external_id == document["candidate"]["external_id"]
            ),
        )
        .outerjoin(InterviewResult, and_(InterviewResult.client_id == caller.client_id, or_(*clauses)))
        .limit(1)
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


def _replay(existing: InterviewResult, digest: str, key: str | None) -> Accepted:
    if existing.body_sha256 != digest:
        what = (
            f"Idempotency-Key {key!r}"
            if key and existing.idempotency_key == key
            else f"external_id {existing.external_id!r}"
        )
        raise IdempotencyConflict(
            f"{what} was already used for result {existing.id} with different content; "
            "send a new external_id (and key) for a new interview.",
            existing={"id": existing.id, "links": {"self": f"/api/v1/results/{existing.id}"}},
        )
    return Accepted(202, accepted_body(existing), replayed=True)


def _store(
    session: Session,
    caller: Caller,
    document: dict,
    digest: str,
    key: str | None,
    cited: notices.Cited,
    found: Candidate | None,
) -> InterviewResult:
    candidate = _candidate(session, caller, document["candidate"], found)
    error = None
    if "scores" in document:
        status = ResultStatus.SCORED
    elif cited.automated_opt_out:
        status = ResultStatus.NOT_SCORED  # the reason names the result's id, set below
    elif consent.allows(document, consent.SCORING):
        status = ResultStatus.QUEUED
    else:
        status, error = ResultStatus.NOT_SCORED, "the candidate did not consent to automated scoring"
    result = InterviewResult(
        id=new_id(),
        client_id=caller.client_id,
        external_id=document["external_id"],
        idempotency_key=key,
        candidate=candidate,
        job_code=document["job_code"],
        body_sha256=digest,
        status=status,
        payload={k: v for k, v in document.items() if k != "candidate"},
        scoring_due_at=utcnow() if status == ResultStatus.QUEUED else None,
        scoring_error=error,
    )
    if cited.automated_opt_out:
        result.scoring_error = notices.human_only_reason(result.id)
    session.add(result)
    notices.record(session, result.id, cited, document["consent"].get("given_at"))
    audit.append(
        session,
        actor=caller.actor,
        action="result.received",
        object_type="interview_result",
        object_id=result.id,
        details={
            "external_id": result.external_id,
            "job_code": result.job_code,
            "has_answers": "answers" in document,
            "has_scores": "scores" in document,
            "notice": f"{cited.notice_id}/{cited.version}/{cited.language}/{cited.jurisdiction}",
            "human_review_only": cited.automated_opt_out,
        },
    )
    if "scores" in document:
        from hub.intake.scoring import store_ready_scores

        store_ready_scores(session, result, document["scores"], actor=caller.actor, first=True)
        outbox.enqueue(session, result, "result.scored")
    return result


def _candidate(session: Session, caller: Caller, data: dict, candidate: Candidate | None) -> Candidate:
    """The candidate as `_lookup` found it (None: new), with the document's personal data merged in."""
    pii = {field: data[field] for field in PII_FIELDS if field in data}
    if candidate is None:
        candidate = Candidate(id=new_id(), client_id=caller.client_id, external_id=data["external_id"], pii=pii)
        session.add(candidate)
    elif pii and pii != candidate.pii:
        candidate.pii = {**(candidate.pii or {}), **pii}
    return candidate
