"""Validity reports: the hub gathers hires' scores, the applicant pool and the outcomes; scoring_engine.validity says
what they show (with n, intervals, range-restriction corrections and flags). Nothing here changes a model."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer, selectinload

from hub.errors import InvalidInput
from hub.storage.models import Decision, InterviewResult
from hub.storage.outcomes import Outcome
from mappings.document import MODEL_FAMILIES, job_family
from scoring_engine.validity import AttendanceReport, ValidityReport, attendance_report, validity_report
from scoring_engine.validity.attendance import DEFAULT_ALPHA, DEFAULT_MIN_GROUP, DEFAULT_OFTEN_LATE_SHARE
from scoring_engine.validity.report import DEFAULT_MIN_N, DEFAULT_THRESHOLD

PERFORMANCE = "performance"  # the overall review rating, rescaled to 0-1 by its scale
LATE_RATE = "late_rate"  # late arrivals per workday, over every month reported
CSV_COLUMNS = ["predictor", "outcome", "n", "status", "flagged", "r", "low", "high", "correction", "observed_r"]


@dataclass(frozen=True)
class Query:
    job_family: str
    since: datetime | None = None
    threshold: float = DEFAULT_THRESHOLD
    min_n: int = DEFAULT_MIN_N

    def check(self) -> Query:
        if self.job_family not in MODEL_FAMILIES.values():
            raise InvalidInput(
                f"unknown job family {self.job_family!r}; known: {', '.join(sorted(set(MODEL_FAMILIES.values())))}",
                errors=[{"pointer": "?job_family", "message": "a job family, e.g. rnd or sales"}],
            )
        if not 0 < self.threshold < 1:
            raise InvalidInput(
                "threshold must be between 0 and 1", errors=[{"pointer": "?threshold", "message": "e.g. 0.3"}]
            )
        if self.min_n < 3:
            raise InvalidInput("min_n must be at least 3", errors=[{"pointer": "?min_n", "message": "e.g. 30"}])
        return self


def _scores(profile: dict) -> dict[str, float]:
    values = {key: d["score"] for key, d in (profile.get("dimensions") or {}).items() if d.get("score") is not None}
    if profile.get("overall") is not None:
        values["overall"] = profile["overall"]
    return values


def _outcome_values(records: list[dict]) -> dict[str, float]:
    reviews = [r for r in records if r["kind"] == "performance_review"]
    months = [r for r in records if r["kind"] == "attendance_summary"]
    values: dict[str, float] = {}
    if reviews:
        values[PERFORMANCE] = sum(
            (r["overall"]["rating"] - r["overall"]["scale"]["min"])
            / (r["overall"]["scale"]["max"] - r["overall"]["scale"]["min"])
            for r in reviews
        ) / len(reviews)
        for review in reviews:
            for criterion in review.get("criteria", []):
                if criterion.get("dimension"):
                    scale = criterion["scale"]
                    values[f"performance:{criterion['dimension']}"] = (criterion["rating"] - scale["min"]) / (
                        scale["max"] - scale["min"]
                    )
    workdays = sum(r["workdays"] for r in months)
    if workdays:
        values[LATE_RATE] = sum(r["late_arrivals"] for r in months) / workdays
    return values


# Only what the reports read: the answers (payload) and a decision's note are encrypted and not needed here.
_LEAN = (
    defer(InterviewResult.payload),
    selectinload(InterviewResult.profiles),
    selectinload(InterviewResult.decision).load_only(Decision.hired, Decision.result_id),
)


def gather(session: Session, query: Query) -> tuple[dict, dict, dict, int]:
    """(hires' scores, hires' outcomes, applicant pool scores, unlinked outcome count), columns aligned by hire."""
    results = session.scalars(select(InterviewResult).options(*_LEAN)).all()
    pool: dict[str, list[float]] = {}
    hires: list[tuple[dict[str, float], str]] = []
    for result in results:
        if not result.profiles or (query.since and result.created_at < query.since):
            continue
        profile = result.profiles[-1].data
        if job_family(profile) != query.job_family:
            continue
        scores = _scores(profile)
        for key, value in scores.items():
            pool.setdefault(key, []).append(value)
        if result.decision is not None and result.decision.hired:
            hires.append((scores, result.id))
    by_result: dict[str, list[dict]] = {}
    for outcome in session.scalars(select(Outcome).where(Outcome.result_id.in_([rid for _, rid in hires]))):
        by_result.setdefault(str(outcome.result_id), []).append(outcome.record)
    unlinked = session.scalar(select(func.count()).select_from(Outcome).where(Outcome.result_id.is_(None))) or 0
    predictors = sorted({key for scores, _ in hires for key in scores})
    outcome_rows = [_outcome_values(by_result.get(rid, [])) for _, rid in hires]
    outcome_names = sorted({key for row in outcome_rows for key in row})
    nan = math.nan
    scores_columns = {key: [scores.get(key, nan) for scores, _ in hires] for key in predictors}
    outcome_columns = {key: [row.get(key, nan) for row in outcome_rows] for key in outcome_names}
    applicants = {key: values for key, values in pool.items() if key in scores_columns}
    return scores_columns, outcome_columns, applicants, unlinked


def validity_object(
    session: Session, query: Query, gathered: tuple | None = None
) -> tuple[ValidityReport | None, dict]:
    """The report itself (None without data) and what was counted; `validity` is its JSON form. `gathered` is
    what `gather` returned for this query, when the caller needs it too (the console's scatter)."""
    query.check()
    scores, outcomes, applicants, unlinked = gathered or gather(session, query)
    counted = {
        "hires": len(next(iter(scores.values()), [])),
        "applicants": max((len(v) for v in applicants.values()), default=0),
        "unlinked_outcomes": unlinked,
    }
    if not scores or not outcomes:
        return None, counted
    # Hiring ranks on the overall score, a weighted sum of the dimensions: selection is on all of them at
    # once, which the multivariate (Pearson-Lawley) correction undoes and Case II alone cannot.
    selection_on = [key for key in scores if key != "overall" and key in applicants]
    report = validity_report(
        scores,
        outcomes,
        applicant_scores=applicants,
        selection_on=selection_on or None,
        threshold=query.threshold,
        min_n=query.min_n,
    )
    return report, counted


def validity(session: Session, query: Query, gathered: tuple | None = None) -> dict:
    """The report as JSON: every dimension (and overall) against every outcome, plus what was counted."""
    report, counted = validity_object(session, query, gathered)
    if report is None:
        return {
            "job_family": query.job_family,
            "since": query.since.isoformat() if query.since else None,
            "counted": counted,
            "threshold": query.threshold,
            "min_n": query.min_n,
            "cells": [],
            "notes": ["no hire of this job family has a linked outcome yet"],
        }
    body = report.to_dict()
    body.update(job_family=query.job_family, since=query.since.isoformat() if query.since else None, counted=counted)
    body.setdefault(
        "notes",
        ["correlation is not causation; only hires have outcomes (survivorship); below min_n no number is shown"],
    )
    return body


def csv_rows(report: dict) -> list[dict]:
    rows = []
    for cell in report["cells"]:
        corrected = cell.get("corrected") or {}
        rows.append(
            {
                "predictor": cell["predictor"],
                "outcome": cell["outcome"],
                "n": cell["n"],
                "status": cell["status"],
                "flagged": cell["flagged"],
                "r": corrected.get("r"),
                "low": corrected.get("low"),
                "high": corrected.get("high"),
                "correction": cell["correction"],
                "observed_r": (cell.get("pearson") or {}).get("r"),
            }
        )
    return rows


def scatter_points(
    session: Session, query: Query, predictor: str, outcome: str, gathered: tuple | None = None
) -> list[tuple[float, float]]:
    """The hires' (score, outcome) pairs behind one cell, both present (for the console's scatter plot)."""
    query.check()
    scores, outcomes, _, _ = gathered or gather(session, query)
    if predictor not in scores or outcome not in outcomes:
        return []
    return [
        (float(x), float(y))
        for x, y in zip(scores[predictor], outcomes[outcome])
        if not (math.isnan(x) or math.isnan(y))
    ]


# --- attendance ----------------------------------------------------------------------------------------

ATTENDANCE_GROUPINGS = ("work_schedule", "preferred_start", "department", "job_family")
ATTENDANCE_CSV_COLUMNS = [
    "grouping",
    "group",
    "hires",
    "often_late",
    "rate",
    "low",
    "high",
    "late_day_share",
    "rest_rate",
    "test",
    "p_value",
    "adjusted_p",
    "significant",
    "enough_data",
]


@dataclass(frozen=True)
class AttendanceQuery:
    """Which hires (a job family, or every family when None; interviews since a date) and the report's settings."""

    job_family: str | None = None
    since: datetime | None = None
    often_late_share: float = DEFAULT_OFTEN_LATE_SHARE
    min_group: int = DEFAULT_MIN_GROUP
    alpha: float = DEFAULT_ALPHA

    def check(self) -> AttendanceQuery:
        if self.job_family is not None:
            Query(self.job_family).check()
        if not 0 < self.often_late_share < 1:
            raise InvalidInput(
                "often_late_share must be between 0 and 1",
                errors=[{"pointer": "?often_late_share", "message": "e.g. 0.05 (late on more than 5 % of workdays)"}],
            )
        if self.min_group < 2:
            raise InvalidInput("min_group must be at least 2", errors=[{"pointer": "?min_group", "message": "e.g. 10"}])
        if not 0 < self.alpha < 1:
            raise InvalidInput("alpha must be between 0 and 1", errors=[{"pointer": "?alpha", "message": "e.g. 0.05"}])
        return self


def gather_attendance(session: Session, query: AttendanceQuery) -> tuple[dict[str, list], list[int], list[int]]:
    """(groupings, workdays, late arrivals), one entry per hire with attendance: preference, department, family."""
    results = session.scalars(select(InterviewResult).join(InterviewResult.decision).options(*_LEAN)).all()
    hires: dict[str, dict] = {}
    for result in results:
        if not (result.decision and result.decision.hired and result.profiles):
            continue
        if query.since and result.created_at < query.since:
            continue
        profile = result.profiles[-1].data
        family = job_family(profile)
        if query.job_family is not None and family != query.job_family:
            continue
        preferences = profile.get("preferences") or {}
        hours = preferences.get("preferred_hours") or {}
        hires[result.id] = {
            "work_schedule": preferences.get("work_schedule"),
            "preferred_start": hours.get("start"),
            "job_family": family,
        }
    totals: dict[str, list] = {}
    for outcome in session.scalars(
        select(Outcome).where(Outcome.kind == "attendance_summary", Outcome.result_id.in_(list(hires)))
    ):
        record = outcome.record
        entry = totals.setdefault(str(outcome.result_id), [0, 0, {}])
        entry[0] += int(record["workdays"])
        entry[1] += int(record["late_arrivals"])
        if record.get("department"):
            entry[2][record["department"]] = entry[2].get(record["department"], 0) + int(record["workdays"])
    groupings: dict[str, list] = {name: [] for name in ATTENDANCE_GROUPINGS}
    workdays: list[int] = []
    late: list[int] = []
    for result_id, (days, late_days, departments) in totals.items():
        if days <= 0:
            continue
        labels = hires[result_id]
        for name in ("work_schedule", "preferred_start", "job_family"):
            groupings[name].append(labels[name])
        # The department a hire spent most workdays in (one label per hire: the unit is the hire).
        groupings["department"].append(max(departments, key=departments.__getitem__) if departments else None)
        workdays.append(days)
        late.append(late_days)
    return groupings, workdays, late


def attendance_object(session: Session, query: AttendanceQuery) -> AttendanceReport | None:
    query.check()
    groupings, workdays, late = gather_attendance(session, query)
    if not workdays:
        return None
    used = {name: labels for name, labels in groupings.items() if any(label is not None for label in labels)}
    return attendance_report(
        used,
        workdays,
        late,
        often_late_share=query.often_late_share,
        alpha=query.alpha,
        min_group=query.min_group,
    )


_NOT_GIVEN: Any = object()


def attendance(
    session: Session, query: AttendanceQuery, proposals: list[dict] | None = None, report: Any = _NOT_GIVEN
) -> dict:
    """The attendance report as JSON (every group with its Wilson interval and its test against the rest);
    `report` is one `attendance_object` already made for this query (None: there was no data)."""
    if report is _NOT_GIVEN:
        report = attendance_object(session, query)
    body: dict = {
        "job_family": query.job_family,
        "since": query.since.isoformat() if query.since else None,
        "often_late_share": query.often_late_share,
        "min_group": query.min_group,
        "alpha": query.alpha,
        "hires": 0,
        "groups": [],
    }
    if report is None:
        body["notes"] = ["no hire has a linked attendance summary yet"]
    else:
        body.update(report.to_dict())
        body["notes"] = [
            "a hire counts as often late when late on more than the often_late_share of workdays; the unit is the "
            "hire, not the day; p-values are adjusted (Benjamini-Hochberg) within each grouping; correlation is not "
            "causation"
        ]
    body["proposals"] = proposals or []
    return body


def attendance_csv_rows(report: dict) -> list[dict]:
    rows = []
    for group in report["groups"]:
        comparison = group.get("comparison") or {}
        rows.append(
            {
                "grouping": group["grouping"],
                "group": group["group"],
                "hires": group["hires"],
                "often_late": group["often_late"],
                "rate": group["rate"],
                "low": group["low"],
                "high": group["high"],
                "late_day_share": group["late_day_share"],
                "rest_rate": comparison.get("rest_rate"),
                "test": comparison.get("test"),
                "p_value": comparison.get("p_value"),
                "adjusted_p": group["adjusted_p"],
                "significant": group["significant"],
                "enough_data": group["enough_data"],
            }
        )
    return rows
