"""Validity corrected for selection on the overall score (Pearson-Lawley), with a bootstrap interval.

Hiring on the overall score restricts every dimension at once and, among the hires, makes the
dimensions trade off against each other: a hire with a low technical score must have had high
others. Case II, one dimension at a time, cannot undo that (it leaves a spurious negative validity
on dimensions that predict nothing). The multivariate correction can, given the applicants'
covariance of the dimensions, which the hub has because it scored everyone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scoring_engine.stats.corrections import correct_multivariate_selection, covariance_to_correlation

DEFAULT_RESAMPLES = 200
RANDOM_GROUPS = 2000


@dataclass(frozen=True)
class MultivariateValidity:
    """Corrected validity of each predictor against one outcome, over the hires complete on every column."""

    outcome: str
    n: int
    r: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]


def _complete(columns: Sequence[np.ndarray]) -> np.ndarray:
    data = np.column_stack([np.asarray(column, dtype=float) for column in columns])
    return data[~np.isnan(data).any(axis=1)]


def _corrected_validities(
    pool_xx: np.ndarray, hired_covariance: np.ndarray, explicit: int, criterion_reliability: float | None
) -> np.ndarray:
    """Corrected correlation of every column with the last one (the outcome)."""
    hired_covariance = hired_covariance.copy()
    if criterion_reliability is not None:
        # Only the criterion's true-score variance counts: r_yy times its observed variance among hires.
        hired_covariance[-1, -1] *= criterion_reliability
    corrected = covariance_to_correlation(correct_multivariate_selection(pool_xx, hired_covariance, explicit))
    return np.clip(corrected[:-1, -1], -1.0, 1.0)


def _resampled_covariances(data: np.ndarray, resamples: int, generator: np.random.Generator) -> np.ndarray:
    """Covariance matrices of `resamples` bootstrap resamples of the rows of `data`.

    Up to RANDOM_GROUPS rows this is the ordinary bootstrap. Beyond, the rows are dealt at random into
    RANDOM_GROUPS groups and the groups are resampled (the random-group method, Wolter 2007, ch. 2): for
    statistics built from means and covariances it has the same variance as resampling rows, and it keeps
    100,000 hires well within the benchmark's budget.
    """
    n, width = data.shape
    centred = data - data.mean(axis=0)
    rows, cols = np.triu_indices(width)
    columns = np.concatenate([np.ones((n, 1)), centred, centred[:, rows] * centred[:, cols]], axis=1)
    groups = min(n, RANDOM_GROUPS)
    membership = np.empty(n, dtype=np.intp)
    membership[generator.permutation(n)] = np.arange(n) % groups
    sums = np.stack([np.bincount(membership, weights=column, minlength=groups) for column in columns.T], axis=1)
    counts = np.stack([np.bincount(generator.integers(0, groups, groups), minlength=groups) for _ in range(resamples)])
    totals = counts.astype(float) @ sums
    size = totals[:, 0]
    means = totals[:, 1 : width + 1] / size[:, None]
    moments = totals[:, width + 1 :] / size[:, None]
    result = np.empty((resamples, width, width))
    result[:, rows, cols] = moments
    result[:, cols, rows] = moments
    result -= means[:, :, None] * means[:, None, :]
    return result * (size / (size - 1))[:, None, None]


def multivariate_validity(
    pool: Mapping[str, np.ndarray],
    hired: Mapping[str, np.ndarray],
    outcome_name: str,
    outcome: np.ndarray,
    *,
    composites: Mapping[str, np.ndarray] | None = None,
    criterion_reliability: float | None = None,
    confidence: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> MultivariateValidity | None:
    """Validities of `hired`'s dimensions (and `composites` such as the overall score) against `outcome`.

    `pool` holds every applicant's scores on the dimensions selection used, `hired` the hires' scores on
    the same keys, aligned with `outcome`. The interval is a percentile bootstrap, resampling hires and
    applicants (each independently: an approximation, the hires are among the applicants). None when fewer
    complete hires than columns + 3.
    """
    keys = list(pool)
    composite_keys = list(composites or {})
    pool_data = _complete([pool[key] for key in keys])
    data = _complete([*(hired[key] for key in keys), *((composites or {})[key] for key in composite_keys), outcome])
    n, width = data.shape
    if n < width + 3 or pool_data.shape[0] < len(keys) + 1:
        return None
    pool_xx = np.atleast_2d(np.cov(pool_data, rowvar=False))
    point = _corrected_validities(pool_xx, np.cov(data, rowvar=False), len(keys), criterion_reliability)
    # Hires and applicants are both samples, so both are resampled.
    generator = np.random.default_rng(seed)
    hired_covariances = _resampled_covariances(data, resamples, generator)
    pool_covariances = _resampled_covariances(pool_data, resamples, generator)
    estimates = np.stack(
        [
            _corrected_validities(pool_covariances[index], hired_covariances[index], len(keys), criterion_reliability)
            for index in range(resamples)
        ]
    )
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(estimates, [tail, 100 - tail], axis=0)
    names = keys + composite_keys
    return MultivariateValidity(
        outcome_name,
        n,
        dict(zip(names, point.tolist())),
        dict(zip(names, low.tolist())),
        dict(zip(names, high.tolist())),
    )
