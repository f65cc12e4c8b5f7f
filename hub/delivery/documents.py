"""The canonical document a mapping renders: result, candidate, employee, profile, plan and attendance rule."""

from __future__ import annotations

from connectors.schema import MASK
from hub.delivery.reloading import load_policy
from hub.errors import InvalidInput
from hub.storage.models import Connector, InterviewResult, SyncJob, utcnow
from mappings import document
from mappings.catalog import Catalog


class NotReady(Exception):
    """The document cannot be built yet (e.g. hired before the profile exists); try again later."""


PII_FIELDS = ("name", "email", "phone")


def for_result(
    result: InterviewResult,
    event: str,
    connector: Connector | None,
    *,
    default_policy: str,
    catalog: Catalog,
    reveal: bool = False,
) -> dict:
    """The document a mapping would render for `result` now (`hris-hub documents show`): personal fields masked
    unless `reveal`, which the caller audits."""
    if event not in document.EVENTS:
        raise InvalidInput(f"unknown event {event!r}; expected one of {', '.join(document.EVENTS)}")
    job = SyncJob(id="preview", event=event, created_at=utcnow())
    built = build(
        job,
        connector or Connector(name="(no connector)", settings={}),
        result,
        default_policy=default_policy,
        catalog=catalog,
    )
    if not reveal:
        built["candidate"] = {
            key: (MASK if key in PII_FIELDS and value is not None else value)
            for key, value in built["candidate"].items()
        }
    return built


def build(
    job: SyncJob, connector: Connector, result: InterviewResult, *, default_policy: str, catalog: Catalog
) -> dict:
    """The document for one job; policies run here so a plan always reflects the policy in force."""
    profile_row = result.profiles[-1] if result.profiles else None
    if profile_row is None:
        raise NotReady("the result has no profile yet (scoring is still queued)")
    decision = result.decision
    return assemble(
        event=job.event,
        job_id=job.id,
        occurred_at=(job.created_at or utcnow()).isoformat(),
        result={"id": result.id, "external_id": result.external_id, "job_code": result.job_code},
        candidate={"external_id": result.candidate.external_id, **(result.candidate.pii or {})},
        decision=(
            {
                "employee_ids": decision.employee_ids,
                "start_date": decision.start_date.isoformat() if decision.start_date else None,
            }
            if decision
            else None
        ),
        profile=profile_row.data,
        profile_version=profile_row.version,
        preferences=(result.payload or {}).get("preferences") or {},
        connector_name=connector.name,
        settings=connector.settings or {},
        default_policy=default_policy,
        catalog=catalog,
    )


def build_from_values(job, connector: Connector, result, *, default_policy: str, catalog: Catalog) -> dict:
    """`build` from a claimed job (`claim.ClaimedJob`) and its result's values (`deliver.ResultValues`): the same
    document, read without ORM objects."""
    if result.profile is None:
        raise NotReady("the result has no profile yet (scoring is still queued)")
    return assemble(
        event=job.event,
        job_id=job.id,
        occurred_at=(job.created_at or utcnow()).isoformat(),
        result={"id": result.id, "external_id": result.external_id, "job_code": result.job_code},
        candidate={"external_id": result.candidate_external_id, **(result.candidate_pii or {})},
        decision=(
            {
                "employee_ids": result.employee_ids,
                "start_date": result.start_date.isoformat() if result.start_date else None,
            }
            if result.has_decision
            else None
        ),
        profile=result.profile,
        profile_version=result.profile_version,
        preferences=(result.payload or {}).get("preferences") or {},
        connector_name=connector.name,
        settings=connector.settings or {},
        default_policy=default_policy,
        catalog=catalog,
    )


def assemble(*, default_policy: str, settings: dict, catalog: Catalog, **values) -> dict:
    """The canonical document from plain values (also used by `connectors preview --sample`); see mappings.document.
    `settings.policy` is a catalog name, never a path."""
    policy = load_policy(catalog, settings.get("policy") or default_policy)
    return document.assemble(settings=settings, policy=policy, **values)
