"""The key store: each candidate's data key, wrapped by the master key, kept apart from the data.

Apart, because a copy of the data (a backup, a dump, a replica) must not carry the keys that open it: on SQLite
the store is a file of its own beside the database (`hub.sqlite` -> `hub.keys.sqlite`), on PostgreSQL a table
(`candidate_keys`) that data backups leave out, or another database (HUB_KEY_STORE_URL). Erasure destroys a
candidate's wrapped key and leaves a tombstone (id, candidate, when), so a value under a destroyed key reads as
erased while a key that was never here is a configuration error. See docs/operations.md, "Crypto-shredding".
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterable, Iterator

from sqlalchemy import (
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    inspect,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from hub.privacy.crypto import PREFIX, DataKey, KeyDestroyedError, KeyRing, MissingKeyError

log = logging.getLogger(__name__)

# How long a key just made stays in memory at least (see for_candidates).
NEW_KEY_SECONDS = 30.0
# Candidates per statement in for_candidates (four parameters each, well under PostgreSQL's 65,535).
BATCH = 1000
LIVE_KEY_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS uq_candidate_keys_live ON candidate_keys (candidate_id) WHERE wrapped IS NOT NULL"

metadata = MetaData()
candidate_keys = Table(
    "candidate_keys",
    metadata,
    Column("key_id", String(40), primary_key=True),
    Column("candidate_id", String(36), nullable=False, index=True),
    # "enc1:<master key id>:..." (the 32-byte key under the master key); NULL once destroyed.
    Column("wrapped", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("destroyed_at", DateTime(timezone=True)),
)


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        from hub.storage.db import make_engine

        return make_engine(url, pool_size=4)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # A destroyed key is overwritten with zeros in the file, not just unlinked from the b-tree; after each
        # destruction the write-ahead log is checkpointed and truncated (destroy), so no old page version stays in it.
        # FULL: a key the data was committed under is on disk when its commit returns (one fsync of the log).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def _now() -> datetime:
    return datetime.now(timezone.utc)


class KeyStore:
    """Data keys by candidate. Unwrapped keys are cached in memory by key id for `cache_seconds` at most (reads);
    the key a write uses is looked up in the store every time, so a key destroyed by another process is never
    written under again."""

    def __init__(
        self,
        url: str,
        keyring: KeyRing,
        *,
        cache_seconds: float = 60.0,
        max_cached: int = 10_000,
        same_database: bool = False,
    ):
        self.url = url
        # The key store is a table of the data's own PostgreSQL database: writes join the data's transaction.
        self.same_database = same_database and not url.startswith("sqlite")
        self.keyring = keyring
        self.engine = _make_engine(url)
        self.cache_seconds = cache_seconds
        self.max_cached = max_cached
        self._cache: OrderedDict[str, tuple[float, DataKey]] = OrderedDict()
        self._lock = threading.Lock()
        self._ensure_lock = threading.Lock()
        self._ready = False

    # ---- schema ----------------------------------------------------------------------------------------

    def ensure(self) -> None:
        """Make the key store's table on first use (threads and processes may race to do it)."""
        if self._ready:
            return
        with self._ensure_lock:
            if self._ready:
                return
            try:
                with self.engine.begin() as connection:
                    if connection.dialect.name == "postgresql":
                        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('hub.candidate_keys'))")
                    metadata.create_all(connection, checkfirst=True)
                    if connection.dialect.name == "postgresql":
                        # One live key per candidate, for writers in any transaction (for_candidates inserts against
                        # it). SQLite has none: there two racing processes may each make one.
                        connection.exec_driver_sql(LIVE_KEY_INDEX)
            except DBAPIError:
                # Another process made it between the check and the CREATE: fine once it is there.
                if not inspect(self.engine).has_table(candidate_keys.name):
                    raise
            self._ready = True

    def dispose(self) -> None:
        self.engine.dispose()

    # ---- keys -------------------------------------------------------------------------------------------

    def _unwrap(self, key_id: str, wrapped: str) -> DataKey:
        key = DataKey(key_id, self.keyring.decrypt(wrapped))
        if self.cache_seconds > 0:
            self._remember(key, self.cache_seconds)
        return key

    def _remember(self, key: DataKey, seconds: float) -> None:
        with self._lock:
            self._cache[key.key_id] = (time.monotonic() + seconds, key)
            self._cache.move_to_end(key.key_id)
            while len(self._cache) > self.max_cached:
                self._cache.popitem(last=False)

    def _cached(self, key_id: str) -> DataKey | None:
        with self._lock:
            hit = self._cache.get(key_id)
            if hit is None:
                return None
            if hit[0] < time.monotonic():
                del self._cache[key_id]
                return None
            return hit[1]

    def get(self, key_id: str) -> DataKey:
        """The data key with this id, for reading; KeyDestroyedError once erased."""
        cached = self._cached(key_id)
        if cached is not None:
            return cached
        self.ensure()
        with self.engine.connect() as connection:
            row = connection.execute(
                select(candidate_keys.c.wrapped, candidate_keys.c.destroyed_at).where(candidate_keys.c.key_id == key_id)
            ).first()
        if row is None:
            raise MissingKeyError(
                f"a stored value is under candidate data key {key_id!r}, which the key store {self._where()} has never "
                "held: point HUB_KEY_STORE_URL at the key store this database was written with"
            )
        if row.wrapped is None:
            raise KeyDestroyedError(f"candidate data key {key_id!r} was destroyed at {row.destroyed_at} (erasure)")
        return self._unwrap(key_id, row.wrapped)

    @contextmanager
    def _transaction(self, shared: Connection | None) -> Iterator[Connection]:
        """The caller's connection when the key store shares its database (one transaction with the data, no
        checkout), else a transaction of the key store's own."""
        if shared is not None:
            yield shared
            return
        with self.engine.begin() as connection:
            yield connection

    def for_candidate(
        self, candidate_id: str, *, create: bool = True, connection: Connection | None = None
    ) -> DataKey | None:
        """The candidate's live data key, for writing: looked up in the store, made when missing (on PostgreSQL one
        statement either way; see for_candidates).

        `connection`: the data's own, when `same_database` (PostgreSQL by default): the key is then made in the same
        transaction as the data sealed under it, and both commit or neither."""
        return self.for_candidates([candidate_id], create=create, connection=connection).get(candidate_id)

    def for_candidates(
        self, candidate_ids: Iterable[str], *, create: bool = True, connection: Connection | None = None
    ) -> dict[str, DataKey]:
        """Each candidate's live data key, for writing, by candidate id: the keys missing are made, all in one
        transaction (a bulk import or a unit of work with many candidates), a few statements per thousand.

        Without `create`, the candidates with no live key are left out. `connection` as for for_candidate."""
        # Sorted: writers of overlapping sets insert in one order, so they wait for each other and never deadlock.
        wanted = sorted(set(candidate_ids))
        if not wanted:
            return {}
        self.ensure()
        found: dict[str, DataKey] = {}
        made: list[DataKey] = []
        with self._transaction(connection) as conn:
            for start in range(0, len(wanted), BATCH):
                batch = wanted[start : start + BATCH]
                if create and conn.dialect.name == "postgresql":
                    self._make_missing_postgres(conn, batch, found, made)
                else:
                    self._make_missing(conn, batch, create, found, made)
        for key in made:
            # Remembered even with the cache off: made in the data's transaction (same database), the key's row is
            # not visible to the key store's own connections until that commits, and the unit of work may read back.
            self._remember(key, max(self.cache_seconds, NEW_KEY_SECONDS))
        return found

    def _live_keys(self, connection: Connection, candidate_ids: list[str]) -> dict[str, DataKey]:
        rows = connection.execute(
            select(candidate_keys.c.key_id, candidate_keys.c.candidate_id, candidate_keys.c.wrapped).where(
                candidate_keys.c.candidate_id.in_(candidate_ids), candidate_keys.c.wrapped.is_not(None)
            )
        )
        return {row.candidate_id: self._cached(row.key_id) or self._unwrap(row.key_id, row.wrapped) for row in rows}

    def _new_rows(self, candidate_ids: list[str]) -> tuple[list[dict], dict[str, DataKey]]:
        now = _now()
        rows, keys = [], {}
        for candidate_id in candidate_ids:
            key_id, raw = "dk_" + uuid.uuid4().hex, os.urandom(32)
            keys[candidate_id] = DataKey(key_id, raw)
            rows.append(
                {
                    "key_id": key_id,
                    "candidate_id": candidate_id,
                    "wrapped": self.keyring.encrypt(raw),
                    "created_at": now,
                }
            )
        return rows, keys

    def _make_missing_postgres(
        self, connection: Connection, candidate_ids: list[str], found: dict[str, DataKey], made: list[DataKey]
    ) -> None:
        """One statement: insert a new key for each candidate, skipped where the candidate has a live key (the unique
        index of live keys decides, also against a writer racing in another transaction), and read the live keys."""
        rows, keys = self._new_rows(candidate_ids)
        inserted = (
            postgresql.insert(candidate_keys)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["candidate_id"], index_where=candidate_keys.c.wrapped.is_not(None))
            .returning(candidate_keys.c.key_id, candidate_keys.c.candidate_id)
            .cte("inserted")
        )
        # The second part reads the keys live before this statement (its snapshot does not hold the rows it inserts).
        query = union_all(
            select(inserted.c.key_id, inserted.c.candidate_id, null().label("wrapped")),
            select(candidate_keys.c.key_id, candidate_keys.c.candidate_id, candidate_keys.c.wrapped).where(
                candidate_keys.c.candidate_id.in_(candidate_ids), candidate_keys.c.wrapped.is_not(None)
            ),
        )
        for row in connection.execute(query):
            if row.wrapped is None:  # made now
                key = keys[row.candidate_id]
                found[row.candidate_id] = key
                made.append(key)
            else:
                found[row.candidate_id] = self._cached(row.key_id) or self._unwrap(row.key_id, row.wrapped)
        missing = [candidate_id for candidate_id in candidate_ids if candidate_id not in found]
        if missing:
            # A writer in another transaction made these candidates' keys and committed after this statement began:
            # a new statement sees them.
            found.update(self._live_keys(connection, missing))

    def _make_missing(
        self,
        connection: Connection,
        candidate_ids: list[str],
        create: bool,
        found: dict[str, DataKey],
        made: list[DataKey],
    ) -> None:
        """Read the live keys, then insert new ones for the candidates without (SQLite: two racing processes may each
        make one; both stay valid, as every value names its key, and erasure destroys every live key)."""
        found.update(self._live_keys(connection, candidate_ids))
        missing = [candidate_id for candidate_id in candidate_ids if candidate_id not in found]
        if not create or not missing:
            return
        rows, keys = self._new_rows(missing)
        connection.execute(candidate_keys.insert(), rows)
        found.update(keys)
        made.extend(keys.values())

    def destroy(self, candidate_id: str, *, connection: Connection | None = None) -> list[str]:
        """Destroy every data key of the candidate (the wrapped key is overwritten; a tombstone stays). With the
        data's `connection` (same database), in the erasure's own transaction."""
        self.ensure()
        with self._transaction(connection) as conn:
            key_ids = list(
                conn.execute(
                    select(candidate_keys.c.key_id).where(
                        candidate_keys.c.candidate_id == candidate_id, candidate_keys.c.wrapped.is_not(None)
                    )
                ).scalars()
            )
            if key_ids:
                conn.execute(
                    update(candidate_keys)
                    .where(candidate_keys.c.key_id.in_(key_ids))
                    .values(wrapped=None, destroyed_at=_now())
                )
        with self._lock:
            for key_id in key_ids:
                self._cache.pop(key_id, None)
        if key_ids and self.engine.dialect.name == "sqlite":
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return key_ids

    def destroyed(self, key_ids: list[str]) -> set[str]:
        """Which of these key ids are destroyed."""
        self.ensure()
        with self.engine.connect() as connection:
            return set(
                connection.execute(
                    select(candidate_keys.c.key_id).where(
                        candidate_keys.c.key_id.in_(key_ids), candidate_keys.c.wrapped.is_(None)
                    )
                ).scalars()
            )

    # ---- master key rotation -------------------------------------------------------------------------------

    def count_stale(self) -> int:
        """Live wrapped keys under a master key other than the primary."""
        self.ensure()
        with self.engine.connect() as connection:
            return (
                connection.execute(
                    select(func.count())
                    .select_from(candidate_keys)
                    .where(
                        candidate_keys.c.wrapped.is_not(None),
                        candidate_keys.c.wrapped.not_like(f"{PREFIX}:{self.keyring.primary_id}:%"),
                    )
                ).scalar()
                or 0
            )

    def rewrap(self, *, batch_size: int = 500) -> int:
        """Re-wrap every live data key under the primary master key (the data under them is not touched)."""
        self.ensure()
        done = 0
        while True:
            with self.engine.begin() as connection:
                rows = connection.execute(
                    select(candidate_keys.c.key_id, candidate_keys.c.wrapped)
                    .where(
                        candidate_keys.c.wrapped.is_not(None),
                        candidate_keys.c.wrapped.not_like(f"{PREFIX}:{self.keyring.primary_id}:%"),
                    )
                    .limit(batch_size)
                ).all()
                for row in rows:
                    connection.execute(
                        update(candidate_keys)
                        .where(candidate_keys.c.key_id == row.key_id)
                        .values(wrapped=self.keyring.encrypt(self.keyring.decrypt(row.wrapped)))
                    )
            done += len(rows)
            if len(rows) < batch_size:
                return done

    def _where(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)
