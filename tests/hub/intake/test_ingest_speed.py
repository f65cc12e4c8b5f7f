"""Ingest's speed-ups keep their promises: a cached key lookup still honours revocation and expiry within seconds,
and on SQLite no read transaction stays open through a write, so the WAL starts again and stays small."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import hub_config, interview_result

CACHE_SECONDS = 2.0


@pytest.fixture
def app_config(tmp_path, database_url) -> dict:
    return hub_config(tmp_path, database_url, HUB_API_KEY_CACHE_SECONDS=str(CACHE_SECONDS))


def post(live, key, document=None):
    return live.request("POST", "/api/v1/results", key, json=document or interview_result())


def other_process_engine(app):
    """An engine of its own, as another hub process (or an operator's SQL) would write through."""
    url = str(app.extensions["hub"].engine.url.render_as_string(hide_password=False))
    return create_engine(url)


def refused_within(live, key, seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        response = post(live, key)
        if response.status_code == 401:
            return time.monotonic() - started
        assert response.status_code == 202, response.text
        time.sleep(0.1)
    raise AssertionError(f"the key still worked {seconds} s later")


def test_a_key_revoked_by_another_process_is_refused_within_the_cache_time(live, app):
    key = live.key("ingest", name="frontend-cached")
    assert post(live, key).status_code == 202  # looked up, and now cached
    engine = other_process_engine(app)
    with engine.begin() as connection:
        connection.execute(text("UPDATE api_clients SET revoked_at = CURRENT_TIMESTAMP WHERE name = 'frontend-cached'"))
    engine.dispose()
    took = refused_within(live, key, CACHE_SECONDS + 3)
    assert took <= CACHE_SECONDS + 1.5
    assert "revoked" in post(live, key).json()["title"].lower()


def test_a_key_revoked_in_this_process_is_refused_at_once(live, app):
    from hub.accounts.api_clients import revoke_client
    from hub.storage.db import transaction

    key = live.key("ingest", name="frontend-here")
    assert post(live, key).status_code == 202
    with transaction(app.extensions["hub"].session_factory) as session:
        revoke_client(session, name="frontend-here", actor="test")
    assert post(live, key).status_code == 401


def test_a_cached_key_past_its_expiry_is_refused(live, app):
    from hub.accounts.api_clients import create_client
    from hub.storage.db import transaction
    from hub.storage.models import utcnow

    with transaction(app.extensions["hub"].session_factory) as session:
        _, key = create_client(
            session, name="short-lived", role="ingest", actor="test", expires_at=utcnow() + timedelta(seconds=1)
        )
    assert post(live, key).status_code == 202
    time.sleep(1.2)
    response = post(live, key)
    assert response.status_code == 401 and "expired" in response.json()["title"].lower()


def test_a_wrong_key_is_never_cached_as_right(live):
    key = live.key("ingest")
    assert post(live, key).status_code == 202
    assert post(live, key[:-2] + ("AA" if not key.endswith("AA") else "BB")).status_code == 401


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_sqlite_wal_starts_again_and_stays_small(live, app, tmp_path):
    """2,100 ingests once left a 198 MB WAL: the key lookup's read transaction stayed open through every write."""
    database = app.extensions["hub"].engine.url.database
    key = live.key("ingest")
    written = 0

    def one(_):
        nonlocal written
        document = interview_result(
            candidate={"external_id": f"c-{os.urandom(6).hex()}", "name": "某某"},
            answers=[{"question_id": "q1", "text": "x" * 2000}],
        )
        assert post(live, key, document).status_code == 202
        written += 1

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(400)))
    # Under a burst the WAL may grow while readers overlap; once the burst is over the next writes start it again
    # and it is cut back (journal_size_limit). A WAL that never starts again keeps growing here.
    for _ in range(3):
        one(None)
    wal = os.path.getsize(database + "-wal")
    database_size = os.path.getsize(database)
    assert written == 403
    assert database_size > 2 * 1024 * 1024  # enough was written that a WAL never reset would be larger than this
    assert wal <= 8 * 1024 * 1024, f"WAL {wal} bytes for a {database_size}-byte database"


def test_a_status_poll_answers_304_to_its_etag_and_queued_results_say_when_to_look_again(live, hub_state):
    import json
    from pathlib import Path

    key = live.key()
    root = Path(__file__).resolve().parents[3]
    with_answers = json.loads((root / "examples" / "results" / "zh-sales-answers.json").read_text(encoding="utf-8"))
    with_answers.pop("decision", None)
    queued = post(live, key, with_answers).json()
    first = live.request("GET", queued["links"]["self"], key)
    assert first.status_code == 200 and first.json()["status"] == "queued"
    assert first.headers["Retry-After"] == "2"
    etag = first.headers["ETag"]
    again = live.request("GET", queued["links"]["self"], key, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag

    scored = post(live, key).json()
    answer = live.request("GET", scored["links"]["self"], key)
    assert answer.status_code == 200 and "Retry-After" not in answer.headers
    assert answer.headers["ETag"] != etag
    # A stale ETag gets the whole answer, and a change (a hire decision) changes the ETag.
    assert live.request("GET", scored["links"]["self"], key, headers={"If-None-Match": etag}).status_code == 200
    decided = live.request(
        "POST", scored["links"]["self"] + "/decision", key, json={"hired": False, "decided_by": "hr@example.com"}
    )
    assert decided.status_code == 201, decided.text
    after = live.request("GET", scored["links"]["self"], key, headers={"If-None-Match": answer.headers["ETag"]})
    assert after.status_code == 200 and after.json()["decision"]["hired"] is False


def test_a_status_poll_reads_in_one_query_whatever_the_number_of_jobs(live, app):
    """The result with its decision, its latest profile and their number, its jobs, and (issue 13) its consent record
    and human reviews: one outer-joined SELECT (it was five: result, profiles, jobs, consent record, reviews)."""
    from sqlalchemy import event

    key = live.key()
    result = post(live, key).json()
    statements: list[str] = []
    engines = {app.extensions["hub"].engine, app.extensions["hub"].read_session_factory.kw["bind"]}

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        live.request("GET", result["links"]["self"], key)  # the key's lookup is cached from the post
        assert live.request("GET", result["links"]["self"], key).status_code == 200
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 2 * 1, "\n".join(" ".join(s.split())[:150] for s in statements)


def test_the_one_query_status_view_equals_the_view_read_piece_by_piece(live, app, hub_state):
    """Three connectors (three jobs), three reviews, a decision and a second profile: the outer join multiplies rows
    (jobs x reviews) and the poll's view must still be exactly what the piece-by-piece view (the console's) says."""
    from hub.intake.views import load_for_view, result_view, status_view
    from tests.hub.delivery_support import add_rest_connector

    for name in ("hr-a", "hr-b", "hr-c"):
        add_rest_connector(hub_state, name, "http://127.0.0.1:9", events=["result.scored", "candidate.hired"])
    key = live.key()
    accepted = post(live, key).json()
    url = accepted["links"]["self"]
    for subject, action, extra in (
        ("score", "override", {"dimension": "communication", "value": 80}),
        ("recommendation", "confirm", {}),
        ("score", "confirm", {"dimension": "teamwork"}),
    ):
        body = {"subject": subject, "action": action, "reviewer": "李审核", "reason": "checked", **extra}
        assert live.request("POST", url + "/reviews", key, json=body).status_code == 201
    decided = live.request("POST", url + "/decision", key, json={"hired": True, "decided_by": "hr@example.com"})
    assert decided.status_code == 201, decided.text

    session = hub_state.session_factory()
    try:
        by_pieces = result_view(session, load_for_view(session, accepted["id"]))
    finally:
        session.close()
    session = hub_state.session_factory()
    try:
        in_one = status_view(session, accepted["id"]).view
        assert status_view(session, accepted["id"], client_id=-1) is None  # another client's key sees nothing
        assert status_view(session, "no-such-result") is None
    finally:
        session.close()
    assert len(in_one["sync"]) == 6 and len(in_one["human_review"]["reviews"]) == 3
    assert in_one == by_pieces
    assert live.request("GET", url, key).json() == by_pieces


def test_retry_after_grows_with_the_queue_ahead_of_a_result(live):
    """A result at the back of a burst is told to look again later than the first (no worker runs here, so
    everything stays queued): 2 s plus a second per 25 results due before it."""
    import json
    from pathlib import Path

    key = live.key()
    root = Path(__file__).resolve().parents[3]
    with_answers = json.loads((root / "examples" / "results" / "zh-sales-answers.json").read_text(encoding="utf-8"))
    with_answers.pop("decision", None)
    links = []
    for index in range(60):
        document = {**with_answers, "external_id": f"burst-{index}-{os.urandom(3).hex()}"}
        accepted = post(live, key, document)
        assert accepted.status_code == 202, accepted.text
        links.append(accepted.json()["links"]["self"])
    first, last = (live.request("GET", link, key) for link in (links[0], links[-1]))
    assert first.json()["status"] == last.json()["status"] == "queued"
    assert first.headers["Retry-After"] == "2"
    assert last.headers["Retry-After"] == str(2 + 59 // 25)


def test_the_cached_connector_list_follows_connectors_added_and_disabled(live, hub_state):
    """Ingest keeps the connector list between results; the version read with every lookup makes the next result
    see a connector added, and not see one disabled, at once."""
    from sqlalchemy import update

    from hub.storage.db import transaction
    from hub.storage.models import Connector
    from tests.hub.delivery_support import add_rest_connector

    def jobs_of(result_id: str) -> int:
        with hub_state.engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM sync_jobs WHERE result_id = :id"), {"id": result_id})

    key = live.key()
    assert jobs_of(post(live, key).json()["id"]) == 0  # no connector yet: the empty list is cached
    add_rest_connector(hub_state, "hr-new", "http://127.0.0.1:9", events=["result.scored"])
    assert jobs_of(post(live, key).json()["id"]) == 1
    with transaction(hub_state.session_factory) as session:
        session.execute(update(Connector).where(Connector.name == "hr-new").values(enabled=False))
    assert jobs_of(post(live, key).json()["id"]) == 0
