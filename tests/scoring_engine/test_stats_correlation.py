"""Correlations, corrections and proportions against textbook worked examples and against scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from scoring_engine.stats import (
    compare_proportions,
    correct_criterion_unreliability,
    correct_range_restriction,
    correlate,
    fisher_interval,
    wilson_interval,
)
from scoring_engine.stats.corrections import (
    correct_multivariate_selection,
    covariance_to_correlation,
)


def test_fisher_interval_by_hand():
    """r = 0.5, n = 28: z = atanh(0.5) = 0.549306, SE = 1/sqrt(25) = 0.2, z ± 1.959964·0.2 = [0.157313, 0.941299],
    back through tanh: [0.1560, 0.7358] (Fisher 1921; e.g. Cohen, Cohen, West & Aiken 2003, section 2.8.2)."""
    low, high = fisher_interval(0.5, 28)
    assert low == pytest.approx(0.1560, abs=1e-4)
    assert high == pytest.approx(0.7358, abs=1e-4)


def test_pearson_and_its_interval_agree_with_scipy():
    generator = np.random.default_rng(3)
    x = generator.normal(size=200)
    y = 0.4 * x + generator.normal(size=200)
    mine = correlate(x, y, "pearson")
    reference = scipy_stats.pearsonr(x, y)
    interval = reference.confidence_interval(0.95)
    assert mine.n == 200
    assert mine.r == pytest.approx(reference.statistic, abs=1e-12)
    assert (mine.low, mine.high) == pytest.approx((interval.low, interval.high), abs=1e-9)


def test_spearman_by_hand_and_with_ties_against_scipy():
    """No ties: rho = 1 - 6·Σd²/(n(n²-1)); x = 1..5, y = 2,1,4,3,5 gives Σd² = 4 and rho = 1 - 24/120 = 0.8."""
    assert correlate([1, 2, 3, 4, 5], [2, 1, 4, 3, 5], "spearman").r == pytest.approx(0.8)
    x = [1, 2, 2, 3, 4, 4, 4, 5, 6, 7]
    y = [2, 1, 3, 3, 5, 4, 6, 6, 8, 7]
    assert correlate(x, y, "spearman").r == pytest.approx(scipy_stats.spearmanr(x, y).statistic, abs=1e-12)


def test_spearman_interval_is_wider_than_pearson_by_the_fieller_factor():
    spearman = correlate(list(range(50)), [value + (value % 7) for value in range(50)], "spearman")
    z_half = (math.atanh(spearman.high) - math.atanh(spearman.low)) / 2
    assert z_half == pytest.approx(1.959964 * math.sqrt(1.06 / 47), abs=1e-5)


def test_missing_pairs_are_dropped_and_constant_columns_have_no_r():
    result = correlate([1, 2, None, 4, 5, float("nan")], [2, 4, 6, 8, None, 1])
    assert result.n == 3
    assert result.r == pytest.approx(1.0)
    assert correlate([1, 2, 3, 4, 5], [3, 3, 3, 3, 3]).r is None
    with pytest.raises(ValueError, match="equal length"):
        correlate([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="unknown correlation method"):
        correlate([1, 2], [1, 2], "kendall")


def test_thorndike_case_ii_worked_example():
    """Cohen, Cohen, West & Aiken (2003), section 2.10.3 (the example of psychometric::cRRr(.25, 12, 5)):
    r = .25 among the selected, SD 5 there and 12 in the population: U = 2.4,
    R = .25·2.4 / sqrt(1 + .0625·(5.76 - 1)) = .6 / 1.13908 = .527."""
    assert correct_range_restriction(0.25, applicant_sd=12, hired_sd=5) == pytest.approx(0.5267, abs=1e-4)
    assert correct_range_restriction(0.3, 10, 10) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="positive"):
        correct_range_restriction(0.3, 0, 10)


def test_thorndike_case_ii_recovers_a_direct_selection():
    generator = np.random.default_rng(7)
    x = generator.normal(size=400_000)
    y = 0.5 * x + math.sqrt(0.75) * generator.normal(size=400_000)
    top = x > np.quantile(x, 0.7)
    observed = np.corrcoef(x[top], y[top])[0, 1]
    assert observed < 0.35
    assert correct_range_restriction(observed, x.std(ddof=1), x[top].std(ddof=1)) == pytest.approx(0.5, abs=0.01)


def test_criterion_unreliability_worked_example():
    """Spearman (1904) correction for the criterion only: r = .30 with ratings of reliability .52 gives .30/sqrt(.52) = .416
    (the .52 is Viswesvaran, Ones & Schmidt's 1996 inter-rater reliability of supervisory ratings)."""
    assert correct_criterion_unreliability(0.30, 0.52) == pytest.approx(0.4160, abs=1e-4)
    assert correct_criterion_unreliability(0.9, 0.5) == 1.0
    with pytest.raises(ValueError, match="reliability"):
        correct_criterion_unreliability(0.3, 0)


def test_multivariate_correction_undoes_selection_on_a_composite():
    generator = np.random.default_rng(11)
    n = 300_000
    abilities = generator.normal(size=(n, 3))
    y = abilities @ np.array([0.5, 0.0, 0.2]) + math.sqrt(1 - 0.29) * generator.normal(size=n)
    composite = abilities.sum(axis=1)
    top = composite > np.quantile(composite, 0.7)
    hired = np.column_stack([abilities[top], y[top]])
    corrected = covariance_to_correlation(
        correct_multivariate_selection(np.cov(abilities, rowvar=False), np.cov(hired, rowvar=False), explicit=3)
    )
    assert corrected[:3, 3] == pytest.approx([0.5, 0.0, 0.2], abs=0.01)
    # Among the hires the useless dimension looks harmful: what Case II cannot undo.
    assert np.corrcoef(abilities[top, 1], y[top])[0, 1] < -0.1


def test_wilson_interval_newcombe_1998_examples():
    """Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (Wilson score):
    81/263 -> 0.2553-0.3662; 15/148 -> 0.0624-0.1605; 0/20 -> 0-0.1611; 1/29 -> 0.0061-0.1718."""
    expected = {
        (81, 263): (0.2553, 0.3662),
        (15, 148): (0.0624, 0.1605),
        (0, 20): (0.0, 0.1611),
        (1, 29): (0.0061, 0.1718),
    }
    for (successes, total), interval in expected.items():
        assert wilson_interval(successes, total) == pytest.approx(interval, abs=1e-4)
        reference = scipy_stats.binomtest(successes, total).proportion_ci(0.95, method="wilson")
        assert wilson_interval(successes, total) == pytest.approx((reference.low, reference.high), abs=1e-12)
    with pytest.raises(ValueError, match="between 0"):
        wilson_interval(5, 4)


def test_group_against_rest_uses_z_for_large_counts_and_fisher_for_small():
    """Fisher's lady tasting tea (Agresti 2002, section 3.5.2): [[3, 1], [1, 3]], two-sided P = 0.486."""
    small = compare_proportions(3, 4, 1, 4)
    assert small.test == "fisher_exact"
    assert small.p_value == pytest.approx(0.4857, abs=1e-4)
    large = compare_proportions(60, 200, 90, 400)
    assert large.test == "two_proportion_z"
    # The pooled two-proportion z test is the uncorrected chi-squared test of the 2x2 table (z² = χ²).
    chi2 = scipy_stats.chi2_contingency([[60, 140], [90, 310]], correction=False)
    assert large.p_value == pytest.approx(chi2.pvalue, rel=1e-9)
    assert large.difference == pytest.approx(0.3 - 0.225)
