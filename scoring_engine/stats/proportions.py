"""Proportions: Wilson score intervals and one group against the rest (two-proportion z test or Fisher's exact)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats as scipy_stats

# Below this expected count in any cell of the 2x2 table the normal approximation is not trusted
# (Cochran's rule), so the comparison uses Fisher's exact test.
MIN_EXPECTED_COUNT = 5.0


def wilson_interval(successes: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for a binomial proportion; it stays inside [0, 1] and behaves at 0 and n."""
    if total <= 0:
        raise ValueError(f"a proportion needs a positive total, got {total}")
    if not 0 <= successes <= total:
        raise ValueError(f"successes must be between 0 and the total {total}, got {successes}")
    z = float(scipy_stats.norm.ppf(0.5 + confidence / 2))
    share = successes / total
    denominator = 1.0 + z * z / total
    centre = (share + z * z / (2 * total)) / denominator
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class ProportionComparison:
    """A group's proportion against the rest's: which test, its two-sided p-value, the difference."""

    test: str
    p_value: float
    difference: float
    group_rate: float
    rest_rate: float

    def to_dict(self) -> dict:
        return {
            "test": self.test,
            "p_value": self.p_value,
            "difference": self.difference,
            "group_rate": self.group_rate,
            "rest_rate": self.rest_rate,
        }


def compare_proportions(
    group_successes: int, group_total: int, rest_successes: int, rest_total: int
) -> ProportionComparison:
    """Two-sided test of equal proportions: pooled two-proportion z test, or Fisher's exact test for small counts."""
    if group_total <= 0 or rest_total <= 0:
        raise ValueError(f"both groups need members, got {group_total} and {rest_total}")
    group_rate = group_successes / group_total
    rest_rate = rest_successes / rest_total
    total = group_total + rest_total
    pooled = (group_successes + rest_successes) / total
    expected = min(group_total, rest_total) * min(pooled, 1.0 - pooled)
    if expected < MIN_EXPECTED_COUNT:
        table = [[group_successes, group_total - group_successes], [rest_successes, rest_total - rest_successes]]
        p_value = float(scipy_stats.fisher_exact(table, alternative="two-sided").pvalue)
        return ProportionComparison("fisher_exact", p_value, group_rate - rest_rate, group_rate, rest_rate)
    standard_error = math.sqrt(pooled * (1 - pooled) * (1 / group_total + 1 / rest_total))
    z = (group_rate - rest_rate) / standard_error
    p_value = float(2 * scipy_stats.norm.sf(abs(z)))
    return ProportionComparison("two_proportion_z", p_value, group_rate - rest_rate, group_rate, rest_rate)
