"""Recording an attempt: the attempt row, the job's fate (delivered, skipped, retried or dead) and the connector's
breaker, in one transaction. The single-job path and the CSV batch path both record through `Recorder`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
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
        with self.factory() as session, session.begin():
            job = session.get_one(
                SyncJob, job_id, with_for_update=True
            )  # erasure locks it too (hub/privacy/erasure.py)
            connector = session.get_one(Connector, job.connector_id)
            number = (
                session.scalar(select(func.max(DeliveryAttempt.number)).where(DeliveryAttempt.job_id == job_id)) or 0
            ) + 1
            erased = job.status == JobStatus.CANCELLED  # the candidate's data was erased while this attempt ran
            session.add(
                DeliveryAttempt(
                    job_id=job_id,
                    number=number,
                    outcome=outcome.kind,
                    status_code=outcome.status_code,
                    latency_ms=outcome.latency_ms,
                    error=None if erased else outcome.error,
                    response_excerpt=None if erased else clip(outcome.excerpt),
                    request=None if erased else outcome.request,
                    worker=self.worker_id,
                    started_at=started_at,
                    finished_at=utcnow(),
                )
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
                object_id=job_id,
                details=details,
            )
            return status

    def _apply(self, session: Session, job: SyncJob, connector: Connector, outcome: Outcome) -> JobStatus:
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
        delay = next_delay(schedule_of(connector, self.default_schedule), job.attempts, outcome.retry_after)
        if delay is None:
            job.status, job.next_attempt_at = JobStatus.DEAD, None
        else:
            job.status, job.next_attempt_at = JobStatus.RETRYING, now + timedelta(seconds=delay)
        return job.status


def _verb(outcome: Outcome, status: JobStatus) -> str:
    if outcome.kind in (AttemptOutcome.DELIVERED, AttemptOutcome.SKIPPED):
        return outcome.kind.value
    return "dead" if status == JobStatus.DEAD else "attempt_failed"


def _breaker(session: Session, connector: Connector, outcome: Outcome, policy: BreakerPolicy) -> None:
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
