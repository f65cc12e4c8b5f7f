"""Where a PDF's lines and columns meet: which lines of a narrow cell are one value, and whether two columns that go on
over pages are read column by column (a table row split over pages) or page by page (frames)."""

from scoring_engine.resume.layout_text import continuation_evidence, unwrap
from scoring_engine.resume.reading_order import Block, Box, Line, continued_columns


def _box(texts: list[str], ends: list[float], edge: float = 300.0) -> Box:
    """A cell 200 points wide (100 to `edge`), 11-point text, each line's first word 40 points wide."""
    lines = tuple(Line(100, end, text, 40, 11) for text, end in zip(texts, ends))
    baselines = tuple(700 - 13 * index for index in range(len(lines)))
    return Box(100, baselines[-1], max(ends), 711, "\n".join(texts), baselines, lines, edge)


def test_a_date_range_ends_its_line_however_full_the_line_is():
    # "Senior" would not have fitted after the dates: geometry alone says wrapped.
    box = _box(["December 2011 to March 2015", "Senior Development Manager"], [275, 265])
    assert unwrap(box, 100, 300) == ["December 2011 to March 2015", "Senior Development Manager"]


def test_a_company_line_with_its_place_dropped_ends_before_the_next_title():
    box = _box(["Northwind Traders Limited -", "Principal Applications Developer"], [280, 283])
    assert unwrap(box, 100, 300) == ["Northwind Traders Limited -", "Principal Applications Developer"]


def test_a_link_that_starts_the_next_line_is_an_item_of_its_own():
    box = _box(["Bachelor of Engineering in Mechanical", "https://www.example.org/r/Ann-Lee/8baf"], [285, 290])
    assert unwrap(box, 100, 300) == ["Bachelor of Engineering in Mechanical", "https://www.example.org/r/Ann-Lee/8baf"]


def test_an_address_cut_at_the_edge_is_still_put_back_together():
    box = _box(["Profile: https://www.example.org/r/Ann-", "Lee/8baf4c"], [298, 160])
    assert unwrap(box, 100, 300) == ["Profile: https://www.example.org/r/Ann-Lee/8baf4c"]


def test_an_open_parenthesis_joins_a_line_in_capitals_to_the_next():
    box = _box(["SOFTWARE DEVELOPMENT (3", "years), STRUCTURED SOFTWARE (3 years)"], [290, 296])
    assert unwrap(box, 100, 300) == ["SOFTWARE DEVELOPMENT (3 years), STRUCTURED SOFTWARE (3 years)"]


def test_prose_that_wrapped_is_still_joined():
    box = _box(["Built the weekly revenue dashboards for", "the sales directors in Tableau."], [292, 230])
    assert unwrap(box, 100, 300) == ["Built the weekly revenue dashboards for the sales directors in Tableau."]


def test_seam_evidence():
    assert continuation_evidence("EDUCATION", "Master of Science in Statistics") == 1.0  # a heading never ends a column
    assert continuation_evidence("• Machine Learning", "• Computer Networks") == 0.5  # the same list goes on
    assert continuation_evidence("• Machine Learning", "➢ Wrote the reports") == 0.0  # another list
    assert continuation_evidence("Built dashboards for", "the sales team.") == 1.0
    assert continuation_evidence("Contoso Retail Inc -", "March 2010 to May 2012") == 0.0  # "-": a place dropped
    assert continuation_evidence("Wrote SQL reports.", "SKILLS") == 0.0


# ---- columns over pages ------------------------------------------------------------------------


def _block(x0: float, x1: float, top: float, bottom: float, texts: list[str]) -> Block:
    step = (top - bottom) / max(len(texts), 1)
    lines = tuple(Line(x0, x1, text, 30, 10) for text in texts)
    baselines = tuple(top - step * (index + 1) for index in range(len(texts)))
    box = Box(x0, bottom, x1, top, "\n".join(texts), baselines, lines)
    return Block([box], x0, x1)


def _texts(groups: list[list[Block]]) -> list[str]:
    return [block.boxes[0].text for group in groups for block in group]


def _page(left: list[tuple[float, float, list[str]]], right: list[tuple[float, float, list[str]]]):
    blocks = [_block(50, 250, top, bottom, texts) for top, bottom, texts in left]
    blocks += [_block(300, 550, top, bottom, texts) for top, bottom, texts in right]
    return blocks, 842.0


def test_a_table_row_split_over_pages_is_read_column_by_column_when_the_seams_give_no_sign():
    pages = [
        _page([(790, 60, ["Ann Lee", "SKILLS", "Python, SQL"])], [(790, 60, ["WORK EXPERIENCE", "Analyst"])]),
        _page([(790, 400, ["Tableau, Excel"])], [(790, 60, ["Wrote reports."])]),
    ]
    assert _texts(continued_columns(pages, lambda before, after: 0.0)) == [
        "Ann Lee\nSKILLS\nPython, SQL",
        "Tableau, Excel",
        "WORK EXPERIENCE\nAnalyst",
        "Wrote reports.",
    ]


def test_columns_are_read_page_by_page_when_the_seams_say_so():
    # Frames: the sidebar ran over into the right column of page 1 (it ends there under a heading's items), the main
    # column starts on page 2.
    pages = [
        _page([(790, 60, ["Ann Lee", "EDUCATION"])], [(790, 500, ["Master of Science"])]),
        _page([(790, 60, ["WORK EXPERIENCE", "Analyst"])], []),
    ]

    def evidence(before: list[Block], after: list[Block]) -> float:
        return continuation_evidence(before[-1].boxes[0].text.split("\n")[-1], after[0].boxes[0].text.split("\n")[0])

    assert _texts(continued_columns(pages, evidence)) == [
        "Ann Lee\nEDUCATION",
        "Master of Science",
        "WORK EXPERIENCE\nAnalyst",
    ]
