"""Bias-audit statistics in the NYC Local Law 144 manner (6 RCNY 5-300): selection and scoring rates per category,
impact ratios against the most selected category, the four-fifths flag with a significance test; pure functions.

Nothing here knows where the categories come from: the hub passes plain lists (docs/fairness.md)."""

from scoring_engine.fairness.impact import (
    FOUR_FIFTHS,
    MIN_READABLE_N,
    SMALL_SHARE,
    ImpactRow,
    ImpactTable,
    above_median,
    impact_table,
    intersect,
)

__all__ = [
    "FOUR_FIFTHS",
    "MIN_READABLE_N",
    "SMALL_SHARE",
    "ImpactRow",
    "ImpactTable",
    "above_median",
    "impact_table",
    "intersect",
]
