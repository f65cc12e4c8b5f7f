"""Claiming due jobs under a lease: breaker and concurrency per connector, and a fair share of the worker's threads.

A claimed job is `in_progress`, leased to one worker until `lease_until`; a worker that dies loses only its lease.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from connectors.errors import ConnectorError
from connectors.plugins import connector_class
from hub.storage.models import Connector, SyncJob, utcnow
from hub.storage.statuses import DUE_JOB_STATUSES, BreakerState, JobStatus

log = logging.getLogger(__name__)
BATCH_LIMIT = 10_000  # jobs in one CSV file at most; the rest wait for the next batch


def due(now):
    """Due jobs: waiting and their time has come, or claimed by a worker whose lease ran out."""
    return or_(
        and_(SyncJob.status.in_(DUE_JOB_STATUSES), SyncJob.next_attempt_at <= now),
        and_(SyncJob.status == JobStatus.IN_PROGRESS, SyncJob.lease_until < now),
    )


def is_batching(connector: Connector) -> bool:
    """Whether the connector's type writes batches (CSV files). A type that is not installed is not: its jobs
    take the single-job path, where the attempt records that the connector cannot be built."""
    try:
        return connector_class(connector.type).batching
    except ConnectorError:
        return False


def capacity(connector: Connector, in_flight: int, now: datetime) -> int:
    """How many more of the connector's jobs may be in flight (all workers together): its breaker decides first."""
    if connector.breaker_state == BreakerState.OPEN:
        if connector.breaker_open_until and connector.breaker_open_until > now:
            return 0
        connector.breaker_state = BreakerState.HALF_OPEN  # cooled down: let one probe through
    if connector.breaker_state == BreakerState.HALF_OPEN:
        return 1 - in_flight
    return connector.max_concurrency - in_flight


def share_out(wanted: dict[int, int], free: int, running_here: dict[int, int]) -> dict[int, int]:
    """Slots per connector, round robin, so one connector cannot take every free thread.

    A connector with nothing running in this worker always gets one slot, even when no thread is free: a target
    that hangs holds its own threads, never the others' turn (the pool has room for these extra threads)."""
    given = {connector_id: 0 for connector_id in wanted}
    for connector_id, count in wanted.items():
        if count > 0 and not running_here.get(connector_id):
            given[connector_id] = 1
    free -= sum(given.values())
    while free > 0:
        progressed = False
        for connector_id, count in wanted.items():
            if free > 0 and given[connector_id] < count:
                given[connector_id] += 1
                free -= 1
                progressed = True
        if not progressed:
            break
    return {connector_id: count for connector_id, count in given.items() if count}


@dataclass(frozen=True)
class ClaimedJob:
    """A leased job's own columns, as delivering it needs them (read back by the claim's UPDATE ... RETURNING)."""

    id: str
    connector_id: int
    result_id: str
    event: str
    attempts: int
    created_at: datetime | None


@dataclass(frozen=True)
class Claimed:
    job_id: str
    connector_id: int
    job: ClaimedJob | None = None
    connector: Connector | None = None  # detached, as the claim read it (shared read-only by the threads)


_JOBS: Table = SyncJob.__table__  # type: ignore[assignment]
_RETURNED = (_JOBS.c.id, _JOBS.c.connector_id, _JOBS.c.result_id, _JOBS.c.event, _JOBS.c.attempts, _JOBS.c.created_at)


@functools.cache
def _connectors_due(postgres: bool):
    """Enabled connectors with due jobs, with their due and in-flight counts, as of the parameter `now` (built once)."""
    now = bindparam("now", type_=SyncJob.next_attempt_at.type)
    waiting = (
        select(func.count())
        .select_from(SyncJob)
        .where(SyncJob.connector_id == Connector.id, due(now))
        .correlate(Connector)
        .scalar_subquery()
    )
    running = (
        select(func.count())
        .select_from(SyncJob)
        .where(
            SyncJob.connector_id == Connector.id,
            SyncJob.status == JobStatus.IN_PROGRESS,
            SyncJob.lease_until > now,
        )
        .correlate(Connector)
        .scalar_subquery()
    )
    any_due = select(SyncJob.id).where(SyncJob.connector_id == Connector.id, due(now)).correlate(Connector)
    query = (
        select(Connector, waiting.label("waiting"), running.label("in_flight"))
        .where(Connector.enabled.is_(True), any_due.exists())
        .order_by(Connector.id)
    )
    if postgres:
        # One worker claims for a connector at a time (the others skip it this pass), so the in-flight
        # count read with it is exact and max_concurrency holds across every worker process.
        query = query.with_for_update(skip_locked=True, of=Connector)
    return query


class Claimer:
    """Leases jobs for one worker."""

    def __init__(self, factory: sessionmaker[Session], *, worker_id: str, lease_seconds: float, postgres: bool):
        self.factory, self.worker_id, self.lease_seconds, self.postgres = factory, worker_id, lease_seconds, postgres

    def claim(self, free: int, running_here: dict[int, int]) -> list[Claimed]:
        """Lease due jobs of single-delivery connectors: `free` threads shared out fairly (see `share_out`).

        One query reads the connectors with due jobs (locked, skipping those another worker is claiming for) with
        their due and in-flight counts; one UPDATE ... RETURNING per connector leases its jobs and reads them back."""
        now = utcnow()
        with self.factory() as session, session.begin():
            query = _connectors_due(self.postgres)
            rows = [(c, count, busy) for c, count, busy in session.execute(query, {"now": now}) if not is_batching(c)]
            connectors = {c.id: c for c, _, _ in rows}
            wanted = {c.id: min(count, capacity(c, busy, now)) for c, count, busy in rows}
            claimed: list[Claimed] = []
            for connector_id, count in share_out(wanted, free, running_here).items():
                claimed += [
                    Claimed(job.id, connector_id, job, connectors[connector_id])
                    for job in self._lease_returning(session, connector_id, count, now)
                ]
            session.flush()  # a breaker moved to half-open by `capacity`
            session.expunge_all()  # the connectors go to the delivery threads as they are
        return claimed

    def _lease_returning(self, session: Session, connector_id: int, limit: int, now: datetime) -> list[ClaimedJob]:
        """Lease up to `limit` due jobs of a connector in one UPDATE, read back with RETURNING."""
        picked = (
            select(_JOBS.c.id)
            .where(_JOBS.c.connector_id == connector_id, due(now))
            .order_by(_JOBS.c.next_attempt_at)
            .limit(limit)
        )
        if self.postgres:
            picked = picked.with_for_update(skip_locked=True)
        leased = session.execute(
            update(_JOBS)
            .where(_JOBS.c.id.in_(picked.scalar_subquery()))
            .values(
                status=JobStatus.IN_PROGRESS,
                lease_until=now + timedelta(seconds=self.lease_seconds),
                leased_by=self.worker_id,
                updated_at=now,
            )
            .returning(*_RETURNED)
        ).all()
        return sorted((ClaimedJob(*row) for row in leased), key=lambda job: job.id)

    def claim_batch(self, connector_id: int) -> list[str]:
        """Lease every due job of a batching connector (up to BATCH_LIMIT) and mark the connector flushed."""
        now = utcnow()
        with self.factory() as session, session.begin():
            job_ids = self._lease(session, connector_id, BATCH_LIMIT, now, oldest_first=True)
            session.get_one(Connector, connector_id).last_flush_at = now
        return job_ids

    def _lease(
        self, session: Session, connector_id: int, limit: int, now: datetime, *, oldest_first: bool = False
    ) -> list[str]:
        order = SyncJob.created_at if oldest_first else SyncJob.next_attempt_at
        query = select(SyncJob).where(SyncJob.connector_id == connector_id, due(now)).order_by(order).limit(limit)
        if self.postgres:
            query = query.with_for_update(skip_locked=True)
        lease_until = now + timedelta(seconds=self.lease_seconds)
        job_ids = []
        for job in session.scalars(query):
            job.status, job.lease_until, job.leased_by = JobStatus.IN_PROGRESS, lease_until, self.worker_id
            job_ids.append(job.id)
        return job_ids

    def release(self, job_ids: list[str]) -> None:
        """Give back the leases of claimed jobs that never started (the worker is stopping)."""
        if not job_ids:
            return
        with self.factory() as session, session.begin():
            for job in session.scalars(
                select(SyncJob).where(SyncJob.id.in_(job_ids), SyncJob.leased_by == self.worker_id)
            ):
                job.status = JobStatus.RETRYING if job.attempts else JobStatus.PENDING
                job.lease_until, job.leased_by = None, None
