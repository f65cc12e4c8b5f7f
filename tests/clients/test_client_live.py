"""hris_hub_client against the real hub over loopback HTTP: posting, status, decisions, resumes, paging, typed
errors, and retries through a proxy that fails on cue (tests/clients/faulty_proxy.py) or a TCP proxy cut and
restored (tests/hub/tcp_proxy.py)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import text

import hris_hub_client as hh
from tests.conftest import interview_result
from tests.hub.tcp_proxy import TcpProxy


def count(hub_state, table: str) -> int:
    with hub_state.engine.connect() as connection:
        return connection.scalar(text(f"SELECT count(*) FROM {table}"))


# -- posting and status -------------------------------------------------------------------------------------------


def test_post_result_then_read_its_status(hub_client):
    hub = hub_client("ingest")
    document = interview_result()
    submitted = hub.post_result(document)
    assert submitted.status == "scored" and submitted.replayed is False and submitted.attempts == 1
    assert submitted.accepted["external_id"] == document["external_id"]
    assert submitted.accepted["links"]["self"] == f"/api/v1/results/{submitted.id}"
    status = hub.get_result(submitted.id)
    assert status["status"] == "scored"
    assert status["profile"]["dimensions"]["communication"]["score"] == 92
    assert hub.wait_for_result(submitted.id, timeout=5)["id"] == submitted.id


def test_the_same_key_twice_replays_the_first_answer_and_stores_one_result(hub_client, hub_state):
    hub = hub_client("ingest")
    document = interview_result()
    first = hub.post_result(document, idempotency_key="order-42")
    again = hub.post_result(document, idempotency_key="order-42")
    assert again.replayed is True and again.accepted == first.accepted
    assert count(hub_state, "interview_results") == 1
    with pytest.raises(hh.Conflict) as conflict:  # the same key with another body
        hub.post_result(interview_result(), idempotency_key="order-42")
    assert conflict.value.status == 409 and "Idempotency-Key" in (conflict.value.detail or "")
    assert count(hub_state, "interview_results") == 1


def test_a_lost_answer_is_retried_under_the_same_key_and_stored_once(hub_client, proxy, hub_state):
    """The hub stores the result, the connection drops before the answer arrives: the retry carries the same
    Idempotency-Key, the hub replays its first answer, and there is one result."""
    hub = hub_client("ingest", url=proxy.url)
    proxy.fail("drop")
    submitted = hub.post_result(interview_result())
    assert submitted.attempts == 2 and submitted.replayed is True
    posts = proxy.requests_to("/api/v1/results")
    assert [seen.action for seen in posts] == ["drop", "forward"]
    keys = {seen.headers["Idempotency-Key"] for seen in posts}
    assert keys == {submitted.idempotency_key}
    assert count(hub_state, "interview_results") == 1
    assert hub.get_result(submitted.id)["status"] == "scored"


def test_each_call_has_its_own_key(hub_client, proxy):
    hub = hub_client("ingest", url=proxy.url)
    a, b = hub.post_result(interview_result()), hub.post_result(interview_result())
    assert a.idempotency_key != b.idempotency_key and a.id != b.id
    uuid.UUID(a.idempotency_key)  # a UUID unless the caller gives one


# -- typed problems -----------------------------------------------------------------------------------------------


def test_a_validation_error_is_typed_and_carries_its_pointers(hub_client, proxy):
    hub = hub_client("ingest", url=proxy.url)
    bad = interview_result(candidate={"external_id": "c-1", "email": "not an email"}, job_code="bad code!")
    with pytest.raises(hh.ValidationFailed) as raised:
        hub.post_result(bad)
    error = raised.value
    assert isinstance(error, hh.ProblemError) and error.status == 422 and error.slug == "validation-failed"
    assert error.type == "https://hris-hub.dev/problems/validation-failed"
    assert {"/candidate/email", "/job_code"} <= set(error.pointers)
    assert all(isinstance(item, hh.FieldError) and item.message for item in error.errors)
    assert error.title and error.request_id
    assert error.attempts == 1 and len(proxy.requests_to("/api/v1/results")) == 1  # a 4xx is never retried


def test_other_problems_are_their_own_classes(hub_client, live):
    hub = hub_client("ingest")
    with pytest.raises(hh.NotFound) as missing:
        hub.get_result("no-such-result")
    assert missing.value.status == 404
    with pytest.raises(hh.Unauthorized):
        hh.HubClient(live.url, "hh_0123456789ab_wrong").get_result("x")
    with pytest.raises(hh.Forbidden):
        next(hub.audit())  # an ingest key may not read the audit trail
    with pytest.raises(hh.BadPathParameter) as bad_path:
        hub.get_result("x" * 201)
    assert bad_path.value.pointers == ["{result_id}"]
    with pytest.raises(hh.BadQuery) as bad_query:
        next(hub_client("auditor").audit(page_size=0))
    assert bad_query.value.pointers == ["?limit"]
    with pytest.raises(hh.BadIdempotencyKey) as bad_key:
        hub.post_result(interview_result(), idempotency_key="two words")
    assert bad_key.value.pointers == ["header:Idempotency-Key"]
    submitted = hub.post_result(interview_result(external_id="iv-fixed"))
    with pytest.raises(hh.Conflict) as conflict:
        hub.post_result(interview_result(external_id="iv-fixed", job_code="OTHER"))
    assert conflict.value.existing and conflict.value.existing["id"] == submitted.id


# -- decisions ----------------------------------------------------------------------------------------------------


def test_a_decision_is_recorded_once(hub_client):
    hub = hub_client("ingest")
    submitted = hub.post_result(interview_result())
    hired = hub.hire(
        submitted.id, decided_by="hr.li@example.com", employee_ids={"default": "E10023"}, start_date="2027-01-04"
    )
    assert hired.created is True and hired.decision["hired"] is True
    assert hired.decision["employee_ids"] == {"default": "E10023"} and hired.decision["start_date"] == "2027-01-04"
    again = hub.decide(
        submitted.id,
        {
            "hired": True,
            "decided_by": "hr.li@example.com",
            "employee_ids": {"default": "E10023"},
            "start_date": "2027-01-04",
        },
    )
    assert again.created is False
    with pytest.raises(hh.Conflict):
        hub.reject(submitted.id, decided_by="hr.wang@example.com")
    assert hub.get_result(submitted.id)["decision"]["hired"] is True
    rejected = hub.post_result(interview_result())
    assert hub.reject(rejected.id, decided_by="hr.li@example.com", note="another candidate").created is True
    with pytest.raises(hh.ValidationFailed) as invalid:
        hub.decide(rejected.id, {"hired": "yes", "decided_by": "x"})
    assert "/hired" in invalid.value.pointers


# -- resumes, erasure, probes -------------------------------------------------------------------------------------


RESUME = "王小明\nxiaoming@example.com\n销售经理 5年\nSales manager, 5 years of B2B sales.\n".encode()


def test_upload_a_resume_and_erase_the_candidate(hub_client, tmp_path):
    hub = hub_client("ingest")
    parsed = hub.upload_resume("wx-openid-9f3a", RESUME, filename="cv.txt")
    assert parsed["candidate"] == {"external_id": "wx-openid-9f3a"} and parsed["id"]
    path = tmp_path / "cv2.txt"
    path.write_bytes(RESUME)
    assert hub.upload_resume("wx-openid-9f3a", path)["id"] != parsed["id"]
    with path.open("rb") as handle:
        assert hub.upload_resume("wx-openid-9f3a", handle)["id"]
    with pytest.raises(hh.ResumeUnreadable) as unreadable:  # an empty file
        hub.upload_resume("wx-openid-9f3a", b"", filename="empty.txt")
    assert unreadable.value.status in (415, 422) and unreadable.value.slug.startswith("resume-")
    erased = hub.erase_candidate("wx-openid-9f3a")
    assert erased["erased"] is True and erased["resumes"] == 3


def test_a_resume_upload_is_not_retried_once_the_hub_may_have_stored_it(hub_client, proxy, hub_state):
    hub = hub_client("ingest", url=proxy.url)
    proxy.fail("drop")
    with pytest.raises(hh.TransportError) as lost:
        hub.upload_resume("c-7", RESUME, filename="cv.txt")
    assert lost.value.attempts == 1
    assert count(hub_state, "resumes") == 1  # stored once, and the client did not send it again
    proxy.fail("503")  # a 503 says nothing was stored: that is retried
    assert hub.upload_resume("c-7", RESUME, filename="cv.txt")["id"]
    assert [s.action for s in proxy.requests_to("/api/v1/candidates/")] == ["drop", "503", "forward"]
    assert count(hub_state, "resumes") == 2


def test_probes_and_schemas(hub_client):
    hub = hub_client("ingest")
    assert hub.health() == {"status": "ok"}
    ready = hub.ready()
    assert ready["status"] == "ok" and ready["migrations"]["current"] == ready["migrations"]["head"]
    assert hub.schema("interview-result")["title"] == "InterviewResult"


# -- paging -------------------------------------------------------------------------------------------------------


def test_the_audit_trail_is_paged_in_chain_order(hub_client, live, proxy):
    ingest = hub_client("ingest")
    for _ in range(4):
        ingest.post_result(interview_result())
    auditor = hub_client("auditor", url=proxy.url)
    everything = live.request("GET", "/api/v1/audit?limit=1000", live.key("auditor")).json()["items"]
    assert len(everything) >= 7  # the keys made, and the four results
    paged = list(auditor.audit(page_size=2))
    assert paged == everything
    pages = proxy.requests_to("/api/v1/audit")
    assert len(pages) == -(-len(everything) // 2)  # one request per page of 2, following `next`
    assert "after=" not in pages[0].path and f"after={paged[1]['seq']}" in pages[1].path
    later = list(auditor.audit(after=paged[2]["seq"], page_size=3))
    assert later == paged[3:]
    received = list(auditor.audit(action="result.received", page_size=1))
    assert len(received) == 4 and {e["action"] for e in received} == {"result.received"}


def test_the_sync_log_is_paged_newest_first(hub_client, live, proxy):
    admin = live.key("admin")
    for name in ("hr-a", "hr-b"):
        created = live.request(
            "POST",
            "/api/v1/connectors",
            admin,
            json={
                "name": name,
                "type": "rest",
                "mapping": "generic-rest",
                "events": ["result.scored"],
                "config": {"base_url": "http://127.0.0.1:1", "auth": {"type": "bearer", "token": "t"}},
            },
        )
        assert created.status_code == 201, created.text
    ingest = hub_client("ingest")
    for _ in range(3):
        ingest.post_result(interview_result())
    auditor = hub_client("auditor", url=proxy.url)
    jobs = list(auditor.sync_jobs(page_size=2))
    assert len(jobs) == 6 and len({job["job_id"] for job in jobs}) == 6
    assert [job["created_at"] for job in jobs] == sorted((job["created_at"] for job in jobs), reverse=True)
    assert len(proxy.requests_to("/api/v1/sync-jobs")) == 3
    assert "before=" in proxy.requests_to("/api/v1/sync-jobs")[1].path
    one = list(auditor.sync_jobs(connector="hr-b", page_size=2))
    assert len(one) == 3 and {job["connector"] for job in one} == {"hr-b"}
    detail = auditor.sync_job(jobs[0]["job_id"])
    assert detail["job_id"] == jobs[0]["job_id"] and detail["attempts_log"] == []  # no worker runs here


# -- retries ------------------------------------------------------------------------------------------------------


def test_a_503_is_retried_after_its_retry_after(hub_client, proxy, hub_state):
    hub = hub_client("ingest", url=proxy.url)
    proxy.fail("503", "503")
    started = time.monotonic()
    submitted = hub.post_result(interview_result())
    assert submitted.attempts == 3 and time.monotonic() - started >= 2.0  # Retry-After: 1, twice
    assert count(hub_state, "interview_results") == 1
    assert len({s.headers["Idempotency-Key"] for s in proxy.requests_to("/api/v1/results")}) == 1


def test_429_and_5xx_are_retried_with_backoff_and_4xx_never(hub_client, proxy):
    waits = []
    policy = hh.RetryPolicy(attempts=5, backoff=0.5, jitter=0.25, max_delay=1.5)
    hub = hub_client("ingest", url=proxy.url, retry=policy, sleep=waits.append)
    proxy.fail("500", "500", "500")
    assert hub.post_result(interview_result()).attempts == 4
    assert 0.5 <= waits[0] <= 0.75 and 1.0 <= waits[1] <= 1.25 and waits[2] == 1.5  # doubling, at most max_delay
    waits.clear()
    proxy.fail("429")
    assert hub.get_result(hub.post_result(interview_result()).id)["status"] == "scored"
    assert waits == [1.0]  # the 429's Retry-After: 1
    waits.clear()
    proxy.fail("500")  # a resume upload may have been stored before a 500: not sent again
    with pytest.raises(hh.InternalError) as failed:
        hub.upload_resume("c-5", RESUME, filename="cv.txt")
    assert failed.value.attempts == 1 and waits == []
    before = len(proxy.seen)
    with pytest.raises(hh.NotFound):
        hub.get_result("nope")
    assert len(proxy.seen) == before + 1 and waits == []


def test_a_retry_after_longer_than_the_policy_allows_is_raised_not_waited_for(hub_client, live):
    with FaultyProxyAt(live.url, retry_after="120") as proxy:
        hub = hub_client("ingest", url=proxy.url, retry=hh.RetryPolicy(attempts=4, max_delay=10))
        proxy.fail("503")
        started = time.monotonic()
        with pytest.raises(hh.DatabaseUnavailable) as busy:
            hub.post_result(interview_result())
        assert busy.value.retry_after == 120 and busy.value.attempts == 1 and time.monotonic() - started < 5


def test_retries_stop_at_the_limit(hub_client, proxy):
    hub = hub_client("ingest", url=proxy.url, retry=hh.RetryPolicy(attempts=3, backoff=0.01, jitter=0))
    proxy.fail("reset", "reset", "reset", "reset")
    with pytest.raises(hh.TransportError) as exhausted:
        hub.post_result(interview_result())
    assert exhausted.value.attempts == 3 and len(proxy.requests_to("/api/v1/results")) == 3
    assert hub.post_result(interview_result()).attempts == 2  # the fourth reset, then through


def test_a_connection_cut_and_restored_is_retried(hub_client, live, hub_state):
    host_port = live.url.rsplit(":", 1)
    tcp = TcpProxy("127.0.0.1", int(host_port[1]))
    try:
        hub = hub_client(
            "ingest",
            url=f"http://127.0.0.1:{tcp.port}",
            retry=hh.RetryPolicy(attempts=8, backoff=0.1, jitter=0, max_delay=1),
        )
        assert hub.health() == {"status": "ok"}
        tcp.cut()
        threading.Timer(0.5, tcp.restore).start()
        submitted = hub.post_result(interview_result())
        assert submitted.attempts >= 2 and submitted.status == "scored"
        assert count(hub_state, "interview_results") == 1
    finally:
        tcp.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_the_hubs_own_503_while_its_database_is_away_is_retried(tmp_path, postgres_schema_url):
    """The real hub answers 503 database-unavailable (Retry-After: 5) while its PostgreSQL is cut off; the client
    waits as told and the result is stored once the database is back."""
    from urllib.parse import urlsplit, urlunsplit

    from hub import create_app
    from hub.storage.migrate import upgrade
    from tests.conftest import LiveHub, hub_config

    parts = urlsplit(postgres_schema_url)
    database = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    netloc = f"{parts.username or ''}{'@' if parts.username else ''}127.0.0.1:{database.port}"
    app = create_app(hub_config(tmp_path, urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))))
    upgrade(app.extensions["hub"].engine)
    live = LiveHub(app)
    try:
        hub = hh.HubClient(live.url, live.key(), retry=hh.RetryPolicy(attempts=3, max_delay=10))
        database.cut()
        threading.Timer(1.0, database.restore).start()
        started = time.monotonic()
        submitted = hub.post_result(interview_result())
        assert submitted.attempts == 2 and time.monotonic() - started >= 5  # its Retry-After: 5
        with app.extensions["hub"].engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM interview_results")) == 1
    finally:
        live.close()
        database.close()
        app.extensions["hub"].dispose()


def FaultyProxyAt(url: str, retry_after: str):
    from tests.clients.faulty_proxy import FaultyProxy

    return FaultyProxy(url, retry_after=retry_after)


# -- signing on the wire ------------------------------------------------------------------------------------------


def test_signed_requests_carry_a_signature_over_the_bytes_sent(hub_client, proxy):
    from standardwebhooks import Webhook

    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    hub = hub_client("ingest", url=proxy.url, signing_secret=secret)
    proxy.fail("503")  # each attempt is signed afresh
    hub.post_result(interview_result())
    attempts = proxy.requests_to("/api/v1/results")
    assert len(attempts) == 2
    for seen in attempts:
        headers = {k.lower(): v for k, v in seen.headers.items()}
        Webhook(secret).verify(seen.body, headers)  # the reference implementation accepts what was sent
        assert headers["webhook-signature"].startswith("v1,")
    assert attempts[0].headers["webhook-id"] != attempts[1].headers["webhook-id"]
    hub.upload_resume("c-9", RESUME, filename="cv.txt")
    upload = proxy.requests_to("/api/v1/candidates/")[-1]
    from hris_hub_client.signing import decode_secret, signature

    expected = signature(
        decode_secret(secret), upload.headers["webhook-id"], int(upload.headers["webhook-timestamp"]), upload.body
    )
    assert upload.headers["webhook-signature"] == expected and b"Sales manager" in upload.body
