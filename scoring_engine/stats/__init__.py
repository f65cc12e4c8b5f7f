"""Statistics primitives shared by calibration, validity (issue 12) and fairness reports; pure functions.

numpy does the arithmetic on whole columns and scipy supplies the distributions and exact tests
(rank with ties, normal quantiles, Fisher's exact test), so nothing here re-derives a textbook
routine that a well-kept library already has.
"""

from scoring_engine.stats.agreement import pearson_r, quadratic_weighted_kappa, round_grade
from scoring_engine.stats.corrections import correct_criterion_unreliability, correct_range_restriction
from scoring_engine.stats.correlation import Correlation, correlate, fisher_interval
from scoring_engine.stats.proportions import ProportionComparison, compare_proportions, wilson_interval

__all__ = [
    "Correlation",
    "ProportionComparison",
    "compare_proportions",
    "correct_criterion_unreliability",
    "correct_range_restriction",
    "correlate",
    "fisher_interval",
    "pearson_r",
    "quadratic_weighted_kappa",
    "round_grade",
    "wilson_interval",
]
