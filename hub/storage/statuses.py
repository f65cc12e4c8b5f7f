"""Every status the hub stores, as a `StrEnum`: the models, a CHECK constraint per column and the code share these.

A `StrEnum` member equals its string, so a status read from JSON, a query string or a template compares as before;
what changes is that a misspelt status is a NameError at import, not a job no query ever finds again.
"""

from __future__ import annotations

from enum import StrEnum


class ResultStatus(StrEnum):
    """Where an interview result stands with scoring."""

    QUEUED = "queued"  # waiting for the worker to score its answers
    SCORED = "scored"  # has a profile
    FAILED = "failed"  # the answers could not be scored (the error says why)
    NOT_SCORED = "not_scored"  # the candidate did not consent to scoring


class JobStatus(StrEnum):
    """Where one sync job stands."""

    PENDING = "pending"  # never tried, due at next_attempt_at
    IN_PROGRESS = "in_progress"  # leased by a worker until lease_until
    RETRYING = "retrying"  # failed, tried again at next_attempt_at
    DELIVERED = "delivered"  # the target took every payload
    SKIPPED = "skipped"  # nothing to send (e.g. the policy produced no goals); skip_reason says why
    DEAD = "dead"  # failed for good; an operator may replay it
    CANCELLED = "cancelled"  # the candidate's data was erased before it was delivered


# Jobs a worker picks up when their time comes.
DUE_JOB_STATUSES = (JobStatus.PENDING, JobStatus.RETRYING)
# Jobs that will not move again unless a person acts.
FINAL_JOB_STATUSES = (JobStatus.DELIVERED, JobStatus.SKIPPED, JobStatus.DEAD, JobStatus.CANCELLED)


class AttemptOutcome(StrEnum):
    """What one delivery attempt came to."""

    DELIVERED = "delivered"
    SKIPPED = "skipped"  # rendered nothing to send; no request was made
    RETRYABLE = "retryable"
    PERMANENT = "permanent"


class BreakerState(StrEnum):
    """A connector's circuit breaker."""

    CLOSED = "closed"  # deliveries flow
    OPEN = "open"  # the target looks down: nothing is sent until breaker_open_until
    HALF_OPEN = "half_open"  # cooled down: one probe decides whether it closes or opens again


# The status columns and their enums; models.py makes one CHECK constraint of each, named ck_<table>_<column>.
STATUS_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("interview_results", "status"): ResultStatus,
    ("sync_jobs", "status"): JobStatus,
    ("delivery_attempts", "outcome"): AttemptOutcome,
    ("connectors", "breaker_state"): BreakerState,
}


def check_sql(column: str, enum: type[StrEnum]) -> str:
    """The CHECK condition that holds a column to its enum's values."""
    return f"{column} IN ({', '.join(repr(member.value) for member in enum)})"
