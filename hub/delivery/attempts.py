"""Delivering one claimed job: build, map, send, and record the attempt, the job's fate and the breaker."""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import mappings
from connectors.base import DeliveryContext, DeliveryResult
from connectors.errors import (
    ConnectorError,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from connectors.plugins import create_connector
from hub.audit import chain as audit
from hub.delivery import documents
from hub.delivery.reloading import reloading
from hub.storage.models import (
    Connector,
    DeliveryAttempt,
    InterviewResult,
    SyncJob,
    utcnow,
)

log = logging.getLogger(__name__)
EXCERPT_LIMIT = 2048


@dataclass(frozen=True)
class BreakerPolicy:
    threshold: int = 5  # consecutive retryable failures that open the breaker
    cooldown_seconds: float = 60.0  # how long it stays open before one probe is let through


@dataclass
class Outcome:
    """What one attempt came to."""

    kind: str  # delivered | retryable | permanent
    status_code: int | None = None
    latency_ms: float | None = None
    error: str | None = None
    excerpt: str | None = None
    retry_after: float | None = None
    disable_connector: bool = False
    request: dict | None = None


load_mapping = reloading(mappings.load_mapping)


class ConnectorPool:
    """Live connector objects per connector row, rebuilt when the row changes (config, mapping...)."""

    def __init__(self):
        self._live: dict[int, tuple[datetime | None, object]] = {}

    def get(self, connector: Connector):
        cached = self._live.get(connector.id)
        if cached and cached[0] == connector.updated_at:
            return cached[1]
        if cached:
            cached[1].close()
        live = create_connector(connector.type, connector.config)
        self._live[connector.id] = (connector.updated_at, live)
        return live

    def close(self):
        for _, live in self._live.values():
            live.close()
        self._live.clear()


def next_delay(schedule: list[float], attempts: int, retry_after: float | None) -> float | None:
    """Seconds until the next try, or None when the schedule is spent (the job is dead)."""
    if attempts > len(schedule):
        return None
    if retry_after is not None:
        return max(0.0, retry_after)
    base = schedule[attempts - 1]
    return base * random.uniform(0.9, 1.1)  # jitter spreads retries of jobs that failed together


def render(job: SyncJob, connector: Connector, result: InterviewResult, default_policy: str) -> list[dict]:
    document = documents.build(job, connector, result, default_policy=default_policy)
    return load_mapping(connector.mapping).render(document)


def contexts(job: SyncJob, connector: Connector, attempt: int, cache_root: Path, count: int) -> list[DeliveryContext]:
    """One context per payload; each payload of a job has its own stable idempotency key."""
    now = utcnow()
    cache_dir = cache_root / connector.name
    return [DeliveryContext(job_id=job.id if count == 1 else f"{job.id}.{index + 1}", attempt=attempt,
                            event=job.event, connector_name=connector.name, cache_dir=cache_dir, now=now)
            for index in range(count)]


def send(live, payloads: list[dict], job_contexts: list[DeliveryContext]) -> Outcome:
    """Deliver every payload of a job in order; the first failure decides the outcome."""
    started = time.perf_counter()
    results: list[DeliveryResult] = []
    try:
        for payload, context in zip(payloads, job_contexts):
            results.append(live.deliver(payload, context))
    except RetryableDeliveryError as error:
        return Outcome("retryable", error.status_code, _ms(started), str(error), error.response_excerpt,
                       retry_after=error.retry_after)
    except PermanentDeliveryError as error:
        return Outcome("permanent", error.status_code, _ms(started), str(error), error.response_excerpt,
                       disable_connector=error.disable_connector)
    except ConnectorError as error:
        return Outcome("permanent", None, _ms(started), f"{error.__class__.__name__}: {error}")
    last = results[-1] if results else None
    return Outcome("delivered", last.status_code if last else None, _ms(started), None,
                   "\n".join(r.response_excerpt or "" for r in results)[:EXCERPT_LIMIT])


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def record(factory: sessionmaker[Session], job_id: str, outcome: Outcome, *, worker_id: str,
           default_schedule: tuple[float, ...], breaker: BreakerPolicy, started_at: datetime) -> str:
    """Write the attempt, move the job on, and update the connector's breaker, in one transaction."""
    with factory() as session, session.begin():
        job = session.get(SyncJob, job_id)
        connector = session.get(Connector, job.connector_id)
        number = (session.scalar(select(func.max(DeliveryAttempt.number)).where(DeliveryAttempt.job_id == job_id)) or 0) + 1
        erased = job.status == "cancelled"  # the candidate's data was erased while this attempt ran
        session.add(DeliveryAttempt(job_id=job_id, number=number, outcome=outcome.kind, status_code=outcome.status_code,
                                    latency_ms=outcome.latency_ms, error=outcome.error,
                                    response_excerpt=None if erased else (outcome.excerpt or "")[:EXCERPT_LIMIT] or None,
                                    request=None if erased else outcome.request, worker=worker_id,
                                    started_at=started_at, finished_at=utcnow()))
        still_ours = job.leased_by == worker_id and job.status == "in_progress"
        job.attempts += 1
        status = _apply(session, job, connector, outcome, default_schedule) if still_ours else job.status
        _breaker(session, connector, outcome, breaker)
        audit.append(session, actor=f"worker:{worker_id}", action=f"sync_job.{_verb(outcome, status)}",
                     object_type="sync_job", object_id=job_id,
                     details={"connector": connector.name, "attempt": number, "status_code": outcome.status_code,
                              "outcome": outcome.kind, "status": status})
        return status


def _verb(outcome: Outcome, status: str) -> str:
    if outcome.kind == "delivered":
        return "delivered"
    return "dead" if status == "dead" else "attempt_failed"


def _apply(session: Session, job: SyncJob, connector: Connector, outcome: Outcome, default_schedule) -> str:
    job.lease_until, job.leased_by = None, None
    now = utcnow()
    if outcome.kind == "delivered":
        job.status, job.delivered_at, job.last_error, job.next_attempt_at = "delivered", now, None, None
        return job.status
    job.last_error = outcome.error
    if outcome.kind == "permanent":
        job.status, job.next_attempt_at = "dead", None
        if outcome.disable_connector and connector.enabled:
            connector.enabled, connector.disabled_reason = False, f"target said: {outcome.error}"
            audit.append(session, actor="hub", action="connector.disabled", object_type="connector",
                         object_id=connector.name, details={"reason": "the target answered 410 Gone"})
        return job.status
    delay = next_delay(list(connector.retry_schedule or default_schedule), job.attempts, outcome.retry_after)
    if delay is None:
        job.status, job.next_attempt_at = "dead", None
    else:
        job.status, job.next_attempt_at = "retrying", now + timedelta(seconds=delay)
    return job.status


def _breaker(session: Session, connector: Connector, outcome: Outcome, policy: BreakerPolicy) -> None:
    now = utcnow()
    if outcome.kind == "delivered":
        if connector.breaker_state != "closed":
            audit.append(session, actor="hub", action="connector.breaker_closed", object_type="connector",
                         object_id=connector.name, details={})
        connector.breaker_state, connector.breaker_failures, connector.breaker_open_until = "closed", 0, None
        return
    if outcome.kind != "retryable":
        return  # a payload the target refuses says nothing about whether the target is up
    connector.breaker_failures += 1
    if connector.breaker_state == "half_open" or connector.breaker_failures >= policy.threshold:
        if connector.breaker_state != "open":
            audit.append(session, actor="hub", action="connector.breaker_opened", object_type="connector",
                         object_id=connector.name, details={"failures": connector.breaker_failures})
        connector.breaker_state = "open"
        connector.breaker_open_until = now + timedelta(seconds=policy.cooldown_seconds)
