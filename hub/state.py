"""What the running hub shares between requests, commands and worker threads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import g
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from hub.config import Settings
from hub.privacy import crypto


@dataclass
class HubState:
    """What the app shares across requests: settings, the engine and the session factory."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    read_session_factory: sessionmaker[Session]
    keyring: crypto.KeyRing
    key_store: Any = None  # hub.privacy.keystore.KeyStore: candidates' wrapped data keys
    caches: dict = field(default_factory=dict)

    def session(self) -> Session:
        """The request's session for reading, opened on first use and closed at teardown.
        Writes go through `session_factory` in a unit of work of their own."""
        if "db_session" not in g:
            g.db_session = self.read_session_factory()
        return g.db_session

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_session_factory.kw["bind"].dispose()
        if self.key_store is not None:
            self.key_store.dispose()
