"""Weights from measured validity: proportional to corrected validity, shrunk toward the current weights by n."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring_engine.validity.report import NOT_ENOUGH_DATA, UNDEFINED, ValidityReport

# How many hires the current weights are worth: at n = DEFAULT_PRIOR_N the recommendation moves halfway
# from the current weights toward the validity-proportional ones.
DEFAULT_PRIOR_N = 100


@dataclass(frozen=True)
class WeightChange:
    """One dimension's weight now and as recommended, with why."""

    dimension: str
    current: float
    recommended: float
    n: int
    corrected_validity: float | None
    shrinkage: float
    reason: str

    def to_dict(self) -> dict:
        return {
            "dimension": self.dimension,
            "current": self.current,
            "recommended": self.recommended,
            "n": self.n,
            "corrected_validity": self.corrected_validity,
            "shrinkage": self.shrinkage,
            "reason": self.reason,
        }


def _round_keeping_total(weights: dict[str, float], total: float, decimals: int) -> dict[str, float]:
    """Round each weight, then give the rounding residue to the largest so the total is kept exactly."""
    rounded = {key: round(value, decimals) for key, value in weights.items()}
    if rounded:
        largest = max(rounded, key=lambda key: rounded[key])
        rounded[largest] = round(rounded[largest] + round(total, decimals) - sum(rounded.values()), decimals)
    return rounded


def recommend_weights(
    report: ValidityReport,
    current: Mapping[str, float],
    outcome: str,
    *,
    prior_n: int = DEFAULT_PRIOR_N,
    decimals: int = 3,
) -> list[WeightChange]:
    """Recommended weight per dimension of `current`, from the cells of `report` against `outcome`.

    A dimension with enough data gets w = λ·target + (1 - λ)·current with λ = n / (n + prior_n), where
    the targets share the measured dimensions' current total in proportion to max(corrected r, 0).
    A dimension without enough data keeps its weight. The total weight is unchanged.
    """
    if prior_n < 0:
        raise ValueError(f"prior_n must not be negative, got {prior_n}")
    cells = {cell.predictor: cell for cell in report.cells if cell.outcome == outcome}
    measured = {
        key: cells[key] for key in current if key in cells and cells[key].status not in (NOT_ENOUGH_DATA, UNDEFINED)
    }
    measured_total = sum(current[key] for key in measured)
    validity = {key: max(cell.corrected.r if cell.corrected else 0.0, 0.0) for key, cell in measured.items()}
    validity_total = sum(validity.values())
    raw: dict[str, float] = {}
    shrinkage: dict[str, float] = {}
    for key, weight in current.items():
        if key not in measured or validity_total == 0:
            raw[key], shrinkage[key] = weight, 0.0
            continue
        target = measured_total * validity[key] / validity_total
        shrinkage[key] = measured[key].n / (measured[key].n + prior_n) if measured[key].n + prior_n else 1.0
        raw[key] = shrinkage[key] * target + (1 - shrinkage[key]) * weight
    # Per-dimension n differs a little (missing scores), so the measured part is rescaled to its total.
    raw_measured = sum(raw[key] for key in measured) if validity_total else 0.0
    if raw_measured > 0:
        for key in measured:
            raw[key] *= measured_total / raw_measured
    recommended = _round_keeping_total(raw, sum(current.values()), decimals)
    changes = []
    for key, weight in current.items():
        cell = cells.get(key)
        if key not in measured:
            reason = (
                "not enough data: weight kept"
                if cell is None or cell.status == NOT_ENOUGH_DATA
                else "validity undefined: weight kept"
            )
        elif validity_total == 0:
            reason = "no dimension shows positive validity: weights kept"
        else:
            assert cell is not None and cell.corrected is not None  # measured cells have both
            reason = (
                f"corrected validity {cell.corrected.r:.2f} (n = {cell.n}); moved {shrinkage[key]:.0%} of the way "
                "to the validity-proportional weight"
            )
        changes.append(
            WeightChange(
                key,
                weight,
                recommended[key],
                cell.n if cell else 0,
                cell.corrected.r if cell and cell.corrected else None,
                round(shrinkage[key], 4),
                reason,
            )
        )
    return changes
