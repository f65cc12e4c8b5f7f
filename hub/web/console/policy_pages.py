"""Policies in the console (admins and auditors, read-only): the policies the catalog holds, the one in force, each
rule, and a policy tried against a stored result's profile: which rules fire and why, and the plan and attendance
rule they produce. Policies are edited as files (HUB_POLICY_DIRS); nothing here changes one."""

from __future__ import annotations

import json

from flask import abort, request
from sqlalchemy import select

import mappings
from hub.storage.models import InterviewResult
from hub.storage.statuses import ResultStatus
from hub.web.console import console
from hub.web.console.auth import hub_state
from hub.web.console.rendering import render
from mappings.document import job_family


def _load(name: str):
    catalog = hub_state().settings.catalog
    try:
        catalog.path_of(name, "policy")
        return catalog.policy(name)
    except (mappings.CatalogError, mappings.PolicyError) as error:
        abort(404, f"No policy {name!r} can be loaded: {error}")


@console.get("/policies")
def policies():
    settings = hub_state().settings
    listed = []
    for name in settings.catalog.policy_names():
        try:
            policy = settings.catalog.policy(name)
            listed.append({"name": name, "reference": policy.reference, "description": policy.description,
                           "rules": len(policy.rules), "error": None})  # fmt: skip
        except (mappings.CatalogError, mappings.PolicyError) as error:
            listed.append({"name": name, "reference": None, "description": "", "rules": 0, "error": str(error)})
    return render("policies.html", policies=listed, in_force=settings.policy, active_page="policies")


def _condition(when) -> str:
    return json.dumps(when, ensure_ascii=False, sort_keys=True) if when is not None else "always"


@console.get("/policies/<name>")
def policy(name: str):
    loaded = _load(name)
    session = hub_state().session()
    recent = session.scalars(
        select(InterviewResult)
        .where(InterviewResult.status == ResultStatus.SCORED)
        .order_by(InterviewResult.created_at.desc())
        .limit(20)
    ).all()
    result_id = request.args.get("result") or None
    tried = None
    if result_id:
        found = session.get(InterviewResult, result_id)
        if found is None or not found.profiles:
            abort(404, f"No scored result {result_id!r}.")
        profile = found.profiles[-1].data or {}
        decision = found.decision
        context = {
            "job_code": found.job_code,
            "job_family": job_family(profile),
            "start_date": decision.start_date.isoformat() if decision and decision.start_date else None,
            "preferences": (found.payload or {}).get("preferences") or {},
        }
        try:
            tried = {"context": context, "outcome": loaded.evaluate(profile, context).to_dict(), "error": None}
        except (mappings.PolicyError, mappings.InputError) as error:
            tried = {"context": context, "outcome": None, "error": str(error)}
    rules = [
        {"id": rule["id"], "description": rule.get("description", ""), "when": _condition(rule.get("when")),
         "then": ", ".join(f"{kind}: {value.get('key', '') if isinstance(value, dict) else value}"
                           for kind, value in (rule.get("then") or {}).items())}
        for rule in loaded.rules
    ]  # fmt: skip
    return render(
        "policy.html",
        policy=loaded,
        name=name,
        in_force=hub_state().settings.policy == name,
        rules=rules,
        recent=[r.id for r in recent],
        result_id=result_id,
        tried=tried,
        active_page="policies",
    )
