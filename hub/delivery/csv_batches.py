"""Batching connectors (CSV files): when a connector's batch is due, lease its due jobs, render each, write one
file, and record every job through the same `Recorder` the single-job path uses."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from connectors.errors import (
    ConnectorError,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from hub.delivery.attempts import Outcome, Recorder
from hub.delivery.claim import Claimer, due, is_batching
from hub.delivery.deliver import ConnectorPool, contexts, load_job, render
from hub.storage.models import Connector, SyncJob, utcnow
from hub.storage.statuses import AttemptOutcome

log = logging.getLogger(__name__)


class CsvBatches:
    """Finds the batching connectors whose batch is due, and flushes one connector's batch."""

    def __init__(self, state, *, claimer: Claimer, connectors: ConnectorPool, recorder: Recorder, cache_root):
        self.state, self.claimer, self.connectors, self.recorder = state, claimer, connectors, recorder
        self.cache_root = cache_root

    def due_connectors(self, skip: set[int], errors) -> list[Connector]:
        """Batching connectors whose batch is due now, leaving out `skip` (their flush is under way).

        A connector whose check fails is reported through `errors(connector, error)` and the others are still
        checked; one that cannot be built is flushed at once, so each of its jobs records why."""
        now = utcnow()
        with self.state.read_session_factory() as session:
            batching = [
                c
                for c in session.scalars(select(Connector).where(Connector.enabled.is_(True)).order_by(Connector.id))
                if c.id not in skip and is_batching(c)
            ]
            waiting = dict(
                session.execute(
                    select(SyncJob.connector_id, func.count()).where(due(now)).group_by(SyncJob.connector_id)
                ).all()
            )
            oldest = dict(
                session.execute(
                    select(SyncJob.connector_id, func.min(SyncJob.created_at))
                    .where(due(now))
                    .group_by(SyncJob.connector_id)
                ).all()
            )
            session.expunge_all()
        found = []
        for connector in batching:
            if not waiting.get(connector.id):
                continue
            try:
                live = self.connectors.get(connector)
            except ConnectorError:
                found.append(connector)  # the flush records "cannot be built" on each job
                continue
            try:
                if live.batch_due(waiting[connector.id], oldest.get(connector.id), connector.last_flush_at, now):
                    found.append(connector)
            except Exception as error:  # a plugin's schedule check is its own code: it must not stop the others
                errors(connector, error)
        return found

    def flush(self, connector: Connector) -> int:
        """Write one file of the connector's due jobs; every job's attempt is recorded. Returns the jobs recorded."""
        job_ids = self.claimer.claim_batch(connector.id)
        started_at = utcnow()
        outcomes: dict[str, Outcome] = {}
        items = []
        with self.state.read_session_factory() as session:
            for job_id in job_ids:
                try:
                    job, _, result = load_job(session, job_id)
                    rendered = render(job, connector, result, self.state.settings.policy, self.state.settings.catalog)
                except Exception as error:  # one job's bad data must not lose the others' file
                    log.exception("rendering job %s of %s failed", job_id, connector.name, extra={"job_id": job_id})
                    rendered = Outcome(
                        AttemptOutcome.RETRYABLE, error=f"internal error: {error.__class__.__name__}: {error}"
                    )
                if isinstance(rendered, Outcome):
                    outcomes[job_id] = rendered
                elif rendered.skip_reason:
                    outcomes[job_id] = Outcome.skipped(rendered.skip_reason)
                else:
                    payloads = rendered.payloads
                    merged = {"columns": payloads[0]["columns"], "rows": [row for p in payloads for row in p["rows"]]}
                    items.append((contexts(job, connector, job.attempts + 1, self.cache_root, 1)[0], merged))
        if items:
            outcome_of = self._deliver(connector, items)
            for context, payload in items:
                outcomes[context.job_id] = outcome_of(context, payload)
        # Recorded as the delivery threads' attempts are: a chunk of jobs a transaction, job by job if one fails.
        recorded = self.recorder.record_each([(job_id, outcome, started_at) for job_id, outcome in outcomes.items()])
        for job_id, status in zip(outcomes, recorded):
            if isinstance(status, Exception):  # the job keeps its lease, which runs out: it comes back
                log.error("recording job %s failed", job_id, exc_info=status, extra={"job_id": job_id})
        return sum(not isinstance(status, Exception) for status in recorded)

    def _deliver(self, connector: Connector, items):
        """Write the file; returns how each job came out of it."""
        try:
            live = self.connectors.get(connector)
        except ConnectorError as error:
            return _every(Outcome(AttemptOutcome.PERMANENT, error=f"connector cannot be built: {error}"))
        try:
            results = dict(zip((c.job_id for c, _ in items), live.deliver_batch(items)))
        except RetryableDeliveryError as error:
            return _every(
                Outcome(AttemptOutcome.RETRYABLE, error.status_code, None, str(error), retry_after=error.retry_after)
            )
        except (PermanentDeliveryError, ConnectorError) as error:
            return _every(Outcome(AttemptOutcome.PERMANENT, None, None, str(error)))
        except Exception as error:  # a plugin's bug: retried on the schedule, recorded on each job
            log.exception("the %s batch of %s failed", connector.type, connector.name)
            return _every(
                Outcome(AttemptOutcome.RETRYABLE, error=f"internal error: {error.__class__.__name__}: {error}")
            )

        def delivered(context, payload):
            result = results[context.job_id]
            return Outcome(
                AttemptOutcome.DELIVERED,
                result.status_code,
                result.latency_ms,
                None,
                result.response_excerpt,
                request={"payloads": [payload]},
            )

        return delivered


def _every(outcome: Outcome):
    return lambda context, payload: outcome
