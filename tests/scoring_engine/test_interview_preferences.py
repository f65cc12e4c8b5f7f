"""Preferences read from answers: schedule choice (with negation) and preferred hours in both languages."""

from __future__ import annotations

import pytest

from scoring_engine.interview import load_competency_model
from scoring_engine.interview.preferences import parse_hours, parse_schedule


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("9:00-17:30", {"start": "09:00", "end": "17:30"}),
        ("I'd like 9am to 5pm", {"start": "09:00", "end": "17:00"}),
        ("ideally 9:30 to 18:30", {"start": "09:30", "end": "18:30"}),
        ("from 10 until 7", {"start": "10:00", "end": "19:00"}),
        ("上午9点到下午6点", {"start": "09:00", "end": "18:00"}),
        ("早上八点半", None),
        ("8点半到5点", {"start": "08:30", "end": "17:00"}),
        ("10：00～19：00", {"start": "10:00", "end": "19:00"}),
        ("I have 2 kids and 3 dogs", None),
        ("no preference", None),
    ],
)
def test_preferred_hours(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize(
    ("text", "schedule"),
    [
        ("I prefer flexible hours.", "flexible"),
        ("Fixed hours suit me, 9 to 5.", "fixed"),
        ("I do not want fixed hours, flexible please.", "flexible"),
        ("我更喜欢弹性工作时间。", "flexible"),
        ("我不想要弹性的，固定的就好。", "fixed"),
        ("朝九晚五", "fixed"),
        ("Either is fine.", None),
    ],
)
def test_schedule_choice(text, schedule):
    question = load_competency_model("sales").questions["pref_schedule"]
    assert parse_schedule(question, text) == schedule
