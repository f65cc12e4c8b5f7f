"""Scoring in batches, on threads and in processes of their own: each result scored once, none lost to a kill."""

from __future__ import annotations

import copy
import json
import os
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from hub.audit import chain
from hub.delivery.worker import Worker
from hub.intake import ingest, scoring_pool
from hub.storage.db import transaction
from hub.storage.models import AuditEntry, InterviewResult, Profile, utcnow
from hub.storage.statuses import ResultStatus
from tests.conftest import ROOT, hub_config
from tests.hub.delivery_support import caller, worker_process


def examples() -> list[dict]:
    found = []
    for name in ("zh-sales-answers.json", "en-rnd-answers.json"):
        document = json.loads((ROOT / "examples" / "results" / name).read_text(encoding="utf-8"))
        document.pop("decision", None)
        found.append(document)
    return found


def post_answers(state, count: int) -> list[str]:
    """`count` results with answers to score, each its own candidate; their ids."""
    who, templates, ids = caller(state), examples(), []
    for index in range(count):
        document = copy.deepcopy(templates[index % 2])
        document["external_id"] = f"pool-{os.urandom(4).hex()}-{index}"
        document["candidate"]["external_id"] = f"pool-cand-{os.urandom(4).hex()}-{index}"
        accepted = ingest.ingest(state.session_factory, who, document, None)
        assert accepted.body["status"] == "queued"
        ids.append(accepted.body["id"])
    return ids


def profiles_per_result(state, ids: list[str]) -> dict[str, int]:
    with state.read_session_factory() as session:
        counts = dict(
            session.execute(
                select(Profile.result_id, func.count()).where(Profile.result_id.in_(ids)).group_by(Profile.result_id)
            ).all()
        )
    return {result_id: counts.get(result_id, 0) for result_id in ids}


def statuses(state, ids: list[str]) -> dict[str, str]:
    with state.read_session_factory() as session:
        return dict(
            session.execute(select(InterviewResult.id, InterviewResult.status).where(InterviewResult.id.in_(ids))).all()
        )


def chain_intact(state) -> bool:
    with state.read_session_factory() as session:
        return chain.verify(session).ok


@pytest.fixture
def short_lease_config(tmp_path, database_url):
    """Leases of 2 s and batches of 4, so a killed scorer's results come back within the test."""
    return hub_config(tmp_path, database_url, HUB_LEASE_SECONDS="2", HUB_SCORING_BATCH="4")


@pytest.fixture
def short_lease_state(short_lease_config):
    from hub import create_app
    from hub.storage.migrate import upgrade

    app = create_app(short_lease_config)
    upgrade(app.extensions["hub"].engine)
    yield app.extensions["hub"]
    app.extensions["hub"].dispose()


def test_a_batch_is_scored_and_written_together(hub_state):
    ids = post_answers(hub_state, 5)
    scorer = scoring_pool.Scorer(hub_state, worker_id="test", batch=8)
    assert scorer.score_batch() == 5
    assert set(statuses(hub_state, ids).values()) == {ResultStatus.SCORED}
    assert set(profiles_per_result(hub_state, ids).values()) == {1}
    with hub_state.read_session_factory() as session:
        created = session.scalars(select(AuditEntry).where(AuditEntry.action == "profile.created")).all()
        profile = session.scalars(select(Profile).where(Profile.result_id == ids[0])).one()
    assert sorted(e.object_id for e in created) == sorted(ids)
    assert profile.version == 1 and profile.source == "hris-hub-scoring" and profile.data["model"] in ("sales", "rnd")
    assert chain_intact(hub_state)
    assert scorer.score_batch() == 0  # nothing queued any more


def test_a_result_that_cannot_be_scored_stays_queued_and_holds_up_no_other(hub_state, monkeypatch):
    ids = post_answers(hub_state, 4)
    real = scoring_pool.scoring_engine.score_interview
    calls = {"n": 0}

    def second_one_breaks(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("engine bug")
        return real(*args, **kwargs)

    monkeypatch.setattr(scoring_pool.scoring_engine, "score_interview", second_one_breaks)
    assert scoring_pool.Scorer(hub_state, worker_id="test").score_batch() == 4
    found = statuses(hub_state, ids)
    stuck = [result_id for result_id, status in found.items() if status == ResultStatus.QUEUED]
    assert len(stuck) == 1 and sorted(found.values()).count(ResultStatus.SCORED) == 3
    with hub_state.read_session_factory() as session:
        result = session.get(InterviewResult, stuck[0])
        assert result.scoring_attempts == 1 and result.scoring_due_at > utcnow()  # back when its lease runs out
    monkeypatch.setattr(scoring_pool.scoring_engine, "score_interview", real)
    with transaction(hub_state.session_factory) as session:  # the lease runs out
        session.execute(update(InterviewResult).where(InterviewResult.id == stuck[0]).values(scoring_due_at=utcnow()))
    assert scoring_pool.Scorer(hub_state, worker_id="test").score_batch() == 1
    assert set(statuses(hub_state, ids).values()) == {ResultStatus.SCORED}


def test_a_scorer_that_outlived_its_lease_writes_nothing(hub_state):
    (result_id,) = post_answers(hub_state, 1)
    slow = scoring_pool.Scorer(hub_state, worker_id="slow")
    claimed, models = slow.claim(8)
    assert [c.id for c in claimed] == [result_id]
    with transaction(hub_state.session_factory) as session:  # its lease runs out before it is done
        session.execute(update(InterviewResult).where(InterviewResult.id == result_id).values(scoring_due_at=utcnow()))
    assert scoring_pool.Scorer(hub_state, worker_id="fast").score_batch() == 1
    assert slow.write([slow.compute(claimed[0], models)]) == 0
    assert profiles_per_result(hub_state, [result_id]) == {result_id: 1}
    with hub_state.read_session_factory() as session:
        assert session.get(InterviewResult, result_id).scoring_attempts == 2


def test_unknown_questions_fail_in_a_batch_beside_results_that_score(hub_state):
    ids = post_answers(hub_state, 2)
    document = examples()[1]
    document["answers"][0]["question_id"] = "no_such_question"
    bad = ingest.ingest(hub_state.session_factory, caller(hub_state), document, None).body["id"]
    scoring_pool.Scorer(hub_state, worker_id="test").score_batch()
    found = statuses(hub_state, [*ids, bad])
    assert found[bad] == ResultStatus.FAILED and {found[i] for i in ids} == {ResultStatus.SCORED}
    with hub_state.read_session_factory() as session:
        assert "question" in session.get(InterviewResult, bad).scoring_error
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == bad)).all()
    assert actions == ["result.received", "result.scoring_failed"]


def test_scoring_processes_score_every_result_exactly_once(short_lease_state):
    ids = post_answers(short_lease_state, 24)
    worker = Worker(short_lease_state, threads=1, scoring_processes=2)
    worker.run(until_idle=True, max_seconds=240)
    assert set(statuses(short_lease_state, ids).values()) == {ResultStatus.SCORED}
    assert set(profiles_per_result(short_lease_state, ids).values()) == {1}
    assert chain_intact(short_lease_state)


def _claimed_unwritten(state, ids: list[str]) -> list[str]:
    now = utcnow()
    with state.read_session_factory() as session:
        return list(
            session.scalars(
                select(InterviewResult.id).where(
                    InterviewResult.id.in_(ids),
                    InterviewResult.status == ResultStatus.QUEUED,
                    InterviewResult.scoring_attempts >= 1,
                    InterviewResult.scoring_due_at > now - timedelta(seconds=1),
                )
            )
        )


def test_a_scoring_process_killed_mid_batch_loses_nothing(short_lease_state):
    """Freeze the one scoring process while it holds claimed results, kill it: the worker starts another, which
    scores them once their 2 s leases run out; every result ends with one profile."""
    ids = post_answers(short_lease_state, 40)
    worker = Worker(short_lease_state, threads=1, scoring_processes=1)
    runner = threading.Thread(target=worker.run, kwargs=dict(until_idle=True, max_seconds=300), daemon=True)
    runner.start()
    orphans: list[str] = []
    killed = None
    while runner.is_alive() and killed is None:
        pids = worker.scoring_processes.pids() if worker.scoring_processes else []
        if not pids:
            time.sleep(0.05)
            continue
        os.kill(pids[0], signal.SIGSTOP)
        orphans = _claimed_unwritten(short_lease_state, ids)
        if orphans:
            os.kill(pids[0], signal.SIGKILL)
            killed = pids[0]
        else:
            os.kill(pids[0], signal.SIGCONT)
            time.sleep(0.02)
    assert killed is not None, "the scoring process finished before it could be caught holding a batch"
    runner.join(300)
    assert not runner.is_alive()
    assert set(statuses(short_lease_state, ids).values()) == {ResultStatus.SCORED}
    assert set(profiles_per_result(short_lease_state, ids).values()) == {1}
    with short_lease_state.read_session_factory() as session:
        attempts = dict(
            session.execute(
                select(InterviewResult.id, InterviewResult.scoring_attempts).where(InterviewResult.id.in_(orphans))
            ).all()
        )
    assert orphans and all(count >= 2 for count in attempts.values())  # claimed again after the kill
    assert chain_intact(short_lease_state)


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to find the scoring processes")
def test_sigterm_stops_the_worker_and_its_scoring_processes_cleanly(short_lease_config, short_lease_state):
    ids = post_answers(short_lease_state, 30)
    process = worker_process(short_lease_config, "--scoring-processes", "2")
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(
            s == ResultStatus.SCORED for s in statuses(short_lease_state, ids).values()
        ):
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.1)
        scorers = [pid for pid in _children(process.pid) if "spawn_main" in _cmdline(pid)]
        assert len(scorers) >= 2
        process.send_signal(signal.SIGTERM)
        assert process.wait(120) == 0
    finally:
        if process.poll() is None:
            process.kill()
    for pid in scorers:
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid)
    # Whatever was not written stays queued with no profile: nothing half-written.
    found, counts = statuses(short_lease_state, ids), profiles_per_result(short_lease_state, ids)
    assert all((found[i] == ResultStatus.SCORED) == (counts[i] == 1) for i in ids)
    assert all(counts[i] <= 1 for i in ids)
    assert chain_intact(short_lease_state)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return True
