"""Attendance feedback: who is often late, by stated preference, department and job family; and what to propose.

The unit is the hire, not the day: one person's late days are not independent of each other, so an
interval over days would be falsely narrow. A hire counts as *often late* when late arrivals make up
more than `often_late_share` of their workdays over the period.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from scipy import stats as scipy_stats

from scoring_engine.stats import ProportionComparison, compare_proportions, wilson_interval

DEFAULT_OFTEN_LATE_SHARE = 0.05
DEFAULT_MIN_GROUP = 10
DEFAULT_ALPHA = 0.05


@dataclass(frozen=True)
class GroupLateness:
    """One group of one grouping: how many hires, how many often late, the interval and the test against the rest."""

    grouping: str
    group: str
    hires: int
    often_late: int
    rate: float
    low: float
    high: float
    late_days: int
    workdays: int
    comparison: ProportionComparison | None
    adjusted_p: float | None
    significant: bool
    enough_data: bool

    def to_dict(self) -> dict:
        return {
            "grouping": self.grouping,
            "group": self.group,
            "hires": self.hires,
            "often_late": self.often_late,
            "rate": self.rate,
            "low": self.low,
            "high": self.high,
            "late_day_share": self.late_days / self.workdays if self.workdays else None,
            "late_days": self.late_days,
            "workdays": self.workdays,
            "comparison": self.comparison.to_dict() if self.comparison else None,
            "adjusted_p": self.adjusted_p,
            "significant": self.significant,
            "enough_data": self.enough_data,
        }


@dataclass(frozen=True)
class AttendanceReport:
    """Lateness per group for each grouping, with the settings that produced it."""

    groups: tuple[GroupLateness, ...]
    hires: int
    often_late_share: float
    alpha: float
    min_group: int

    def group(self, grouping: str, group: str) -> GroupLateness:
        for row in self.groups:
            if row.grouping == grouping and row.group == group:
                return row
        raise KeyError(f"no group {group!r} in grouping {grouping!r}")

    def to_dict(self) -> dict:
        return {
            "hires": self.hires,
            "often_late_share": self.often_late_share,
            "alpha": self.alpha,
            "min_group": self.min_group,
            "groups": [row.to_dict() for row in self.groups],
        }


def attendance_report(
    groupings: Mapping[str, Sequence[str | None]],
    workdays: Sequence[int] | np.ndarray,
    late_arrivals: Sequence[int] | np.ndarray,
    *,
    often_late_share: float = DEFAULT_OFTEN_LATE_SHARE,
    alpha: float = DEFAULT_ALPHA,
    min_group: int = DEFAULT_MIN_GROUP,
    confidence: float = 0.95,
) -> AttendanceReport:
    """Often-late rate per group with Wilson intervals; each group against the rest, p-values adjusted per grouping.

    Columns are aligned by hire; a hire without a label in a grouping is left out of that grouping only.
    The adjustment is Benjamini-Hochberg within a grouping, because looking at every department at once
    would otherwise find a "significant" one by chance.
    """
    days = np.asarray(workdays, dtype=float)
    late = np.asarray(late_arrivals, dtype=float)
    if days.shape != late.shape or any(len(labels) != days.size for labels in groupings.values()):
        raise ValueError("every grouping, workdays and late arrivals need one value per hire")
    if np.any(days < 0) or np.any(late < 0) or np.any(late > days):
        raise ValueError("workdays and late arrivals must be non-negative, with late arrivals at most the workdays")
    observed = days > 0
    often = np.zeros(days.shape, dtype=bool)
    often[observed] = late[observed] / days[observed] > often_late_share
    rows: list[GroupLateness] = []
    for grouping, labels in groupings.items():
        label_array = np.asarray([None if label is None else str(label) for label in labels], dtype=object)
        labelled = observed & np.array([label is not None for label in label_array], dtype=bool)
        total, total_often = int(labelled.sum()), int(often[labelled].sum())
        pending: list[dict] = []
        for group in sorted({label for label in label_array[labelled]}):
            members = labelled & (label_array == group)
            hires, count = int(members.sum()), int(often[members].sum())
            low, high = wilson_interval(count, hires, confidence)
            enough = hires >= min_group and total - hires >= min_group
            comparison = compare_proportions(count, hires, total_often - count, total - hires) if enough else None
            pending.append(
                {
                    "grouping": grouping,
                    "group": group,
                    "hires": hires,
                    "often_late": count,
                    "rate": count / hires,
                    "low": low,
                    "high": high,
                    "late_days": int(late[members].sum()),
                    "workdays": int(days[members].sum()),
                    "comparison": comparison,
                    "enough_data": enough,
                }
            )
        tested = [row for row in pending if row["comparison"] is not None]
        adjusted = scipy_stats.false_discovery_control([row["comparison"].p_value for row in tested]) if tested else []
        for row, p_value in zip(tested, adjusted):
            row["adjusted_p"] = float(p_value)
        for row in pending:
            row.setdefault("adjusted_p", None)
            row["significant"] = row["adjusted_p"] is not None and row["adjusted_p"] < alpha
            rows.append(GroupLateness(**row))
    return AttendanceReport(tuple(rows), int(observed.sum()), often_late_share, alpha, min_group)


@dataclass(frozen=True)
class Proposal:
    """A change for a person to approve: to the competency model's weights or to the attendance policy."""

    kind: str
    reason: str
    change: dict

    def to_dict(self) -> dict:
        return {"kind": self.kind, "reason": self.reason, "change": self.change}


def raise_dimension_weight(
    weights: Mapping[str, float], dimension: str, target: float, decimals: int = 3
) -> dict[str, float]:
    """Weights with `dimension` at least `target` (added if absent), the others scaled down to keep the total."""
    total = sum(weights.values())
    current = weights.get(dimension, 0.0)
    if current >= target:
        return dict(weights)
    others = total - current
    if target >= total or others <= 0:
        raise ValueError(f"cannot raise {dimension!r} to {target} within a total weight of {total}")
    scale = (total - target) / others
    result = {key: round(value * scale, decimals) for key, value in weights.items() if key != dimension}
    result[dimension] = round(target, decimals)
    largest = max((key for key in result if key != dimension), key=lambda key: result[key])
    result[largest] = round(result[largest] + round(total, decimals) - sum(result.values()), decimals)
    return result


def _later(clock: str, minutes: int) -> str:
    moved = datetime.strptime(clock, "%H:%M") + timedelta(minutes=minutes)
    return moved.strftime("%H:%M") if moved.day == 1 else "23:59"


def attendance_proposals(
    report: AttendanceReport,
    weights: Mapping[str, float],
    *,
    grouping: str = "work_schedule",
    group: str = "flexible",
    dimension: str = "time_management",
    target_weight: float = 0.20,
    core_hours: Mapping[str, str] | None = None,
    flexible_window: Mapping[str, str] | None = None,
    widen_minutes: int = 30,
) -> list[Proposal]:
    """When `group` is often late significantly more than the rest: raise `dimension`, and widen the flexible window."""
    try:
        row = report.group(grouping, group)
    except KeyError:
        return []
    if not (row.significant and row.comparison is not None and row.comparison.difference > 0):
        return []
    reason = (
        f"{row.often_late} of {row.hires} hires who stated {grouping} = {group} were often late "
        f"({row.rate:.0%}, 95 % CI {row.low:.0%}-{row.high:.0%}) against {row.comparison.rest_rate:.0%} of the "
        f"rest; {row.comparison.test}, adjusted p = {row.adjusted_p:.3g}"
    )
    proposals = [
        Proposal(
            "competency_model",
            reason,
            {
                "dimension": dimension,
                "from": weights.get(dimension, 0.0),
                "to": max(weights.get(dimension, 0.0), target_weight),
                "add_dimension": dimension not in weights,
                "weights": raise_dimension_weight(weights, dimension, target_weight),
                "interview": f"add or strengthen a question on {dimension.replace('_', ' ')}",
            },
        )
    ]
    if core_hours and flexible_window:
        proposals.append(
            Proposal(
                "attendance_policy",
                reason,
                {
                    "core_hours": {"start": _later(core_hours["start"], widen_minutes), "end": core_hours["end"]},
                    "flexible_window": {
                        "earliest_start": flexible_window["earliest_start"],
                        "latest_end": _later(flexible_window["latest_end"], widen_minutes),
                    },
                    "from": {"core_hours": dict(core_hours), "flexible_window": dict(flexible_window)},
                },
            )
        )
    return proposals
