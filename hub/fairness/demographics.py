"""Voluntary self-identified demographics: checked against a category set, stored encrypted in a table of their own,
withdrawn on request and erased with the candidate. Scoring, policies and mappings never read them; the bias
report is their only reader (tests/test_layout.py holds every other module away from hub/storage/demographics.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.audit import chain as audit
from hub.errors import InvalidInput
from hub.fairness import categories
from hub.storage.demographics import Demographic
from hub.storage.models import Candidate, utcnow


def check(document: Any) -> tuple[str, dict[str, str]]:
    """(category set, {dimension: category or "declined"}) from a request body, or InvalidInput naming each fault."""
    if not isinstance(document, dict):
        raise InvalidInput("the body must be a JSON object", errors=[{"pointer": "", "message": "an object"}])
    errors: list[dict[str, str]] = []
    unknown = sorted(set(document) - {"category_set", "categories", "self_identified"})
    errors += [{"pointer": f"/{key}", "message": "not a field of demographics"} for key in unknown]
    if document.get("self_identified") is not True:
        errors.append(
            {
                "pointer": "/self_identified",
                "message": "must be true: only what the candidate chose to tell about themselves is stored, "
                "never a category inferred from a name, a photo or a voice",
            }
        )
    set_name = document.get("category_set")
    category_set = categories.get(set_name) if isinstance(set_name, str) else None
    if category_set is None:
        errors.append({"pointer": "/category_set", "message": f"one of {', '.join(categories.names())}"})
    given = document.get("categories")
    if not isinstance(given, dict) or not given:
        errors.append({"pointer": "/categories", "message": 'an object of dimension to category, e.g. {"sex": ...}'})
        given = {}
    chosen: dict[str, str] = {}
    if category_set is not None:
        for key, value in given.items():
            dimension = category_set.dimensions.get(key)
            if dimension is None:
                known = ", ".join(category_set.dimensions)
                errors.append({"pointer": f"/categories/{key}", "message": f"not a dimension of {set_name}: {known}"})
            elif not isinstance(value, str) or (value != categories.DECLINED and value not in dimension.categories):
                allowed = ", ".join([*dimension.categories, categories.DECLINED])
                errors.append({"pointer": f"/categories/{key}", "message": f"one of {allowed}"})
            else:
                chosen[key] = value
    if errors:
        raise InvalidInput(
            f"{len(errors)} problem(s); nothing was stored", title="The demographics are not valid", errors=errors
        )
    return str(set_name), chosen


def put(session: Session, candidate: Candidate, document: Any, *, actor: str) -> tuple[dict, bool]:
    """Store (or replace) the candidate's self-identification; (what is stored, whether it is new)."""
    set_name, chosen = check(document)
    row = session.scalars(select(Demographic).where(Demographic.candidate_id == candidate.id)).first()
    created = row is None
    if row is None:
        row = Demographic(candidate_id=candidate.id, category_set=set_name, categories=chosen)
        session.add(row)
    else:
        row.category_set, row.categories, row.updated_at = set_name, chosen, utcnow()
    session.flush()
    # The trail says that a self-identification was recorded and on which dimensions, never the categories.
    audit.append(
        session,
        actor=actor,
        action="demographics.recorded",
        object_type="candidate",
        object_id=candidate.id,
        details={"category_set": set_name, "dimensions": sorted(chosen), "replaced": not created},
    )
    return {"category_set": set_name, "categories": chosen}, created


def withdraw(session: Session, candidate: Candidate, *, actor: str) -> bool:
    """The candidate takes their self-identification back: the row is deleted. False when there was none."""
    removed = erase_for_candidates(session, [candidate.id])
    if removed:
        audit.append(
            session,
            actor=actor,
            action="demographics.withdrawn",
            object_type="candidate",
            object_id=candidate.id,
            details={},
        )
    return bool(removed)


def erase_for_candidates(session: Session, candidate_ids: Iterable[str]) -> int:
    """Delete the candidates' demographics (erasure and retention call this); the number of rows deleted."""
    ids = list(candidate_ids)
    if not ids:
        return 0
    result = session.execute(delete(Demographic).where(Demographic.candidate_id.in_(ids)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def for_candidates(session: Session, candidate_ids: Iterable[str], set_name: str) -> dict[str, dict[str, str]]:
    """{candidate id: {dimension: category}} under one category set; "declined" and other sets are left out."""
    ids = list(set(candidate_ids))
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(ids), 500):
        rows = session.scalars(
            select(Demographic).where(
                Demographic.candidate_id.in_(ids[start : start + 500]), Demographic.category_set == set_name
            )
        )
        for row in rows:
            found[row.candidate_id] = {
                key: value for key, value in (row.categories or {}).items() if value != categories.DECLINED
            }
    return found
