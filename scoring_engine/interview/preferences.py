"""Stated preferences: work schedule (fixed/flexible) and preferred hours, from answers or given directly."""

from __future__ import annotations

import re

from scoring_engine.errors import InvalidInput
from scoring_engine.interview.competency_model import Question

SCHEDULES = ("fixed", "flexible")
DEFAULT_SCHEDULE = "fixed"
_HH_MM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_NEGATION_EN = re.compile(
    r"\b(?:not|no|don't|do not|never|rather than|instead of|prefer not)\b[\w\s-]{0,12}$", re.IGNORECASE
)
_NEGATION_ZH = re.compile(r"(?:不|不要|不想|不喜欢|没|非)[\u4e00-\u9fff]{0,2}$")
# A negation ends at most 12 characters before the cue: look only that far back, not through the whole answer
# again for every mention (quadratic on an answer that repeats a cue).
_NEGATION_WINDOW = 40
_TIME = re.compile(
    # The space after a period word belongs to it: a leading \s* of its own made every character of a long run of
    # spaces start a scan to the run's end (quadratic).
    r"(?:(?P<period>上午|早上|早|中午|下午|晚上)\s*)?(?P<hour>[01]?\d|2[0-3])\s*"
    r"(?:(?::|：)(?P<minute>[0-5]\d)|(?:点|时)(?P<half>半)?(?P<zh_minute>[0-5]\d)?分?)?"
    r"\s*(?P<meridiem>am|pm|a\.m\.|p\.m\.)?",
    re.IGNORECASE,
)
_RANGE_SEPARATOR = re.compile(r"^\s*(?:-|–|—|~|～|to|until|till|至|到)\s*$", re.IGNORECASE)


def _clock(match: re.Match) -> tuple[int, int]:
    hour = int(match["hour"])
    minute = int(match["minute"] or match["zh_minute"] or (30 if match["half"] else 0))
    meridiem = (match["meridiem"] or "").lower().replace(".", "")
    if (meridiem == "pm" or match["period"] in ("下午", "晚上")) and hour < 12:
        hour += 12
    if meridiem == "am" and hour == 12:
        hour = 0
    return hour, minute


def parse_hours(text: str) -> dict[str, str] | None:
    """The first time range in a text ("9:00-17:30", "9am to 5pm", "上午9点到下午6点"), as HH:MM strings."""
    matches = [match for match in _TIME.finditer(text) if match["hour"]]
    for first, second in zip(matches, matches[1:]):
        if not _RANGE_SEPARATOR.match(text[first.end() : second.start()]):
            continue
        start, end = _clock(first), _clock(second)
        if end <= start and end[0] < 12:
            end = (end[0] + 12, end[1])  # "9 to 5" means 17:00
        if end <= start:
            continue
        return {"start": f"{start[0]:02d}:{start[1]:02d}", "end": f"{end[0]:02d}:{end[1]:02d}"}
    return None


def _mentioned(cue: str, text: str) -> bool:
    for match in re.finditer(re.escape(cue.lower()), text):
        before = text[max(0, match.start() - _NEGATION_WINDOW) : match.start()]
        if not (_NEGATION_EN.search(before) or _NEGATION_ZH.search(before)):
            return True
    return False


def parse_schedule(question: Question, text: str) -> str | None:
    """The choice whose value or cues the answer names (ignoring negated mentions); None when unclear."""
    lowered = text.lower()
    named = [
        choice.value
        for choice in question.choices
        if any(
            _mentioned(cue, lowered) for cue in [choice.value, *choice.cues.get("en", []), *choice.cues.get("zh", [])]
        )
    ]
    return named[0] if len(named) == 1 else None


def validate_preferences(preferences) -> dict:
    """Preferences given directly, checked; keys other than work_schedule and preferred_hours are ignored."""
    if preferences is None:
        return {}
    if not isinstance(preferences, dict):
        raise InvalidInput(
            f"/preferences: expected an object, got {type(preferences).__name__}", pointer="/preferences"
        )
    checked = {}
    schedule = preferences.get("work_schedule")
    if schedule is not None:
        if schedule not in SCHEDULES:
            raise InvalidInput(
                f"/preferences/work_schedule: expected one of {list(SCHEDULES)}, got {schedule!r}",
                pointer="/preferences/work_schedule",
            )
        checked["work_schedule"] = schedule
    if "preferred_hours" in preferences:
        hours = preferences["preferred_hours"]
        if hours is not None:
            if not isinstance(hours, dict):
                raise InvalidInput(
                    "/preferences/preferred_hours: expected {start, end} or null",
                    pointer="/preferences/preferred_hours",
                )
            for key in ("start", "end"):
                pointer = f"/preferences/preferred_hours/{key}"
                if not isinstance(hours.get(key), str) or not _HH_MM.match(hours[key]):
                    raise InvalidInput(f"{pointer}: expected a time as HH:MM, got {hours.get(key)!r}", pointer=pointer)
            # End before start is a night window (22:00-06:00), not an error.
            hours = {"start": hours["start"], "end": hours["end"]}
        checked["preferred_hours"] = hours
    return checked


def merge_preferences(from_answers: dict, given: dict) -> dict:
    """Stated preferences: given values win over those read from answers; schedule defaults to fixed."""
    merged = {"work_schedule": DEFAULT_SCHEDULE, "preferred_hours": None}
    merged.update({key: value for key, value in from_answers.items() if value is not None})
    merged.update(given)
    return merged
