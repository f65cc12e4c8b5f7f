"""Crypto-shredding: every candidate's personal data is encrypted under that candidate's own data key.

The API other rooms use (docs/architecture.md, "Per-candidate encryption"):

- A table whose rows belong to a candidate needs nothing more than an `EncryptedJSON` / `EncryptedBytes` column and a
  `candidate_id` (or `result_id`) column: rows written through the ORM are sealed with the candidate's key at flush
  (`seal_on_flush`), and read back transparently.
- `candidate_cipher(session, candidate_id)` gives the candidate's `DataKey` for values written another way, e.g. a
  Core `update(...).values(col=cipher.seal_json(value))`.
- `destroy_keys(session, candidate_id)` is what erasure calls; afterwards every value under those keys, in this database or in
  any copy of it, reads as erased (`{"erased": true}`, or empty bytes) and cannot be decrypted with what remains.

Data with no candidate (connector configuration, unlinked outcomes) and erasure markers stay under the master key.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

from sqlalchemy import Column, Table, Text, event, func, inspect, or_, select, type_coerce
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session, attributes, sessionmaker

from hub.privacy.crypto import (
    CANDIDATE_PREFIX,
    PREFIX,
    DataKey,
    EncryptedBytes,
    EncryptedJSON,
    KeyRing,
    Sealed,
    set_data_key_lookup,
)
from hub.privacy.keystore import KeyStore
from hub.privacy.rotation import reencrypted, rewrite_in_batches
from hub.storage.models import Base, Candidate, InterviewResult, SyncJob, new_id

log = logging.getLogger(__name__)

# session.info key: ids of candidates being erased in this session (their markers stay under the master key).
ERASING = "hub.erasing_candidates"
_RESTORE = "hub.sealed_values"

_store: KeyStore | None = None


def install(store: KeyStore | None) -> None:
    """Make `store` the process's key store (create_app does this)."""
    global _store
    _store = store
    set_data_key_lookup(store.get if store is not None else None)


def key_store() -> KeyStore:
    if _store is None:
        raise RuntimeError("no key store loaded: create the app (hub.create_app) before touching candidate data")
    return _store


def candidate_cipher(session: Session, candidate_id: str) -> DataKey:
    """The candidate's data key (made on first use): `.seal_json(value)`, `.seal_bytes(data)`, `.decrypt(stored)`.

    `session` is the unit of work the sealed values go into: when the key store is a table of the same database, a
    new key is made in its transaction (both commit or neither)."""
    store = key_store()
    key = store.for_candidate(candidate_id, connection=session.connection() if store.same_database else None)
    assert key is not None
    return key


def destroy_keys(session: Session, candidate_id: str) -> list[str]:
    """Destroy the candidate's data keys: the ids of the keys destroyed (none for a candidate with no key). When the
    key store shares the database, in the session's transaction (the scrub and the destruction commit together)."""
    store = key_store()
    return store.destroy(candidate_id, connection=session.connection() if store.same_database else None)


# ---- which candidate a row belongs to ------------------------------------------------------------------------


def _encrypted_attributes(cls) -> list[tuple[str, bool]]:
    """(attribute, is bytes) of a mapped class's encrypted columns."""
    found = []
    for prop in inspect(cls).column_attrs:
        column_type = prop.columns[0].type
        if isinstance(column_type, (EncryptedJSON, EncryptedBytes)):
            found.append((prop.key, isinstance(column_type, EncryptedBytes)))
    return found


_ATTRIBUTES: dict[type, list[tuple[str, bool]]] = {}
# The attributes whose change moves a row to another candidate (its values are sealed again).
OWNER_ATTRIBUTES = ("candidate_id", "candidate", "result_id", "result", "job_id", "job")


def _cached_attributes(cls) -> list[tuple[str, bool]]:
    if cls not in _ATTRIBUTES:
        _ATTRIBUTES[cls] = _encrypted_attributes(cls)
    return _ATTRIBUTES[cls]


def _candidate_of_result(session: Session, result_id: str | None, memo: dict) -> str | None:
    if result_id is None:
        return None
    if ("result", result_id) not in memo:
        loaded = session.identity_map.get(inspect(InterviewResult).identity_key_from_primary_key((result_id,)))
        if loaded is None:  # a result added in this same unit of work is not in the identity map yet
            if "new results" not in memo:  # by id, once per flush (a bulk import adds thousands)
                memo["new results"] = {o.id: o for o in session.new if isinstance(o, InterviewResult)}
            loaded = memo["new results"].get(result_id)
        if loaded is not None:
            state = inspect(loaded)
            candidate = state.dict.get("candidate")
            memo["result", result_id] = state.dict.get("candidate_id") or (candidate.id if candidate else None)
        else:
            memo["result", result_id] = session.scalar(
                select(InterviewResult.candidate_id).where(InterviewResult.id == result_id)
            )
    return memo["result", result_id]


def owner_of(session: Session, obj: Any, memo: dict) -> str | None:
    """The candidate a row's personal data belongs to, or None (data of no candidate: the master key)."""
    values = inspect(obj).dict
    if isinstance(obj, Candidate):
        if obj.id is None:
            obj.id = new_id()
        return obj.id
    if hasattr(type(obj), "candidate_id"):
        candidate = values.get("candidate")
        if values.get("candidate_id") is None and candidate is not None:
            if candidate.id is None:
                candidate.id = new_id()
            return candidate.id
        return values.get("candidate_id")
    if hasattr(type(obj), "result_id"):
        result = values.get("result")
        return _candidate_of_result(session, values.get("result_id") or (result.id if result else None), memo)
    if hasattr(type(obj), "job_id"):
        job = values.get("job")
        job_id = values.get("job_id") or (job.id if job else None)
        if job is not None and job.result_id:
            return _candidate_of_result(session, job.result_id, memo)
        if job_id is None:
            return None
        if ("job", job_id) not in memo:
            memo["job", job_id] = session.scalar(
                select(InterviewResult.candidate_id)
                .join(SyncJob, SyncJob.result_id == InterviewResult.id)
                .where(SyncJob.id == job_id)
            )
        return memo["job", job_id]
    return None


# ---- sealing at flush ----------------------------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def seal_on_flush(session: Session, _flush_context, _instances) -> None:
    """Replace each changed personal value of a candidate's row by its ciphertext under the candidate's key; the
    plain value is put back once the flush is done, so the objects read as before."""
    if _store is None:
        return
    erasing: set[str] = session.info.get(ERASING, set())
    memo: dict = {}
    to_seal: list[tuple[Any, Any, list[tuple[str, bool]], str]] = []
    restore: list = session.info.setdefault(_RESTORE, [])
    added = session.new  # a new set at each access: taken once, not once per object
    for obj in [*added, *session.dirty]:
        encrypted = _cached_attributes(type(obj))
        if not encrypted:
            continue
        state = inspect(obj)
        new = obj in added
        moved = not new and any(
            attributes.get_history(obj, name).added for name in OWNER_ATTRIBUTES if name in state.mapper.attrs
        )
        changed = [
            (name, is_bytes)
            for name, is_bytes in encrypted
            if name in state.dict
            and state.dict[name] is not None
            and not isinstance(state.dict[name], Sealed)
            and (new or moved or attributes.get_history(obj, name).added)
        ]
        if not changed:
            continue
        candidate_id = owner_of(session, obj, memo)
        if candidate_id is None or candidate_id in erasing:
            if moved:  # e.g. an outcome unlinked: its values go back under the master key
                for name, _ in changed:
                    attributes.flag_modified(obj, name)
            continue
        to_seal.append((obj, state, changed, candidate_id))
    if not to_seal:
        return
    # Every candidate's key at once: a flush of a thousand new candidates (a bulk import) makes their keys in a few
    # statements, not a few thousand.
    store = key_store()
    keys = store.for_candidates(
        [candidate_id for *_, candidate_id in to_seal],
        connection=session.connection() if store.same_database else None,
    )
    for obj, state, changed, candidate_id in to_seal:
        key = keys[candidate_id]
        for name, is_bytes in changed:
            plain = state.dict[name]
            setattr(obj, name, key.seal_bytes(plain) if is_bytes else key.seal_json(plain))
            restore.append((obj, name, plain))


@event.listens_for(Session, "after_flush_postexec")
def _restore_plain_values(session: Session, _flush_context) -> None:
    for obj, name, plain in session.info.pop(_RESTORE, []):
        attributes.set_committed_value(obj, name, plain)


@event.listens_for(Session, "after_soft_rollback")
def _forget_sealed_values(session: Session, _previous_transaction) -> None:
    session.info.pop(_RESTORE, None)


# ---- tables, in SQL (upgrade, erasure, rotation) -----------------------------------------------------------------


def owner_expression(table: Table):
    """A SQL expression for the candidate id of each row of `table`, or None for a table of no candidate."""
    if table.name == Candidate.__tablename__:
        return table.c.id
    if "candidate_id" in table.c:
        return table.c.candidate_id
    if "result_id" in table.c:
        return (
            select(InterviewResult.candidate_id)
            .where(InterviewResult.id == table.c.result_id)
            .correlate(table)
            .scalar_subquery()
        )
    if "job_id" in table.c and table.name == "delivery_attempts":
        return (
            select(InterviewResult.candidate_id)
            .join(SyncJob, SyncJob.result_id == InterviewResult.id)
            .where(SyncJob.id == table.c.job_id)
            .correlate(table)
            .scalar_subquery()
        )
    return None


def candidate_tables() -> Iterator[tuple[Table, list[Column], Any]]:
    """Each table holding candidates' personal data: its encrypted columns and its owner expression."""
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (EncryptedJSON, EncryptedBytes))]
        owner = owner_expression(table)
        if columns and owner is not None:
            yield table, columns, owner


def _under_master_key(columns: list[Column]):
    return or_(*[type_coerce(c, Text).like(f"{PREFIX}:%") for c in columns])


def count_under_master_key(session: Session, candidate_id: str | None = None) -> int:
    """Candidates' values still under the master key (written before crypto-shredding); one candidate's, or all
    live candidates' (`keys rotate` moves those under their candidates' keys)."""
    total = 0
    for table, columns, owner in candidate_tables():
        for column in columns:
            query = select(func.count()).select_from(table).where(type_coerce(column, Text).like(f"{PREFIX}:%"))
            if candidate_id is not None:
                query = query.where(owner == candidate_id)
            else:
                query = query.where(owner.in_(select(Candidate.id).where(Candidate.erased_at.is_(None))))
            total += session.scalar(query) or 0
    return total


def move_under_candidate_keys(
    factory: sessionmaker[Session],
    keyring: KeyRing,
    *,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Re-encrypt every live candidate's value still under the master key with the candidate's own key (the upgrade
    of data written before crypto-shredding); erased candidates' markers stay under the master key."""
    done = 0
    live = select(Candidate.id).where(Candidate.erased_at.is_(None))
    for table, columns, owner in candidate_tables():

        def under_candidate_key(session: Session, row: Row, columns: list[Column] = columns) -> dict[str, str]:
            cipher = candidate_cipher(session, row.hub_owner)
            return reencrypted(row, columns, keyring, lambda raw: raw.startswith(PREFIX + ":"), cipher.encrypt)

        done += rewrite_in_batches(
            factory,
            table,
            columns,
            _under_master_key(columns) & owner.in_(live),
            under_candidate_key,
            extra=(owner.label("hub_owner"),),
            batch_size=batch_size,
            progress=progress,
        )
    return done


__all__ = [
    "CANDIDATE_PREFIX",
    "ERASING",
    "candidate_cipher",
    "candidate_tables",
    "count_under_master_key",
    "destroy_keys",
    "install",
    "key_store",
    "move_under_candidate_keys",
]
