"""Helpers for delivery tests: connectors pointing at a receiver, hires, workers in-process and as processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from hub.accounts.api_clients import Caller, create_client
from hub.delivery import connector_admin
from hub.delivery.worker import Worker
from hub.intake import ingest
from hub.intake.decisions import record
from hub.storage.db import transaction
from hub.storage.models import InterviewResult, SyncJob
from tests.conftest import interview_result

FAST_SCHEDULE = [0.2, 0.2, 0.2, 0.2]
ROOT = Path(__file__).resolve().parents[2]


def add_rest_connector(state, name: str, base_url: str, **overrides):
    spec = {
        "name": name,
        "type": "rest",
        "mapping": "generic-rest",
        "events": ["candidate.hired"],
        "config": {
            "base_url": base_url,
            "timeouts": {"connect": 1, "read": 2},
            "webhook_secret": "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        },
        "retry_schedule": FAST_SCHEDULE,
        **overrides,
    }
    with transaction(state.session_factory) as session:
        connector_admin.add(session, spec, actor="test", settings=state.settings)


def caller(state) -> Caller:
    with transaction(state.session_factory) as session:
        client, _ = create_client(session, name=f"c-{os.urandom(3).hex()}", role="ingest", actor="test")
        return Caller(client.id, client.name, client.role)


def hire(state, who: Caller, count: int = 1, **result_overrides) -> list[str]:
    """Post `count` scored results and hire each; returns the result ids."""
    ids = []
    for _ in range(count):
        accepted = ingest.ingest(state.session_factory, who, interview_result(**result_overrides), None)
        with transaction(state.session_factory) as session:
            result = session.get(InterviewResult, accepted.body["id"])
            record(
                session,
                result,
                {
                    "hired": True,
                    "decided_by": "hr@example.com",
                    "employee_ids": {"default": f"E{len(ids) + 1:05d}"},
                    "start_date": "2027-01-04",
                },
                actor="test",
            )
        ids.append(accepted.body["id"])
    return ids


def run_worker(state, *, max_seconds: float = 60, **kwargs) -> Worker:
    worker = Worker(state, **kwargs)
    worker.run(until_idle=True, max_seconds=max_seconds)
    return worker


def jobs(state, **where) -> list[SyncJob]:
    with state.read_session_factory() as session:
        query = select(SyncJob)
        for key, value in where.items():
            query = query.where(getattr(SyncJob, key) == value)
        found = session.scalars(query).all()
        for job in found:
            _ = job.attempts_log, job.connector
        return found


def worker_process(config: dict, *args: str, **popen) -> subprocess.Popen:
    """`hris-hub worker` as a real process with the test app's settings."""
    env = {**os.environ, **{k: str(v) for k, v in config.items() if k.startswith("HUB_")}}
    return subprocess.Popen(
        [sys.executable, "-m", "hub", "worker", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
