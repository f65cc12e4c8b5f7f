"""The canonical document every mapping renders, built in one place and checked against one published schema.

The hub builds each sync job's document with `assemble`; `sample_document()` is `assemble` run on a shipped
sample profile; docs/mappings.md shows that sample. The schema is
`mappings/schemas/canonical-document.schema.json`, served by the hub at /api/v1/schemas/canonical-document.json."""

from __future__ import annotations

import copy
from typing import Any

import jsonerrors
from mappings.schema_validation import packaged_validator

SCHEMA_FILE = "canonical-document.schema.json"
EVENTS = ("candidate.hired", "result.scored")
# The competency model a profile was scored with names the job family the policies speak of.
MODEL_FAMILIES = {"sales": "sales", "rnd": "rnd"}


def job_family(profile: dict | None) -> str | None:
    model = (profile or {}).get("model")
    return MODEL_FAMILIES.get(model) if model else None


def assemble(
    *,
    event: str,
    job_id: str,
    occurred_at: str,
    result: dict,
    candidate: dict,
    decision: dict | None,
    profile: dict,
    profile_version: int,
    preferences: dict,
    connector_name: str,
    settings: dict,
    policy,
) -> dict[str, Any]:
    """The canonical document from plain values; `policy` (a loaded mappings Policy) derives plan and attendance."""
    family = job_family(profile)
    start_date = (decision or {}).get("start_date")
    outcome = policy.evaluate(
        profile,
        {"job_code": result["job_code"], "job_family": family, "start_date": start_date, "preferences": preferences},
    ).to_dict()
    employee_ids = (decision or {}).get("employee_ids") or {}
    return {
        "event": event,
        "job_id": job_id,
        "occurred_at": occurred_at,
        "result": {
            "id": result["id"],
            "external_id": result["external_id"],
            "job_code": result["job_code"],
            "job_family": family,
        },
        "candidate": {
            "external_id": candidate["external_id"],
            "name": candidate.get("name"),
            "email": candidate.get("email"),
            "phone": candidate.get("phone"),
        },
        "employee": {"id": employee_ids.get(connector_name) or employee_ids.get("default"), "start_date": start_date},
        "profile": profile,
        "profile_version": profile_version,
        "policy": outcome["policy"],
        "fired": outcome["fired"],
        "plan": outcome["plan"],
        "attendance": outcome["attendance"],
        "connector": {"name": connector_name, "settings": settings},
    }


def document_errors(document: Any) -> list[dict[str, str]]:
    """Where `document` departs from the canonical schema, as [{pointer, message}] (empty when it is one)."""
    return jsonerrors.schema_errors(packaged_validator(SCHEMA_FILE), document)


def schema() -> dict[str, Any]:
    """The published JSON Schema of the canonical document, self-contained: the plan and attendance schemas it
    references are embedded under `$defs` with their own `$id` (a 2020-12 compound document), so a client can
    validate with it alone."""
    bundled = copy.deepcopy(packaged_validator(SCHEMA_FILE).schema)
    for name in ("performance-plan.schema.json", "attendance-rule.schema.json"):
        bundled["$defs"][name.removesuffix(".schema.json")] = copy.deepcopy(packaged_validator(name).schema)
    return bundled
