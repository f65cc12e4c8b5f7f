"""Rates and impact ratios per category.

- Selection rate: the share of a category's applicants who were selected (hired, advanced).
- Scoring rate: the share of a category's applicants who score above the median of the whole sample (every scored
  applicant, known category or not); `above_median` turns scores into that yes/no, and the table is then the same.
- Impact ratio: a category's rate over the rate of the most selected category.
- Categories under 2 % of the applicants with a known category may be left out of the ratios; they stay in the
  table with their counts and rate, marked excluded, and the table lists them.
- A ratio under 0.8 (the four-fifths rule) is flagged, with the counts and a two-sided test of the category
  against the most selected one (scoring_engine.stats.compare_proportions: z test, or Fisher's exact test for
  small counts). Under `MIN_READABLE_N` applicants the row says it is too small to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from scoring_engine.stats import compare_proportions

FOUR_FIFTHS = 0.8
SMALL_SHARE = 0.02
MIN_READABLE_N = 30
INTERSECTION = " × "


def above_median(scores: Sequence[float | None]) -> list[bool | None]:
    """For each score: is it above the median of all the scores given (None stays None: not scored)?"""
    present = [float(s) for s in scores if s is not None]
    if not present:
        return [None for _ in scores]
    median = float(np.median(present))
    return [None if s is None else float(s) > median for s in scores]


def intersect(*columns: Sequence[str | None]) -> list[str | None]:
    """Intersectional categories ("female × asian"); unknown when any part is unknown."""
    return [None if any(part is None for part in parts) else INTERSECTION.join(parts) for parts in zip(*columns)]


@dataclass(frozen=True)
class ImpactRow:
    category: str
    applicants: int
    selected: int
    rate: float
    share: float  # of the applicants with a known category
    impact_ratio: float | None = None
    excluded: bool = False
    flagged: bool = False
    too_small: bool = False
    test: str | None = None
    p_value: float | None = None

    def to_dict(self) -> dict:
        return {
            "category": self.category,
            "applicants": self.applicants,
            "selected": self.selected,
            "rate": self.rate,
            "share": self.share,
            "impact_ratio": self.impact_ratio,
            "excluded": self.excluded,
            "flagged": self.flagged,
            "too_small": self.too_small,
            "test": self.test,
            "p_value": self.p_value,
        }


@dataclass(frozen=True)
class ImpactTable:
    rows: list[ImpactRow]
    unknown: int  # applicants (with an outcome) whose category is unknown or was not given
    reference: str | None  # the most selected category
    excluded: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def row(self, category: str) -> ImpactRow:
        return next(row for row in self.rows if row.category == category)

    def to_dict(self) -> dict:
        return {
            "rows": [row.to_dict() for row in self.rows],
            "unknown": self.unknown,
            "reference": self.reference,
            "excluded": list(self.excluded),
            "notes": list(self.notes),
        }


def impact_table(
    categories: Sequence[str | None],
    selected: Sequence[bool | None],
    *,
    exclude_small: bool = True,
    small_share: float = SMALL_SHARE,
    threshold: float = FOUR_FIFTHS,
    min_readable_n: int = MIN_READABLE_N,
    order: Sequence[str] = (),
) -> ImpactTable:
    """The table of one outcome over one category dimension; `selected` None means the person has no outcome yet
    (not counted at all), a category None means unknown (counted in `unknown` only)."""
    if len(categories) != len(selected):
        raise ValueError(f"{len(categories)} categories but {len(selected)} outcomes")
    counts: dict[str, list[int]] = {}
    unknown = 0
    for category, chosen in zip(categories, selected):
        if chosen is None:
            continue
        if category is None:
            unknown += 1
            continue
        tally = counts.setdefault(category, [0, 0])
        tally[0] += 1
        tally[1] += bool(chosen)
    known = sum(n for n, _ in counts.values())
    rank = {name: i for i, name in enumerate(order)}
    names = sorted(counts, key=lambda name: (rank.get(name, len(rank)), name))
    excluded = [name for name in names if exclude_small and counts[name][0] / known < small_share] if known else []
    kept = [name for name in names if name not in excluded]
    rates = {name: counts[name][1] / counts[name][0] for name in names}
    notes: list[str] = []
    reference = max(kept, key=lambda name: (rates[name], counts[name][0]), default=None)
    best = rates[reference] if reference is not None else 0.0
    if reference is not None and best == 0:
        notes.append("no category had anyone selected: impact ratios are undefined")
    rows = []
    for name in names:
        applicants, chosen = counts[name]
        rate = rates[name]
        row = ImpactRow(name, applicants, chosen, rate, applicants / known, excluded=name in excluded)
        if name in kept and best > 0 and reference is not None:
            ratio = rate / best
            too_small = applicants < min_readable_n
            flagged = ratio < threshold
            test = p_value = None
            if flagged:
                ref_n, ref_selected = counts[reference]
                comparison = compare_proportions(chosen, applicants, ref_selected, ref_n)
                test, p_value = comparison.test, comparison.p_value
            row = ImpactRow(
                name,
                applicants,
                chosen,
                rate,
                applicants / known,
                impact_ratio=ratio,
                flagged=flagged,
                too_small=too_small,
                test=test,
                p_value=p_value,
            )
        rows.append(row)
    if excluded:
        notes.append(
            f"excluded from the impact ratios as under {small_share:.0%} of the applicants: {', '.join(excluded)} "
            "(their counts and rates are still shown)"
        )
    small = [row.category for row in rows if row.too_small]
    if small:
        notes.append(
            f"too small to read (under {min_readable_n} applicants; one person moves the ratio a lot): "
            + ", ".join(small)
        )
    return ImpactTable(rows, unknown, reference, excluded, notes)
