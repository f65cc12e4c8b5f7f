"""Health probes, request ids, and a database that goes away."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import text

from tests.conftest import LiveHub, hub_config, interview_result
from tests.hub.tcp_proxy import TcpProxy


def test_healthz_and_readyz(live):
    assert live.request("GET", "/healthz").json() == {"status": "ok"}
    ready = live.request("GET", "/readyz")
    assert ready.status_code == 200
    assert ready.json()["migrations"]["current"] == ready.json()["migrations"]["head"]


def test_readyz_is_503_before_migrations(tmp_path):
    from hub import create_app

    app = create_app(hub_config(tmp_path, f"sqlite:///{tmp_path / 'fresh.sqlite'}"))
    hub = LiveHub(app)
    try:
        response = hub.request("GET", "/readyz")
        assert response.status_code == 503
        assert "db upgrade" in response.json()["detail"]
    finally:
        hub.close()


def test_unreachable_database_gives_503_not_500(tmp_path):
    from hub import create_app

    app = create_app(hub_config(tmp_path, "postgresql://nobody@127.0.0.1:1/none"))
    hub = LiveHub(app)
    try:
        assert hub.request("GET", "/readyz").status_code == 503
        response = hub.request("POST", "/api/v1/results", "hh_0123456789ab_x", json=interview_result())
        assert response.status_code == 503
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.headers["Retry-After"] == "5"
    finally:
        hub.close()


@pytest.mark.postgres
def test_database_going_down_mid_service_writes_nothing_half(tmp_path, postgres_schema_url):
    from hub import create_app
    from hub.storage.migrate import upgrade

    parts = urlsplit(postgres_schema_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    netloc = f"{parts.username or ''}{'@' if parts.username else ''}127.0.0.1:{proxy.port}"
    app = create_app(hub_config(tmp_path, urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))))
    engine = app.extensions["hub"].engine
    upgrade(engine)
    hub = LiveHub(app)
    try:
        key = hub.key()
        assert hub.request("POST", "/api/v1/results", key, json=interview_result()).status_code == 202
        proxy.cut()
        down = hub.request("POST", "/api/v1/results", key, json=interview_result())
        assert down.status_code == 503, down.text
        assert hub.request("GET", "/readyz").status_code == 503
        proxy.restore()
        later = hub.request("POST", "/api/v1/results", key, json=interview_result())
        assert later.status_code == 202, later.text
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM interview_results")) == 2
            assert connection.scalar(text("SELECT count(*) FROM profiles")) == 2
    finally:
        hub.close()
        proxy.close()
        engine.dispose()


def test_request_id_is_echoed_or_made(live):
    assert live.request("GET", "/healthz", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"] == "abc-123"
    assert len(live.request("GET", "/healthz").headers["X-Request-Id"]) == 32


def test_unknown_route_is_a_problem(live):
    response = live.request("GET", "/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/problem+json")
