"""Scoring queued results in batches, on the worker's threads or in processes of their own (one per core).

A batch is claimed in one transaction (each result pushed out by a lease, so a crashed scorer's work comes back),
scored with no transaction open, and written in one transaction: the profiles, the results' new status, their
outbox jobs and the audit entries, chained once for the batch. A result is written only if the lease that claimed it
is still this scorer's (same `scoring_attempts`, still queued), so a result is never scored twice at once even when a
slow scorer outlives its lease. A result whose scoring raises something unexpected is left queued: its lease runs
out and it is tried again, and the rest of its batch is written. A batch that cannot be written as one is written
result by result, so one bad row holds up no other.

`ScoringProcesses` runs `Scorer` loops in child processes (`hris-hub worker --scoring-processes N`): Python scores
on one core per process, so a burst of interviews is scored on every core and the worker's delivery loop is left
alone. A child killed outright loses only its leases (another scorer takes those results when they run out); the
worker starts a new one. SIGTERM to the worker lets each child finish the batch in hand.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.attributes import set_committed_value

import scoring_engine
from hub.audit import chain as audit
from hub.delivery import outbox
from hub.intake import scoring
from hub.outcomes import drafts
from hub.rights import notices
from hub.storage.models import InterviewResult, Profile, utcnow
from hub.storage.statuses import ResultStatus
from scoring_engine.errors import ScoringError

log = logging.getLogger(__name__)


@dataclass
class Claimed:
    """A result this scorer holds under a lease: `attempt` is its `scoring_attempts` as the claim left it."""

    id: str
    candidate_id: str
    attempt: int
    payload: Any


@dataclass
class Scored:
    """What the engine made of one claimed result: a profile (and its model), or why it has none."""

    claimed: Claimed
    profile: dict | None = None
    model: Any = None
    status: ResultStatus = ResultStatus.SCORED
    error: str | None = None  # not scored: the reason shown to people; failed: the engine's message
    reason: str | None = None  # failed: the short reason on the audit trail


class Scorer:
    """Claims, scores and writes batches of queued results; safe to run in many threads and processes at once."""

    def __init__(self, state, *, worker_id: str, batch: int | None = None, lease_seconds: float | None = None):
        self.state = state
        self.settings = state.settings
        self.actor = f"worker:{worker_id}"
        self.batch = batch or self.settings.scoring_batch
        self.lease_seconds = lease_seconds or self.settings.lease_seconds
        self.scored = self.failed = self.left_queued = 0

    # --- claim ---------------------------------------------------------------------------------------------

    def claim(self, limit: int) -> tuple[list[Claimed], dict[str, Any]]:
        """Up to `limit` due results under a lease, their answers decrypted, and the competency models scoring uses
        now (an approved draft, else the shipped file), read in the same transaction."""
        now = utcnow()
        with self.state.session_factory() as session, session.begin():
            query = (
                select(
                    InterviewResult.id,
                    InterviewResult.candidate_id,
                    InterviewResult.scoring_attempts,
                    InterviewResult.payload,
                )
                .where(InterviewResult.status == ResultStatus.QUEUED, InterviewResult.scoring_due_at <= now)
                .order_by(InterviewResult.scoring_due_at)
                .limit(limit)
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = session.execute(query).all()
            if not rows:
                return [], {}
            session.execute(
                update(InterviewResult)
                .where(InterviewResult.id.in_([row.id for row in rows]))
                .values(
                    scoring_due_at=now + timedelta(seconds=self.lease_seconds),
                    scoring_attempts=InterviewResult.scoring_attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
            models = {name: drafts.active_model(session, name) for name in scoring.SHIPPED_MODELS}
        claimed = [Claimed(row.id, row.candidate_id, row.scoring_attempts + 1, row.payload) for row in rows]
        return claimed, models

    # --- score (no transaction open) ----------------------------------------------------------------------

    def compute(self, claimed: Claimed, models: dict[str, Any]) -> Scored:
        """The engine's work on one result; raises only on the unexpected (the result then stays queued)."""
        payload = claimed.payload or {}
        if notices.opted_out(payload):  # never scored, however it came to be queued: a person reviews it
            return Scored(claimed, status=ResultStatus.NOT_SCORED, error=notices.human_only_reason(claimed.id))
        answers = payload.get("answers") or []
        ids = {answer["question_id"] for answer in answers}
        model = next(
            (m for m in models.values() if ids <= set(m.questions) | set(m.coding_tasks)),
            None,
        )
        if model is None:
            return Scored(
                claimed,
                status=ResultStatus.FAILED,
                error="no shipped competency model knows all of these question ids",
                reason="unknown question ids",
            )
        try:
            profile = scoring_engine.score_interview(
                answers,
                model,
                preferences=payload.get("preferences"),
                use_embeddings=self.settings.scoring_use_embeddings,
            )
        except ScoringError as error:
            return Scored(
                claimed, status=ResultStatus.FAILED, error=f"{error.pointer or ''} {error}".strip(), reason=error.code
            )
        return Scored(claimed, profile=scoring._with_version(profile.to_dict(), model), model=model)

    # --- write ---------------------------------------------------------------------------------------------

    def write(self, outcomes: list[Scored]) -> int:
        """Write a batch in one transaction; if that fails, each result in its own. Returns the results written."""
        if not outcomes:
            return 0
        try:
            return self._write(outcomes)
        except Exception as error:
            if len(outcomes) == 1:
                self.left_queued += 1
                log.warning(
                    "result %s could not be written (%s: %s); it stays queued and is tried again when its lease "
                    "runs out",
                    outcomes[0].claimed.id,
                    error.__class__.__name__,
                    error,
                    extra={"result_id": outcomes[0].claimed.id},
                )
                return 0
        return sum(self.write([outcome]) for outcome in outcomes)

    def _write(self, outcomes: list[Scored]) -> int:
        by_id = {outcome.claimed.id: outcome for outcome in outcomes}
        with self.state.session_factory() as session, session.begin():
            query = (
                select(InterviewResult)
                .options(defer(InterviewResult.payload))
                .where(InterviewResult.id.in_(list(by_id)), InterviewResult.status == ResultStatus.QUEUED)
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(of=InterviewResult)
            # Only results whose lease is still ours: a scorer that outlived its lease leaves them to the new holder.
            mine = [r for r in session.scalars(query) if r.scoring_attempts == by_id[r.id].claimed.attempt]
            if not mine:
                return 0
            versions = dict(
                session.execute(
                    select(Profile.result_id, func.max(Profile.version))
                    .where(Profile.result_id.in_([r.id for r in mine]))
                    .group_by(Profile.result_id)
                ).all()
            )
            with session.no_autoflush:  # one flush at commit: the profiles sealed, the rows written, together
                for result in mine:
                    outcome = by_id[result.id]
                    # The answers were decrypted at the claim: no second load and decryption of the payload.
                    set_committed_value(result, "payload", outcome.claimed.payload)
                    self._apply(session, result, outcome, versions.get(result.id) or 0)
        for result in mine:
            outcome = by_id[result.id]
            if outcome.status == ResultStatus.FAILED:
                self.failed += 1
            else:
                self.scored += 1
        return len(mine)

    def _apply(self, session: Session, result: InterviewResult, outcome: Scored, last_version: int) -> None:
        if outcome.status == ResultStatus.NOT_SCORED:
            result.status, result.scoring_error, result.scoring_due_at = ResultStatus.NOT_SCORED, outcome.error, None
            return
        if outcome.status == ResultStatus.FAILED:
            result.status, result.scoring_error, result.scoring_due_at = ResultStatus.FAILED, outcome.error, None
            audit.append(
                session,
                actor=self.actor,
                action="result.scoring_failed",
                object_type="interview_result",
                object_id=result.id,
                details={"reason": outcome.reason},
            )
            return
        assert outcome.profile is not None
        scoring.add_profile(session, result, outcome.profile, actor=self.actor, version=last_version + 1)
        result.status, result.scoring_error, result.scoring_due_at = ResultStatus.SCORED, None, None
        outbox.enqueue(session, result, "result.scored")

    # --- one batch, and a loop of them ---------------------------------------------------------------------

    def score_batch(self, limit: int | None = None) -> int:
        """Claim up to `limit` (the batch size) due results, score them and write them: the results claimed."""
        claimed, models = self.claim(limit or self.batch)
        outcomes = []
        for item in claimed:
            try:
                outcomes.append(self.compute(item, models))
            except Exception:  # one result that cannot be scored must not hold up the others
                self.left_queued += 1
                log.exception(
                    "scoring result %s failed unexpectedly; it stays queued and is tried again when its lease runs out",
                    item.id,
                    extra={"result_id": item.id},
                )
        self.write(outcomes)
        return len(claimed)

    def run(self, stop: threading.Event | Any, wake: Any = None, *, parent_pid: int | None = None) -> None:
        """Score batches until `stop` is set (or the parent process is gone); when nothing is due, wait for `wake`
        or the worker's poll interval."""
        poll = self.settings.worker_poll_seconds
        failures = 0
        while not stop.is_set():
            if parent_pid is not None and os.getppid() != parent_pid:
                log.warning("scoring process %d: the worker is gone; stopping", os.getpid())
                return
            try:
                claimed = self.score_batch()
                failures = 0
            except Exception as error:  # the database is away, say: wait and try again
                failures += 1
                if failures == 1 or failures % 60 == 0:
                    log.error("scoring failed, trying again: %s: %s", error.__class__.__name__, error, exc_info=error)
                claimed = 0
                stop.wait(min(30.0, poll * failures))
                continue
            if claimed:
                continue
            if wake is not None:
                wake.wait(poll)
                wake.clear()
            else:
                stop.wait(poll)


# --- processes ---------------------------------------------------------------------------------------------------


def default_processes(settings) -> int:
    """`HUB_SCORING_PROCESSES`, else one per core on PostgreSQL and none on SQLite (threads of the worker's process:
    writers of several processes meet at SQLite's file lock)."""
    if settings.scoring_processes is not None:
        return settings.scoring_processes
    return 0 if settings.is_sqlite else (os.cpu_count() or 1)


def _child(environment: dict[str, str], worker_id: str, stop, wake, parent_pid: int) -> None:
    """A scoring process: the hub's app built from the worker's own settings, then batches until stopped."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the worker stops us in order
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    from hub import create_app

    app = create_app(environment)
    state = app.extensions["hub"]
    scorer = Scorer(state, worker_id=worker_id)
    log.info("scoring process %d started (batches of %d)", os.getpid(), scorer.batch)
    try:
        scorer.run(stop, wake, parent_pid=parent_pid)
    finally:
        state.dispose()


class ScoringProcesses:
    """`count` child processes running `Scorer` loops; `ensure()` replaces one that died, `close()` stops them."""

    RESTARTS_PER_MINUTE = 10

    def __init__(self, settings, *, count: int, worker_id: str):
        self.environment = dict(settings.environment)
        self.count = count
        self.worker_id = worker_id
        self.context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        self.stop_event = self.context.Event()
        self.processes: list[Any] = [None] * count
        self.wakes = [self.context.Event() for _ in range(count)]
        self._restarts: list[float] = []
        self._lock = threading.Lock()

    def _start(self, slot: int) -> None:
        process = self.context.Process(
            target=_child,
            args=(self.environment, f"{self.worker_id}/s{slot}", self.stop_event, self.wakes[slot], os.getpid()),
            name=f"hris-hub-scoring-{slot}",
            daemon=True,
        )
        process.start()
        self.processes[slot] = process

    def start(self) -> None:
        with self._lock:
            for slot in range(self.count):
                self._start(slot)

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes if p is not None and p.is_alive()]

    def ensure(self) -> None:
        """Start a process in the place of each that ended (killed, crashed); not more than 10 a minute."""
        if self.stop_event.is_set():
            return
        with self._lock:
            for slot, process in enumerate(self.processes):
                if process is None or process.is_alive():
                    continue
                now = time.monotonic()
                self._restarts = [t for t in self._restarts if now - t < 60]
                if len(self._restarts) >= self.RESTARTS_PER_MINUTE:
                    return
                self._restarts.append(now)
                log.warning(
                    "scoring process %d ended (exit code %s); starting another (its results come back when their "
                    "leases run out)",
                    process.pid,
                    process.exitcode,
                )
                process.join(0)
                self._start(slot)

    def wake(self) -> None:
        for event in self.wakes:
            event.set()

    def close(self, timeout: float = 60.0) -> None:
        """Let each process finish the batch in hand and stop; one that does not within `timeout` is killed (its
        leases run out)."""
        self.stop_event.set()
        self.wake()
        deadline = time.monotonic() + timeout
        for process in self.processes:
            if process is None:
                continue
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                log.warning("scoring process %d did not stop in %.0f s; killing it", process.pid, timeout)
                process.kill()
                process.join(5)
