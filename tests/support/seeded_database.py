"""A database seeded once and shared by the tests of a module that read it: seeding thousands of rows per test is
most of such a test's time.

On SQLite each test gets its own copy of the seeded files (the data and its key store), so it may write freely. On
PostgreSQL the tests share the seeded schema: use it only for tests whose writes are rows of their own (a user or an
API key with a name no other test uses) that change nothing another test reads.

Usage, in a test module::

    @pytest.fixture(scope="module", params=BACKENDS)
    def seeded(request, tmp_path_factory):
        with seeded_database(request.param, tmp_path_factory, my_seed) as template:
            yield template

    @pytest.fixture
    def database_url(seeded, tmp_path):
        return seeded.url_for(tmp_path)
"""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from tests.conftest import POSTGRES_URL, hub_config


@dataclass(frozen=True)
class Seeded:
    backend: str
    url: str  # the seeded database (SQLite: the template, never opened by a test)

    def url_for(self, tmp_path: Path) -> str:
        """The database a test uses: a copy of the SQLite files in its tmp_path, or the shared PostgreSQL schema."""
        if self.backend != "sqlite":
            return self.url
        source = Path(self.url.split(":///", 1)[1])
        target = tmp_path / source.name
        for name in (source.name, source.name.replace(".sqlite", ".keys.sqlite")):
            _copy_sqlite(source.parent / name, tmp_path / name)
        return f"sqlite:///{target}"


def _copy_sqlite(source: Path, target: Path) -> None:
    # SQLite's online backup: a consistent copy whatever the write-ahead log still holds.
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()


@contextmanager
def seeded_database(backend: str, tmp_path_factory, seed: Callable[[object], None]) -> Iterator[Seeded]:
    """Make a database of `backend`, migrate it, run `seed(hub_state)` on it once; dropped afterwards."""
    from hub import create_app
    from hub.storage.migrate import upgrade

    folder = tmp_path_factory.mktemp("seeded")
    schema = None
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'hub.sqlite'}"
    else:
        import psycopg

        schema = "t_seed_" + uuid.uuid4().hex[:10]
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        separator = "&" if "?" in POSTGRES_URL else "?"
        url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    try:
        app = create_app(hub_config(folder, url))
        state = app.extensions["hub"]
        try:
            upgrade(state.engine)
            seed(state)
        finally:
            state.dispose()
        yield Seeded(backend, url)
    finally:
        if schema is not None:
            import psycopg

            with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
                connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
