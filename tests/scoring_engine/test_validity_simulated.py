"""The reports find what the simulator planted: validities within their intervals, the weak dimension flagged,
weights moving the right way, and the late-more-often preference group with its proposals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from mappings.outcomes import outcome_errors
from scoring_engine.validity import (
    attendance_proposals,
    attendance_report,
    recommend_weights,
    validity_report,
)
from scoring_engine.validity.simulate import WORKDAYS_PER_MONTH, simulate


@pytest.fixture(scope="module")
def simulation():
    return simulate(10_000, seed=12)


@pytest.fixture(scope="module")
def report(simulation):
    return validity_report(
        simulation.hired_scores,
        {"overall_rating": simulation.ratings},
        applicant_scores=simulation.applicant_scores,
        selection_on=list(simulation.weights),
    )


def true_overall_validity(simulation) -> float:
    weights = np.array([simulation.weights[key] for key in simulation.weights])
    validity = np.array([simulation.validity.get(key, 0.0) for key in simulation.weights])
    return float(weights @ validity / math.sqrt(weights @ weights))


def test_range_restriction_is_there(simulation):
    assert simulation.hired.mean() == pytest.approx(0.3, abs=0.001)
    hired_sd = simulation.applicant_scores["technical_skill"][simulation.hired].std()
    assert hired_sd < 0.9 * simulation.applicant_sd["technical_skill"]


def test_every_planted_validity_is_inside_its_corrected_interval(simulation, report):
    planted = (
        dict.fromkeys(simulation.weights, 0.0) | simulation.validity | {"overall": true_overall_validity(simulation)}
    )
    for predictor, value in planted.items():
        cell = report.cell(predictor, "overall_rating")
        assert cell.correction == "multivariate"
        assert cell.corrected.low <= value <= cell.corrected.high, (predictor, value, cell.corrected)


def test_observed_and_case_ii_are_biased_by_selection_on_the_overall_score(report):
    strong = report.cell("technical_skill", "overall_rating")
    assert strong.pearson.r < 0.3 and strong.case_ii.r < 0.35  # planted 0.5
    assert report.cell("teamwork", "overall_rating").pearson.r < 0  # planted 0.1: selection makes it look harmful


def test_the_low_validity_dimension_is_flagged_and_the_strong_one_is_not(report):
    flagged = {cell.predictor for cell in report.flagged}
    assert flagged == {"teamwork"}
    assert report.cell("technical_skill", "overall_rating").status == "above_threshold"


def test_case_ii_recovers_a_direct_selection():
    direct = simulate(40_000, seed=5, selection="technical_skill")
    report = validity_report(
        direct.hired_scores, {"overall_rating": direct.ratings}, applicant_scores=direct.applicant_scores
    )
    cell = report.cell("technical_skill", "overall_rating")
    assert cell.correction == "case_ii"
    assert cell.pearson.high < 0.4
    # Its interval maps the observed one's ends and is a little narrow (docs/outcomes.md), so the point is checked.
    assert cell.corrected.r == pytest.approx(0.5, abs=0.03)


def test_weights_move_toward_validity_and_keep_their_total(simulation, report):
    changes = {change.dimension: change for change in recommend_weights(report, simulation.weights, "overall_rating")}
    assert changes["technical_skill"].recommended > simulation.weights["technical_skill"]
    assert changes["teamwork"].recommended < simulation.weights["teamwork"]
    assert sum(change.recommended for change in changes.values()) == pytest.approx(sum(simulation.weights.values()))
    # Fewer hires: the same direction, a smaller step (shrunk toward the current weights by n).
    small = simulate(400, seed=12)
    small_report = validity_report(
        small.hired_scores,
        {"overall_rating": small.ratings},
        applicant_scores=small.applicant_scores,
        selection_on=list(small.weights),
    )
    small_changes = {
        change.dimension: change for change in recommend_weights(small_report, small.weights, "overall_rating")
    }
    assert small_changes["teamwork"].shrinkage < changes["teamwork"].shrinkage


def test_below_the_minimum_n_no_number_is_given():
    tiny = simulate(80, seed=3)
    report = validity_report(
        tiny.hired_scores,
        {"overall_rating": tiny.ratings},
        applicant_scores=tiny.applicant_scores,
        selection_on=list(tiny.weights),
    )
    cell = report.cell("teamwork", "overall_rating")
    assert cell.n == 24 and cell.status == "not_enough_data" and not cell.flagged
    shown = cell.to_dict()
    assert shown["pearson"] is None and shown["corrected"] is None and "below the minimum 30" in shown["notes"][0]
    changes = recommend_weights(report, tiny.weights, "overall_rating")
    assert all(change.recommended == change.current for change in changes)


def test_attendance_report_recovers_the_planted_late_group(simulation):
    report = attendance_report(
        {"work_schedule": simulation.work_schedule, "department": simulation.department},
        simulation.workdays,
        simulation.late_arrivals,
    )
    workdays = WORKDAYS_PER_MONTH * simulation.months
    for group, probability in simulation.late_probability.items():
        row = report.group("work_schedule", group)
        truly_often_late = scipy_stats.binom.sf(math.floor(0.05 * workdays), workdays, probability)
        assert row.low <= truly_often_late <= row.high
        assert row.late_days / row.workdays == pytest.approx(probability, abs=0.005)
    flexible = report.group("work_schedule", "flexible")
    assert flexible.significant and flexible.comparison.difference > 0
    # Departments have no planted effect.
    assert not any(row.significant for row in report.groups if row.grouping == "department")


def test_attendance_proposals_raise_time_management_and_widen_the_window(simulation):
    report = attendance_report(
        {"work_schedule": simulation.work_schedule}, simulation.workdays, simulation.late_arrivals
    )
    weights = dict(simulation.weights)
    weights = {key: value * 0.9 for key, value in weights.items()} | {"time_management": 0.10}
    model, policy = attendance_proposals(
        report,
        weights,
        core_hours={"start": "10:00", "end": "16:00"},
        flexible_window={"earliest_start": "08:00", "latest_end": "19:00"},
    )
    assert model.kind == "competency_model"
    assert (model.change["from"], model.change["to"]) == (pytest.approx(0.10), 0.20)
    assert sum(model.change["weights"].values()) == pytest.approx(1.0)
    assert policy.change["core_hours"]["start"] == "10:30" and policy.change["flexible_window"]["latest_end"] == "19:30"
    # No effect, no proposal.
    even = simulate(10_000, seed=12, late_probability={"fixed": 0.03, "flexible": 0.03})
    quiet = attendance_report({"work_schedule": even.work_schedule}, even.workdays, even.late_arrivals)
    assert attendance_proposals(quiet, weights) == []


def test_small_groups_use_the_exact_test():
    report = attendance_report({"department": ["a"] * 12 + ["b"] * 60}, [100] * 72, [20] * 4 + [0] * 68)
    row = report.group("department", "a")
    assert row.comparison.test == "fisher_exact" and row.often_late == 4


def test_simulated_records_follow_the_canonical_schemas(simulation):
    for record in [*list(simulation.review_records())[:50], *list(simulation.attendance_records())[:50]]:
        assert outcome_errors(record) == [], record
