"""Agreement statistics and the committed calibration."""

from __future__ import annotations

import pytest

from scoring_engine.interview.reference import (
    EMBEDDING_FEATURES,
    LEXICAL_FEATURES,
    calibration,
    predict_grade,
)
from scoring_engine.stats import pearson_r, quadratic_weighted_kappa, round_grade


def test_pearson_r():
    assert pearson_r([1, 2, 3, 4], [2, 4, 6, 8]) == pytest.approx(1.0)
    assert pearson_r([1, 2, 3, 4], [8, 6, 4, 2]) == pytest.approx(-1.0)
    assert pearson_r([1, 2, 3], [5, 5, 5]) == 0.0
    with pytest.raises(ValueError, match="equal lengths"):
        pearson_r([1, 2], [1])


def test_quadratic_weighted_kappa():
    assert quadratic_weighted_kappa([0, 1, 2, 5], [0, 1, 2, 5], 0, 5) == pytest.approx(1.0)
    # By hand: weights (i-j)^2/4; observed disagreement 0.25 + 0.25 = 0.5; expected 12/4 * 1/3 = 1 -> kappa 0.5
    # (scikit-learn's cohen_kappa_score(weights="quadratic") agrees).
    assert quadratic_weighted_kappa([0, 1, 2], [0, 2, 1], 0, 2) == pytest.approx(0.5)
    assert quadratic_weighted_kappa([0, 5], [5, 0], 0, 5) < 0


def test_grades_round_half_up_and_clip():
    assert [round_grade(value, 0, 5) for value in (2.5, 3.5, 4.49, -1, 7.2)] == [3, 4, 4, 0, 5]


def test_committed_calibration_matches_the_features_and_never_saw_eval():
    fitted = calibration()
    assert "eval" not in fitted["fitted_on"]
    assert tuple(fitted["lexical"]["coefficients"]) == LEXICAL_FEATURES
    assert tuple(fitted["embedding"]["coefficients"]) == EMBEDDING_FEATURES


def test_predicted_grade_is_clipped_to_zero_to_five():
    low = dict.fromkeys(LEXICAL_FEATURES, 0.0) | {"length_ratio": -1.0}
    high = dict.fromkeys(LEXICAL_FEATURES, 1.0)
    assert 0.0 <= predict_grade(low, use_embeddings=False) < predict_grade(high, use_embeddings=False) <= 5.0


def test_calibrate_refuses_an_evaluation_split(tmp_path):
    from scoring_engine.interview import calibrate

    path = tmp_path / "mohler-eval.csv"
    path.write_text(",id,question,desired_answer,student_answer,score_me,score_other,score_avg\n", encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        calibrate.main(["--csv", str(path), "--output", str(tmp_path / "out.json")])
    assert caught.value.code == 2
    assert not (tmp_path / "out.json").exists()
