"""Ingest: validate an InterviewResult, settle idempotency, store it encrypted with its outbox rows."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, Table, and_, bindparam, func, literal, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import scoring_engine
from hub.accounts.api_clients import Caller
from hub.audit import chain as audit
from hub.delivery import outbox
from hub.errors import HubError, IdempotencyConflict, InvalidInput, UnknownCompetencyModel
from hub.intake import consent
from hub.intake.scoring import SHIPPED_MODELS
from hub.intake.validation import schema_errors
from hub.outcomes import drafts
from hub.privacy.shredding import candidate_cipher
from hub.rights import notices
from hub.storage.drafts import Draft
from hub.storage.models import Candidate, Connector, InterviewResult, Profile, SyncJob, new_id, utcnow
from hub.storage.rights import ConsentRecord
from hub.storage.statuses import JobStatus, ResultStatus
from scoring_engine.errors import ScoringError
from scoring_engine.interview.competency_model import parse_competency_model

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
    return _resolve(notices_dir, document["consent"])


def ingest(
    factory: sessionmaker[Session],
    caller: Caller,
    document: Any,
    idempotency_key: str | None,
    *,
    notices_dir: Path | None = None,
) -> Accepted:
    """Store one result, or replay the first answer for a duplicate; races end in one stored result.

    Group commit: ingests that arrive while another group is being written wait for it and are then written
    together, in one transaction (one BEGIN, one audit-chain lock and head read, one INSERT of the audit entries,
    one COMMIT). Each result is still all or nothing (its rows, its audit entries and its jobs commit together) and
    each answer is given only once its result is committed; a group that fails is written again result by result,
    each in a transaction of its own, so one bad result never fails another."""
    work = _Work(caller, document, idempotency_key, validate(document, notices_dir), body_digest(document))
    if GROUP_MAX <= 1 or not _groups_pay(factory):
        _alone(factory, work)
    else:
        group = _group_of(factory)
        with group.lock:
            group.pending.append(work)
            if not group.leading:
                group.leading = work.leads = True
        if not work.leads:
            work.wake.wait()
        if work.leads:
            _lead(factory, group)
    if work.error is not None:
        raise work.error
    assert work.outcome is not None
    return work.outcome


# At most this many results in one transaction; 1 writes each alone. A group forms only under load: a result that
# arrives while no group is being written is written at once, alone.
GROUP_MAX = int(os.environ.get("HUB_INGEST_GROUP_MAX", "16"))


def _groups_pay(factory: sessionmaker[Session]) -> bool:
    """Groups on SQLite only. Its writers take turns anyway (one write lock), so a group costs no parallelism and
    saves a BEGIN, a chain-head read and a COMMIT per result (in-process, 8 threads: 3.9-4.7 ms of CPU a result
    against 5.3-6.7 alone). On PostgreSQL writers overlap up to the audit-chain lock, and a group written by one
    thread took 2-3 times longer a result than 8 threads each writing their own (docs/benchmarks.md)."""
    bind = factory.kw.get("bind")
    return bind is not None and bind.dialect.name == "sqlite"


@dataclass
class _Work:
    caller: Caller
    document: dict
    key: str | None
    cited: notices.Cited
    digest: str
    outcome: Accepted | None = None
    error: BaseException | None = None
    leads: bool = False
    wake: threading.Event = field(default_factory=threading.Event)


@dataclass
class _Group:
    factory: sessionmaker[Session]
    lock: threading.Lock = field(default_factory=threading.Lock)
    pending: list[_Work] = field(default_factory=list)
    leading: bool = False


_groups: dict[int, _Group] = {}
_groups_lock = threading.Lock()


def _group_of(factory: sessionmaker[Session]) -> _Group:
    with _groups_lock:
        group = _groups.get(id(factory))
        if group is None or group.factory is not factory:
            group = _groups[id(factory)] = _Group(factory)
        return group


def _lead(factory: sessionmaker[Session], group: _Group) -> None:
    """Write what is pending (the leader's own result first) as one group, then pass the lead to the oldest result
    that arrived meanwhile, or give it up."""
    with group.lock:
        batch = group.pending[:GROUP_MAX]
        del group.pending[:GROUP_MAX]
    try:
        _write_group(factory, batch)
    finally:
        for work in batch:
            if work.outcome is None and work.error is None:
                work.error = RuntimeError("the ingest group was not written")
        with group.lock:
            if group.pending:
                successor = group.pending[0]
                successor.leads = True
                successor.wake.set()
            else:
                group.leading = False
        for work in batch:
            work.leads = False
            work.wake.set()


def _write_group(factory: sessionmaker[Session], batch: list[_Work]) -> None:
    if len(batch) == 1:
        _alone(factory, batch[0])
        return
    try:
        with factory() as session:
            connection = session.connection()
            for work in batch:
                try:
                    work.outcome = _write(session, connection, work)
                except HubError as error:  # refused before anything of this result was written (see _store)
                    work.error = error
            session.commit()
    except Exception:  # noqa: BLE001 - a race lost or a database error: each result again, in its own transaction
        for work in batch:
            work.outcome = work.error = None
            _alone(factory, work)


def _alone(factory: sessionmaker[Session], work: _Work) -> None:
    """One result in a transaction of its own; a lost race (unique constraint) is looked up again."""
    try:
        for attempt in range(3):
            with factory() as session:
                try:
                    work.outcome = _write(session, session.connection(), work)
                    session.commit()
                    return
                except IntegrityError:
                    # Another request won a race (same result, or a first result of the same candidate): look
                    # again; a duplicate is answered as such, anything else is stored on the next turn.
                    session.rollback()
                    work.outcome = None
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")
    except BaseException as error:  # noqa: BLE001 - handed to the request's own thread, which raises it
        work.outcome, work.error = None, error


def _write(session: Session, connection: Connection, work: _Work) -> Accepted:
    """The answer for one result in the session's transaction: a replay of an earlier one, or the new one written."""
    found = _lookup(connection, work.caller, work.document, work.key)
    if found.result_id is not None:
        return _replay(found, work.digest, work.key)
    body = _store(session, connection, work.caller, work.document, work.digest, work.key, work.cited, found)
    return Accepted(202, body, replayed=False)


# ---- the one lookup ------------------------------------------------------------------------------------------

_RESULTS: Table = InterviewResult.__table__  # type: ignore[assignment]
_CANDIDATES: Table = Candidate.__table__  # type: ignore[assignment]
_CONNECTORS: Table = Connector.__table__  # type: ignore[assignment]
_DRAFTS: Table = Draft.__table__  # type: ignore[assignment]
_CONSENTS: Table = ConsentRecord.__table__  # type: ignore[assignment]
_PROFILES: Table = Profile.__table__  # type: ignore[assignment]
_JOBS: Table = SyncJob.__table__  # type: ignore[assignment]
# Built once: executing a prebuilt INSERT with its values as parameters skips the statement's construction and
# most of its cache-key work (a quarter of an ingest's CPU when each was `insert().values(...)` afresh).
_INSERT = {table.name: table.insert() for table in (_CANDIDATES, _RESULTS, _CONSENTS, _PROFILES, _JOBS)}


@functools.cache
def _lookup_statement(with_key: bool, with_model: bool, with_connectors: bool):
    """ONE statement for everything an ingest reads: an earlier result with this external_id (or Idempotency-Key)
    and the candidate, each outer-joined to a one-row select so either or both may be missing; the approved draft
    of the scores' competency model; the connectors' version (count, last change). Built once per shape."""
    r, c = _RESULTS, _CANDIDATES
    clauses = [r.c.external_id == bindparam("external_id")]
    if with_key:
        clauses.append(r.c.idempotency_key == bindparam("key"))
    columns = [
        r.c.id.label("result_id"),
        r.c.external_id,
        r.c.idempotency_key,
        r.c.body_sha256,
        r.c.status,
        r.c.payload,
        c.c.id.label("candidate_id"),
        c.c.pii,
    ]
    if with_model:
        columns.append(
            select(_DRAFTS.c.id)
            .where(
                _DRAFTS.c.kind == drafts.COMPETENCY_MODEL,
                _DRAFTS.c.name == bindparam("model"),
                _DRAFTS.c.status == drafts.APPROVED,
            )
            .order_by(_DRAFTS.c.decided_at.desc())
            .limit(1)
            .scalar_subquery()
            .label("model_draft_id")
        )
    if with_connectors:
        columns.append(select(func.count()).select_from(_CONNECTORS).scalar_subquery().label("connectors_count"))
        columns.append(select(func.max(_CONNECTORS.c.updated_at)).scalar_subquery().label("connectors_changed"))
    one = select(literal(1).label("one")).subquery()
    return (
        select(*columns)
        .select_from(one)
        .outerjoin(c, and_(c.c.client_id == bindparam("client_id"), c.c.external_id == bindparam("candidate")))
        .outerjoin(r, and_(r.c.client_id == bindparam("client_id"), or_(*clauses)))
        .limit(1)
    )


def _lookup(connection: Connection, caller: Caller, document: dict, key: str | None) -> Row:
    model = (document.get("scores") or {}).get("model")
    with_model = model in SHIPPED_MODELS
    statement = _lookup_statement(bool(key), with_model, _may_enqueue(document))
    parameters = {
        "external_id": document["external_id"],
        "client_id": caller.client_id,
        "candidate": document["candidate"]["external_id"],
    }
    if key:
        parameters["key"] = key
    if with_model:
        parameters["model"] = model
    row = connection.execute(statement, parameters).first()
    assert row is not None  # the one-row select is always there
    return row


def _may_enqueue(document: dict) -> bool:
    """Whether this ingest makes sync jobs: ready scores the candidate lets go to HR systems."""
    return "scores" in document and consent.allows(document, consent.TRANSFER)


def _replay(existing: Row, digest: str, key: str | None) -> Accepted:
    if existing.body_sha256 != digest:
        what = (
            f"Idempotency-Key {key!r}"
            if key and existing.idempotency_key == key
            else f"external_id {existing.external_id!r}"
        )
        raise IdempotencyConflict(
            f"{what} was already used for result {existing.result_id} with different content; "
            "send a new external_id (and key) for a new interview.",
            existing={"id": existing.result_id, "links": {"self": f"/api/v1/results/{existing.result_id}"}},
        )
    return Accepted(
        202,
        _body(existing.result_id, existing.external_id, existing.status, notices.opted_out(existing.payload)),
        replayed=True,
    )


def _body(result_id: str, external_id: str, status: str, opted_out: bool) -> dict:
    body = {
        "id": result_id,
        "external_id": external_id,
        "status": status,
        "links": {"self": f"/api/v1/results/{result_id}"},
    }
    if opted_out:
        # `scored` is about automated scoring, which never happens here (a person's assessment may follow).
        body["human_review"] = {"required": True, "scored": False, "reason": notices.human_only_reason(result_id)}
    return body


# ---- what is cached between ingests ----------------------------------------------------------------------------

# Approved drafts never change, so a parsed model is kept by draft id; which draft is current is read every time
# (in the lookup statement), so a newly approved model is used by the very next ingest.
_models: dict[str, Any] = {}
_models_lock = threading.Lock()


def _ready_model(session: Session, name: str | None, draft_id: str | None):
    """The competency model ready scores are weighed with: the approved draft's, else the shipped one."""
    if not name:
        return None
    if name not in SHIPPED_MODELS:
        # Only shipped names (the schema allows any string): a caller never names a file for the hub to open.
        raise UnknownCompetencyModel(
            errors=[
                {"pointer": "/scores/model", "message": f"unknown model {name!r}; shipped: {', '.join(SHIPPED_MODELS)}"}
            ]
        )
    if draft_id is None:
        return scoring_engine.load_competency_model(name)
    with _models_lock:
        model = _models.get(draft_id)
    if model is None:
        draft = session.get(Draft, draft_id)
        assert draft is not None
        model = parse_competency_model(json.dumps(draft.content), f"draft {draft.id}")
        with _models_lock:
            if len(_models) > 256:
                _models.clear()
            _models[draft_id] = model
    return model


@dataclass(frozen=True)
class _ConnectorRow:
    id: int
    name: str
    enabled: bool
    events: list
    job_codes: list | None


# The enabled connectors, per database, with the version they were read at: (count, last change, when read). The
# lookup statement reads the version every ingest, so a connector added, changed or disabled in any process is seen
# by the next ingest; the list is read again at least every CONNECTOR_CACHE_SECONDS all the same (a change made
# with raw SQL, which does not touch updated_at, or clocks that differ between machines).
CONNECTOR_CACHE_SECONDS = 5.0
_connectors: dict[str, tuple[tuple, float, list[_ConnectorRow]]] = {}
_connectors_lock = threading.Lock()
_clock = time.monotonic


def _enabled_connectors(connection: Connection, version: tuple) -> list[_ConnectorRow]:
    where = str(connection.engine.url)
    moment = _clock()
    with _connectors_lock:
        cached = _connectors.get(where)
    if cached is not None and cached[0] == version and moment - cached[1] < CONNECTOR_CACHE_SECONDS:
        return cached[2]
    rows = [
        _ConnectorRow(row.id, row.name, row.enabled, row.events or [], row.job_codes)
        for row in connection.execute(
            select(
                _CONNECTORS.c.id,
                _CONNECTORS.c.name,
                _CONNECTORS.c.enabled,
                _CONNECTORS.c.events,
                _CONNECTORS.c.job_codes,
            )
            .where(_CONNECTORS.c.enabled.is_(True))
            .order_by(_CONNECTORS.c.id)
        )
    ]
    with _connectors_lock:
        _connectors[where] = (version, moment, rows)
    return rows


def forget_cached_connectors() -> None:
    with _connectors_lock:
        _connectors.clear()


# The notice a consent cites, for a second at most (the catalog is files: listing and stat-ing them costs more than
# the rest of the validation); a notice added or changed is used within that second.
NOTICE_CACHE_SECONDS = 1.0
_cited: dict[tuple, tuple[float, notices.Cited]] = {}
_cited_lock = threading.Lock()


def _resolve(notices_dir: Path | None, record: dict) -> notices.Cited:
    fields = ("notice_id", "notice_version", "language", "jurisdiction", "automated_decision_opt_out")
    key = (str(notices_dir), *(repr(record.get(name)) for name in fields), repr(record.get("scopes")))
    moment = _clock()
    with _cited_lock:
        cached = _cited.get(key)
    if cached is not None and moment - cached[0] < NOTICE_CACHE_SECONDS:
        return cached[1]
    cited = notices.resolve(notices_dir, record)
    with _cited_lock:
        if len(_cited) > 1024:
            _cited.clear()
        _cited[key] = (moment, cited)
    return cited


# ---- the writes ------------------------------------------------------------------------------------------------


def _store(
    session: Session,
    connection: Connection,
    caller: Caller,
    document: dict,
    digest: str,
    key: str | None,
    cited: notices.Cited,
    found: Row,
) -> dict:
    """Write the result in Core statements, each in dependency order, in the session's transaction; the audit
    entries join the chain at commit. Personal values are sealed here with the candidate's data key."""
    scores = document.get("scores")
    profile = None
    if scores is not None:
        # Refused scores refuse the result before anything is written (or a data key made).
        model = _ready_model(session, scores.get("model"), getattr(found, "model_draft_id", None))
        profile = _ready_profile(scores, model, document.get("preferences"))
    result_id = new_id()
    error = None
    if scores is not None:
        status = ResultStatus.SCORED
    elif cited.automated_opt_out:
        status, error = ResultStatus.NOT_SCORED, notices.human_only_reason(result_id)
    elif consent.allows(document, consent.SCORING):
        status = ResultStatus.QUEUED
    else:
        status, error = ResultStatus.NOT_SCORED, "the candidate did not consent to automated scoring"
    data = document["candidate"]
    pii = {field: data[field] for field in PII_FIELDS if field in data}
    now = utcnow()
    candidate_id = found.candidate_id
    if candidate_id is None:
        candidate_id = new_id()
        cipher = candidate_cipher(session, candidate_id)
        connection.execute(
            _INSERT[_CANDIDATES.name],
            dict(
                id=candidate_id,
                client_id=caller.client_id,
                external_id=data["external_id"],
                pii=cipher.seal_json(pii),
                created_at=now,
            ),
        )
    else:
        cipher = candidate_cipher(session, candidate_id)
        if pii and pii != found.pii:
            connection.execute(
                _CANDIDATES.update()
                .where(_CANDIDATES.c.id == candidate_id)
                .values(pii=cipher.seal_json({**(found.pii or {}), **pii}))
            )
    payload = {k: v for k, v in document.items() if k != "candidate"}
    connection.execute(
        _INSERT[_RESULTS.name],
        dict(
            id=result_id,
            client_id=caller.client_id,
            external_id=document["external_id"],
            idempotency_key=key,
            candidate_id=candidate_id,
            job_code=document["job_code"],
            body_sha256=digest,
            status=status,
            payload=cipher.seal_json(payload),
            scoring_due_at=now if status == ResultStatus.QUEUED else None,
            scoring_attempts=0,
            scoring_error=error,
            created_at=now,
            updated_at=now,
        ),
    )
    connection.execute(_INSERT[_CONSENTS.name], _consent_values(result_id, cited, document["consent"], now))
    audit.append(
        session,
        actor=caller.actor,
        action="result.received",
        object_type="interview_result",
        object_id=result_id,
        details={
            "external_id": document["external_id"],
            "job_code": document["job_code"],
            "has_answers": "answers" in document,
            "has_scores": "scores" in document,
            "notice": f"{cited.notice_id}/{cited.version}/{cited.language}/{cited.jurisdiction}",
            "human_review_only": cited.automated_opt_out,
        },
    )
    if profile is not None:
        _add_profile(session, connection, result_id, profile, cipher, caller.actor, now)
        _enqueue(session, connection, found, result_id, document, payload, now)
    return _body(result_id, document["external_id"], status, cited.automated_opt_out)


def _consent_values(result_id: str, cited: notices.Cited, record: dict, now) -> dict:
    """The consent record's row, as notices.record writes it (a given_at without a UTC offset is not kept)."""
    given_at = record.get("given_at")
    try:
        given = datetime.fromisoformat(given_at) if given_at else None
    except ValueError:
        given = None
    return dict(
        result_id=result_id,
        notice_id=cited.notice_id,
        notice_version=cited.version,
        language=cited.language,
        jurisdiction=cited.jurisdiction,
        scopes=cited.scopes,
        automated_opt_out=cited.automated_opt_out,
        given_at=given if given is None or given.tzinfo else None,
        recorded_at=now,
    )


def _ready_profile(scores: dict, model, preferences: dict | None) -> dict:
    """The profile of ready scores, as hub.intake.scoring.store_ready_scores makes it."""
    try:
        profile = scoring_engine.profile_from_ready_scores(
            scores["dimensions"], model=model, source=f"external:{scores['source']}", preferences=preferences
        )
    except ScoringError as error:
        # The engine points into the scores mapping it was given ("/scores/<key>" or "/<key>").
        name = (error.pointer or "").rstrip("/").rsplit("/", 1)[-1]
        pointer = f"/scores/dimensions/{name}" if name and name != "scores" else "/scores/dimensions"
        raise InvalidInput(
            title="The ready scores are not valid", errors=[{"pointer": pointer, "message": str(error)}]
        ) from None
    data = profile.to_dict()
    return {**data, "model_version": model.version} if model is not None else data


def _add_profile(
    session: Session, connection: Connection, result_id: str, profile: dict, cipher, actor: str, now
) -> None:
    """Version 1 of the new result's profile, and its audit entry (as hub.intake.scoring.add_profile)."""
    engine = profile.get("engine") or {}
    source = profile.get("source") or "unknown"
    connection.execute(
        _INSERT[_PROFILES.name],
        dict(
            result_id=result_id,
            version=1,
            source=source,
            engine_version=engine.get("version"),
            model=profile.get("model"),
            data=cipher.seal_json(profile),
            created_at=now,
        ),
    )
    audit.append(
        session,
        actor=actor,
        action="profile.created",
        object_type="interview_result",
        object_id=result_id,
        details={
            "version": 1,
            "source": source,
            "model": profile.get("model"),
            "engine_version": engine.get("version"),
            "insufficient": profile.get("insufficient", []),
        },
    )


def _enqueue(
    session: Session, connection: Connection, found: Row, result_id: str, document: dict, payload: dict, now
) -> None:
    """The outbox rows of a new scored result: one job per subscribed connector, as hub.delivery.outbox.enqueue
    makes them (a new result has no job yet, so none is looked for)."""
    event = "result.scored"
    if not consent.allows(document, consent.TRANSFER):
        # The withheld case writes no job: outbox.enqueue itself records it, without a statement.
        outbox.enqueue(session, _NewResult(result_id, document["job_code"], payload), event)  # type: ignore[arg-type]
        return
    version = (found.connectors_count, found.connectors_changed)
    target = _NewResult(result_id, document["job_code"], payload)
    jobs: list[dict] = []
    for connector in _enabled_connectors(connection, version):
        if not outbox.subscribed(connector, target, event):  # type: ignore[arg-type]
            continue
        job_id = new_id()
        jobs.append(
            dict(
                id=job_id,
                connector_id=connector.id,
                result_id=result_id,
                event=event,
                status=JobStatus.PENDING,
                attempts=0,
                next_attempt_at=now,
                # A microsecond apart, in connector order: views list a result's jobs by creation time.
                created_at=now + timedelta(microseconds=len(jobs)),
                updated_at=now,
            )
        )
        audit.append(
            session,
            actor="hub",
            action="sync_job.created",
            object_type="sync_job",
            object_id=job_id,
            details={"connector": connector.name, "event": event, "result_id": result_id},
        )
    if not jobs:
        return
    connection.execute(_INSERT[_JOBS.name], jobs)
    if connection.dialect.name == "postgresql":
        # NOTIFY is transactional: listeners hear it only if this transaction commits.
        connection.execute(text(f"NOTIFY {outbox.NOTIFY_CHANNEL}"))


@dataclass(frozen=True)
class _NewResult:
    """What the outbox reads of a result."""

    id: str
    job_code: str
    payload: dict
