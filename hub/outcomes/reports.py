"""Validity reports: the hub gathers hires' scores, the applicant pool and the outcomes; scoring_engine.validity says
what they show (with n, intervals, range-restriction corrections and flags). Nothing here changes a model."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hub.errors import InvalidInput
from hub.storage.models import InterviewResult
from hub.storage.outcomes import Outcome
from mappings.document import MODEL_FAMILIES, job_family
from scoring_engine.validity import validity_report
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


def gather(session: Session, query: Query) -> tuple[dict, dict, dict, int]:
    """(hires' scores, hires' outcomes, applicant pool scores, unlinked outcome count), columns aligned by hire."""
    results = session.scalars(
        select(InterviewResult).options(selectinload(InterviewResult.profiles), selectinload(InterviewResult.decision))
    ).all()
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


def validity(session: Session, query: Query) -> dict:
    """The report as JSON: every dimension (and overall) against every outcome, plus what was counted."""
    query.check()
    scores, outcomes, applicants, unlinked = gather(session, query)
    counted = {
        "hires": len(next(iter(scores.values()), [])),
        "applicants": max((len(v) for v in applicants.values()), default=0),
        "unlinked_outcomes": unlinked,
    }
    if not scores or not outcomes:
        return {
            "job_family": query.job_family,
            "since": query.since.isoformat() if query.since else None,
            "counted": counted,
            "threshold": query.threshold,
            "min_n": query.min_n,
            "cells": [],
            "notes": ["no hire of this job family has a linked outcome yet"],
        }
    report = validity_report(
        scores, outcomes, applicant_scores=applicants, threshold=query.threshold, min_n=query.min_n
    )
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
