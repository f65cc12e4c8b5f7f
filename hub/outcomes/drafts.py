"""Drafts: new versions of a competency model or an attendance policy, proposed from the reports, decided by a person.

Nothing here changes how anyone is scored by itself. A competency model draft is used for scoring only once a
person approves it (`hris-hub models approve`), and the approval is on the audit trail; `results rescore` then
re-runs old interviews on the approved version. An attendance policy draft, once approved, is exported as the
policy YAML an operator deploys (HUB_POLICY_DIRS); the hub never swaps its policy by itself.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

import safeyaml
from hub.audit import chain as audit
from hub.errors import Conflict, InvalidInput, NotFound
from hub.outcomes import reports, time_management
from hub.storage.drafts import Draft
from hub.storage.models import utcnow
from scoring_engine.interview.competency_model import CompetencyModel, parse_competency_model
from scoring_engine.validity import attendance_proposals, recommend_weights

COMPETENCY_MODEL = "competency_model"
ATTENDANCE_POLICY = "attendance_policy"
KINDS = (COMPETENCY_MODEL, ATTENDANCE_POLICY)
DRAFT, APPROVED, REJECTED, SUPERSEDED = "draft", "approved", "rejected", "superseded"
STATUSES = (DRAFT, APPROVED, REJECTED, SUPERSEDED)
SHIPPED_MODELS = ("sales", "rnd")
DEFAULT_OUTCOME = reports.PERFORMANCE
# What an attendance proposal changes unless the policy's parameters name it (docs/outcomes.md):
# attendance_feedback_dimension, attendance_feedback_weight, attendance_feedback_widen_minutes.
DEFAULT_TARGET_WEIGHT = 0.20
DEFAULT_WIDEN_MINUTES = 30

_parsed: dict[str, CompetencyModel] = {}  # approved drafts never change, so their parsed model is kept by id


# --- what is current ---------------------------------------------------------------------------------------


def shipped_model_data(name: str) -> dict:
    """A shipped competency model's document, as its YAML file holds it."""
    if name not in SHIPPED_MODELS:
        raise InvalidInput(
            f"unknown competency model {name!r}; known: {', '.join(SHIPPED_MODELS)}",
            errors=[{"pointer": "/model", "message": "a shipped model name"}],
        )
    text = resources.files("scoring_engine.interview").joinpath("models", f"{name}.yaml").read_text(encoding="utf-8")
    return safeyaml.safe_load(text)


def approved(session: Session, kind: str, name: str) -> Draft | None:
    """The approved (current) draft of this kind and name, if any."""
    return session.scalars(
        select(Draft)
        .where(Draft.kind == kind, Draft.name == name, Draft.status == APPROVED)
        .order_by(Draft.decided_at.desc())
        .limit(1)
    ).first()


def current_model_data(session: Session, name: str) -> dict:
    """The competency model scoring uses now: the approved draft's document, else the shipped one."""
    found = approved(session, COMPETENCY_MODEL, name)
    return copy.deepcopy(found.content) if found else shipped_model_data(name)


def active_model(session: Session, name: str) -> CompetencyModel:
    """The CompetencyModel scoring uses for `name`: the latest approved version, else the shipped one."""
    found = approved(session, COMPETENCY_MODEL, name)
    if found is None:
        from scoring_engine import load_competency_model

        return load_competency_model(name)
    if found.id not in _parsed:
        _parsed[found.id] = parse_competency_model(json.dumps(found.content), f"draft {found.id}")
    return _parsed[found.id]


def current_policy_data(session: Session, settings) -> dict:
    """The attendance policy now: the latest approved policy draft of the configured policy, else its file."""
    name = settings.policy
    found = approved(session, ATTENDANCE_POLICY, name)
    if found:
        return copy.deepcopy(found.content)
    return copy.deepcopy(settings.catalog.policy(name).data)


def flexible_rule(policy: dict) -> dict | None:
    """The rule that gives flexible-preference hires their core hours and window (the one a proposal widens)."""
    for rule in policy.get("rules", []):
        when = rule.get("when") or {}
        attendance = (rule.get("then") or {}).get("attendance") or {}
        if when.get("preference") == "work_schedule" and when.get("equals") == "flexible":
            if attendance.get("core_hours") and attendance.get("flexible_window"):
                return rule
    return None


# --- versions ----------------------------------------------------------------------------------------------


def _next_version(session: Session, kind: str, name: str, base: str) -> str:
    """The next minor version after every version of this name seen so far (drafts included)."""
    seen = [base, *session.scalars(select(Draft.version).where(Draft.kind == kind, Draft.name == name))]
    parsed = []
    for version in seen:
        match = re.match(r"^(\d+)\.(\d+)", str(version))
        if match:
            parsed.append((int(match[1]), int(match[2])))
    major, minor = max(parsed, default=(1, 0))
    return f"{major}.{minor + 1}.0"


def _store(session: Session, *, kind: str, name: str, base: str, content: dict, proposal: dict, actor: str) -> Draft:
    version = _next_version(session, kind, name, base)
    content = {**content, "version": version}
    if kind == COMPETENCY_MODEL:
        parse_competency_model(json.dumps(content), f"draft of {name} {version}")  # a draft must be a valid model
    draft = Draft(
        id=f"dft_{uuid.uuid4().hex[:16]}",
        kind=kind,
        name=name,
        version=version,
        base_version=base,
        status=DRAFT,
        content=content,
        proposal=proposal,
        created_by=actor,
        created_at=utcnow(),
    )
    session.add(draft)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="draft.created",
        object_type="draft",
        object_id=draft.id,
        details={"kind": kind, "name": name, "version": version, "base_version": base, "source": proposal["source"]},
    )
    return draft


def _family_key(data: dict, family_key: str | None) -> str:
    families = data["job_families"]
    key = family_key or data["default_job_family"]
    if key not in families:
        raise InvalidInput(
            f"unknown job family {key!r} in model {data['name']!r}; known: {', '.join(sorted(families))}",
            errors=[{"pointer": "/family", "message": "one of the model's job families"}],
        )
    return key


def _weights(data: dict, family_key: str) -> dict[str, float]:
    return {dimension["key"]: float(dimension["weights"][family_key]) for dimension in data["dimensions"]}


def _set_weights(data: dict, family_key: str, weights: dict[str, float]) -> dict:
    content = copy.deepcopy(data)
    for dimension in content["dimensions"]:
        if dimension["key"] in weights:
            dimension["weights"][family_key] = weights[dimension["key"]]
    return content


# --- proposing ---------------------------------------------------------------------------------------------


def propose_weights(
    session: Session,
    query: reports.Query,
    *,
    actor: str,
    family_key: str | None = None,
    outcome: str = DEFAULT_OUTCOME,
) -> Draft | None:
    """A competency model draft with weights recommended from the validity report (None: nothing would change)."""
    report, counted = reports.validity_object(session, query)
    if report is None:
        raise InvalidInput(
            f"no hire of job family {query.job_family!r} has a linked outcome yet; nothing to propose",
            errors=[{"pointer": "?job_family", "message": "import outcomes first (docs/outcomes.md)"}],
        )
    if not any(cell.outcome == outcome for cell in report.cells):
        known = sorted({cell.outcome for cell in report.cells})
        raise InvalidInput(
            f"no outcome {outcome!r} in the report; known: {', '.join(known)}",
            errors=[{"pointer": "?outcome", "message": "e.g. performance"}],
        )
    name = query.job_family  # the report's job family is the model's name (mappings.document.MODEL_FAMILIES)
    data = current_model_data(session, name)
    key = _family_key(data, family_key)
    current = _weights(data, key)
    changes = recommend_weights(report, current, outcome)
    recommended = {change.dimension: change.recommended for change in changes}
    if all(abs(recommended[k] - current[k]) < 1e-9 for k in current):
        return None
    flagged = [cell.predictor for cell in report.flagged if cell.outcome == outcome]
    proposal = {
        "source": "validity",
        "job_family": name,
        "family": key,
        "outcome": outcome,
        "since": query.since.isoformat() if query.since else None,
        "threshold": query.threshold,
        "min_n": query.min_n,
        "counted": counted,
        "flagged": flagged,
        "changes": [change.to_dict() for change in changes],
        "advice": [
            f"{dimension}: below the validity threshold; consider a better question (e.g. a team-project scenario), "
            "rewording the dimension, or the lower weight proposed here"
            for dimension in flagged
        ],
    }
    return _store(
        session,
        kind=COMPETENCY_MODEL,
        name=name,
        base=str(data["version"]),
        content=_set_weights(data, key, recommended),
        proposal=proposal,
        actor=actor,
    )


def attendance_preview(session: Session, query: reports.AttendanceQuery, settings) -> tuple[Any, list]:
    """The attendance report and the proposals it supports (not stored), for the report and for `propose`."""
    report = reports.attendance_object(session, query)
    if report is None or query.job_family is None:
        return report, []
    data = current_model_data(session, query.job_family)
    key = data["default_job_family"]
    policy = current_policy_data(session, settings)
    rule = flexible_rule(policy)
    attendance = ((rule or {}).get("then") or {}).get("attendance") or {}
    parameters = policy.get("parameters") or {}
    proposals = attendance_proposals(
        report,
        _weights(data, key),
        dimension=str(parameters.get("attendance_feedback_dimension", time_management.KEY)),
        target_weight=float(parameters.get("attendance_feedback_weight", DEFAULT_TARGET_WEIGHT)),
        core_hours=attendance.get("core_hours"),
        flexible_window=attendance.get("flexible_window"),
        widen_minutes=int(parameters.get("attendance_feedback_widen_minutes", DEFAULT_WIDEN_MINUTES)),
    )
    return report, proposals


def _with_time_management(data: dict, family_key: str, weights: dict[str, float]) -> dict:
    """The model with the time-management dimension (and a question on it) when it lacks one, then the weights."""
    content = copy.deepcopy(data)
    known = {dimension["key"] for dimension in content["dimensions"]}
    if unknown := set(weights) - known - {time_management.KEY}:
        raise InvalidInput(
            f"the policy's attendance_feedback_dimension {sorted(unknown)[0]!r} is not a dimension of model "
            f"{content['name']!r}; name one of {', '.join(sorted(known))} or time_management (which is added)",
            errors=[{"pointer": "/parameters/attendance_feedback_dimension", "message": "a dimension key"}],
        )
    if time_management.KEY in weights and time_management.KEY not in known:
        dimension = copy.deepcopy(time_management.DIMENSION)
        # Only the proposal's job family weighs it; the model's other families keep their weights as they were.
        dimension["weights"] = {family: 0.0 for family in content["job_families"]}
        content["dimensions"].append(dimension)
        if not any(question["id"] == time_management.QUESTION["id"] for question in content["questions"]):
            content["questions"].append(copy.deepcopy(time_management.QUESTION))
    return _set_weights(content, family_key, weights)


def propose_from_attendance(session: Session, query: reports.AttendanceQuery, settings, *, actor: str) -> list[Draft]:
    """Drafts from the attendance report: the model with time management raised, and a wider flexible window."""
    if query.job_family is None:
        raise InvalidInput(
            "name the job family whose competency model the proposal would change",
            errors=[{"pointer": "?job_family", "message": "e.g. rnd"}],
        )
    report, proposals = attendance_preview(session, query, settings)
    if report is None:
        raise InvalidInput(
            "no hire has a linked attendance summary yet; nothing to propose",
            errors=[{"pointer": "?job_family", "message": "import attendance first (docs/outcomes.md)"}],
        )
    drafts = []
    for proposal in proposals:
        common = {"source": "attendance", "job_family": query.job_family, "reason": proposal.reason}
        if proposal.kind == "competency_model":
            data = current_model_data(session, query.job_family)
            key = data["default_job_family"]
            content = _with_time_management(data, key, proposal.change["weights"])
            drafts.append(
                _store(
                    session,
                    kind=COMPETENCY_MODEL,
                    name=query.job_family,
                    base=str(data["version"]),
                    content=content,
                    proposal={**common, "family": key, "change": proposal.change},
                    actor=actor,
                )
            )
        else:
            policy = current_policy_data(session, settings)
            rule = flexible_rule(policy)
            assert rule is not None  # the proposal exists only when the policy has the rule
            rule["then"]["attendance"]["core_hours"] = proposal.change["core_hours"]
            rule["then"]["attendance"]["flexible_window"] = proposal.change["flexible_window"]
            drafts.append(
                _store(
                    session,
                    kind=ATTENDANCE_POLICY,
                    name=str(policy["name"]),
                    base=str(policy["version"]),
                    content=policy,
                    proposal={**common, "rule": rule["id"], "change": proposal.change},
                    actor=actor,
                )
            )
    return drafts


# --- deciding ----------------------------------------------------------------------------------------------


def get(session: Session, draft_id: str) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise NotFound(f"no draft {draft_id!r} (`hris-hub models drafts` lists them)")
    return draft


def listing(session: Session, *, status: str | None = None, kind: str | None = None) -> list[Draft]:
    query = select(Draft).order_by(Draft.created_at.desc(), Draft.id)
    if status:
        query = query.where(Draft.status == status)
    if kind:
        query = query.where(Draft.kind == kind)
    return list(session.scalars(query))


def _current_version(session: Session, draft: Draft, settings) -> str:
    found = approved(session, draft.kind, draft.name)
    if found:
        return found.version
    if draft.kind == COMPETENCY_MODEL:
        return str(shipped_model_data(draft.name)["version"])
    return str(settings.catalog.policy(draft.name).data["version"]) if settings is not None else draft.base_version


def _decide(session: Session, draft_id: str, status: str, *, actor: str, note: str | None, settings) -> Draft:
    draft = get(session, draft_id)
    if draft.status != DRAFT:
        raise Conflict(f"draft {draft_id} is {draft.status} already; only a draft can be approved or rejected")
    if status == APPROVED:
        current = _current_version(session, draft, settings)
        if current != draft.base_version:
            raise Conflict(
                f"draft {draft_id} was made from {draft.name} {draft.base_version}, but {current} is current now; "
                "reject it and propose again from the current version"
            )
        previous = approved(session, draft.kind, draft.name)
        if previous is not None:
            previous.status = SUPERSEDED
    draft.status, draft.decided_by, draft.decided_at, draft.decision_note = status, actor, utcnow(), note
    audit.append(
        session,
        actor=actor,
        action=f"draft.{status}",
        object_type="draft",
        object_id=draft.id,
        details={"kind": draft.kind, "name": draft.name, "version": draft.version, "base_version": draft.base_version},
    )
    return draft


def approve(session: Session, draft_id: str, *, actor: str, note: str | None = None, settings=None) -> Draft:
    """Approve a draft: a competency model is scored with from now on; a policy is ready to export and deploy."""
    return _decide(session, draft_id, APPROVED, actor=actor, note=note, settings=settings)


def reject(session: Session, draft_id: str, *, actor: str, note: str | None = None) -> Draft:
    return _decide(session, draft_id, REJECTED, actor=actor, note=note, settings=None)


def view(draft: Draft) -> dict:
    """A draft as JSON: what it is, its status, why it was proposed, and the weights it changes."""
    body = {
        "id": draft.id,
        "kind": draft.kind,
        "name": draft.name,
        "version": draft.version,
        "base_version": draft.base_version,
        "status": draft.status,
        "created_by": draft.created_by,
        "created_at": draft.created_at.isoformat(),
        "decided_by": draft.decided_by,
        "decided_at": draft.decided_at.isoformat() if draft.decided_at else None,
        "decision_note": draft.decision_note,
        "proposal": draft.proposal,
    }
    return body


def export_yaml(draft: Draft) -> str:
    """The draft's whole document as YAML (a competency model or a policy file)."""
    return yaml.safe_dump(draft.content, allow_unicode=True, sort_keys=False)
