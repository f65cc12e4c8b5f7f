"""The bias audit (NYC Local Law 144 method): the hub gathers each applicant's outcomes and scores with their
self-identified categories, and scoring_engine.fairness computes the rates, impact ratios and flags.

Outcomes audited, for every dimension of the category set and each intersection it names:
- selection: `hired` (the decision) and `advanced` (the decision's `advanced`, or a hire);
- scoring: `score:overall` and `score:<dimension>` for each interview dimension, as the share of a category above
  the median of the whole sample;
- assessment: `assessment:overall` and `assessment:<dimension>`, the same rates of the scores a person gave the
  candidates who opted out of automated decisions (their review's assessment is their profile). A person's
  scores are audited apart and never mixed into the engine's; their selections count like everyone's.
Applicants are the interview results of the job family with a profile, on or after `since` (and before `until`).
The hub computes; the audit itself, under LL144, is an independent auditor's (docs/fairness.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hub.errors import InvalidInput
from hub.fairness import categories, demographics
from hub.rights.reviews import HUMAN_SOURCE
from hub.storage.models import InterviewResult, utcnow
from mappings.document import MODEL_FAMILIES, job_family
from scoring_engine.fairness import FOUR_FIFTHS, ImpactTable, above_median, impact_table, intersect

SELECTIONS = ("hired", "advanced")
CSV_COLUMNS = [
    "outcome",
    "kind",
    "dimension",
    "category",
    "applicants",
    "selected",
    "rate",
    "impact_ratio",
    "excluded",
    "flagged",
    "too_small",
    "test",
    "p_value",
]


def job_families() -> list[str]:
    return sorted(set(MODEL_FAMILIES.values()))


@dataclass(frozen=True)
class Query:
    job_family: str
    since: datetime | None = None
    until: datetime | None = None
    category_set: str = categories.DEFAULT_SET
    exclude_small: bool = True

    def check(self) -> Query:
        families = job_families()
        if self.job_family not in families:
            raise InvalidInput(
                f"unknown job family {self.job_family!r}; known: {', '.join(families)}",
                errors=[{"pointer": "?job_family", "message": "a job family, e.g. rnd or sales"}],
            )
        if categories.get(self.category_set) is None:
            raise InvalidInput(
                f"unknown category set {self.category_set!r}; known: {', '.join(categories.names())}",
                errors=[{"pointer": "?category_set", "message": "e.g. eeo1"}],
            )
        if self.since and self.until and self.until <= self.since:
            raise InvalidInput("until must be after since", errors=[{"pointer": "?until", "message": "a later date"}])
        return self


@dataclass
class Applicant:
    categories: dict[str, str]
    hired: bool | None
    advanced: bool | None
    scores: dict[str, float]
    at: datetime
    assessed_by_person: bool = False


def gather(session: Session, query: Query) -> list[Applicant]:
    """Every applicant of the job family in the window, with their categories (empty when none were given)."""
    statement = select(InterviewResult).options(
        selectinload(InterviewResult.profiles), selectinload(InterviewResult.decision)
    )
    if query.since:
        statement = statement.where(InterviewResult.created_at >= query.since)
    if query.until:
        statement = statement.where(InterviewResult.created_at < query.until)
    rows = []
    for result in session.scalars(statement):
        if not result.profiles:
            continue
        latest = result.profiles[-1]
        profile = latest.data
        if job_family(profile) != query.job_family:
            continue
        rows.append((result, profile, latest.source == HUMAN_SOURCE))
    known = demographics.for_candidates(session, [r.candidate_id for r, _, _ in rows], query.category_set)
    applicants = []
    for result, profile, by_person in rows:
        decision = result.decision
        hired = decision.hired if decision is not None else None
        advanced = None
        if decision is not None:
            advanced = decision.advanced if decision.advanced is not None else (True if decision.hired else None)
        prefix = "assessment" if by_person else "score"
        scores = {
            f"{prefix}:{key}": float(d["score"])
            for key, d in (profile.get("dimensions") or {}).items()
            if isinstance(d, dict) and d.get("score") is not None
        }
        if profile.get("overall") is not None:
            scores[f"{prefix}:overall"] = float(profile["overall"])
        applicants.append(
            Applicant(known.get(result.candidate_id, {}), hired, advanced, scores, result.created_at, by_person)
        )
    return applicants


def _tables(
    category_set: categories.CategorySet, applicants: list[Applicant], outcome: list[bool | None], exclude_small: bool
) -> dict[str, ImpactTable]:
    columns = {key: [a.categories.get(key) for a in applicants] for key in category_set.dimensions}
    tables = {}
    for key, dimension in category_set.dimensions.items():
        tables[key] = impact_table(columns[key], outcome, exclude_small=exclude_small, order=list(dimension.categories))
    for parts in category_set.intersections:
        tables[" × ".join(parts)] = impact_table(
            intersect(*(columns[part] for part in parts)), outcome, exclude_small=exclude_small
        )
    return tables


def bias(session: Session, query: Query) -> dict:
    """The audit as JSON: per outcome and category dimension, the table of rates and ratios; the flags; the notes;
    and the summary in the shape employers publish."""
    query.check()
    category_set = categories.get(query.category_set)
    assert category_set is not None
    applicants = gather(session, query)
    outcomes: list[dict] = []
    for name in SELECTIONS:
        column = [a.hired if name == "hired" else a.advanced for a in applicants]
        outcomes.append(
            {
                "outcome": name,
                "kind": "selection",
                "counted": sum(v is not None for v in column),
                "tables": _tables(category_set, applicants, column, query.exclude_small),
            }
        )
    score_names = sorted(
        {key for a in applicants for key in a.scores},
        key=lambda k: (k.startswith("assessment:"), not k.endswith(":overall"), k),
    )
    for name in score_names:
        # The median is of the scores of this outcome: the engine's, or a person's, never the two together.
        column = above_median([a.scores.get(name) for a in applicants])
        outcomes.append(
            {
                "outcome": name,
                "kind": "assessment" if name.startswith("assessment:") else "scoring",
                "counted": sum(v is not None for v in column),
                "tables": _tables(category_set, applicants, column, query.exclude_small),
            }
        )
    flags = [
        {"outcome": o["outcome"], "dimension": dim, **row.to_dict()}
        for o in outcomes
        for dim, table in o["tables"].items()
        for row in table.rows
        if row.flagged
    ]
    dates = [a.at for a in applicants]
    unknown = {key: sum(1 for a in applicants if key not in a.categories) for key in category_set.dimensions}
    notes = [
        "selection and scoring rates are computed by the hub from self-identified data; under NYC Local Law 144 the "
        "bias audit itself must be done by an independent auditor",
        f"a ratio under {FOUR_FIFTHS} is flagged (the four-fifths rule); a flag is a prompt to look, not a finding",
    ]
    if not applicants:
        notes.append("no scored applicant of this job family in the window")
    assessed = sum(a.assessed_by_person for a in applicants)
    if assessed:
        notes.append(
            f"{assessed} applicant(s) opted out of automated decisions and were assessed by a person: their "
            "selections count in hired and advanced; the scores a person gave are audited apart (assessment:*), "
            "never mixed into the engine's score:* rates"
        )
    body = {
        "audit_date": utcnow().date().isoformat(),
        "job_family": query.job_family,
        "category_set": category_set.to_dict(),
        "since": query.since.isoformat() if query.since else None,
        "until": query.until.isoformat() if query.until else None,
        "distribution": {
            "from": min(dates).date().isoformat() if dates else None,
            "to": max(dates).date().isoformat() if dates else None,
        },
        "applicants": len(applicants),
        "assessed_by_person": assessed,
        "unknown": unknown,
        "outcomes": [{**o, "tables": {k: t.to_dict() for k, t in o["tables"].items()}} for o in outcomes],
        "flags": flags,
        "notes": notes,
    }
    body["summary"] = published_summary(body)
    return body


def published_summary(report: dict) -> dict:
    """What employers publish: audit date, distribution dates, applicants per category, the rates and ratios."""
    rows = []
    for outcome in report["outcomes"]:
        for dimension, table in outcome["tables"].items():
            for row in table["rows"]:
                rows.append(
                    {
                        "outcome": outcome["outcome"],
                        "dimension": dimension,
                        "category": row["category"],
                        "applicants": row["applicants"],
                        "rate": row["rate"],
                        "impact_ratio": row["impact_ratio"],
                        "excluded": row["excluded"],
                    }
                )
    return {
        "audit_date": report["audit_date"],
        "distribution_date_range": report["distribution"],
        "applicants": report["applicants"],
        "unknown": report["unknown"],
        "excluded_categories": sorted(
            {f"{d}: {c}" for o in report["outcomes"] for d, t in o["tables"].items() for c in t["excluded"]}
        ),
        "rows": rows,
    }


def csv_rows(report: dict) -> list[dict]:
    rows = []
    for outcome in report["outcomes"]:
        for dimension, table in outcome["tables"].items():
            for row in table["rows"]:
                rows.append(
                    {
                        "outcome": outcome["outcome"],
                        "kind": outcome["kind"],
                        "dimension": dimension,
                        **{key: row[key] for key in CSV_COLUMNS[3:]},
                    }
                )
    return rows
