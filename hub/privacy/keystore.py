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
from typing import Iterator

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
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from hub.privacy.crypto import PREFIX, DataKey, KeyDestroyedError, KeyRing, MissingKeyError

log = logging.getLogger(__name__)

# How long a key just made stays in memory at least (see for_candidate).
NEW_KEY_SECONDS = 30.0

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

    def _live_key(self, connection: Connection, candidate_id: str):
        return connection.execute(
            select(candidate_keys.c.key_id, candidate_keys.c.wrapped).where(
                candidate_keys.c.candidate_id == candidate_id, candidate_keys.c.wrapped.is_not(None)
            )
        ).first()

    def for_candidate(
        self, candidate_id: str, *, create: bool = True, connection: Connection | None = None
    ) -> DataKey | None:
        """The candidate's live data key, for writing: looked up in the store (one indexed read), made when missing.

        `connection`: the data's own, when `same_database` (PostgreSQL by default): the key is then made in the same
        transaction as the data sealed under it, and both commit or neither."""
        self.ensure()
        with self._transaction(connection) as conn:
            row = self._live_key(conn, candidate_id)
            if row is None and create and conn.dialect.name == "postgresql":
                # One live key per candidate on PostgreSQL: a second writer racing to make one waits here, then finds
                # the first's. On SQLite two racing processes may each make one: both stay valid (every value names
                # its key), and erasure destroys every live key of the candidate.
                conn.exec_driver_sql(
                    "SELECT pg_advisory_xact_lock(hashtext(%(c)s))", {"c": "candidate_key:" + candidate_id}
                )
                row = self._live_key(conn, candidate_id)
            if row is not None:
                return self._cached(row.key_id) or self._unwrap(row.key_id, row.wrapped)
            if not create:
                return None
            key_id = "dk_" + uuid.uuid4().hex
            raw = os.urandom(32)
            conn.execute(
                candidate_keys.insert().values(
                    key_id=key_id, candidate_id=candidate_id, wrapped=self.keyring.encrypt(raw), created_at=_now()
                )
            )
        key = DataKey(key_id, raw)
        # Remembered even with the cache off: made in the data's transaction (same database), the key's row is not
        # visible to the key store's own connections until that commits, and the unit of work may read back.
        self._remember(key, max(self.cache_seconds, NEW_KEY_SECONDS))
        return key

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
