"""The client against the real hub over loopback (the `live` fixture of tests/conftest.py), on SQLite: what is
tested here is the client; the hub's own tests cover both databases. The PostgreSQL test that makes the hub's
database go away builds its own hub."""

from __future__ import annotations

import pytest

from tests.clients.faulty_proxy import FaultyProxy


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'hub.sqlite'}"


@pytest.fixture
def hub_client(live):
    """A factory: `hub_client("ingest")` is a HubClient with a new key of that role, against the live hub."""
    from hris_hub_client import HubClient, RetryPolicy

    made = []

    def make(role: str = "ingest", *, url: str | None = None, **kwargs):
        kwargs.setdefault("retry", RetryPolicy(attempts=4, backoff=0.05, jitter=0.01))
        kwargs.setdefault("timeout", 30)
        client = HubClient(url or live.url, live.key(role), **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def proxy(live):
    with FaultyProxy(live.url) as faulty:
        yield faulty
