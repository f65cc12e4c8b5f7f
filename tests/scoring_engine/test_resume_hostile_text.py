"""Hostile text: every pattern run over a resume or an answer takes time linear in its input.

Each case is one adversarial shape at the size of a real upload (40 KB), read end to end. Before the fixes
the letter run took 27 s in the link pattern, the run of spaces minutes in the inline-heading pattern, a
run of Chinese characters half a minute in jieba, and thousands of skill names on one line 15 s.
The bound is generous (real figures are in docs/benchmarks.md): it only fails when the cost is quadratic.
"""

import resource
import time

import pytest

from scoring_engine.interview import load_competency_model
from scoring_engine.interview.preferences import parse_hours, parse_schedule
from scoring_engine.interview.specificity import count_numbers
from scoring_engine.interview.text import tokenize
from scoring_engine.resume import parse_resume
from scoring_engine.resume.chinese import word_boundaries
from scoring_engine.resume.contacts import find_emails, find_links
from scoring_engine.text_pieces import bounded_pieces
from tests.scoring_engine import resume_fixtures as fixtures

SIZE = 40_000
BOUND_SECONDS = 5.0


def _repeat(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


HOSTILE_TEXTS = {
    "one run of letters": _repeat("a"),
    "one run of capitals": _repeat("A"),
    "letters and one @ at the end": _repeat("a") + "@",
    "percent-joined local part before a long domain": _repeat("a%", SIZE // 2) + "@" + _repeat("b.1", SIZE // 2),
    "dotted labels": _repeat("a."),
    "a profile link with endless path": "linkedin.com/in/" + _repeat("a/"),
    "job-site host then letters": "zhipin.com/" + _repeat("a"),
    "spaces and tabs between two words": "Jane" + _repeat(" \t") + "Doe",
    "one run of spaces between letters": "a" + " " * SIZE + "a",
    "colons": _repeat("a:"),
    "pipes": _repeat("a|"),
    "a skill name thousands of times on one line": _repeat("python "),
    "lower-case words on one line": _repeat("word "),
    "date ranges on one line": _repeat("2020.01 - "),
    "one run of digits": _repeat("1"),
    "open parentheses": _repeat("("),
    "a label and no value": "company:" + _repeat("a"),
    # UTF-8 Chinese is 3 bytes a character: 40 KB of it.
    "one run of Chinese characters (40 KB)": _repeat("张", SIZE // 3),
    "Chinese numerals": _repeat("一", SIZE // 3),
    "Chinese characters and spaces": _repeat("张 ", SIZE // 3),
}


@pytest.fixture(scope="module", autouse=True)
def _dictionaries_loaded():
    """jieba's dictionary and the masking lists load once per process (1-2 s): not the cost under test."""
    tokenize("加载词典")
    word_boundaries("加载词典")


def _elapsed(call) -> float:
    """CPU seconds of this process and its children: what a quadratic pattern burns, whatever else the machine
    is running (a wall clock failed one in CI at 5.3 s, half of it waiting for the other test process)."""

    def cpu() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    started = cpu()
    call()
    return cpu() - started


@pytest.fixture(scope="module", autouse=True)
def warm():
    """Load jieba, the taxonomy and the CRF once, so the timings below are of the parsing only."""
    parse_resume(fixtures.CHINESE_RESUME.encode(), "warm.txt")
    parse_resume(fixtures.ENGLISH_RESUME.encode(), "warm.txt")


@pytest.mark.parametrize("name", list(HOSTILE_TEXTS))
def test_hostile_text_resume_is_read_in_linear_time(name):
    data = HOSTILE_TEXTS[name].encode()
    assert _elapsed(lambda: parse_resume(data, "hostile.txt")) < BOUND_SECONDS


def test_link_pattern_on_a_run_of_letters():
    # The pattern alone: 27 s before its subdomain group was anchored at the start of a word.
    assert _elapsed(lambda: find_links(_repeat("x", 4 * SIZE))) < BOUND_SECONDS


def test_email_pattern_on_a_percent_joined_local_part():
    text = _repeat("a%", 2 * SIZE) + "@" + _repeat("b.1", SIZE)
    assert _elapsed(lambda: find_emails(text)) < BOUND_SECONDS


def test_jieba_word_boundaries_on_a_run_of_chinese():
    # 40,000 characters: about 30 s in jieba's HMM before the text was cut into pieces.
    assert _elapsed(lambda: word_boundaries("张" * SIZE)) < BOUND_SECONDS


def test_patterns_still_find_what_they_did():
    text = "Jane 王 | jane.w+cv@mail.example.com | https://cn.linkedin.com/in/jane-w | www.m.naukri.com/x-y"
    assert find_emails(text) == ["jane.w+cv@mail.example.com"]
    assert find_links(text) == [
        "https://linkedin.com/in/jane-w",
        "https://m.naukri.com/x-y",
    ]
    assert find_emails("a%b@example.com, 张三 zhang.san@example.cn") == [
        "a%b@example.com",
        "zhang.san@example.cn",
    ]


def test_pieces_cut_where_jieba_would_not_join_words():
    text = "我负责华东区大客户管理，年销售额增长30%。" * 60
    pieces = list(bounded_pieces(text))
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= 100 for _, piece in pieces)
    assert all(piece.endswith(("。", "，")) for _, piece in pieces[:-1])
    assert [offset for offset, _ in pieces] == [sum(len(p) for _, p in pieces[:index]) for index in range(len(pieces))]
    assert list(bounded_pieces("")) == [(0, "")]
    assert len(list(bounded_pieces("张" * 1000))) == 10


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("numerals without a unit", lambda: count_numbers("一" * 20_000)),
        ("numerals and spaces", lambda: count_numbers("一二三 " * 5_000)),
        ("spaces and tabs before no hour", lambda: parse_hours(" \t" * 10_000)),
        ("an answer of one Chinese run", lambda: tokenize("张" * 20_000)),
        (
            "English answer repeating a cue",
            lambda: parse_schedule(
                load_competency_model("sales").questions["pref_schedule"],
                "flexible " * 2_200,
            ),
        ),
        (
            "Chinese answer repeating a cue",
            lambda: parse_schedule(
                load_competency_model("sales").questions["pref_schedule"],
                "弹性" * 10_000,
            ),
        ),
    ],
)
def test_interview_answer_patterns_are_linear(name, call):
    assert _elapsed(call) < BOUND_SECONDS


def test_interview_patterns_still_read_answers():
    assert count_numbers("三个月内完成两次培训，增长百分之二十") == 3
    assert count_numbers("一二三") == 0
    assert parse_hours("上午9点到下午6点") == {"start": "09:00", "end": "18:00"}
    assert parse_hours("  9:00 - 17:30") == {"start": "09:00", "end": "17:30"}
    question = load_competency_model("sales").questions["pref_schedule"]
    assert parse_schedule(question, "x " * 500 + "I do not want fixed hours, flexible please.") == "flexible"


def test_many_empty_lines_and_a_glyph_without_unicode():
    # "(cid:N)" at a line start becomes a bullet; the pattern once ran on across 20,000 empty lines from each.
    text = "Jane Doe\n" + "\n" * 20_000 + "(cid:3) Python\n" + " \n" * 20_000
    assert _elapsed(lambda: parse_resume(text.encode(), "lines.txt")) < BOUND_SECONDS
    assert "• Python" in parse_resume(text.encode(), "lines.txt").text


@pytest.mark.parametrize("unit", ["a", "Python developer at Acme. ", "张伟 "])
def test_a_nine_megabyte_text_is_cut_and_read_in_bounded_time(unit):
    # The server ignored SIGTERM for minutes on one: 200,000 characters are read, the rest is cut unread.
    data = _repeat(unit, 9 * 1024 * 1024 // len(unit.encode())).encode()
    seconds = _elapsed(lambda: parse_resume(data, "huge.txt"))
    assert seconds < 2 * BOUND_SECONDS
    assert parse_resume(data, "huge.txt").warnings == ["text cut to the first 200000 characters"]
