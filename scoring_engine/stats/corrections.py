"""Corrections of an observed validity coefficient: range restriction (Thorndike case II), criterion unreliability."""

from __future__ import annotations

import math

import numpy as np


def correct_range_restriction(r: float, applicant_sd: float, hired_sd: float) -> float:
    """Thorndike (1949) case II for direct selection on the predictor: R = rU / sqrt(1 + r²(U² - 1)), U = S/s.

    `applicant_sd` is the predictor's SD among everyone scored (hired or not), `hired_sd` among the
    hires whose outcomes are correlated. The formula is increasing in r, so it also maps interval ends.
    """
    if applicant_sd <= 0 or hired_sd <= 0:
        raise ValueError(f"standard deviations must be positive, got applicant {applicant_sd} and hired {hired_sd}")
    ratio = applicant_sd / hired_sd
    return r * ratio / math.sqrt(1.0 + r * r * (ratio * ratio - 1.0))


def correct_criterion_unreliability(r: float, reliability: float) -> float:
    """Spearman's correction for attenuation on the criterion side only: r / sqrt(r_yy), kept within [-1, 1].

    Only the criterion is corrected: the interview score is what the company actually uses, so its own
    unreliability belongs to the validity being measured (operational validity).
    """
    if not 0.0 < reliability <= 1.0:
        raise ValueError(f"criterion reliability must be in (0, 1], got {reliability}")
    return max(-1.0, min(1.0, r / math.sqrt(reliability)))


def correct_multivariate_selection(
    pool_covariance: np.ndarray, hired_covariance: np.ndarray, explicit: int
) -> np.ndarray:
    """Pearson-Lawley correction when selection was on several predictors at once (e.g. the overall score).

    `pool_covariance` is the k×k covariance of the explicit selection variables among all applicants;
    `hired_covariance` the (k+m)×(k+m) covariance among hires of those k first, then m incidental ones
    (the criterion, composites). Assuming each incidental variable's regression on the explicit ones
    (slopes and residual variance) is the same in the pool as among hires (Lawley 1943), returns the
    implied (k+m)×(k+m) covariance in the applicant pool.
    """
    k = explicit
    pool_xx = np.asarray(pool_covariance, dtype=float)
    hired = np.asarray(hired_covariance, dtype=float)
    if pool_xx.shape != (k, k) or hired.shape[0] != hired.shape[1] or hired.shape[0] < k:
        raise ValueError(f"expected a {k}x{k} pool covariance and a square hired covariance of at least {k} rows")
    hired_xx, hired_xz, hired_zz = hired[:k, :k], hired[:k, k:], hired[k:, k:]
    slopes = np.linalg.solve(hired_xx, hired_xz)
    result = np.empty_like(hired)
    result[:k, :k] = pool_xx
    result[:k, k:] = pool_xx @ slopes
    result[k:, :k] = result[:k, k:].T
    result[k:, k:] = hired_zz + slopes.T @ (pool_xx - hired_xx) @ slopes
    return result


def covariance_to_correlation(covariance: np.ndarray) -> np.ndarray:
    """Correlation matrix of a covariance matrix."""
    scale = np.sqrt(np.diag(covariance))
    return covariance / np.outer(scale, scale)
