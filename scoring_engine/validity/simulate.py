"""A simulator with planted effects, for tests, the benchmark and the demo: the reports must find what was planted.

Applicants get independent standard-normal abilities per dimension, shown as interview scores
60 + 12·z. Only the top `hire_share` by the weighted overall score are hired (range restriction).
Each hire's performance rating is 3 + 0.6·y on a 1-5 scale, with y = Σ validity_d·z_d + noise so that
corr(score_d, y) in the applicant pool is exactly the planted validity. Each hire works
`months` × 21 days and is late on each day with a probability that depends on the stated work schedule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

DEFAULT_WEIGHTS = {
    "logical_thinking": 0.25,
    "technical_skill": 0.30,
    "data_analysis": 0.15,
    "teamwork": 0.15,
    "responsibility": 0.15,
}
# One strong dimension (0.5), one weak (0.1, below the default threshold 0.3), the rest in between.
DEFAULT_VALIDITY = {
    "technical_skill": 0.5,
    "logical_thinking": 0.35,
    "data_analysis": 0.3,
    "responsibility": 0.3,
    "teamwork": 0.1,
}
DEFAULT_LATE_PROBABILITY = {"fixed": 0.02, "flexible": 0.035}
DEPARTMENTS = ("platform", "data", "algorithms", "qa")
WORKDAYS_PER_MONTH = 21
SCORE_MEAN, SCORE_SD = 60.0, 12.0


@dataclass(frozen=True)
class Simulation:
    """Everything the reports need: every applicant's scores, who was hired, and the hires' outcomes."""

    applicant_scores: dict[str, np.ndarray]
    hired: np.ndarray
    weights: dict[str, float]
    validity: dict[str, float]
    late_probability: dict[str, float]
    ratings: np.ndarray
    work_schedule: np.ndarray
    department: np.ndarray
    workdays: np.ndarray
    late_arrivals: np.ndarray
    months: int
    monthly_late: np.ndarray = field(repr=False)

    @property
    def hired_scores(self) -> dict[str, np.ndarray]:
        """Scores of the hires only, with the overall score, aligned with the outcome columns."""
        scores = {key: values[self.hired] for key, values in self.applicant_scores.items()}
        return scores

    @property
    def applicant_sd(self) -> dict[str, float]:
        return {key: float(values.std(ddof=1)) for key, values in self.applicant_scores.items()}

    def review_records(self, employee_prefix: str = "SIM", period: str = "2026-H1") -> Iterator[dict]:
        """Canonical performance reviews (performance-review.schema.json), one per hire."""
        for index, rating in enumerate(self.ratings):
            yield {
                "kind": "performance_review",
                "employee_id": f"{employee_prefix}{index:06d}",
                "period": period,
                "overall": {"rating": float(rating), "scale": {"min": 1, "max": 5}},
                "source": "simulator",
            }

    def attendance_records(self, employee_prefix: str = "SIM", first_month: str = "2026-01") -> Iterator[dict]:
        """Canonical attendance summaries (attendance-summary.schema.json), one per hire and month."""
        year, month = (int(part) for part in first_month.split("-"))
        for index in range(self.ratings.size):
            for offset in range(self.months):
                total = month - 1 + offset
                yield {
                    "kind": "attendance_summary",
                    "employee_id": f"{employee_prefix}{index:06d}",
                    "month": f"{year + total // 12:04d}-{total % 12 + 1:02d}",
                    "workdays": WORKDAYS_PER_MONTH,
                    "late_arrivals": int(self.monthly_late[index, offset]),
                    "absences": 0,
                    "overtime_occasions": 0,
                    "source": "simulator",
                }


def simulate(
    applicants: int = 10_000,
    *,
    hire_share: float = 0.3,
    seed: int = 12,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    validity: Mapping[str, float] = DEFAULT_VALIDITY,
    late_probability: Mapping[str, float] = DEFAULT_LATE_PROBABILITY,
    flexible_share: float = 0.4,
    months: int = 6,
    selection: str = "overall",
) -> Simulation:
    """Applicants, the hired top `hire_share`, and the hires' reviews and attendance, with planted effects.

    `selection` is the score hiring ranks on: "overall" (indirect restriction of every dimension) or
    one dimension's key (direct restriction, the case Thorndike's case II is for).
    """
    if sum(value * value for value in validity.values()) >= 1:
        raise ValueError("the planted validities' squares must sum to less than 1")
    if unknown := set(validity) - set(weights):
        raise ValueError(f"planted validity for dimensions without a weight: {sorted(unknown)}")
    generator = np.random.default_rng(seed)
    abilities = {key: generator.standard_normal(applicants) for key in weights}
    scores = {key: np.clip(SCORE_MEAN + SCORE_SD * ability, 0, 100) for key, ability in abilities.items()}
    scores["overall"] = np.sum([weights[key] * scores[key] for key in weights], axis=0) / sum(weights.values())
    if selection not in scores:
        raise ValueError(f"selection must be 'overall' or a dimension key, got {selection!r}")
    hired = scores[selection] >= np.quantile(scores[selection], 1 - hire_share)
    explained = sum(value * value for value in validity.values())
    latent = sum(validity[key] * abilities[key][hired] for key in validity)
    latent = latent + np.sqrt(1 - explained) * generator.standard_normal(int(hired.sum()))
    ratings = np.round(np.clip(3 + 0.6 * latent, 1, 5), 2)
    hires = int(hired.sum())
    work_schedule = np.where(generator.random(hires) < flexible_share, "flexible", "fixed")
    department = generator.choice(np.asarray(DEPARTMENTS), hires)
    daily = np.vectorize(late_probability.__getitem__)(work_schedule)
    monthly_late = generator.binomial(WORKDAYS_PER_MONTH, daily[:, None], size=(hires, months))
    return Simulation(
        applicant_scores=scores,
        hired=hired,
        weights=dict(weights),
        validity=dict(validity),
        late_probability=dict(late_probability),
        ratings=ratings,
        work_schedule=work_schedule,
        department=department,
        workdays=np.full(hires, WORKDAYS_PER_MONTH * months),
        late_arrivals=monthly_late.sum(axis=1),
        months=months,
        monthly_late=monthly_late,
    )
