"""The outbox worker: claims due jobs under a lease, delivers them on a thread pool, records every attempt."""
from __future__ import annotations

import logging
import os
import select as io_select
import signal
import socket
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

import mappings
from connectors.errors import (
    ConnectorError,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from connectors.plugins import connector_class
from hub.delivery import attempts as delivery
from hub.delivery import documents
from hub.delivery.outbox import NOTIFY_CHANNEL
from hub.intake import scoring
from hub.state import HubState
from hub.storage.models import Connector, InterviewResult, SyncJob, utcnow

log = logging.getLogger(__name__)
DUE = ("pending", "retrying")


class Worker:
    """One worker process; on PostgreSQL many may run side by side on many machines."""

    def __init__(self, state: HubState, *, threads: int = 8, breaker: delivery.BreakerPolicy | None = None,
                 worker_id: str | None = None):
        self.state = state
        self.settings = state.settings
        self.threads = threads
        self.breaker = breaker or delivery.BreakerPolicy(self.settings.breaker_threshold, self.settings.breaker_cooldown)
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="deliver")
        self.connectors = delivery.ConnectorPool()
        self.cache_root = Path(self.settings.instance_path) / "cache" / "connectors"
        self.stop_event = threading.Event()
        self.wake_event = threading.Event()
        # A pipe the waiting loop selects on beside the LISTEN socket, so a finished attempt wakes it at once.
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._in_flight: dict[Future, str] = {}
        self._lock = threading.Lock()
        self._listener = None
        self._batches_checked_at = 0.0
        self._closed = False
        self.scheduler = BackgroundScheduler(daemon=True)

    # --- the loop --------------------------------------------------------------------------------------

    def run(self, *, until_idle: bool = False, max_seconds: float | None = None) -> None:
        """Work until stopped (SIGTERM/SIGINT), or with `until_idle` until nothing is due or in flight."""
        deadline = None if max_seconds is None else utcnow() + timedelta(seconds=max_seconds)
        self._start_listening()
        self.scheduler.add_job(self.wake, "interval", seconds=5, id="batch-check")
        self.scheduler.add_job(self._report, "interval", seconds=60, id="report")
        self.scheduler.start()
        log.info("worker %s started (%d delivery threads)", self.worker_id, self.threads)
        try:
            while not self.stop_event.is_set():
                busy = self.tick()
                if until_idle and not busy and not self._in_flight and not self._anything_due_soon():
                    break
                if deadline and utcnow() > deadline:
                    break
                if not busy:
                    self._wait(self.settings.worker_poll_seconds)
        finally:
            self.shutdown()

    def tick(self) -> bool:
        """One pass: score what is queued, flush due batches, hand due jobs to free threads."""
        self._reap_finished()
        queued, due = self._work_waiting()
        scored = self._score_due() if queued else 0
        flushed = self._flush_batches() if due else 0
        free = self.threads - len(self._in_flight)
        claimed = self.claim(free) if free > 0 and due else []
        for job_id in claimed:
            future = self.pool.submit(self.deliver, job_id)
            with self._lock:
                self._in_flight[future] = job_id
            future.add_done_callback(lambda _future: self.wake())
        return bool(scored or flushed or claimed)

    def wake(self) -> None:
        """Make the loop look for work now (a slot freed, a batch may be due, a result was scored)."""
        self.wake_event.set()
        if self._closed:
            return  # the pipe's descriptors may already belong to something else
        try:
            os.write(self._wake_write, b"x")
        except (BlockingIOError, OSError):
            pass  # the pipe is full or closed: the loop is awake or gone either way

    def stop(self, *_signal_args) -> None:
        self.stop_event.set()
        self.wake()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def shutdown(self) -> None:
        """Let attempts in flight finish; give back the leases of claimed jobs that never started."""
        with self._lock:
            pending = dict(self._in_flight)
        never_started = [job_id for future, job_id in pending.items() if future.cancel()]
        self.pool.shutdown(wait=True)
        self._release(never_started)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._listener is not None:
            self._listener.close()
        self.connectors.close()
        self._closed = True
        os.close(self._wake_read)
        os.close(self._wake_write)
        log.info("worker %s stopped", self.worker_id)

    # --- claiming --------------------------------------------------------------------------------------

    def claim(self, limit: int) -> list[str]:
        """Lease up to `limit` due jobs, respecting each connector's breaker and concurrency."""
        now = utcnow()
        lease_until = now + timedelta(seconds=self.settings.lease_seconds)
        claimed: list[str] = []
        with self.state.session_factory() as session, session.begin():
            in_flight = dict(session.execute(
                select(SyncJob.connector_id, func.count()).where(SyncJob.status == "in_progress",
                                                                  SyncJob.lease_until > now)
                .group_by(SyncJob.connector_id)).all())
            for connector in session.scalars(select(Connector).where(Connector.enabled.is_(True)).order_by(Connector.id)):
                if limit - len(claimed) <= 0:
                    break
                if _is_batching(connector):
                    continue
                capacity = self._capacity(connector, in_flight.get(connector.id, 0), now)
                if capacity <= 0:
                    continue
                query = (select(SyncJob).where(SyncJob.connector_id == connector.id, _due(now))
                         .order_by(SyncJob.next_attempt_at).limit(min(capacity, limit - len(claimed))))
                if self._postgres:
                    query = query.with_for_update(skip_locked=True)
                for job in session.scalars(query):
                    job.status, job.lease_until, job.leased_by = "in_progress", lease_until, self.worker_id
                    claimed.append(job.id)
        return claimed

    def _capacity(self, connector: Connector, in_flight: int, now) -> int:
        if connector.breaker_state == "open":
            if connector.breaker_open_until and connector.breaker_open_until > now:
                return 0
            connector.breaker_state = "half_open"  # cooled down: let one probe through
        if connector.breaker_state == "half_open":
            return 1 - in_flight
        return connector.max_concurrency - in_flight

    @property
    def _postgres(self) -> bool:
        return not self.settings.is_sqlite

    # --- delivering ------------------------------------------------------------------------------------

    def deliver(self, job_id: str) -> str:
        """Deliver one claimed job; no database transaction is held across the network call."""
        started_at = utcnow()
        connector_name = "?"
        try:
            outcome, connector_name = self._attempt(job_id)
        except Exception as error:  # a bug or a broken plugin must not strand the job under its lease
            log.exception("delivering job %s failed unexpectedly", job_id, extra={"job_id": job_id})
            outcome = delivery.Outcome("retryable", error=f"internal error: {error.__class__.__name__}: {error}")
        status = delivery.record(self.state.session_factory, job_id, outcome, worker_id=self.worker_id,
                                 default_schedule=self.settings.retry_schedule, breaker=self.breaker,
                                 started_at=started_at)
        log.info("job %s to %s: %s (%s)", job_id, connector_name, status, outcome.error or outcome.status_code,
                 extra={"job_id": job_id, "connector": connector_name})
        return status

    def _attempt(self, job_id: str) -> tuple[delivery.Outcome, str]:
        with self.state.read_session_factory() as session:
            job = session.get(SyncJob, job_id, options=[selectinload(SyncJob.connector)])
            result = session.get(InterviewResult, job.result_id, options=[
                selectinload(InterviewResult.profiles), selectinload(InterviewResult.decision),
                selectinload(InterviewResult.candidate)])
            connector = job.connector
            try:
                payloads = delivery.render(job, connector, result, self.settings.policy)
            except documents.NotReady as error:
                return delivery.Outcome("retryable", error=str(error)), connector.name
            except (mappings.MappingError, mappings.PolicyError, mappings.InputError) as error:
                return delivery.Outcome("permanent", error=f"mapping failed: {error}"), connector.name
            finally:
                session.expunge_all()
        try:
            live = self.connectors.get(connector)
        except ConnectorError as error:
            return delivery.Outcome("permanent", error=f"connector cannot be built: {error}"), connector.name
        job_contexts = delivery.contexts(job, connector, job.attempts + 1, self.cache_root, len(payloads))
        self._respect_rate(connector)
        outcome = delivery.send(live, payloads, job_contexts)
        outcome.request = {"payloads": payloads}
        return outcome, connector.name

    _last_send: dict[int, float] = {}

    def _respect_rate(self, connector: Connector) -> None:
        if not connector.rate_per_second:
            return
        interval = 1.0 / connector.rate_per_second
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._last_send.get(connector.id, 0.0) + interval)
            self._last_send[connector.id] = slot
        if slot > now:
            time.sleep(slot - now)

    # --- batching connectors (CSV files) --------------------------------------------------------------

    BATCH_CHECK_SECONDS = 1.0  # batches are files on a schedule: looking once a second is plenty

    def _flush_batches(self) -> int:
        if time.monotonic() - self._batches_checked_at < self.BATCH_CHECK_SECONDS:
            return 0
        self._batches_checked_at = time.monotonic()
        now = utcnow()
        flushed = 0
        with self.state.read_session_factory() as session:
            batching = [c for c in session.scalars(select(Connector).where(Connector.enabled.is_(True)))
                        if _is_batching(c)]
            session.expunge_all()
        for connector in batching:
            with self.state.read_session_factory() as session:
                pending, oldest = session.execute(select(func.count(), func.min(SyncJob.created_at)).where(
                    SyncJob.connector_id == connector.id, _due(now))).one()
            live = self.connectors.get(connector)
            if pending and live.batch_due(pending, oldest, connector.last_flush_at, now):
                flushed += self._flush(connector, live)
        return flushed

    def _flush(self, connector: Connector, live) -> int:
        now = utcnow()
        with self.state.session_factory() as session, session.begin():
            query = select(SyncJob).where(SyncJob.connector_id == connector.id, _due(now)).order_by(SyncJob.created_at).limit(10_000)
            if self._postgres:
                query = query.with_for_update(skip_locked=True)
            jobs = session.scalars(query).all()
            for job in jobs:
                job.status, job.leased_by = "in_progress", self.worker_id
                job.lease_until = now + timedelta(seconds=self.settings.lease_seconds)
            job_ids = [job.id for job in jobs]
            session.get(Connector, connector.id).last_flush_at = now
        items, outcomes = [], {}
        started_at = utcnow()
        with self.state.read_session_factory() as session:
            for job_id in job_ids:
                job = session.get(SyncJob, job_id)
                result = session.get(InterviewResult, job.result_id)
                try:
                    payloads = delivery.render(job, connector, result, self.settings.policy)
                except documents.NotReady as error:
                    outcomes[job_id] = delivery.Outcome("retryable", error=str(error))
                    continue
                except (mappings.MappingError, mappings.PolicyError, mappings.InputError) as error:
                    outcomes[job_id] = delivery.Outcome("permanent", error=f"mapping failed: {error}")
                    continue
                merged = {"columns": payloads[0]["columns"], "rows": [row for p in payloads for row in p["rows"]]}
                context = delivery.contexts(job, connector, job.attempts + 1, self.cache_root, 1)[0]
                items.append((context, merged))
        if items:
            batch_outcome = self._deliver_batch(live, items)
            for context, payload in items:
                outcomes[context.job_id] = batch_outcome(context, payload)
        for job_id, outcome in outcomes.items():
            delivery.record(self.state.session_factory, job_id, outcome, worker_id=self.worker_id,
                            default_schedule=self.settings.retry_schedule, breaker=self.breaker, started_at=started_at)
        return len(outcomes)

    @staticmethod
    def _deliver_batch(live, items):
        try:
            results = dict(zip((c.job_id for c, _ in items), live.deliver_batch(items)))
        except RetryableDeliveryError as error:
            failure = delivery.Outcome("retryable", error.status_code, None, str(error), retry_after=error.retry_after)
            return lambda context, payload: failure
        except (PermanentDeliveryError, ConnectorError) as error:
            failure = delivery.Outcome("permanent", None, None, str(error))
            return lambda context, payload: failure

        def delivered(context, payload):
            result = results[context.job_id]
            return delivery.Outcome("delivered", result.status_code, result.latency_ms, None, result.response_excerpt,
                                    request={"payloads": [payload]})

        return delivered

    # --- scoring ---------------------------------------------------------------------------------------

    def _score_due(self, limit: int = 8) -> int:
        with self.state.session_factory() as session, session.begin():
            claimed = [r.id for r in scoring.claim_due_results(session, limit=limit, lease_seconds=self.settings.lease_seconds)]
        for result_id in claimed:
            with self.state.session_factory() as session, session.begin():
                result = session.get(InterviewResult, result_id)
                scoring.score_result(session, result, use_embeddings=self.settings.scoring_use_embeddings,
                                     actor=f"worker:{self.worker_id}")
        if claimed:
            self.wake()
        return len(claimed)

    # --- waiting ---------------------------------------------------------------------------------------

    def _start_listening(self) -> None:
        if not self._postgres:
            return
        import psycopg

        url = self.settings.database_url.replace("postgresql+psycopg://", "postgresql://")
        self._listener = psycopg.connect(url, autocommit=True)
        self._listener.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def _wait(self, seconds: float) -> None:
        """Sleep until woken: a NOTIFY on PostgreSQL, a finished attempt, a stop, or the poll interval."""
        if not self.wake_event.is_set():
            sources = [self._wake_read] + ([self._listener.fileno()] if self._listener is not None else [])
            io_select.select(sources, [], [], seconds)
        self.wake_event.clear()
        try:
            while os.read(self._wake_read, 4096):
                pass
        except BlockingIOError:
            pass
        if self._listener is not None:
            for _ in self._listener.notifies(timeout=0):
                pass  # consumed: the pass that follows looks for every due job anyway

    def _reap_finished(self) -> None:
        with self._lock:
            done = [f for f in self._in_flight if f.done()]
            for future in done:
                self._in_flight.pop(future)
        for future in done:
            if future.exception() is not None:
                log.error("delivery thread failed", exc_info=future.exception())

    def _work_waiting(self) -> tuple[bool, bool]:
        """Whether results wait to be scored and jobs are due: two indexed reads, no write lock."""
        now = utcnow()
        with self.state.read_session_factory() as session:
            queued = session.scalar(select(InterviewResult.id).where(
                InterviewResult.status == "queued", InterviewResult.scoring_due_at <= now).limit(1)) is not None
            due = session.scalar(select(SyncJob.id).where(_due(now)).limit(1)) is not None
        return queued, due

    def _anything_due_soon(self, horizon_seconds: float = 30.0) -> bool:
        """Whether work is queued, in flight, or due within the horizon (used by --until-idle runs)."""
        soon = utcnow() + timedelta(seconds=horizon_seconds)
        with self.state.read_session_factory() as session:
            jobs = session.scalar(select(func.count()).select_from(SyncJob).join(Connector).where(
                Connector.enabled.is_(True),
                or_(SyncJob.status == "in_progress", and_(SyncJob.status.in_(DUE), SyncJob.next_attempt_at <= soon))))
            queued = session.scalar(select(func.count()).select_from(InterviewResult).where(InterviewResult.status == "queued"))
        return bool(jobs or queued)

    def _release(self, job_ids: list[str]) -> None:
        if not job_ids:
            return
        with self.state.session_factory() as session, session.begin():
            for job in session.scalars(select(SyncJob).where(SyncJob.id.in_(job_ids), SyncJob.leased_by == self.worker_id)):
                job.status = "retrying" if job.attempts else "pending"
                job.lease_until, job.leased_by = None, None

    def _report(self) -> None:
        with self.state.read_session_factory() as session:
            counts = dict(session.execute(select(SyncJob.status, func.count()).group_by(SyncJob.status)).all())
        log.info("queue: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "empty")


def _due(now):
    """Due jobs: waiting and their time has come, or claimed by a worker whose lease ran out."""
    return or_(and_(SyncJob.status.in_(DUE), SyncJob.next_attempt_at <= now),
               and_(SyncJob.status == "in_progress", SyncJob.lease_until < now))


def _is_batching(connector: Connector) -> bool:
    return connector_class(connector.type).batching
