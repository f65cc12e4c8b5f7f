"""Agreement between two raters or scorers: Pearson r and quadratic weighted kappa (benchmarks, calibration)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def pearson_r(left: Sequence[float], right: Sequence[float]) -> float:
    """Pearson correlation; 0.0 when either side is constant."""
    if len(left) != len(right):
        raise ValueError(f"pearson_r needs equal lengths, got {len(left)} and {len(right)}")
    try:
        return statistics.correlation(left, right)
    except statistics.StatisticsError:
        return 0.0


def round_grade(value: float, low: int, high: int) -> int:
    """Round half up into [low, high] (Python's round() rounds half to even, which biases grades)."""
    return max(low, min(high, math.floor(value + 0.5)))


def quadratic_weighted_kappa(rater_a: Sequence[float], rater_b: Sequence[float], low: int, high: int) -> float:
    """Cohen's kappa with quadratic weights on grades rounded into [low, high]."""
    if len(rater_a) != len(rater_b):
        raise ValueError(f"quadratic_weighted_kappa needs equal lengths, got {len(rater_a)} and {len(rater_b)}")
    size = high - low + 1
    grades_a = [round_grade(value, low, high) - low for value in rater_a]
    grades_b = [round_grade(value, low, high) - low for value in rater_b]
    total = len(grades_a)
    if total == 0:
        return 0.0
    observed = [[0] * size for _ in range(size)]
    for a, b in zip(grades_a, grades_b):
        observed[a][b] += 1
    histogram_a = [grades_a.count(grade) for grade in range(size)]
    histogram_b = [grades_b.count(grade) for grade in range(size)]
    numerator = denominator = 0.0
    for i in range(size):
        for j in range(size):
            weight = (i - j) ** 2 / (size - 1) ** 2
            numerator += weight * observed[i][j]
            denominator += weight * histogram_a[i] * histogram_b[j] / total
    return 1.0 - numerator / denominator if denominator else 0.0
