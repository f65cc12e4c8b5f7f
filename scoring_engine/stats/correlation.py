"""Pearson and Spearman correlation with n and a Fisher-z confidence interval."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

METHODS = ("pearson", "spearman")
# Fieller, Hartley & Pearson (1957): the Fisher-z variance of Spearman's rho is about 1.06 / (n - 3).
SPEARMAN_VARIANCE_FACTOR = 1.06


@dataclass(frozen=True)
class Correlation:
    """A correlation with its sample size and confidence interval (None where it is undefined)."""

    method: str
    n: int
    r: float | None
    low: float | None
    high: float | None
    confidence: float

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "n": self.n,
            "r": self.r,
            "low": self.low,
            "high": self.high,
            "confidence": self.confidence,
        }


def paired(
    x: Sequence[float | None] | np.ndarray, y: Sequence[float | None] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs where both sides are present (None and NaN are missing)."""
    left = np.asarray(x, dtype=float)
    right = np.asarray(y, dtype=float)
    if left.shape != right.shape or left.ndim != 1:
        raise ValueError(f"correlation needs two columns of equal length, got shapes {left.shape} and {right.shape}")
    keep = ~(np.isnan(left) | np.isnan(right))
    return left[keep], right[keep]


def fisher_interval(r: float, n: int, confidence: float = 0.95, *, variance_factor: float = 1.0) -> tuple[float, float]:
    """Confidence interval of a correlation by Fisher's z: atanh(r) ± z·sqrt(factor / (n - 3)), back through tanh."""
    if n <= 3:
        raise ValueError(f"a Fisher-z interval needs n > 3, got n = {n}")
    if abs(r) >= 1.0:
        return (r, r)
    centre = math.atanh(r)
    half = scipy_stats.norm.ppf(0.5 + confidence / 2) * math.sqrt(variance_factor / (n - 3))
    return (math.tanh(centre - half), math.tanh(centre + half))


def correlate(x, y, method: str = "pearson", confidence: float = 0.95) -> Correlation:
    """Pearson or Spearman (average ranks for ties) over the complete pairs, with n and a Fisher-z interval."""
    if method not in METHODS:
        raise ValueError(f"unknown correlation method {method!r}; expected one of {METHODS}")
    left, right = paired(x, y)
    n = int(left.size)
    if method == "spearman":
        left, right = scipy_stats.rankdata(left), scipy_stats.rankdata(right)
    if n < 3 or np.ptp(left) == 0 or np.ptp(right) == 0:
        return Correlation(method, n, None, None, None, confidence)
    left = left - left.mean()
    right = right - right.mean()
    r = float(np.clip(np.dot(left, right) / math.sqrt(np.dot(left, left) * np.dot(right, right)), -1.0, 1.0))
    if n <= 3:
        return Correlation(method, n, r, None, None, confidence)
    factor = SPEARMAN_VARIANCE_FACTOR if method == "spearman" else 1.0
    low, high = fisher_interval(r, n, confidence, variance_factor=factor)
    return Correlation(method, n, r, low, high, confidence)
