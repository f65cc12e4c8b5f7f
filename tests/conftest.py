"""Shared fixtures: the hub on SQLite and PostgreSQL, served over real HTTP on loopback."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HRIS_SHARED", ROOT.parent / "shared"))
TEST_KEY = "test1:" + "A" * 43 + "="
POSTGRES_URL = os.environ.get("HUB_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
# How long a test waits for one answer of a hub it started. No test of speed (those are in bench/): a hung request
# still fails, while a report page of a few thousand hires, which needs about a second of CPU, can take over 30 s on a
# 2-core machine loaded twentyfold.
HTTP_TIMEOUT = 120


def pytest_collection_modifyitems(config, items):
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(
        reason="PostgreSQL tests are off: set HUB_TEST_POSTGRES_URL "
        "(e.g. postgresql://postgres@127.0.0.1:5432/test) to run them"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# Test servers listen on loopback over plain http, and test files live in temporary folders: the tests say so
# explicitly, as an operator would (the built-in destination policy refuses all of these).
LOOPBACK_DESTINATIONS = {
    "HUB_ALLOWED_DESTINATIONS": "127.0.0.0/8,::1,localhost",
    "HUB_ALLOW_PLAIN_HTTP": "true",
    "HUB_WSDL_ROOTS": os.pathsep.join([tempfile.gettempdir(), str(ROOT)]),
    "HUB_CSV_ROOTS": tempfile.gettempdir(),
}


@pytest.fixture(scope="session", autouse=True)
def loopback_destinations():
    """The destination policy of every test: loopback, plain http and temporary folders allowed.

    Set in the environment, so hub processes a test starts inherit it; tests of the policy itself pass their own.
    """
    from connectors import destinations

    with pytest.MonkeyPatch.context() as patch:
        for name, value in LOOPBACK_DESTINATIONS.items():
            patch.setenv(name, value)
        destinations.set_default_policy(None)
        yield destinations.default_policy()
    destinations.set_default_policy(None)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


@pytest.fixture
def postgres_schema_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:12]
    base = POSTGRES_URL
    with psycopg.connect(base, autocommit=True) as connection:  # fails (never skips) when the server is down
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.sqlite'}"
    return request.getfixturevalue("postgres_schema_url")


def hub_config(tmp_path: Path, database_url: str, **extra) -> dict:
    return {
        "HUB_INSTANCE_PATH": str(tmp_path / "instance"),
        "HUB_DATABASE_URL": database_url,
        "HUB_ENCRYPTION_KEYS": TEST_KEY,
        "HUB_SECRET_KEY": "test-secret-key-0123456789",
        "HUB_LOG_FORMAT": "text",
        "HUB_LOG_LEVEL": "WARNING",
        "HUB_SCORING_EMBEDDINGS": "false",
        # Loopback receivers, plain http and temporary folders, explicitly, as an operator would allow them.
        **LOOPBACK_DESTINATIONS,
        # The catalog's own folders: a test writes <name>.yaml there and names it; connectors never take paths.
        "HUB_MAPPING_DIRS": str(tmp_path / "mappings"),
        "HUB_POLICY_DIRS": str(tmp_path / "policies"),
        **extra,
    }


@pytest.fixture
def app_config(tmp_path, database_url) -> dict:
    """The settings of the test app, for starting hub processes that share its database."""
    return hub_config(tmp_path, database_url)


@pytest.fixture
def app(app_config):
    from hub import create_app
    from hub.storage.migrate import upgrade

    application = create_app(app_config)
    upgrade(application.extensions["hub"].engine)
    yield application
    application.extensions["hub"].dispose()


@pytest.fixture
def client(app):
    """Flask's test client: in-process requests, for what needs no real server."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """`hris-hub` commands in-process against the test app: `runner.invoke("audit", "verify")`."""
    from tests.support.cli import AppRunner

    return AppRunner(app)


@pytest.fixture
def hub_state(app):
    return app.extensions["hub"]


class LiveHub:
    """The app served by waitress on 127.0.0.1, with a requests session."""

    def __init__(self, app):
        from hub.ops.serving import BackgroundServer

        self.app = app
        self.server = BackgroundServer(app)
        self.url = self.server.url
        self.http = requests.Session()

    def key(self, role: str = "ingest", name: str | None = None) -> str:
        from hub.accounts.api_clients import create_client
        from hub.storage.db import transaction

        with transaction(self.app.extensions["hub"].session_factory) as session:
            _, key = create_client(session, name=name or f"{role}-{uuid.uuid4().hex[:6]}", role=role, actor="test")
        return key

    def request(self, method: str, path: str, key: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return self.http.request(method, self.url + path, headers=headers, timeout=HTTP_TIMEOUT, **kwargs)

    def close(self):
        self.http.close()
        self.server.close()


@pytest.fixture
def live(app):
    hub = LiveHub(app)
    yield hub
    hub.close()


def interview_result(**overrides) -> dict:
    """A valid InterviewResult with ready scores; override any top-level field."""
    document = {
        "external_id": f"iv-{uuid.uuid4().hex[:10]}",
        "job_code": "SALES-REP",
        "candidate": {
            "external_id": "wx-openid-9f3a",
            "name": "王小明",
            "phone": "+86 138 0013 8000",
            "email": "xiaoming@example.com",
        },
        "scores": {
            "source": "acme-ai",
            "model": "sales",
            "dimensions": {
                "communication": 92,
                "stress_tolerance": 75,
                "customer_orientation": 88,
                "teamwork": 70,
                "responsibility": 91,
            },
        },
        "preferences": {"work_schedule": "flexible"},
        "consent": {"notice_version": "2026-09", "given_at": "2026-11-20T09:30:00+08:00"},
    }
    document.update(overrides)
    return document
