"""Prometheus metrics. What the database knows (jobs by status, breakers, the oldest due job, attempts by outcome
and their latency) is read from it at scrape time, so it holds across every server and worker process; ingest
counts and latency are this server process's own."""

from __future__ import annotations

from typing import Iterator

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily
from sqlalchemy import func, select

from hub.privacy import erasure
from hub.storage.models import Connector, DeliveryAttempt, SyncJob, utcnow
from hub.storage.statuses import DUE_JOB_STATUSES, BreakerState

BREAKER_VALUES = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}


class DatabaseCollector:
    """Metrics computed from the tables at each scrape (a few grouped COUNTs)."""

    def __init__(self, read_session_factory):
        self.factory = read_session_factory

    def collect(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("hris_sync_jobs", "Sync jobs by status and connector.", labels=["status", "connector"])
        breaker = GaugeMetricFamily(
            "hris_connector_breaker_state",
            "Breaker per connector: 0 closed, 1 half open, 2 open.",
            labels=["connector"],
        )
        oldest = GaugeMetricFamily("hris_oldest_due_job_age_seconds", "Age of the oldest job due now (0: none due).")
        attempts = CounterMetricFamily(
            "hris_delivery_attempts", "Delivery attempts by outcome and connector.", labels=["outcome", "connector"]
        )
        latency = SummaryMetricFamily(
            "hris_delivery_attempt_latency_seconds", "Latency of delivery attempts.", labels=["outcome"]
        )
        now = utcnow()
        with self.factory() as session:
            names = dict(session.execute(select(Connector.id, Connector.name)).all())
            for status, connector_id, count in session.execute(
                select(SyncJob.status, SyncJob.connector_id, func.count()).group_by(
                    SyncJob.status, SyncJob.connector_id
                )
            ):
                jobs.add_metric([str(status), names.get(connector_id, "?")], count)
            for name, state in session.execute(
                select(Connector.name, Connector.breaker_state).where(Connector.deleted_at.is_(None))
            ):
                breaker.add_metric([name], BREAKER_VALUES.get(state, 0))
            due = session.scalar(
                select(func.min(SyncJob.next_attempt_at)).where(
                    SyncJob.status.in_(DUE_JOB_STATUSES), SyncJob.next_attempt_at <= now
                )
            )
            oldest.add_metric([], max(0.0, (now - due).total_seconds()) if due else 0.0)
            for outcome, connector_id, count in session.execute(
                select(DeliveryAttempt.outcome, SyncJob.connector_id, func.count())
                .join(SyncJob, DeliveryAttempt.job_id == SyncJob.id)
                .group_by(DeliveryAttempt.outcome, SyncJob.connector_id)
            ):
                attempts.add_metric([str(outcome), names.get(connector_id, "?")], count)
            for outcome, count, total_ms in session.execute(
                select(
                    DeliveryAttempt.outcome, func.count(), func.coalesce(func.sum(DeliveryAttempt.latency_ms), 0.0)
                ).group_by(DeliveryAttempt.outcome)
            ):
                latency.add_metric([str(outcome)], count_value=count, sum_value=float(total_ms) / 1000)
            erasures_open = GaugeMetricFamily("hris_erasure_requests_open", "Erasure requests not completed yet.")
            erasures_open.add_metric([], len(erasure.open_requests(session)))
            erasures_overdue = GaugeMetricFamily(
                "hris_erasure_requests_overdue",
                f"Erasure requests open more than {erasure.OVERDUE_DAYS} days (a connector has not confirmed).",
            )
            erasures_overdue.add_metric([], erasure.count_overdue(session))
        yield from (jobs, breaker, oldest, attempts, latency, erasures_open, erasures_overdue)


class Metrics:
    """One registry per app: the database collector and this process's ingest histogram."""

    def __init__(self, read_session_factory):
        self.registry = CollectorRegistry()
        self.registry.register(DatabaseCollector(read_session_factory))  # type: ignore[arg-type]
        self.ingest = Histogram(
            "hris_ingest_seconds",
            "Time to accept an interview result (this process).",
            ["outcome"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
