"""Models and migrations agree, on SQLite and PostgreSQL: autogenerate finds nothing to add, data from 0002 survives
0003, and every status column refuses a status its enum does not know, whoever writes it."""

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hub.storage.db import make_engine
from hub.storage.migrate import current_revision, downgrade, head_revision, upgrade
from hub.storage.models import Base
from hub.storage.statuses import STATUS_COLUMNS

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations" / "versions"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_migrations_match_the_models(app, hub_state):
    with hub_state.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def _migration(name: str):
    spec = importlib.util.spec_from_file_location(name, MIGRATIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_checks_the_values_the_enums_hold():
    """0003 writes its value lists out; they are the enums' values, so models and database agree."""
    checks = _migration("0003_status_checks").CHECKS
    assert set(checks) == set(STATUS_COLUMNS)
    for column, enum in STATUS_COLUMNS.items():
        assert set(checks[column]) == {member.value for member in enum}, column


def _seed_0002(connection) -> None:
    """One row in every table with a status column, written as a hub at revision 0002 wrote it."""
    tables = sa.MetaData()
    tables.reflect(connection)

    def insert(table, **values):
        connection.execute(tables.tables[table].insert().values(**values))

    insert(
        "api_clients",
        id=1,
        name="小程序后端",
        role="ingest",
        key_prefix="hh_live_abc",
        key_hash="0" * 64,
        created_at=NOW,
    )
    insert(
        "candidates",
        id="c-1",
        client_id=1,
        external_id="wx-openid-1",
        pii="enc1:x:AAAA",
        email_index="f" * 64,
        created_at=NOW,
    )
    insert(
        "interview_results",
        id="r-1",
        client_id=1,
        external_id="iv-1",
        candidate_id="c-1",
        job_code="SALES-REP",
        body_sha256="0" * 64,
        status="scored",
        payload="enc1:x:AAAA",
        scoring_attempts=0,
        created_at=NOW,
        updated_at=NOW,
    )
    insert(
        "connectors",
        id=1,
        name="sf-goals",
        type="rest",
        config="enc1:x:AAAA",
        mapping="successfactors-goal",
        settings={},
        events=["candidate.hired"],
        enabled=True,
        max_concurrency=4,
        breaker_state="half_open",
        breaker_failures=3,
        created_at=NOW,
        updated_at=NOW,
    )
    insert(
        "sync_jobs",
        id="j-1",
        connector_id=1,
        result_id="r-1",
        event="candidate.hired",
        status="dead",
        attempts=8,
        last_error="HTTP 503",
        created_at=NOW,
        updated_at=NOW,
    )
    insert("delivery_attempts", id=1, job_id="j-1", number=1, outcome="retryable", status_code=503, started_at=NOW)


def test_upgrade_from_0002_keeps_the_data_and_checks_every_status(database_url):
    engine = make_engine(database_url)
    try:
        upgrade(engine, "0002")
        with engine.begin() as connection:
            _seed_0002(connection)
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            assert connection.execute(
                sa.text("SELECT status, attempts, last_error, skip_reason FROM sync_jobs")
            ).one() == ("dead", 8, "HTTP 503", None)
            assert connection.execute(sa.text("SELECT breaker_state, breaker_failures FROM connectors")).one() == (
                "half_open",
                3,
            )
            assert connection.execute(sa.text("SELECT status FROM interview_results")).scalar() == "scored"
            assert connection.execute(sa.text("SELECT outcome FROM delivery_attempts")).scalar() == "retryable"
        columns = {column["name"] for column in sa.inspect(engine).get_columns("candidates")}
        assert "email_index" not in columns and {"pii", "external_id"} <= columns

        for (table, column), enum in STATUS_COLUMNS.items():
            with engine.begin() as connection:  # every value of the enum is allowed...
                for member in enum:
                    connection.execute(sa.text(f"UPDATE {table} SET {column} = :value"), {"value": member.value})
            for bad in ("lost", "Delivered", ""):  # ...and nothing else, not even a value in another case
                with pytest.raises(sa.exc.IntegrityError, match=f"ck_{table}_{column}"), engine.begin() as connection:
                    connection.execute(sa.text(f"UPDATE {table} SET {column} = :value"), {"value": bad})

        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE sync_jobs SET status = 'skipped', skip_reason = 'policy produced no goals'")
            )
        downgrade(engine, "0002")  # and back: a skipped job is what 0002 called it
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT status FROM sync_jobs")).scalar() == "delivered"
            connection.execute(sa.text("UPDATE connectors SET breaker_state = 'lost'"))  # no CHECK at 0002
        assert "email_index" in {column["name"] for column in sa.inspect(engine).get_columns("candidates")}
    finally:
        engine.dispose()


def test_a_0002_row_with_an_unknown_status_stops_the_upgrade(database_url):
    """A status no code knows is a fault to look at, not something to carry into a checked column."""
    engine = make_engine(database_url)
    try:
        upgrade(engine, "0002")
        with engine.begin() as connection:
            _seed_0002(connection)
            connection.execute(sa.text("UPDATE sync_jobs SET status = 'deliverd'"))
        with pytest.raises(sa.exc.IntegrityError):
            upgrade(engine)
        assert current_revision(engine) == "0002"
    finally:
        engine.dispose()


def test_the_models_refuse_a_status_before_the_database_does(app, hub_state):
    from hub.storage.models import Connector

    with hub_state.session_factory() as session:
        session.add(
            Connector(name="x", type="rest", config={}, mapping="generic-rest", events=[], breaker_state="ajar")
        )
        with pytest.raises(sa.exc.StatementError, match="'ajar' is not a valid BreakerState"):
            session.flush()
