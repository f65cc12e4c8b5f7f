"""Engine and sessions: SQLite in WAL mode with one writer at a time, or PostgreSQL."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

SQLITE_WAL_SIZE_LIMIT = 4 * 1024 * 1024  # bytes
SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_LOCK_HELD = "hub.sqlite_write_lock"


def make_engine(url: str, *, pool_size: int = 10, read_only: bool = False) -> Engine:
    """Create an engine. On SQLite a writing engine's transactions take the write lock up front
    (BEGIN IMMEDIATE); a `read_only` one's stay deferred, so readers never queue behind writers (WAL)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
        _configure_sqlite(engine, immediate=not read_only)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _configure_sqlite(engine: Engine, *, immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A burst of concurrent writes can keep readers on the WAL so that it grows past the auto-checkpoint; once a
        # checkpoint completes and the log starts again, SQLite truncates the file back to this size.
        cursor.execute(f"PRAGMA journal_size_limit={SQLITE_WAL_SIZE_LIMIT}")
        cursor.close()

    if not immediate:

        @event.listens_for(engine, "begin")
        def _on_begin_read(connection):
            connection.exec_driver_sql("BEGIN")

        return

    # Writers of this process queue on a lock of their own, in arrival order: SQLite's busy handler
    # sleeps in growing steps, so late writers overtake early ones and the latency tail grows long.
    # Writers of other processes still meet at SQLite's own lock (the busy timeout).
    writers = threading.Lock()

    def _release(info) -> None:
        if info.pop(WRITE_LOCK_HELD, False):
            writers.release()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if writers.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            connection.info[WRITE_LOCK_HELD] = True
        # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when another
        # writer got in between (the busy timeout does not apply); taking the lock first makes it wait.
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(connection.info)
            raise

    @event.listens_for(engine, "commit")
    def _on_commit(connection):
        _release(connection.info)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection):
        _release(connection.info)

    @event.listens_for(engine.pool, "reset")
    def _on_reset(dbapi_connection, record, reset_state):
        _release(record.info)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def is_postgres(session_or_engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"
