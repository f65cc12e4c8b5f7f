"""Benchmark: what crypto-shredding (a data key per candidate, kept in a key store apart) costs.

In-process, without HTTP (bench/ingest.py measures the whole request): the hub's ingest function stores one scored
InterviewResult per call, with
- `master`: crypto-shredding off (every value under the master key, as before), for a new candidate each call and for
  the same candidate again,
- `new candidate`: each call a new candidate, so a data key is made, wrapped and stored in the key store,
- `known candidate`: the same candidate again, so the key is looked up in the key store (one indexed read);
the four interleaved call by call;
then the read of one stored result (profile and payload decrypted) with the unwrapped key cached and uncached, and
one erasure. Medians in milliseconds; prints a table, then one JSON line.

    python bench/shredding.py [--repeat 300] [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY_ROOT))

from sqlalchemy import select  # noqa: E402

from hub import create_app  # noqa: E402
from hub.accounts.api_clients import Caller, create_client  # noqa: E402
from hub.intake import ingest  # noqa: E402
from hub.privacy import shredding  # noqa: E402
from hub.privacy.erasure import erase  # noqa: E402
from hub.storage.db import transaction  # noqa: E402
from hub.storage.migrate import upgrade  # noqa: E402
from hub.storage.models import Candidate, InterviewResult  # noqa: E402
from tests.conftest import TEST_KEY, interview_result  # noqa: E402


def median_ms(durations: list[float]) -> float:
    return round(statistics.median(durations) * 1000, 3)


def timed(function, repeat: int) -> float:
    durations = []
    for index in range(repeat):
        started = time.perf_counter()
        function(index)
        durations.append(time.perf_counter() - started)
    return median_ms(durations)


def postgres_url(base: str, schema: str) -> str:
    import psycopg

    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def drop_schema(base: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def measure(database_url: str, instance: Path, repeat: int) -> dict:
    app = create_app(
        {
            "HUB_INSTANCE_PATH": str(instance),
            "HUB_DATABASE_URL": database_url,
            "HUB_ENCRYPTION_KEYS": TEST_KEY,
            "HUB_SECRET_KEY": "bench-secret-key-0123456789",
            "HUB_LOG_LEVEL": "ERROR",
            "HUB_SCORING_EMBEDDINGS": "false",
        }
    )
    state = app.extensions["hub"]
    upgrade(state.engine)
    with transaction(state.session_factory) as session:
        client, _ = create_client(session, name=f"bench-{uuid.uuid4().hex[:6]}", role="ingest", actor="bench")
        who = Caller(client.id, client.name, client.role)
    run = uuid.uuid4().hex[:8]

    def post(candidate: str):
        document = interview_result(candidate={"external_id": candidate, "name": "王小明", "email": "x@example.cn"})
        return ingest.ingest(state.session_factory, who, document, None).body["id"]

    for index in range(20):  # warm up both paths
        post(f"warm-{run}-{index}")
    figures = {}
    # Interleaved, so that a machine whose load changes during the run weighs on the three paths alike.
    durations: dict[str, list[float]] = {"master": [], "master_known": [], "new": [], "known": []}
    for index in range(repeat):
        for path in durations:
            shredding.install(None if path.startswith("master") else state.key_store)
            candidate = f"{path}-{run}" if path.endswith("known") else f"{path}-{run}-{index}"
            started = time.perf_counter()
            post(candidate)
            durations[path].append(time.perf_counter() - started)
    shredding.install(state.key_store)
    figures["ingest_master_key_ms"] = median_ms(durations["master"])
    figures["ingest_new_candidate_ms"] = median_ms(durations["new"])
    figures["ingest_known_candidate_ms"] = median_ms(durations["known"])
    figures["ingest_master_key_known_candidate_ms"] = median_ms(durations["master_known"])
    figures["key_lookup_ms"] = timed(lambda i: state.key_store.for_candidate(f"known-{run}-x"), repeat)
    ids = []
    for index in range(repeat):
        ids.append(post(f"r-{run}-{index}"))

    def read(index: int) -> None:
        with state.read_session_factory() as session:
            result = session.get(InterviewResult, ids[index])
            assert result.payload and result.profiles[-1].data

    figures["read_result_key_cached_ms"] = timed(read, repeat)
    state.key_store.cache_seconds = 0
    state.key_store._cache.clear()
    figures["read_result_key_uncached_ms"] = timed(read, repeat)
    state.key_store.cache_seconds = 60

    def erase_one(index: int) -> None:
        with state.session_factory() as session, session.begin():
            candidate = session.scalars(select(Candidate).where(Candidate.external_id == f"r-{run}-{index}")).one()
            erase(session, candidate, actor="bench", reason="bench")

    figures["erase_ms"] = timed(erase_one, min(repeat, 100))
    figures["ingest_overhead_new_candidate_ms"] = round(
        figures["ingest_new_candidate_ms"] - figures["ingest_master_key_ms"], 3
    )
    figures["ingest_overhead_known_candidate_ms"] = round(
        figures["ingest_known_candidate_ms"] - figures["ingest_master_key_known_candidate_ms"], 3
    )
    state.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=300, help="calls measured per figure")
    parser.add_argument("--postgres", help="also measure on this PostgreSQL server (a schema is made and dropped)")
    arguments = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = measure(f"sqlite:///{folder}/hub.sqlite", Path(folder) / "instance", arguments.repeat)
    if arguments.postgres:
        schema = "bench_" + uuid.uuid4().hex[:10]
        try:
            with tempfile.TemporaryDirectory() as folder:
                url = postgres_url(arguments.postgres, schema)
                results["postgres"] = measure(url, Path(folder) / "instance", arguments.repeat)
        finally:
            drop_schema(arguments.postgres, schema)
    names = list(next(iter(results.values())))
    print(f"{'figure (median ms)':40}" + "".join(f"{backend:>12}" for backend in results))
    for name in names:
        print(f"{name:40}" + "".join(f"{results[backend][name]:>12}" for backend in results))
    print(json.dumps({"repeat": arguments.repeat, **results}))


if __name__ == "__main__":
    main()
