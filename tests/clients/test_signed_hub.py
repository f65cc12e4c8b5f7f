"""The client's signatures against the hub's own verification (signed API clients: `hris-hub clients create
--signed`), retries included: every attempt is signed afresh, so the hub's replay cache of webhook ids never
refuses a retry, and the Idempotency-Key still makes it one result. Runs once the hub has signed clients."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import text

import hris_hub_client as hh
from tests.conftest import interview_result


@pytest.fixture
def signed_client(live):
    """(key, signing secret) of an ingest client that must sign, made with the CLI as HR IT would."""
    from hub.cli import main
    from tests.support.cli import invoke

    create = main.commands["clients"].commands["create"]
    if "signed" not in {param.name for param in create.params}:
        pytest.skip("this hub has no signed API clients (`hris-hub clients create --signed`)")
    made = invoke(
        live.app,
        "clients",
        "create",
        "--name",
        f"backend-{uuid.uuid4().hex[:6]}",
        "--role",
        "ingest",
        "--signed",
        "--json",
    )
    assert made.exit_code == 0, made.output
    out = json.loads(made.output)
    return out["key"], out["signing_secret"]


def test_the_hub_accepts_the_clients_signatures_and_its_retries(live, proxy, hub_state, signed_client):
    key, secret = signed_client
    retry = hh.RetryPolicy(attempts=4, backoff=0.05, jitter=0)
    with hh.HubClient(proxy.url, key, signing_secret=secret, retry=retry) as hub:
        first = hub.post_result(interview_result())
        assert hub.get_result(first.id)["status"] == "scored"
        proxy.fail("drop")  # the hub verified and recorded the first attempt's webhook-id, the answer is lost
        again = hub.post_result(interview_result())
        assert again.attempts == 2 and again.replayed is True
        assert hub.upload_resume("c-1", b"Sales manager, 5 years.\n", filename="cv.txt")["id"]
        assert hub.hire(first.id, decided_by="hr.li@example.com").created is True
    with hub_state.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM interview_results")) == 2
    with hh.HubClient(live.url, key, retry=retry) as unsigned, pytest.raises(hh.SignatureRefused) as refused:
        unsigned.post_result(interview_result())
    assert refused.value.status == 401 and refused.value.reason and refused.value.attempts == 1
    wrong = "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
    with hh.HubClient(live.url, key, signing_secret=wrong, retry=retry) as forged:
        with pytest.raises(hh.SignatureRefused):
            forged.get_result(first.id)
