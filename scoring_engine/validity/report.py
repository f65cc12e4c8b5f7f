"""Validity of interview scores: each predictor (dimension or overall) against each outcome, corrected and flagged."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scoring_engine.stats import Correlation, correct_criterion_unreliability, correct_range_restriction, correlate
from scoring_engine.stats.correlation import paired
from scoring_engine.validity.multivariate import DEFAULT_RESAMPLES, MultivariateValidity, multivariate_validity

DEFAULT_THRESHOLD = 0.3
DEFAULT_MIN_N = 30

# Statuses of one predictor-outcome cell, in the words the reports print.
NOT_ENOUGH_DATA = "not_enough_data"
BELOW_THRESHOLD = "below_threshold"
ABOVE_THRESHOLD = "above_threshold"
INCONCLUSIVE = "inconclusive"
UNDEFINED = "undefined"

Column = Sequence[float | None] | np.ndarray


@dataclass(frozen=True)
class Estimate:
    """A corrected correlation with its interval."""

    r: float
    low: float
    high: float

    def to_dict(self) -> dict:
        return {"r": self.r, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class ValidityCell:
    """One predictor against one outcome among the hires: observed, corrected, and the verdict on the headline one.

    `corrected` is the headline: the multivariate correction where selection was on the scores and the
    applicant pool is known, else Case II on this dimension alone, else the observed Pearson r.
    """

    predictor: str
    outcome: str
    n: int
    status: str
    pearson: Correlation | None = None
    spearman: Correlation | None = None
    case_ii: Estimate | None = None
    multivariate: Estimate | None = None
    multivariate_n: int | None = None
    corrected: Estimate | None = None
    correction: str = "none"
    applicant_sd: float | None = None
    hired_sd: float | None = None
    criterion_reliability: float | None = None
    notes: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        """Below the threshold with an interval that excludes it."""
        return self.status == BELOW_THRESHOLD

    def to_dict(self) -> dict:
        enough = self.status != NOT_ENOUGH_DATA

        # Below the minimum n no number is shown: a small-sample r invites more trust than it deserves.
        def shown(value):
            return value.to_dict() if enough and value is not None else None

        return {
            "predictor": self.predictor,
            "outcome": self.outcome,
            "n": self.n,
            "status": self.status,
            "flagged": self.flagged,
            "pearson": shown(self.pearson),
            "spearman": shown(self.spearman),
            "case_ii": shown(self.case_ii),
            "multivariate": shown(self.multivariate),
            "multivariate_n": self.multivariate_n if enough else None,
            "corrected": shown(self.corrected),
            "correction": self.correction,
            "applicant_sd": self.applicant_sd,
            "hired_sd": self.hired_sd if enough else None,
            "criterion_reliability": self.criterion_reliability,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class ValidityReport:
    """Every predictor-outcome cell, and the settings that produced them."""

    cells: tuple[ValidityCell, ...]
    threshold: float
    min_n: int
    confidence: float
    settings: dict = field(default_factory=dict)

    def cell(self, predictor: str, outcome: str) -> ValidityCell:
        for cell in self.cells:
            if cell.predictor == predictor and cell.outcome == outcome:
                return cell
        raise KeyError(f"no cell for predictor {predictor!r} and outcome {outcome!r}")

    @property
    def flagged(self) -> list[ValidityCell]:
        return [cell for cell in self.cells if cell.flagged]

    def to_dict(self) -> dict:
        return {
            "threshold": self.threshold,
            "min_n": self.min_n,
            "confidence": self.confidence,
            "settings": dict(self.settings),
            "cells": [cell.to_dict() for cell in self.cells],
        }


def applicant_pool_sd(scores: Column) -> float | None:
    """Sample SD of a predictor over everyone scored, hired or not (None below two scores)."""
    values = np.asarray(scores, dtype=float)
    values = values[~np.isnan(values)]
    return float(values.std(ddof=1)) if values.size >= 2 else None


def status_for(estimate: Estimate | None, threshold: float) -> str:
    """below_threshold only when the whole interval is below the threshold; above only when wholly above."""
    if estimate is None:
        return UNDEFINED
    if estimate.high < threshold:
        return BELOW_THRESHOLD
    if estimate.low > threshold:
        return ABOVE_THRESHOLD
    return INCONCLUSIVE


def _case_ii(
    pearson: Correlation, reliability: float | None, applicant_sd: float | None, hired_sd: float
) -> Estimate | None:
    if pearson.r is None or pearson.low is None or pearson.high is None:
        return None

    def correct(r: float) -> float:
        # Criterion reliability is measured among incumbents, so it is applied before range restriction
        # (Stauffer & Mendoza 2001; Hunter, Schmidt & Le 2006).
        if reliability is not None:
            r = correct_criterion_unreliability(r, reliability)
        if applicant_sd is not None and hired_sd > 0:
            r = correct_range_restriction(r, applicant_sd, hired_sd)
        return r

    # Both corrections increase with r, so the interval's ends map through them too.
    return Estimate(correct(pearson.r), correct(pearson.low), correct(pearson.high))


def validity_cell(
    predictor: str,
    outcome: str,
    scores: Column,
    outcomes: Column,
    *,
    applicant_sd: float | None = None,
    criterion_reliability: float | None = None,
    multivariate: MultivariateValidity | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
) -> ValidityCell:
    """One predictor against one outcome over the hires that have both."""
    pearson = correlate(scores, outcomes, "pearson", confidence)
    common: dict[str, Any] = {
        "predictor": predictor,
        "outcome": outcome,
        "n": pearson.n,
        "applicant_sd": applicant_sd,
        "criterion_reliability": criterion_reliability,
    }
    if pearson.n < min_n:
        return ValidityCell(status=NOT_ENOUGH_DATA, notes=(f"n = {pearson.n} is below the minimum {min_n}",), **common)
    spearman = correlate(scores, outcomes, "spearman", confidence)
    hired_scores, _ = paired(scores, outcomes)
    hired_sd = float(hired_scores.std(ddof=1))
    if pearson.r is None:
        return ValidityCell(
            status=UNDEFINED,
            pearson=pearson,
            spearman=spearman,
            hired_sd=hired_sd,
            notes=("one side is constant among these hires",),
            **common,
        )
    notes = []
    if applicant_sd is not None and applicant_sd < hired_sd:
        notes.append("the hires vary more than the applicant pool: Case II lowers r")
    case_ii = _case_ii(pearson, criterion_reliability, applicant_sd, hired_sd)
    pooled: Estimate | None = None
    if multivariate is not None and predictor in multivariate.r:
        pooled = Estimate(multivariate.r[predictor], multivariate.low[predictor], multivariate.high[predictor])
    corrected: Estimate | None
    if pooled is not None:
        corrected, correction = pooled, "multivariate"
    elif applicant_sd is not None and case_ii is not None:
        corrected, correction = case_ii, "case_ii"
        notes.append("corrected one dimension at a time (Case II): selection on the overall score is not undone")
    else:
        corrected, correction = case_ii, "criterion_only" if criterion_reliability else "none"
        notes.append("no applicant-pool scores: not corrected for range restriction")
    return ValidityCell(
        status=status_for(corrected, threshold),
        pearson=pearson,
        spearman=spearman,
        case_ii=case_ii,
        multivariate=pooled,
        multivariate_n=multivariate.n if pooled and multivariate else None,
        corrected=corrected,
        correction=correction,
        hired_sd=hired_sd,
        notes=tuple(notes),
        **common,
    )


def validity_report(
    scores: Mapping[str, Column],
    outcomes: Mapping[str, Column],
    *,
    applicant_scores: Mapping[str, Column] | None = None,
    selection_on: Sequence[str] | None = None,
    criterion_reliability: Mapping[str, float] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> ValidityReport:
    """Every predictor in `scores` (hires) against every outcome; columns aligned by hire, None or NaN where missing.

    `applicant_scores` holds everyone scored (hired or not) for the pool SDs; `selection_on` names the
    dimensions the overall score was built from, which turns on the multivariate correction for all
    predictors (the others are treated as composites of those).
    """
    lengths = {len(column) for column in (*scores.values(), *outcomes.values())}
    if len(lengths) > 1:
        raise ValueError(f"every score and outcome column needs one value per hire; got lengths {sorted(lengths)}")
    applicant_scores = applicant_scores or {}
    criterion_reliability = dict(criterion_reliability or {})
    pool_sd = {key: applicant_pool_sd(values) for key, values in applicant_scores.items()}
    explicit = [key for key in (selection_on or ()) if key in scores and key in applicant_scores]
    if selection_on and len(explicit) != len(selection_on):
        missing = sorted(set(selection_on) - set(explicit))
        raise ValueError(f"selection_on names {missing}, which lack hires' or applicants' scores")
    hired = {key: np.asarray(scores[key], dtype=float) for key in scores}
    cells = []
    for outcome, outcome_values in outcomes.items():
        multivariate = None
        if explicit:
            composites = {key: hired[key] for key in scores if key not in explicit}
            multivariate = multivariate_validity(
                {key: np.asarray(applicant_scores[key], dtype=float) for key in explicit},
                {key: hired[key] for key in explicit},
                outcome,
                np.asarray(outcome_values, dtype=float),
                composites=composites,
                criterion_reliability=criterion_reliability.get(outcome),
                confidence=confidence,
                resamples=resamples,
                seed=seed,
            )
        for predictor in scores:
            cells.append(
                validity_cell(
                    predictor,
                    outcome,
                    hired[predictor],
                    outcome_values,
                    applicant_sd=pool_sd.get(predictor),
                    criterion_reliability=criterion_reliability.get(outcome),
                    multivariate=multivariate,
                    threshold=threshold,
                    min_n=min_n,
                    confidence=confidence,
                )
            )
    return ValidityReport(
        tuple(cells),
        threshold,
        min_n,
        confidence,
        settings={
            "criterion_reliability": criterion_reliability,
            "selection_on": explicit,
            "resamples": resamples,
            "seed": seed,
        },
    )
