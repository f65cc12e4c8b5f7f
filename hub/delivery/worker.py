"""The outbox worker's loop: score what is queued, flush due CSV batches, claim due jobs, deliver them on threads.

Each part is its own module (claim, deliver, attempts, schedule, csv_batches) and runs guarded: an error in one
part, or in one connector's turn of it, is recorded (an attempt, a dead job, or a log entry) and the loop goes on.
"""

from __future__ import annotations

import functools
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
from typing import Any, Callable, TypeVar

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import and_, bindparam, func, or_, select

from hub.audit import checkpoints
from hub.delivery.attempts import BreakerPolicy, GroupRecorder, Outcome, Recorder
from hub.delivery.claim import Claimer, due
from hub.delivery.csv_batches import CsvBatches
from hub.delivery.deliver import ConnectorPool, Delivery
from hub.delivery.outbox import NOTIFY_CHANNEL
from hub.delivery.rate_limit import RateLimiter
from hub.intake import scoring
from hub.privacy import erasure
from hub.state import HubState
from hub.storage.models import Connector, InterviewResult, SyncJob, utcnow
from hub.storage.statuses import (
    DUE_JOB_STATUSES,
    AttemptOutcome,
    JobStatus,
    ResultStatus,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
# Room in the pool beyond --threads: a connector with nothing running here always gets a thread (claim.share_out).
EXTRA_THREADS = 32
ERROR_LOG_SECONDS = 60.0  # the same failure of the same part is logged once a minute, not once a pass


_NOW = bindparam("now", type_=SyncJob.next_attempt_at.type)
_QUEUED = (
    select(InterviewResult.id)
    .where(InterviewResult.status == ResultStatus.QUEUED, InterviewResult.scoring_due_at <= _NOW)
    .exists()
)
_RESULTS_WAITING = select(_QUEUED)
_WORK_WAITING = select(_QUEUED, select(SyncJob.id).where(due(_NOW)).exists())


class Worker:
    """One worker process; on PostgreSQL many may run side by side on many machines."""

    BATCH_CHECK_SECONDS = 1.0  # batches are files on a schedule: looking once a second is plenty
    # While at least half the threads are busy, slots freed within this long are claimed together: a claim costs
    # the same few statements for one job as for eight. A hung target delays others' claims by at most this.
    CLAIM_GATHER_SECONDS = 0.05
    # SQLite has no NOTIFY: while waiting, the worker looks this often whether another connection committed.
    SQLITE_WATCH_SECONDS = 0.02

    def __init__(
        self,
        state: HubState,
        *,
        threads: int = 8,
        breaker: BreakerPolicy | None = None,
        worker_id: str | None = None,
        scoring_threads: int | None = None,
    ):
        self.state = state
        self.settings = state.settings
        self.threads = threads
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        breaker = breaker or BreakerPolicy(self.settings.breaker_threshold, self.settings.breaker_cooldown)
        cache_root = Path(self.settings.instance_path) / "cache" / "connectors"
        self.connectors = ConnectorPool(self.settings.destinations)
        self.claimer = Claimer(
            state.session_factory,
            worker_id=self.worker_id,
            lease_seconds=self.settings.lease_seconds,
            postgres=not self.settings.is_sqlite,
        )
        self.recorder = Recorder(
            state.session_factory,
            worker_id=self.worker_id,
            default_schedule=self.settings.retry_schedule,
            breaker=breaker,
        )
        # The delivery threads' attempts are committed together: one transaction and one audit append per batch.
        self.group_recorder = GroupRecorder(self.recorder)
        self.delivery = Delivery(state, connectors=self.connectors, limiter=RateLimiter(), cache_root=cache_root)
        self.batches = CsvBatches(
            state, claimer=self.claimer, connectors=self.connectors, recorder=self.recorder, cache_root=cache_root
        )
        self.pool = ThreadPoolExecutor(max_workers=threads + EXTRA_THREADS, thread_name_prefix="deliver")
        # Scoring runs on a pool of its own, sized to the cores, so a burst of results never holds up delivery.
        self.scoring_threads = scoring_threads or os.cpu_count() or 2
        self.scoring_pool = ThreadPoolExecutor(max_workers=self.scoring_threads, thread_name_prefix="score")
        self._scoring: set[Future] = set()
        self.stop_event = threading.Event()
        self.wake_event = threading.Event()
        # A pipe the waiting loop selects on beside the LISTEN socket, so a finished attempt wakes it at once.
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._in_flight: dict[
            Future, tuple[str | None, int]
        ] = {}  # future -> (job id or None for a batch, connector id)
        self._lock = threading.Lock()
        self._listener: Any = None  # a psycopg connection that LISTENs, on PostgreSQL
        self._sqlite_watch: Any = None  # a sqlite3 connection whose data version tells of others' commits
        self._sqlite_version: int | None = None
        self._batches_checked_at = 0.0
        self._claimed_at = 0.0
        self._look_again_in: float | None = None  # a claim put off to gather slots: when to look again
        self._errors_logged: dict[tuple[str, str], float] = {}
        self._closed = False
        self.scheduler = BackgroundScheduler(daemon=True)

    # --- the loop --------------------------------------------------------------------------------------

    def run(self, *, until_idle: bool = False, max_seconds: float | None = None) -> None:
        """Work until stopped (SIGTERM/SIGINT), or with `until_idle` until nothing is due or in flight."""
        deadline = None if max_seconds is None else utcnow() + timedelta(seconds=max_seconds)
        self._guarded("listen", self._start_listening, None)
        self.scheduler.add_job(self.wake, "interval", seconds=5, id="batch-check")
        self.scheduler.add_job(self._report, "interval", seconds=60, id="report")
        if self.settings.audit_checkpoint_minutes:  # signed audit checkpoints (docs/operations.md)
            self.scheduler.add_job(
                checkpoints.write_for,
                "interval",
                args=[self.state],
                id="audit-checkpoint",
                minutes=self.settings.audit_checkpoint_minutes,
            )
        # Erasure requests whose connectors have not confirmed the deletion yet are asked again (docs/operations.md).
        self.scheduler.add_job(
            self._guarded,
            "interval",
            args=["erasure propagation", lambda: erasure.retry_open(self.state, actor=f"worker:{self.worker_id}"), 0],
            id="erasure-retry",
            minutes=erasure.RETRY_MINUTES,
        )
        self.scheduler.start()
        # Warmed on a thread of its own: the first claim never waits for it (a healthy target is not delayed by
        # the warm-up of another's mapping), and what it loads is cached for every job after.
        threading.Thread(
            target=self._guarded, args=("warming up", self.warm_up, None), daemon=True, name="warm-up"
        ).start()
        log.info("worker %s started (%d delivery threads)", self.worker_id, self.threads)
        try:
            while not self.stop_event.is_set():
                busy = self.tick()
                if (
                    until_idle
                    and not busy
                    and not self._in_flight
                    and not self._scoring
                    and not self._guarded("idle check", self._anything_due_soon, True)
                ):
                    break
                if deadline and utcnow() > deadline:
                    break
                if not busy:
                    again, self._look_again_in = self._look_again_in, None
                    self._wait(
                        self.settings.worker_poll_seconds
                        if again is None
                        else min(again, self.settings.worker_poll_seconds)
                    )
        finally:
            self.shutdown()

    def tick(self) -> bool:
        """One pass: score what is queued, flush due batches, hand due jobs to threads. Each part is guarded."""
        self._reap_finished()
        gathering = self._gathering()
        batches_due = time.monotonic() - self._batches_checked_at >= self.BATCH_CHECK_SECONDS
        queued, due_now = self._guarded(
            "look for work", lambda: self._work_waiting(jobs=batches_due or not gathering), (False, False)
        )
        scored = self._guarded("scoring", self._score_due, 0) if queued else 0
        flushed = self._guarded("CSV batches", self._start_batches, 0) if due_now else 0
        claimed = self._guarded("claiming", self._start_jobs, 0) if due_now and not gathering else 0
        return bool(scored or flushed or claimed)

    def _gathering(self) -> bool:
        """Whether to put the next claim off for a moment, so the slots freed meanwhile are claimed in one go."""
        busy = len(self._in_flight)
        waited = time.monotonic() - self._claimed_at
        if busy and self.threads - busy < max(1, self.threads // 2) and waited < self.CLAIM_GATHER_SECONDS:
            self._look_again_in = self.CLAIM_GATHER_SECONDS - waited
            return True
        return False

    def _guarded(self, part: str, action: Callable[[], T], fallback: T, *, connector: str = "") -> T:
        """Run one part of the loop; an error is logged (once a minute per part and connector) and the loop goes on."""
        try:
            return action()
        except Exception as error:
            self._log_error(part, connector, error)
            return fallback

    def _log_error(self, part: str, connector: str, error: BaseException) -> None:
        key, now = (part, connector), time.monotonic()
        if now - self._errors_logged.get(key, -ERROR_LOG_SECONDS) >= ERROR_LOG_SECONDS:
            self._errors_logged[key] = now
            where = f"{part} for connector {connector}" if connector else part
            log.error(
                "worker %s: %s failed, the loop goes on: %s: %s",
                self.worker_id,
                where,
                error.__class__.__name__,
                error,
                exc_info=error,
                extra={"connector": connector or None},
            )

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
        never_started = [job_id for future, (job_id, _) in pending.items() if job_id and future.cancel()]
        self.pool.shutdown(wait=True)
        self.scoring_pool.shutdown(wait=True)  # at most two results per scoring thread are waiting
        self._guarded("release", lambda: self.claimer.release(never_started), None)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._listener is not None:
            self._listener.close()
        if self._sqlite_watch is not None:
            self._sqlite_watch.close()
        self.connectors.close()
        self._closed = True
        os.close(self._wake_read)
        os.close(self._wake_write)
        log.info("worker %s stopped", self.worker_id)

    def warm_up(self) -> None:
        """At start, beside the first claims: open the database pool, load each enabled connector's mapping and policy and
        render a sample through them (templates compiled, schemas built), and build its live connector, so the
        first job of a worker's life costs what the thousandth does."""
        from hub.delivery.reloading import load_mapping, load_policy
        from mappings.sample import sample_document

        catalog = self.settings.catalog
        with self.state.read_session_factory() as session:
            connectors = list(session.scalars(select(Connector).where(Connector.enabled.is_(True))))
            session.expunge_all()
        with self.state.session_factory() as session:
            session.connection()  # a writer's connection too, for the first claim
        for connector in connectors:
            try:
                load_policy(catalog, (connector.settings or {}).get("policy") or self.settings.policy)
                mapping = load_mapping(catalog, connector.mapping)
                for event in mapping.events:
                    mapping.render(sample_document(event))
                self.connectors.get(connector)
            except Exception as error:  # the job's own attempt will say what is wrong, where it belongs
                log.debug("warming up connector %s: %s: %s", connector.name, error.__class__.__name__, error)

    # --- handing work to threads -----------------------------------------------------------------------

    def _running_here(self) -> dict[int, int]:
        with self._lock:
            counts: dict[int, int] = {}
            for _, connector_id in self._in_flight.values():
                counts[connector_id] = counts.get(connector_id, 0) + 1
            return counts

    def _submit(self, work: Callable[[], object], job_id: str | None, connector_id: int) -> None:
        future = self.pool.submit(work)
        with self._lock:
            self._in_flight[future] = (job_id, connector_id)
        future.add_done_callback(lambda _future: self.wake())

    def _start_jobs(self) -> int:
        self._claimed_at = time.monotonic()
        free = self.threads - len(self._in_flight)
        claimed = self.claimer.claim(free, self._running_here())
        # The batch's rows in one read; a failure here only means each thread reads its own job.
        self._guarded("prefetching", lambda: self.delivery.prefetch(claimed), None)
        for item in claimed:
            self._submit(functools.partial(self.deliver, item.job_id), item.job_id, item.connector_id)
        return len(claimed)

    def _start_batches(self) -> int:
        if time.monotonic() - self._batches_checked_at < self.BATCH_CHECK_SECONDS:
            return 0
        self._batches_checked_at = time.monotonic()
        with self._lock:
            flushing = {connector_id for job_id, connector_id in self._in_flight.values() if job_id is None}

        def report(connector: Connector, error: Exception) -> None:
            self._log_error("batch check", connector.name, error)

        due_connectors = self.batches.due_connectors(flushing, report)
        for connector in due_connectors:
            self._submit(functools.partial(self._flush, connector), None, connector.id)
        return len(due_connectors)

    def _flush(self, connector: Connector) -> int:
        return self._guarded("CSV batch", lambda: self.batches.flush(connector), 0, connector=connector.name)

    # --- one job ---------------------------------------------------------------------------------------

    def deliver(self, job_id: str) -> str:
        """Deliver one claimed job and record the attempt; runs on a delivery thread and never raises."""
        started_at = utcnow()
        connector_name = "?"
        try:
            outcome, connector_name = self.delivery.attempt(job_id)
        except Exception as error:  # a bug or a broken plugin must not strand the job under its lease
            log.exception("delivering job %s failed unexpectedly", job_id, extra={"job_id": job_id})
            outcome = Outcome(AttemptOutcome.RETRYABLE, error=f"internal error: {error.__class__.__name__}: {error}")
        try:
            status = self.group_recorder.record(job_id, outcome, started_at=started_at)
        except Exception:  # e.g. the database is away: the lease runs out and the job comes back
            log.exception(
                "recording job %s failed; it is tried again when its lease runs out", job_id, extra={"job_id": job_id}
            )
            return "unrecorded"
        log.info(
            "job %s to %s: %s (%s)",
            job_id,
            connector_name,
            status,
            outcome.error or outcome.skip_reason or outcome.status_code,
            extra={"job_id": job_id, "connector": connector_name},
        )
        return status

    # --- scoring ---------------------------------------------------------------------------------------

    def _score_due(self) -> int:
        """Claim queued results for the scoring pool: as many as keep each of its threads busy with one waiting."""
        with self._lock:
            free = 2 * self.scoring_threads - len(self._scoring)
        if free <= 0:
            return 0
        with self.state.session_factory() as session, session.begin():
            claimed = [
                r.id for r in scoring.claim_due_results(session, limit=free, lease_seconds=self.settings.lease_seconds)
            ]
        for result_id in claimed:
            # One result that cannot be scored must not hold up the others: it stays queued, and comes back
            # when the lease that claiming set runs out.
            future = self.scoring_pool.submit(
                self._guarded, "scoring a result", functools.partial(self._score, result_id), None
            )
            with self._lock:
                self._scoring.add(future)
            future.add_done_callback(self._scored)
        return len(claimed)

    def _scored(self, future: Future) -> None:
        with self._lock:
            self._scoring.discard(future)
        self.wake()  # its delivery jobs may be due now, and a scoring thread is free

    def _score(self, result_id: str) -> None:
        with self.state.session_factory() as session, session.begin():
            result = session.get_one(InterviewResult, result_id)
            scoring.score_result(
                session, result, use_embeddings=self.settings.scoring_use_embeddings, actor=f"worker:{self.worker_id}"
            )

    # --- waiting ---------------------------------------------------------------------------------------

    def _start_listening(self) -> None:
        if self.settings.is_sqlite:
            database = self.state.engine.url.database
            if database and database != ":memory:" and not database.startswith("file:"):
                import sqlite3

                # Its own connection, read only for PRAGMA data_version: that number moves when another
                # connection commits (an ingest, a decision), so a waiting worker sees new jobs within a slice.
                self._sqlite_watch = sqlite3.connect(database, check_same_thread=False, isolation_level=None)
                self._sqlite_version = self._data_version()
            return
        import psycopg

        url = self.settings.database_url.replace("postgresql+psycopg://", "postgresql://")
        self._listener = psycopg.connect(url, autocommit=True)
        self._listener.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def _data_version(self) -> int | None:
        try:
            return self._sqlite_watch.execute("PRAGMA data_version").fetchone()[0]
        except Exception:  # noqa: BLE001 - the watch is an optimisation: the poll interval still wakes the loop
            return None

    def _wait(self, seconds: float) -> None:
        """Sleep until woken: a NOTIFY on PostgreSQL, a commit by another connection on SQLite (its data version,
        looked at every SQLITE_WATCH_SECONDS), a finished attempt, a stop, or the poll interval."""
        if not self.wake_event.is_set():
            sources = [self._wake_read] + ([self._listener.fileno()] if self._listener is not None else [])
            if self._sqlite_watch is None:
                io_select.select(sources, [], [], seconds)
            else:
                deadline = time.monotonic() + seconds
                while (left := deadline - time.monotonic()) > 0:
                    if io_select.select(sources, [], [], min(left, self.SQLITE_WATCH_SECONDS))[0]:
                        break
                    version = self._data_version()
                    if version != self._sqlite_version:
                        self._sqlite_version = version
                        break
        self.wake_event.clear()
        try:
            while os.read(self._wake_read, 4096):
                pass
        except BlockingIOError:
            pass
        if self._listener is not None:
            self._guarded("listen", lambda: [None for _ in self._listener.notifies(timeout=0)], None)

    def _reap_finished(self) -> None:
        with self._lock:
            done = [f for f in self._in_flight if f.done()]
            for future in done:
                self._in_flight.pop(future)
        for future in done:
            if not future.cancelled() and future.exception() is not None:
                log.error("delivery thread failed", exc_info=future.exception())

    def _work_waiting(self, *, jobs: bool = True) -> tuple[bool, bool]:
        """Whether results wait to be scored and (if asked) jobs are due: one statement of two indexed EXISTS reads,
        no write lock."""
        statement = _WORK_WAITING if jobs else _RESULTS_WAITING
        with self.state.read_session_factory() as session:
            row = session.execute(statement, {"now": utcnow()}).one()
        return bool(row[0]), bool(jobs and row[1])

    def _anything_due_soon(self, horizon_seconds: float = 30.0) -> bool:
        """Whether work is queued, in flight, or due within the horizon (used by --until-idle runs)."""
        soon = utcnow() + timedelta(seconds=horizon_seconds)
        with self.state.read_session_factory() as session:
            jobs = session.scalar(
                select(func.count())
                .select_from(SyncJob)
                .join(Connector)
                .where(
                    Connector.enabled.is_(True),
                    or_(
                        SyncJob.status == JobStatus.IN_PROGRESS,
                        and_(SyncJob.status.in_(DUE_JOB_STATUSES), SyncJob.next_attempt_at <= soon),
                    ),
                )
            )
            queued = session.scalar(
                select(func.count()).select_from(InterviewResult).where(InterviewResult.status == ResultStatus.QUEUED)
            )
        return bool(jobs or queued)

    def _report(self) -> None:
        with self.state.read_session_factory() as session:
            counts = dict(session.execute(select(SyncJob.status, func.count()).group_by(SyncJob.status)).all())
        log.info("queue: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "empty")
