"""The canonical document a mapping renders: result, candidate, employee, profile, plan and attendance rule."""
from __future__ import annotations

import mappings
from hub.delivery.reloading import reloading
from hub.storage.models import Connector, InterviewResult, SyncJob, utcnow

# The competency model a profile was scored with names the job family the policies speak of.
MODEL_FAMILIES = {"sales": "sales", "rnd": "rnd"}


class NotReady(Exception):
    """The document cannot be built yet (e.g. hired before the profile exists); try again later."""


load_policy = reloading(mappings.load_policy)


def job_family(profile: dict | None) -> str | None:
    model = (profile or {}).get("model")
    return MODEL_FAMILIES.get(model) if model else None


def build(job: SyncJob, connector: Connector, result: InterviewResult, *, default_policy: str) -> dict:
    """The document for one job; policies run here so a plan always reflects the policy in force."""
    profile_row = result.profiles[-1] if result.profiles else None
    if profile_row is None:
        raise NotReady("the result has no profile yet (scoring is still queued)")
    decision = result.decision
    return assemble(
        event=job.event, job_id=job.id, occurred_at=(job.created_at or utcnow()).isoformat(),
        result={"id": result.id, "external_id": result.external_id, "job_code": result.job_code},
        candidate={"external_id": result.candidate.external_id, **(result.candidate.pii or {})},
        decision=({"employee_ids": decision.employee_ids,
                   "start_date": decision.start_date.isoformat() if decision.start_date else None} if decision else None),
        profile=profile_row.data, profile_version=profile_row.version,
        preferences=(result.payload or {}).get("preferences") or {},
        connector_name=connector.name, settings=connector.settings or {}, default_policy=default_policy,
    )


def assemble(*, event: str, job_id: str, occurred_at: str, result: dict, candidate: dict, decision: dict | None,
             profile: dict, profile_version: int, preferences: dict, connector_name: str, settings: dict,
             default_policy: str) -> dict:
    """The canonical document from plain values (also used by `connectors preview --sample`)."""
    family = job_family(profile)
    start_date = (decision or {}).get("start_date")
    policy = load_policy(settings.get("policy") or default_policy)
    outcome = policy.evaluate(profile, {"job_code": result["job_code"], "job_family": family,
                                        "start_date": start_date, "preferences": preferences}).to_dict()
    employee_ids = (decision or {}).get("employee_ids") or {}
    return {
        "event": event,
        "job_id": job_id,
        "occurred_at": occurred_at,
        "result": {**result, "job_family": family},
        "candidate": {"external_id": candidate["external_id"], "name": candidate.get("name"),
                      "email": candidate.get("email"), "phone": candidate.get("phone")},
        "employee": {"id": employee_ids.get(connector_name) or employee_ids.get("default"), "start_date": start_date},
        "profile": profile,
        "profile_version": profile_version,
        "policy": outcome["policy"],
        "fired": outcome["fired"],
        "plan": outcome["plan"],
        "attendance": outcome["attendance"],
        "connector": {"name": connector_name, "settings": settings},
    }
