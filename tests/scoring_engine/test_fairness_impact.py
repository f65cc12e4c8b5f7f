"""Impact ratios against the worked examples of the NYC DCWP rule (6 RCNY 5-301) and hand-computed cases."""

from __future__ import annotations

import pytest
from scipy import stats as scipy_stats

from scoring_engine.fairness import above_median, impact_table, intersect


def _people(counts: dict[str, tuple[int, int]]) -> tuple[list[str | None], list[bool | None]]:
    """(categories, selected) from {category: (applicants, selected)}."""
    categories: list[str | None] = []
    selected: list[bool | None] = []
    for name, (applicants, chosen) in counts.items():
        categories += [name] * applicants
        selected += [True] * chosen + [False] * (applicants - chosen)
    return categories, selected


def test_the_dcwp_selection_rate_example():
    """The rule's selection example: 7 race/ethnicity categories, White the most selected."""
    categories, selected = _people(
        {
            "hispanic_or_latino": (408, 204),
            "white": (797, 412),
            "black_or_african_american": (390, 170),
            "native_hawaiian_or_pacific_islander": (119, 52),
            "asian": (616, 302),
            "native_american_or_alaska_native": (41, 18),
            "two_or_more_races": (213, 96),
        }
    )
    # The published table rates every category (41 of 2584 is 1.6 %, which an auditor may leave out; see below).
    table = impact_table(categories, selected, exclude_small=False)
    assert table.reference == "white"
    published = {
        "hispanic_or_latino": 0.97,
        "white": 1.00,
        "black_or_african_american": 0.84,
        "native_hawaiian_or_pacific_islander": 0.85,
        "asian": 0.95,
        "native_american_or_alaska_native": 0.85,
        "two_or_more_races": 0.87,
    }
    assert {row.category: round(row.impact_ratio, 2) for row in table.rows} == published
    assert round(table.row("white").rate, 2) == 0.52 and round(table.row("black_or_african_american").rate, 2) == 0.44
    assert not any(row.flagged for row in table.rows) and table.excluded == []
    assert impact_table(categories, selected).excluded == ["native_american_or_alaska_native"]


def test_a_category_under_two_percent_is_excluded_and_listed():
    # 41 of 2584 known applicants is 1.59 %: the rule lets the auditor leave it out, and the report says so.
    categories, selected = _people(
        {"white": (797, 412), "native_american_or_alaska_native": (41, 18), "asian": (1746, 800)}
    )
    table = impact_table(categories, selected)
    assert table.excluded == ["native_american_or_alaska_native"]
    row = table.row("native_american_or_alaska_native")
    assert row.excluded and row.impact_ratio is None and row.applicants == 41 and row.rate == pytest.approx(18 / 41)
    assert any("native_american_or_alaska_native" in note for note in table.notes)
    kept = impact_table(categories, selected, exclude_small=False)
    assert kept.excluded == [] and kept.row("native_american_or_alaska_native").impact_ratio == pytest.approx(
        (18 / 41) / (412 / 797)
    )


def test_the_dcwp_sex_example():
    categories, selected = _people({"male": (1390, 667), "female": (1181, 555)})
    table = impact_table(categories, selected)
    assert table.reference == "male"
    assert round(table.row("female").impact_ratio, 3) == 0.979


def test_the_dcwp_scoring_rate_example():
    """The rule's "culture fit" example: scoring rates (share above the median) and their ratios."""
    categories, above = _people({"male": (92, 50), "female": (76, 34)})
    table = impact_table(categories, above)
    assert round(table.row("male").rate, 3) == 0.543 and round(table.row("female").rate, 3) == 0.447
    assert round(table.row("female").impact_ratio, 2) == 0.82
    categories, above = _people(
        {
            "hispanic_or_latino": (28, 18),
            "white": (40, 15),
            "black_or_african_american": (32, 16),
            "native_hawaiian_or_pacific_islander": (8, 5),
            "asian": (24, 10),
        }
    )
    table = impact_table(categories, above, exclude_small=False)
    assert table.reference == "hispanic_or_latino"
    assert {row.category: round(row.impact_ratio, 2) for row in table.rows} == {
        "hispanic_or_latino": 1.0,
        "white": 0.58,
        "black_or_african_american": 0.78,
        "native_hawaiian_or_pacific_islander": 0.97,
        "asian": 0.65,
    }
    assert table.row("white").flagged and table.row("asian").flagged and not table.row("hispanic_or_latino").flagged
    assert {row.category for row in table.rows if row.too_small} == {
        "hispanic_or_latino",
        "native_hawaiian_or_pacific_islander",
        "asian",
    }  # under 30 applicants each
    assert any("too small to read" in note for note in table.notes)


def test_a_flag_carries_the_test_by_hand():
    # 100 men, 50 selected; 100 women, 30 selected: ratio 0.6, flagged; pooled z test by hand.
    categories, selected = _people({"male": (100, 50), "female": (100, 30)})
    row = impact_table(categories, selected).row("female")
    assert row.impact_ratio == pytest.approx(0.6) and row.flagged and not row.too_small
    pooled = 80 / 200
    z = (0.3 - 0.5) / (pooled * (1 - pooled) * (2 / 100)) ** 0.5
    assert row.test == "two_proportion_z" and row.p_value == pytest.approx(2 * scipy_stats.norm.sf(abs(z)))
    # Small counts: Fisher's exact test, as scipy computes it on the 2x2 table.
    categories, selected = _people({"male": (8, 7), "female": (8, 1)})
    row = impact_table(categories, selected).row("female")
    assert row.test == "fisher_exact" and row.too_small
    assert row.p_value == pytest.approx(scipy_stats.fisher_exact([[1, 7], [7, 1]]).pvalue)


def test_unknowns_are_counted_not_rated_and_no_outcome_is_not_counted():
    categories = ["female", None, "male", None, "female", "male"]
    selected = [True, True, False, False, None, True]
    table = impact_table(categories, selected, exclude_small=False)
    assert table.unknown == 2
    assert table.row("female").applicants == 1 and table.row("male").applicants == 2


def test_scoring_rate_is_above_the_whole_samples_median():
    # Median of 1..5 and None is 3: above it are 4 and 5 only (3 itself is not above).
    assert above_median([1, 2, 3, 4, 5, None]) == [False, False, False, True, True, None]
    assert above_median([2.0, 2.0, 2.0]) == [False, False, False]
    assert above_median([None]) == [None]


def test_intersections_are_unknown_when_a_part_is():
    assert intersect(["female", "male", None], ["asian", None, "white"]) == ["female × asian", None, None]


def test_nobody_selected_leaves_ratios_undefined():
    table = impact_table(["a", "b"], [False, False], exclude_small=False)
    assert all(row.impact_ratio is None for row in table.rows)
    assert any("undefined" in note for note in table.notes)
