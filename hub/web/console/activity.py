"""What the overview draws: jobs per hour (24 h) and per day (30 d) by status, delivery latency percentiles, breaker
states and the oldest due job. Grouping is done by the database (one GROUP BY per chart), so a busy hub's overview
reads a few hundred rows, not its whole sync log."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, cast, func, literal, select
from sqlalchemy.orm import Session

from hub.storage.models import Connector, DeliveryAttempt, SyncJob, utcnow
from hub.storage.statuses import DUE_JOB_STATUSES, AttemptOutcome, BreakerState, JobStatus

LATENCY_SAMPLE = 20_000  # the newest delivered attempts the percentiles are computed from


@dataclass(frozen=True)
class Series:
    start: datetime
    step: timedelta
    labels: list[str]
    counts: dict[str, list[int]]  # status -> one count per bucket


def _bucket(session: Session, column, start: datetime, step: timedelta):
    seconds = step.total_seconds()
    if session.get_bind().dialect.name == "sqlite":
        text_start = start.strftime("%Y-%m-%d %H:%M:%S.%f")
        return cast((func.julianday(column) - func.julianday(literal(text_start))) * 86400 / seconds, Integer)
    return cast(func.floor(func.extract("epoch", column - literal(start)) / seconds), Integer)


def jobs_by_status(session: Session, *, buckets: int, step: timedelta, now: datetime | None = None) -> Series:
    """Jobs created in each of the last `buckets` steps (oldest first), by the status they have now."""
    now = now or utcnow()
    if step >= timedelta(days=1):
        end = now.replace(hour=0, minute=0, second=0, microsecond=0) + step
    else:
        end = now.replace(minute=0, second=0, microsecond=0) + step
    start = end - step * buckets
    bucket = _bucket(session, SyncJob.created_at, start, step).label("bucket")
    counts = {status: [0] * buckets for status in JobStatus}
    rows = session.execute(
        select(bucket, SyncJob.status, func.count())
        .where(SyncJob.created_at >= start, SyncJob.created_at < end)
        .group_by(bucket, SyncJob.status)
    )
    for index, status, count in rows:
        if index is not None and 0 <= int(index) < buckets:
            counts[JobStatus(status)][int(index)] += count
    fmt = "%m-%d" if step >= timedelta(days=1) else "%H:00"
    labels = [(start + step * i).strftime(fmt) for i in range(buckets)]
    return Series(start, step, labels, {str(s): c for s, c in counts.items() if any(c)})


def latency_percentiles(session: Session, *, since: datetime) -> dict[str, float | int | None]:
    """p50, p90 and p99 (ms) of the newest delivered attempts since `since`, and how many they were."""
    latencies = session.scalars(
        select(DeliveryAttempt.latency_ms)
        .where(
            DeliveryAttempt.outcome == AttemptOutcome.DELIVERED,
            DeliveryAttempt.started_at >= since,
            DeliveryAttempt.latency_ms.is_not(None),
        )
        .order_by(DeliveryAttempt.started_at.desc())
        .limit(LATENCY_SAMPLE)
    ).all()
    values = sorted(float(v) for v in latencies if v is not None)
    if not values:
        return {"n": 0, "p50": None, "p90": None, "p99": None}
    if len(values) == 1:
        return {"n": 1, "p50": values[0], "p90": values[0], "p99": values[0]}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50": cuts[49], "p90": cuts[89], "p99": cuts[98]}


def breakers(session: Session) -> dict[str, list[str]]:
    """Connector names by breaker state (connectors not deleted)."""
    found: dict[str, list[str]] = {str(state): [] for state in BreakerState}
    for name, state in session.execute(
        select(Connector.name, Connector.breaker_state).where(Connector.deleted_at.is_(None)).order_by(Connector.name)
    ):
        found.setdefault(str(state), []).append(name)
    return found


def oldest_due(session: Session, now: datetime | None = None) -> tuple[SyncJob | None, float]:
    """The job that has waited longest past its due time, and for how many seconds (0 when none is due)."""
    now = now or utcnow()
    job = session.scalar(
        select(SyncJob)
        .where(SyncJob.status.in_(DUE_JOB_STATUSES), SyncJob.next_attempt_at <= now)
        .order_by(SyncJob.next_attempt_at)
        .limit(1)
    )
    if job is None or job.next_attempt_at is None:
        return None, 0.0
    return job, max(0.0, (now - job.next_attempt_at).total_seconds())
