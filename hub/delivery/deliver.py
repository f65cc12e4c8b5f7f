"""Delivering one claimed job: read it, render it (policy, then mapping), build the live connector, send each payload.

Nothing here writes to the database: what an attempt came to is an `Outcome`, which `attempts.Recorder` records.
No transaction is held across the network call.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session, selectinload

import mappings
from connectors.base import DeliveryContext, DeliveryResult
from connectors.destinations import DestinationPolicy
from connectors.errors import (
    ConnectorError,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from connectors.plugins import create_connector
from hub.delivery import documents
from hub.delivery.attempts import Outcome, clip
from hub.delivery.claim import Claimed, ClaimedJob
from hub.delivery.rate_limit import RateLimiter
from hub.delivery.reloading import load_mapping
from hub.storage.models import Candidate, Connector, Decision, InterviewResult, Profile, SyncJob, utcnow
from hub.storage.statuses import AttemptOutcome
from mappings.catalog import Catalog

MAPPING_ERRORS = (mappings.MappingError, mappings.PolicyError, mappings.InputError)
NO_GOALS = "policy produced no goals"
NOTHING_RENDERED = "the mapping rendered nothing to send"


@dataclass
class Rendered:
    """A job's payloads, or (when there is nothing to send) why not."""

    payloads: list[dict]
    skip_reason: str | None = None


def render_document(connector: Connector, document: dict, catalog: Catalog) -> Rendered:
    """Map a canonical document to the connector's payloads (its mapping is a catalog name, never a path); a payload
    with no CSV rows is nothing to send."""
    payloads = [p for p in load_mapping(catalog, connector.mapping).render(document) if not _empty_rows(p)]
    if payloads:
        return Rendered(payloads)
    goals = (document.get("plan") or {}).get("goals")
    return Rendered([], NO_GOALS if not goals else NOTHING_RENDERED)


def _empty_rows(payload: dict) -> bool:
    return isinstance(payload, dict) and "rows" in payload and not payload["rows"]


def render(
    job: SyncJob, connector: Connector, result: InterviewResult, default_policy: str, catalog: Catalog
) -> Rendered | Outcome:
    """The job's payloads, or the outcome that a job which cannot be rendered comes to."""
    try:
        document = documents.build(job, connector, result, default_policy=default_policy, catalog=catalog)
        return render_document(connector, document, catalog)
    except documents.NotReady as error:
        return Outcome(AttemptOutcome.RETRYABLE, error=str(error))
    except MAPPING_ERRORS as error:
        return Outcome(AttemptOutcome.PERMANENT, error=f"mapping failed: {error}")


RESULT_LOADS = (
    selectinload(InterviewResult.profiles),
    selectinload(InterviewResult.decision),
    selectinload(InterviewResult.candidate),
)


def load_jobs(session: Session, job_ids: list[str]) -> dict[str, tuple[SyncJob, Connector, InterviewResult]]:
    """Several jobs as `load_job` loads one, in five queries whatever their number (a claimed batch)."""
    jobs = session.scalars(
        select(SyncJob).where(SyncJob.id.in_(job_ids)).options(selectinload(SyncJob.connector))
    ).all()
    result_ids = sorted({job.result_id for job in jobs})
    results = {
        result.id: result
        for result in session.scalars(
            select(InterviewResult).where(InterviewResult.id.in_(result_ids)).options(*RESULT_LOADS)
        )
    }
    return {job.id: (job, job.connector, results[job.result_id]) for job in jobs if job.result_id in results}


@dataclass(frozen=True)
class ResultValues:
    """What a job's document needs of its result, read in one query (`load_results`)."""

    id: str
    external_id: str
    job_code: str
    payload: Any
    candidate_external_id: str
    candidate_pii: Any
    has_decision: bool
    employee_ids: Any
    start_date: date | None
    profile: Any  # the latest profile's data, None when there is none yet
    profile_version: int | None


@functools.cache
def _results_query():
    """Results with their candidate, decision and latest profile, for the parameter `result_ids` (built once)."""
    latest = (
        select(func.max(Profile.version))
        .where(Profile.result_id == InterviewResult.id)
        .correlate(InterviewResult)
        .scalar_subquery()
    )
    return (
        select(
            InterviewResult.id,
            InterviewResult.external_id,
            InterviewResult.job_code,
            InterviewResult.payload,
            Candidate.external_id,
            Candidate.pii,
            Decision.id.is_not(None),
            Decision.employee_ids,
            Decision.start_date,
            Profile.data,
            Profile.version,
        )
        .join(Candidate, Candidate.id == InterviewResult.candidate_id)
        .outerjoin(Decision, Decision.result_id == InterviewResult.id)
        .outerjoin(Profile, and_(Profile.result_id == InterviewResult.id, Profile.version == latest))
        .where(InterviewResult.id.in_(bindparam("result_ids", expanding=True)))
    )


def load_results(session: Session, result_ids: list[str]) -> dict[str, ResultValues]:
    """Results with their candidate, decision and latest profile, one query for any number of them (Core rows)."""
    rows = session.execute(_results_query(), {"result_ids": result_ids})
    return {row[0]: ResultValues(*row) for row in rows}


def render_values(
    job: ClaimedJob, connector: Connector, result: ResultValues, default_policy: str, catalog: Catalog
) -> Rendered | Outcome:
    """`render` for a claimed job and its result's values (no ORM objects)."""
    try:
        document = documents.build_from_values(job, connector, result, default_policy=default_policy, catalog=catalog)
        return render_document(connector, document, catalog)
    except documents.NotReady as error:
        return Outcome(AttemptOutcome.RETRYABLE, error=str(error))
    except MAPPING_ERRORS as error:
        return Outcome(AttemptOutcome.PERMANENT, error=f"mapping failed: {error}")


def load_job(session: Session, job_id: str) -> tuple[SyncJob, Connector, InterviewResult]:
    """A job with its connector and its result as the document needs them (profiles, decision, candidate)."""
    job = session.get_one(SyncJob, job_id, options=[selectinload(SyncJob.connector)])
    result = session.get_one(
        InterviewResult,
        job.result_id,
        options=[
            selectinload(InterviewResult.profiles),
            selectinload(InterviewResult.decision),
            selectinload(InterviewResult.candidate),
        ],
    )
    return job, job.connector, result


class ConnectorPool:
    """Live connector objects per connector row, rebuilt when the row changes (config, mapping...). Thread-safe."""

    def __init__(self, policy: DestinationPolicy):
        self.policy = policy  # the hub's destination policy, checked again at every connect
        self._live: dict[int, tuple[datetime | None, Any]] = {}
        self._lock = threading.Lock()

    def get(self, connector: Connector):
        """The live connector; ConnectorError when it cannot be built (bad config, or its plugin is not installed)."""
        with self._lock:
            cached = self._live.get(connector.id)
            if cached and cached[0] == connector.updated_at:
                return cached[1]
            live = create_connector(connector.type, connector.config, policy=self.policy)
            self._live[connector.id] = (connector.updated_at, live)
        if cached:
            cached[1].close()
        return live

    def close(self):
        with self._lock:
            live, self._live = list(self._live.values()), {}
        for _, connector in live:
            connector.close()


def contexts(
    job: SyncJob | ClaimedJob, connector: Connector, attempt: int, cache_root: Path, count: int
) -> list[DeliveryContext]:
    """One context per payload; each payload of a job has its own stable idempotency key."""
    now = utcnow()
    cache_dir = cache_root / connector.name
    return [
        DeliveryContext(
            job_id=job.id if count == 1 else f"{job.id}.{index + 1}",
            attempt=attempt,
            event=job.event,
            connector_name=connector.name,
            cache_dir=cache_dir,
            now=now,
        )
        for index in range(count)
    ]


def send(
    live, payloads: list[dict], job_contexts: list[DeliveryContext], before_each: Callable[[], object] = lambda: None
) -> Outcome:
    """Deliver every payload of a job in order (each after `before_each`, the rate limit); the first failure decides."""
    started = time.perf_counter()
    results: list[DeliveryResult] = []
    try:
        for payload, context in zip(payloads, job_contexts):
            before_each()
            results.append(live.deliver(payload, context))
    except RetryableDeliveryError as error:
        return Outcome(
            AttemptOutcome.RETRYABLE,
            error.status_code,
            _ms(started),
            str(error),
            error.response_excerpt,
            retry_after=error.retry_after,
        )
    except PermanentDeliveryError as error:
        return Outcome(
            AttemptOutcome.PERMANENT,
            error.status_code,
            _ms(started),
            str(error),
            error.response_excerpt,
            disable_connector=error.disable_connector,
        )
    except ConnectorError as error:
        return Outcome(AttemptOutcome.PERMANENT, None, _ms(started), f"{error.__class__.__name__}: {error}")
    last = results[-1] if results else None
    return Outcome(
        AttemptOutcome.DELIVERED,
        last.status_code if last else None,
        _ms(started),
        None,
        clip("\n".join(r.response_excerpt or "" for r in results)),
    )


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


class Delivery:
    """What a worker's threads share to deliver single jobs: live connectors, the rate limiter, the cache folder."""

    # Prefetched rows older than this are read again: a job waits for a thread only a moment after its claim.
    PREFETCH_SECONDS = 5.0

    def __init__(self, state, *, connectors: ConnectorPool, limiter: RateLimiter, cache_root: Path):
        self.state, self.connectors, self.limiter, self.cache_root = state, connectors, limiter, cache_root
        self._prefetched: dict[str, tuple[float, tuple[ClaimedJob, Connector, ResultValues]]] = {}
        self._prefetch_lock = threading.Lock()

    def prefetch(self, claimed: list[Claimed]) -> None:
        """Load a claimed batch's results in one query for the threads that deliver it (the claim itself read back the
        jobs and their connectors); each job's values are used once, by its own thread, and only read."""
        claimed = [item for item in claimed if item.job is not None and item.connector is not None]
        if not claimed:
            return
        with self.state.read_session_factory() as session:
            results = load_results(session, sorted({item.job.result_id for item in claimed if item.job}))
        moment = time.monotonic()
        with self._prefetch_lock:
            for item in claimed:
                assert item.job is not None and item.connector is not None
                result = results.get(item.job.result_id)
                if result is not None:
                    self._prefetched[item.job_id] = (moment, (item.job, item.connector, result))

    def _take_prefetched(self, job_id: str) -> tuple[ClaimedJob, Connector, ResultValues] | None:
        with self._prefetch_lock:
            entry = self._prefetched.pop(job_id, None)
            if len(self._prefetched) > 10_000:  # jobs prefetched and never attempted (a stop): forget them
                self._prefetched.clear()
        if entry is None or time.monotonic() - entry[0] > self.PREFETCH_SECONDS:
            return None
        return entry[1]

    def attempt(self, job_id: str) -> tuple[Outcome, str]:
        """Try one claimed job once; returns what it came to and the connector's name."""
        loaded = self._take_prefetched(job_id)
        job: SyncJob | ClaimedJob
        if loaded is not None:
            job, connector, values = loaded
            rendered = render_values(job, connector, values, self.state.settings.policy, self.state.settings.catalog)
        else:
            with self.state.read_session_factory() as session:
                job, connector, result = load_job(session, job_id)
                try:
                    rendered = render(job, connector, result, self.state.settings.policy, self.state.settings.catalog)
                finally:
                    session.expunge_all()
        if isinstance(rendered, Outcome):
            return rendered, connector.name
        if rendered.skip_reason:
            return Outcome.skipped(rendered.skip_reason), connector.name
        try:
            live = self.connectors.get(connector)
        except ConnectorError as error:
            return Outcome(AttemptOutcome.PERMANENT, error=f"connector cannot be built: {error}"), connector.name
        job_contexts = contexts(job, connector, job.attempts + 1, self.cache_root, len(rendered.payloads))
        outcome = send(
            live,
            rendered.payloads,
            job_contexts,
            before_each=lambda: self.limiter.wait(connector.id, connector.rate_per_second),
        )
        outcome.request = {"payloads": rendered.payloads}
        return outcome, connector.name
