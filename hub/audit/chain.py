"""The audit trail: append-only, hash-chained, written in the same transaction as the change."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator

from sqlalchemy import Table, event, select
from sqlalchemy.orm import Session

from hub.storage.models import AuditEntry, utcnow

GENESIS_HASH = "0" * 64
# Any constant works; it names the lock that serialises appends across processes on PostgreSQL.
AUDIT_LOCK_ID = 0x6872_6973_6875_62  # "hrishub"


def entry_hash(
    seq: int,
    prev_hash: str,
    occurred_at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    details: Any,
) -> str:
    """The SHA-256 of an entry's canonical JSON, including the previous entry's hash."""
    canonical = json.dumps(
        {
            "seq": seq,
            "prev": prev_hash,
            "at": occurred_at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "details": details,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def append(
    session: Session, *, actor: str, action: str, object_type: str, object_id: str, details: dict | None = None
) -> None:
    """Record an entry in the caller's transaction; it joins the chain when that transaction commits.

    `details` must hold no PII. Chaining waits until commit so that, on PostgreSQL, the lock that
    serialises appenders is held only for the last moment of the transaction, not all of it.
    """
    session.info.setdefault(PENDING, []).append(
        dict(actor=actor, action=action, object_type=object_type, object_id=str(object_id), details=details or {})
    )


PENDING = "hub.audit.chain.pending"
_TABLE: Table = AuditEntry.__table__  # type: ignore[assignment]
_LOCK_THEN_HEAD = (
    f"SELECT pg_advisory_xact_lock({AUDIT_LOCK_ID}); SELECT seq, hash FROM {_TABLE.name} ORDER BY seq DESC LIMIT 1"
)
_HEAD = select(_TABLE.c.seq, _TABLE.c.hash).order_by(_TABLE.c.seq.desc()).limit(1)


@event.listens_for(Session, "before_commit")
def _chain_pending(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    session.flush()  # everything else first, so the lock below is held as briefly as possible
    # Core statements on the session's connection: the ORM's compile and result machinery buys nothing here.
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # Concurrent appenders queue at the lock until the holder commits, so each sees the true chain head. Both
        # statements go in one round trip (the lock is the slowest part of a commit: the less it waits on, the
        # better); the head is read by the second, whose snapshot is taken once the lock is held.
        cursor = connection.connection.cursor()
        try:
            cursor.execute(_LOCK_THEN_HEAD)
            cursor.nextset()
            head = cursor.fetchone()
        finally:
            cursor.close()
    else:
        head = connection.execute(_HEAD).first()
    seq, prev_hash = (head[0], head[1]) if head else (0, GENESIS_HASH)
    rows = []
    for item in pending:
        seq += 1
        occurred_at = utcnow()
        entry_digest = entry_hash(
            seq,
            prev_hash,
            occurred_at,
            item["actor"],
            item["action"],
            item["object_type"],
            item["object_id"],
            item["details"],
        )
        rows.append(dict(seq=seq, occurred_at=occurred_at, prev_hash=prev_hash, hash=entry_digest, **item))
        prev_hash = entry_digest
    # One Core INSERT for the lot (no unit of work, no second flush): audit entries hold no sealed columns.
    connection.execute(_TABLE.insert(), rows)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


@dataclass
class VerifyReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str | None = None


def verify(session: Session, *, batch_size: int = 1000, progress=None) -> VerifyReport:
    """Walk the chain in order; report the first entry that was edited, deleted, inserted or moved."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for entry in entries(session, batch_size=batch_size):
        if entry.seq != expected_seq:
            return VerifyReport(
                False, checked, expected_seq, f"entry {expected_seq} is missing (next present is {entry.seq})"
            )
        if entry.prev_hash != prev_hash:
            return VerifyReport(
                False,
                checked,
                entry.seq,
                "its previous-hash does not match the entry before it (reordered or replaced)",
            )
        recomputed = entry_hash(
            entry.seq,
            entry.prev_hash,
            entry.occurred_at,
            entry.actor,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.details,
        )
        if recomputed != entry.hash:
            return VerifyReport(False, checked, entry.seq, "its content does not match its hash (edited)")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
        if progress:
            progress(1)
    return VerifyReport(True, checked)


def entries(session: Session, query=None, *, batch_size: int = 1000) -> Iterator[AuditEntry]:
    """Entries matching `query` (default: all) in chain order, read batch by batch so none sits in memory."""
    query = select(AuditEntry).order_by(AuditEntry.seq) if query is None else query
    last = 0
    while True:
        batch = session.scalars(query.where(AuditEntry.seq > last).limit(batch_size)).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].seq
        for entry in batch:  # only what this walk loaded: the caller's own objects stay in its session
            session.expunge(entry)


def as_dict(entry: AuditEntry) -> dict:
    return {
        "seq": entry.seq,
        "occurred_at": entry.occurred_at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }
