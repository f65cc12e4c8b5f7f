"""Schemathesis against the served spec (/api/v1/openapi.json) on the real server over loopback: every operation,
every check, every phase (examples, coverage, fuzzing, stateful), once with an admin key and once with an ingest
key. The hub must answer no request with a 5xx and break no promise of its document."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, from_schema
from schemathesis.engine.events import EngineFinished, NonFatalError, ScenarioFinished

from tests.conftest import HTTP_TIMEOUT

# Examples per operation in the fuzzing and stateful phases. The coverage phase ignores it: it sends every case the
# schema defines (each boundary, each missing or wrong-typed field), so what fuzzing adds is random values on top;
# ten per operation per role per database (with a fixed seed, the same ten each run) exercise every operation with
# every check in each phase, in 73 % of the CPU time and 70 % of the wall time 25 took (docs/benchmarks.md, "Test
# suite").
MAX_EXAMPLES = 10
SEED = 20261201

# Requests a JSON Schema cannot tell apart from good ones, which the hub rightly refuses with 422 (or a 400 for a
# forged cursor): a job code or mapping missing from the catalog, a connector type that is not installed or a
# config its type's schema refuses, a file that is no PDF, DOCX or text, consent scopes that withhold scoring
# from ready scores. For these operations alone a schema-valid request may be answered 4xx by design.
SEMANTIC_REFUSALS = [
    ("POST", "/api/v1/results", ["422"]),
    ("POST", "/api/v1/results/{result_id}/decision", ["422"]),
    ("POST", "/api/v1/candidates/{external_id}/resumes", ["413", "415", "422"]),
    ("POST", "/api/v1/connectors", ["422"]),
    ("PATCH", "/api/v1/connectors/{name}", ["422"]),
    ("GET", "/api/v1/sync-jobs", ["400"]),
    # Each record is a performance review or an attendance summary with cross-field rules (a rating within its
    # scale, late arrivals at most the workdays) that the request schema leaves to the endpoint.
    ("POST", "/api/v1/outcomes", ["422"]),
    # `until` must come after `since`, which two independent date parameters cannot say.
    ("GET", "/api/v1/reports/bias", ["422"]),
    # A review's rules across fields (an override needs a value, a confirmation none, a dimension the profile has).
    ("POST", "/api/v1/results/{result_id}/reviews", ["422"]),
    # A draft is proposed from the hires' linked outcomes: with none stored (or no such outcome) it is a 422.
    ("POST", "/api/v1/drafts", ["422"]),
]
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]


def config_for(key: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {key}"},
            "continue-on-failure": True,
            "cache": {"enabled": False},
            "max-failures": 200,
            "request-timeout": HTTP_TIMEOUT,  # no test of speed: a loaded machine is slow
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                # The hub refuses NUL in every string (PostgreSQL cannot store it; tests/hub/web/test_bad_input.py
                # proves the refusal); the schemas would need a pattern on every string to say so.
                "allow-x00": False,
            },
            "checks": {"enabled": True},
            "operations": [
                {
                    "include-name": f"{method} {path}",
                    "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED + extra}},
                }
                for method, path, extra in SEMANTIC_REFUSALS
            ],
        }
    )


def run(url: str, key: str) -> tuple[list[str], set[str], int]:
    """(failures as readable lines, operations exercised, scenarios run)."""
    schema = schemathesis.openapi.from_url(url + "/api/v1/openapi.json", config=config_for(key))
    schema.config.base_url = url
    failures, operations, scenarios = [], set(), 0
    for event in from_schema(schema).execute():
        if isinstance(event, ScenarioFinished):
            scenarios += 1
            if event.label:
                operations.add(event.label)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        interaction = event.recorder.interactions.get(case_id)
                        answer = (
                            f"{interaction.response.status_code} {interaction.response.content[:300]!r}"
                            if interaction and interaction.response
                            else "no answer"
                        )
                        failures.append(
                            f"{event.phase} {check.name}: {failure.title}: {failure.message}\n"
                            f"    {check.failure_info.code_sample}\n    -> {answer}"[-2500:]
                        )
        elif isinstance(event, NonFatalError):
            failures.append(f"error in {event.label}: {event.info.format()}"[:1500])
        elif isinstance(event, EngineFinished):
            failures.extend(f"after run: {failure.title}" for failure in event.failures)
    return sorted(set(failures)), operations, scenarios


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "ingest"])
def test_the_served_spec_holds_for_every_operation(live, role):
    spec = live.request("GET", "/api/v1/openapi.json").json()
    documented = {
        f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item if method != "parameters"
    }
    failures, operations, scenarios = run(live.url, live.key(role))
    assert not failures, f"{len(failures)} failure(s) with the {role} key:\n" + "\n".join(failures)
    # Schemathesis leaves out the operation that serves the schema it was loaded from; the spec's own answer is
    # checked here and in tests/hub/web/test_openapi.py.
    assert spec["openapi"].startswith("3.1")
    documented.discard("GET /api/v1/openapi.json")
    assert documented <= operations, f"not exercised: {sorted(documented - operations)}"
    assert scenarios >= len(documented)
