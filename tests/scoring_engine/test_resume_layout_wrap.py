"""Lines rejoined at a column's edge: a school whose name wraps after a degree line opens its own entry."""

from scoring_engine.resume.layout_text import unwrap
from scoring_engine.resume.reading_order import Box, Line


def _box(texts: list[str], ends: list[float]) -> Box:
    lines = tuple(Line(100, end, text, 50, 11) for text, end in zip(texts, ends))
    baselines = tuple(700 - 13 * index for index in range(len(lines)))
    return Box(100, baselines[-1], max(ends), 711, "\n".join(texts), baselines, lines, 300.0)


def test_school_name_wrapped_after_a_degree_line_is_not_joined_to_it():
    box = _box(
        ["Bachelor of Technology in ECE", "Jawaharlal Nehru Technology", "University - Kakinada, Andhra", "Pradesh"],
        [275, 268, 274, 145],
    )
    assert unwrap(box, 100, 300) == [
        "Bachelor of Technology in ECE",
        "Jawaharlal Nehru Technology University - Kakinada, Andhra Pradesh",
    ]


def test_school_after_a_degree_that_wrapped_opens_its_own_line():
    box = _box(["Bachelor of Technology in", "Electronics and Communications", "Nagarjuna University"], [245, 284, 220])
    assert unwrap(box, 100, 300) == ["Bachelor of Technology in Electronics and Communications", "Nagarjuna University"]
