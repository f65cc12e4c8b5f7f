"""SQLAlchemy 2.0 typed models: the hub's tables. Migrations in `migrations/` must match these."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from hub.privacy.crypto import EncryptedBytes, EncryptedJSON
from hub.storage.statuses import (
    AttemptOutcome,
    BreakerState,
    JobStatus,
    ResultStatus,
    check_sql,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Status(TypeDecorator):
    """A status column: stored as its string, read back as its enum; a value outside the enum is refused on write
    (the column's CHECK constraint refuses it from any other writer too)."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int = 20):
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum(value)


def status_check(column: str, enum: type[StrEnum]) -> CheckConstraint:
    """The CHECK constraint of one status column, named ck_<table>_<column> by the naming convention."""
    return CheckConstraint(check_sql(column, enum), name=column)


Timestamp = Annotated[datetime, mapped_column(UTCDateTime(), default=utcnow)]
UUIDKey = Annotated[str, mapped_column(String(36), primary_key=True, default=new_id)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime()}


class ApiClient(Base):
    """A caller of the API: a mini-program backend, an HR IT admin tool or an auditor."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    key_prefix: Mapped[str] = mapped_column(String(24), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[Timestamp]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # migration 0005: a key may be given a lifetime


class ConsoleUser(Base):
    """A person who signs in to the web console: HR IT (admin) or an auditor (read-only)."""

    __tablename__ = "console_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[Timestamp]
    disabled_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(10))  # migration 0014: en, zh_CN; None: the browser's
    time_zone: Mapped[str | None] = mapped_column(String(64))  # an IANA name; None: UTC


class ConsoleSession(Base):
    """A signed-in console session, kept server-side so signing out (or disabling the user) ends it for good:
    the cookie carries only a random token, the table its hash."""

    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("console_users.id"), index=True)
    created_at: Mapped[Timestamp]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(20))


class Candidate(Base):
    """A person as the front end knows them; PII encrypted, looked up by the front end's id."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("client_id", "external_id"),)

    id: Mapped[UUIDKey]
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"))
    external_id: Mapped[str] = mapped_column(String(200))
    pii: Mapped[Any] = mapped_column(EncryptedJSON())
    created_at: Mapped[Timestamp]
    erased_at: Mapped[datetime | None]


class InterviewResult(Base):
    """One posted interview: the request as received (encrypted), its scoring state and profiles."""

    __tablename__ = "interview_results"
    __table_args__ = (
        UniqueConstraint("client_id", "external_id"),
        UniqueConstraint("client_id", "idempotency_key"),
        Index("ix_interview_results_status_scoring_due", "status", "scoring_due_at"),
        status_check("status", ResultStatus),
    )

    id: Mapped[UUIDKey]
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"))
    external_id: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id"))
    job_code: Mapped[str] = mapped_column(String(100))
    body_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[ResultStatus] = mapped_column(Status(ResultStatus))
    payload: Mapped[Any] = mapped_column(EncryptedJSON())
    scoring_due_at: Mapped[datetime | None]
    scoring_attempts: Mapped[int] = mapped_column(Integer, default=0)
    scoring_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp] = mapped_column(onupdate=utcnow)

    candidate: Mapped[Candidate] = relationship()
    client: Mapped[ApiClient] = relationship()
    profiles: Mapped[list["Profile"]] = relationship(back_populates="result", order_by="Profile.version")
    decision: Mapped["Decision | None"] = relationship(back_populates="result")


class Profile(Base):
    """One version of a result's capability profile; re-scoring adds a version, never overwrites."""

    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("result_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[str] = mapped_column(ForeignKey("interview_results.id"))
    version: Mapped[int]
    source: Mapped[str] = mapped_column(String(100))
    engine_version: Mapped[str | None] = mapped_column(String(40))
    model: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[Any] = mapped_column(EncryptedJSON())
    created_at: Mapped[Timestamp]

    result: Mapped[InterviewResult] = relationship(back_populates="profiles")


class Decision(Base):
    """A person's hire decision on a result (scores are advisory)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[str] = mapped_column(ForeignKey("interview_results.id"), unique=True)
    hired: Mapped[bool] = mapped_column(Boolean)
    decided_by: Mapped[str] = mapped_column(String(200))
    employee_ids: Mapped[dict[str, Any]]
    start_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[Any | None] = mapped_column(EncryptedJSON())
    decided_at: Mapped[Timestamp]

    result: Mapped[InterviewResult] = relationship(back_populates="decision")


class Resume(Base):
    """An uploaded resume file (encrypted) and what the parser read from it."""

    __tablename__ = "resumes"

    id: Mapped[UUIDKey]
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id"), index=True)
    file_name: Mapped[Any | None] = mapped_column(EncryptedJSON())
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(EncryptedBytes())
    parsed: Mapped[Any] = mapped_column(EncryptedJSON())
    created_at: Mapped[Timestamp]


class Connector(Base):
    """A configured target system: its type, encrypted config, mapping, subscriptions and breaker."""

    __tablename__ = "connectors"
    __table_args__ = (status_check("breaker_state", BreakerState),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    config: Mapped[Any] = mapped_column(EncryptedJSON())
    mapping: Mapped[str] = mapped_column(String(500))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    events: Mapped[list[Any]]
    job_codes: Mapped[list[Any] | None]
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    retry_schedule: Mapped[list[Any] | None]
    max_concurrency: Mapped[int] = mapped_column(Integer, default=4)
    rate_per_second: Mapped[float | None] = mapped_column(Float)
    breaker_state: Mapped[BreakerState] = mapped_column(Status(BreakerState, 10), default=BreakerState.CLOSED)
    breaker_failures: Mapped[int] = mapped_column(Integer, default=0)
    breaker_open_until: Mapped[datetime | None]
    last_flush_at: Mapped[datetime | None]
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp] = mapped_column(onupdate=utcnow)
    # Migration 0005: a deleted connector keeps its row, renamed `NAME (deleted #ID)` to free the name, its config
    # erased, so the sync log still names the connector of each of its jobs.
    deleted_at: Mapped[datetime | None]


class SyncJob(Base):
    """One delivery of one event to one connector; its id is the idempotency key sent to the target."""

    __tablename__ = "sync_jobs"
    __table_args__ = (
        UniqueConstraint("connector_id", "result_id", "event"),
        Index("ix_sync_jobs_status_next_attempt_at", "status", "next_attempt_at"),
        status_check("status", JobStatus),
    )

    id: Mapped[UUIDKey]
    connector_id: Mapped[int] = mapped_column(ForeignKey("connectors.id"), index=True)
    result_id: Mapped[str] = mapped_column(ForeignKey("interview_results.id"), index=True)
    event: Mapped[str] = mapped_column(String(50))
    status: Mapped[JobStatus] = mapped_column(Status(JobStatus), default=JobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    skip_reason: Mapped[str | None] = mapped_column(Text)  # why a skipped job sent nothing
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp] = mapped_column(onupdate=utcnow)
    delivered_at: Mapped[datetime | None]

    connector: Mapped[Connector] = relationship()
    result: Mapped[InterviewResult] = relationship()
    attempts_log: Mapped[list["DeliveryAttempt"]] = relationship(
        back_populates="job", order_by="DeliveryAttempt.number"
    )


class DeliveryAttempt(Base):
    """One try at delivering a job: what happened, how long it took, the start of the reply."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (UniqueConstraint("job_id", "number"), status_check("outcome", AttemptOutcome))

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("sync_jobs.id"))
    number: Mapped[int]
    outcome: Mapped[AttemptOutcome] = mapped_column(Status(AttemptOutcome))
    status_code: Mapped[int | None]
    latency_ms: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    response_excerpt: Mapped[Any | None] = mapped_column(EncryptedJSON())
    request: Mapped[Any | None] = mapped_column(EncryptedJSON())
    worker: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[Timestamp]
    finished_at: Mapped[datetime | None]

    job: Mapped[SyncJob] = relationship(back_populates="attempts_log")


class AuditEntry(Base):
    """An append-only, hash-chained record of one change; never holds PII."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[Timestamp]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100), index=True)
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str] = mapped_column(String(100), index=True)
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# --- audit checkpoints (issue 16) -------------------------------------------------------------------------


class AuditCheckpoint(Base):
    """A signed statement of the chain's head: seq, hash and count at a time (copied to a file outside the database)."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[Timestamp]
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(128))


__all__ = [
    "ApiClient",
    "AuditCheckpoint",
    "AuditEntry",
    "Base",
    "Candidate",
    "Connector",
    "ConsoleUser",
    "Decision",
    "DeliveryAttempt",
    "InterviewResult",
    "Profile",
    "Resume",
    "SyncJob",
    "utcnow",
]


# Tables kept in modules of their own register in the same metadata (migrations, key rotation and the
# metadata-vs-migrations test all see them).
from hub.storage import outcomes as _outcomes  # noqa: E402,F401
