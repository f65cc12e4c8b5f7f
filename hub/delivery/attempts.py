"""Recording an attempt: the attempt row, the job's fate (delivered, skipped, retried or dead) and the connector's
breaker, in one transaction. The single-job path and the CSV batch path both record through `Recorder`."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from connectors.redaction import excerpt
from hub.audit import chain as audit
from hub.config import DEFAULT_RETRY_SCHEDULE
from hub.delivery.schedule import next_delay, schedule_of
from hub.storage.models import Connector, DeliveryAttempt, SyncJob, utcnow
from hub.storage.statuses import AttemptOutcome, BreakerState, JobStatus

log = logging.getLogger(__name__)


def clip(text: str | None) -> str | None:
    """The start of a reply as the attempt log keeps it: the connectors' one limit (redaction.EXCERPT_BYTES), or None."""
    return excerpt(text, []) or None if isinstance(text, str) or text is None else text


@dataclass(frozen=True)
class BreakerPolicy:
    threshold: int = 5  # consecutive retryable failures that open the breaker
    cooldown_seconds: float = 60.0  # how long it stays open before one probe is let through


@dataclass
class Outcome:
    """What one attempt came to."""

    kind: AttemptOutcome
    status_code: int | None = None
    latency_ms: float | None = None
    error: str | None = None
    excerpt: str | None = None
    retry_after: float | None = None
    disable_connector: bool = False
    request: dict | None = None
    skip_reason: str | None = None

    @classmethod
    def skipped(cls, reason: str) -> "Outcome":
        """Nothing to send (e.g. the policy produced no goals): no request is made, the job is done."""
        return cls(AttemptOutcome.SKIPPED, latency_ms=0.0, skip_reason=reason, request={"payloads": []})


class Recorder:
    """Records attempts for one worker: its id, the hub's default retry schedule and the breaker policy."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        worker_id: str,
        default_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE,
        breaker: BreakerPolicy = BreakerPolicy(),
    ):
        self.factory, self.worker_id, self.default_schedule, self.breaker = (
            factory,
            worker_id,
            default_schedule,
            breaker,
        )

    def record(self, job_id: str, outcome: Outcome, *, started_at: datetime) -> JobStatus:
        """Write the attempt, move the job on, and update the connector's breaker, in one transaction."""
        return self.record_many([(job_id, outcome, started_at)])[0]

    def record_many(self, items: list[tuple[str, Outcome, datetime]]) -> list[JobStatus]:
        """Record several attempts (of distinct jobs) in one transaction, in SQLAlchemy Core: the jobs locked and read
        with their connectors and last attempt numbers in one query, the attempts inserted in one statement, the jobs
        updated in one, a connector only when its breaker (or enabled flag) changed, and the audit chain appended once
        (at commit)."""
        job_ids = [job_id for job_id, _, _ in items]
        with self.factory() as session, session.begin():
            # Locked in a fixed order so two recorders never wait on each other; erasure locks jobs too
            # (hub/privacy/erasure.py). Only the jobs are locked, as before: connectors are read.
            rows = session.execute(_LOCK_JOBS, {"job_ids": job_ids}).all()
            jobs: dict[str, _Row] = {}
            connectors: dict[int, _Row] = {}
            numbers: dict[str, int] = {}
            for row in rows:
                values = row._mapping
                jobs[row.id] = _Row({column.name: values[column.name] for column in _JOB_COLUMNS})
                if row.connector_id not in connectors:
                    connectors[row.connector_id] = _Row(
                        {column.name[2:]: values[column.name] for column in _CONNECTOR_COLUMNS}
                    )
                numbers[row.id] = row.last_number or 0
            missing = [job_id for job_id in job_ids if job_id not in jobs]
            if missing:
                raise LookupError(f"sync job(s) {', '.join(missing)} not found")
            before = {connector_id: dict(c.values) for connector_id, c in connectors.items()}
            attempts: list[dict] = []
            statuses = [
                self._record_one(
                    session,
                    jobs[job_id],
                    connectors[jobs[job_id].connector_id],
                    numbers[job_id] + 1,
                    outcome,
                    started_at,
                    attempts,
                )
                for job_id, outcome, started_at in items
            ]
            session.execute(insert(_ATTEMPTS), attempts)
            now = utcnow()
            # One executemany; the SET clause is the parameters' keys (every column recording may change).
            session.execute(
                _UPDATE_JOBS,
                [
                    {**{name: jobs[job_id].values[name] for name in _JOB_WRITES}, "job_key": job_id, "updated_at": now}
                    for job_id in job_ids
                ],
            )
            for connector_id, connector in connectors.items():
                changed = {k: v for k, v in connector.values.items() if before[connector_id][k] != v}
                if changed:
                    session.execute(
                        update(_CONNECTORS).where(_CONNECTORS.c.id == connector_id).values(**changed, updated_at=now)
                    )
            return statuses

    def record_each(
        self, items: list[tuple[str, Outcome, datetime]], *, chunk: int = 256
    ) -> list[JobStatus | Exception]:
        """Record attempts of distinct jobs a chunk to a transaction (`record_many`); a chunk that fails as a whole is
        recorded job by job, so one bad job cannot take the others' records with it. Each item's status, or the error
        that kept it from being recorded (its lease then runs out and it comes back). Every recording path (the
        delivery threads' group commit and the CSV batches) goes through here."""
        results: list[JobStatus | Exception] = []
        for start in range(0, len(items), chunk):
            part = items[start : start + chunk]
            try:
                results += self.record_many(part)
                continue
            except Exception:  # noqa: BLE001 - retried one by one below, each with its own error
                log.debug("a group of %d attempts failed as a whole; recording them one by one", len(part))
            for job_id, outcome, started_at in part:
                try:
                    results.append(self.record(job_id, outcome, started_at=started_at))
                except Exception as error:  # noqa: BLE001 - handed to whoever waits for this job
                    results.append(error)
        return results

    def _record_one(
        self,
        session: Session,
        job: "_Row",
        connector: "_Row",
        number: int,
        outcome: Outcome,
        started_at: datetime,
        attempts: list[dict],
    ) -> JobStatus:
        erased = job.status == JobStatus.CANCELLED  # the candidate's data was erased while this attempt ran
        attempts.append(
            {
                "job_id": job.id,
                "number": number,
                "outcome": outcome.kind,
                "status_code": outcome.status_code,
                "latency_ms": outcome.latency_ms,
                "error": None if erased else outcome.error,
                "response_excerpt": None if erased else clip(outcome.excerpt),
                "request": None if erased else outcome.request,
                "worker": self.worker_id,
                "started_at": started_at,
                "finished_at": utcnow(),
            }
        )
        still_ours = job.leased_by == self.worker_id and job.status == JobStatus.IN_PROGRESS
        job.attempts += 1
        status = self._apply(session, job, connector, outcome) if still_ours else job.status
        _breaker(session, connector, outcome, self.breaker)
        details = {
            "connector": connector.name,
            "attempt": number,
            "status_code": outcome.status_code,
            "outcome": outcome.kind,
            "status": status,
        }
        if outcome.skip_reason:
            details["reason"] = outcome.skip_reason
        audit.append(
            session,
            actor=f"worker:{self.worker_id}",
            action=f"sync_job.{_verb(outcome, status)}",
            object_type="sync_job",
            object_id=job.id,
            details=details,
        )
        return status

    def _apply(self, session: Session, job: "_Row", connector: "_Row", outcome: Outcome) -> JobStatus:
        job.lease_until, job.leased_by = None, None
        now = utcnow()
        if outcome.kind == AttemptOutcome.DELIVERED:
            job.status, job.delivered_at, job.last_error, job.next_attempt_at = JobStatus.DELIVERED, now, None, None
            return job.status
        if outcome.kind == AttemptOutcome.SKIPPED:
            job.status, job.skip_reason, job.last_error, job.next_attempt_at = (
                JobStatus.SKIPPED,
                outcome.skip_reason,
                None,
                None,
            )
            return job.status
        job.last_error = outcome.error
        if outcome.kind == AttemptOutcome.PERMANENT:
            job.status, job.next_attempt_at = JobStatus.DEAD, None
            if outcome.disable_connector and connector.enabled:
                connector.enabled, connector.disabled_reason = False, f"target said: {outcome.error}"
                audit.append(
                    session,
                    actor="hub",
                    action="connector.disabled",
                    object_type="connector",
                    object_id=connector.name,
                    details={"reason": "the target answered 410 Gone"},
                )
            return job.status
        schedule = schedule_of(connector, self.default_schedule)  # type: ignore[arg-type]
        delay = next_delay(schedule, job.attempts, outcome.retry_after)
        if delay is None:
            job.status, job.next_attempt_at = JobStatus.DEAD, None
        else:
            job.status, job.next_attempt_at = JobStatus.RETRYING, now + timedelta(seconds=delay)
        return job.status


def _verb(outcome: Outcome, status: JobStatus) -> str:
    if outcome.kind in (AttemptOutcome.DELIVERED, AttemptOutcome.SKIPPED):
        return outcome.kind.value
    return "dead" if status == JobStatus.DEAD else "attempt_failed"


def _breaker(session: Session, connector: "_Row", outcome: Outcome, policy: BreakerPolicy) -> None:
    now = utcnow()
    if outcome.kind == AttemptOutcome.DELIVERED:
        if connector.breaker_state != BreakerState.CLOSED:
            audit.append(
                session,
                actor="hub",
                action="connector.breaker_closed",
                object_type="connector",
                object_id=connector.name,
                details={},
            )
        connector.breaker_state, connector.breaker_failures, connector.breaker_open_until = BreakerState.CLOSED, 0, None
        return
    if outcome.kind != AttemptOutcome.RETRYABLE:
        return  # a refused payload, or nothing sent: says nothing about whether the target is up
    connector.breaker_failures += 1
    if connector.breaker_state == BreakerState.HALF_OPEN or connector.breaker_failures >= policy.threshold:
        if connector.breaker_state != BreakerState.OPEN:
            audit.append(
                session,
                actor="hub",
                action="connector.breaker_opened",
                object_type="connector",
                object_id=connector.name,
                details={"failures": connector.breaker_failures},
            )
        connector.breaker_state = BreakerState.OPEN
        connector.breaker_open_until = now + timedelta(seconds=policy.cooldown_seconds)


_JOBS: Table = SyncJob.__table__  # type: ignore[assignment]
_CONNECTORS: Table = Connector.__table__  # type: ignore[assignment]
_ATTEMPTS: Table = DeliveryAttempt.__table__  # type: ignore[assignment]
_JOB_COLUMNS = tuple(
    _JOBS.c[name]
    for name in (
        "id",
        "connector_id",
        "status",
        "attempts",
        "leased_by",
        "lease_until",
        "next_attempt_at",
        "delivered_at",
        "last_error",
        "skip_reason",
        "updated_at",
    )
)
# What recording an attempt may change on a job: all written, changed or not (the row is locked, so unchanged is
# current).
_JOB_WRITES = tuple(c.name for c in _JOB_COLUMNS if c.name not in ("id", "connector_id"))
_CONNECTOR_COLUMNS = tuple(
    _CONNECTORS.c[name].label(f"c_{name}")
    for name in (
        "id",
        "name",
        "enabled",
        "disabled_reason",
        "retry_schedule",
        "breaker_state",
        "breaker_failures",
        "breaker_open_until",
    )
)

_LOCK_JOBS = (
    select(
        *_JOB_COLUMNS,
        *_CONNECTOR_COLUMNS,
        select(func.max(_ATTEMPTS.c.number))
        .where(_ATTEMPTS.c.job_id == _JOBS.c.id)
        .scalar_subquery()
        .label("last_number"),
    )
    .join_from(_JOBS, _CONNECTORS, _CONNECTORS.c.id == _JOBS.c.connector_id)
    .where(_JOBS.c.id.in_(bindparam("job_ids", expanding=True)))
    .order_by(_JOBS.c.id)
    .with_for_update(of=_JOBS)
)
_UPDATE_JOBS = update(_JOBS).where(_JOBS.c.id == bindparam("job_key"))


class _Row:
    """A job's or a connector's columns as recording reads and changes them (attribute access, like the model's)."""

    __slots__ = ("values",)

    def __init__(self, values: dict):
        object.__setattr__(self, "values", values)

    def __getattr__(self, name: str):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value) -> None:
        if name not in self.values:
            raise AttributeError(name)
        self.values[name] = value


class GroupRecorder:
    """Group commit for the delivery threads of one worker: a thread that finished an attempt hands its outcome
    over and waits; whichever thread finds no commit running records every outcome handed over so far in one
    transaction (`Recorder.record_many`), then wakes their threads. A thread returns only once its attempt is
    committed, as with `Recorder.record`, so a kill -9 loses no more than one attempt per thread did before.
    A batch that fails as a whole is recorded job by job, so one bad job cannot take the others' records with it."""

    def __init__(self, recorder: Recorder, *, max_batch: int = 64):
        self.recorder, self.max_batch = recorder, max_batch
        self._turn = threading.Condition()
        self._pending: list[_Waiting] = []
        self._committing = False
        self.batches = 0  # groups committed (for the benchmarks and tests)
        self.recorded = 0

    def record(self, job_id: str, outcome: Outcome, *, started_at: datetime) -> JobStatus:
        mine = _Waiting(job_id, outcome, started_at)
        with self._turn:
            self._pending.append(mine)
            while self._committing and not mine.finished:
                self._turn.wait()
            if mine.finished:
                return mine.result()
            self._committing = True  # this thread commits for everyone waiting, itself first
            others = [w for w in self._pending if w is not mine]
            batch, self._pending = [mine, *others[: self.max_batch - 1]], others[self.max_batch - 1 :]
        try:
            self._commit(batch)
        finally:
            with self._turn:
                self._committing = False
                self._turn.notify_all()
        return mine.result()

    def _commit(self, batch: list["_Waiting"]) -> None:
        try:
            results = self.recorder.record_each(
                [(w.job_id, w.outcome, w.started_at) for w in batch], chunk=self.max_batch
            )
        except BaseException as error:  # stopping: every thread of the batch hears it, none waits forever
            for waiting in batch:
                if not waiting.finished:
                    waiting.finish(None, error)
            raise
        self.batches += 1
        for waiting, result in zip(batch, results):
            if isinstance(result, Exception):
                waiting.finish(None, result)
            else:
                waiting.finish(result, None)
        self.recorded += len(batch)


class _Waiting:
    def __init__(self, job_id: str, outcome: Outcome, started_at: datetime):
        self.job_id, self.outcome, self.started_at = job_id, outcome, started_at
        self.done = threading.Event()
        self.finished = False
        self.status: JobStatus | None = None
        self.error: BaseException | None = None

    def finish(self, status: JobStatus | None, error: BaseException | None) -> None:
        self.status, self.error, self.finished = status, error, True
        self.done.set()

    def result(self) -> JobStatus:
        if self.error is not None:
            raise self.error
        assert self.status is not None
        return self.status
