"""Jinja2 filters for the conversions target systems need (dates, times of day, weekdays, percentages, names)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from typing import Any, Callable

from .periods import period_bounds

TIME_OF_DAY = re.compile(r"^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?$")
ISO_WEEKDAYS = range(1, 8)
WEEKDAY_NAMES = {
    "short_en": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"],
    "long_en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
}


def _as_datetime(value: Any) -> datetime:
    """Accept a date, a datetime or an ISO 8601 string; naive values are taken as UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"expected an ISO 8601 date or date-time, got {value!r}") from None
    else:
        raise ValueError(f"expected a date, got {value!r} ({type(value).__name__})")
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def epoch_ms(value: Any) -> int:
    """Milliseconds since the Unix epoch for a date or date-time (dates are midnight UTC)."""
    moment = _as_datetime(value)
    return int((moment - datetime(1970, 1, 1, tzinfo=timezone.utc)).total_seconds() * 1000)


def epoch_seconds(value: Any) -> int:
    """Seconds since the Unix epoch for a date or date-time."""
    return epoch_ms(value) // 1000


def odata_date(value: Any) -> str:
    """OData v2 JSON Edm.DateTime: '/Date(<ms since epoch>)/'."""
    return f"/Date({epoch_ms(value)})/"


def _time_parts(value: Any) -> tuple[int, int, int]:
    match = TIME_OF_DAY.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"expected a time of day 'HH:MM', got {value!r}")
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


def seconds_after_midnight(value: Any) -> int:
    """'HH:MM' (or 'HH:MM:SS') -> seconds after midnight; '09:00' -> 32400, '26:00' -> 93600 (next day)."""
    hours, minutes, seconds = _time_parts(value)
    return hours * 3600 + minutes * 60 + seconds


def xsd_time(value: Any, offset: str | None = None) -> str:
    """'HH:MM' -> xsd:time 'HH:MM:SS' (with an optional zone: '+08:00' or 'Z'); '09:00' -> '09:00:00'.

    Times past 24:00 (Feishu's next-day convention) have no xsd:time form and are refused.
    """
    hours, minutes, seconds = _time_parts(value)
    if hours > 23:
        raise ValueError(f"{value!r} is past midnight; an xsd:time is 00:00:00..23:59:59")
    if offset is not None and not re.fullmatch(r"Z|[+-](?:0\d|1[0-4]):[0-5]\d", str(offset)):
        raise ValueError(f"expected a time zone offset like '+08:00' or 'Z', got {offset!r}")
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{offset or ''}"


def minutes_after_midnight(value: Any) -> int:
    """'HH:MM' -> minutes after midnight; '09:30' -> 570."""
    return seconds_after_midnight(value) // 60


def minutes_until(start: Any, end: Any) -> int:
    """Minutes from one 'HH:MM' to a later one; '08:00' | minutes_until('09:00') -> 60."""
    return minutes_after_midnight(end) - minutes_after_midnight(start)


def weekdays(days: Any, style: str = "iso") -> Any:
    """ISO weekdays (1 = Monday .. 7 = Sunday) in a vendor's convention.

    Styles: iso (unchanged), sunday0 (0 = Sunday .. 6 = Saturday), short_en (MON..SUN), long_en, zh (周一..周日),
    mask (one integer, bit d-1 set for ISO day d).
    """
    if not isinstance(days, (list, tuple)) or not all(
        day in ISO_WEEKDAYS and not isinstance(day, bool) for day in days
    ):
        raise ValueError(f"expected a list of ISO weekdays 1..7, got {days!r}")
    if style == "iso":
        return list(days)
    if style == "sunday0":
        return [day % 7 for day in days]
    if style == "mask":
        return sum(1 << (day - 1) for day in set(days))
    if style in WEEKDAY_NAMES:
        return [WEEKDAY_NAMES[style][day - 1] for day in days]
    raise ValueError(
        f"unknown weekday style {style!r}; expected iso, sunday0, mask or one of {', '.join(WEEKDAY_NAMES)}"
    )


def weekday_map(days: Any, mapping: dict) -> list:
    """ISO weekdays mapped through a mapping's own table, e.g. {1: 'Mo', 2: 'Tu', ...}."""
    weekdays(days)
    missing = [day for day in days if day not in mapping and str(day) not in mapping]
    if missing:
        raise ValueError(f"weekday table has no entry for {missing}")
    return [mapping[day] if day in mapping else mapping[str(day)] for day in days]


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {value!r}")
    return value


def fraction(percent: Any) -> float:
    """Percent to a fraction: 95 -> 0.95."""
    return round(_number(percent) / 100, 10)


def percentage(value: Any) -> float:
    """Fraction to percent: 0.95 -> 95.0."""
    return round(_number(value) * 100, 10)


def percent_text(value: Any, decimals: int = 0) -> str:
    """A percent number as text: 95 -> '95%', (33.333, 1) -> '33.3%'."""
    return f"{_number(value):.{decimals}f}%"


def localized(name: Any, language: str = "zh") -> str:
    """Pick one language from a {'zh', 'en'} name (falling back to the other); a plain string passes through."""
    if isinstance(name, str):
        return name
    if isinstance(name, dict) and name:
        if language in name:
            return name[language]
        return next(iter(name.values()))
    raise ValueError(f"expected a name (string or {{'zh', 'en'}}), got {name!r}")


def period_start(period: Any) -> str:
    """First day of a period ('2027-Q1' or '2027-01-15/2027-04-14') as YYYY-MM-DD."""
    return period_bounds(period)[0].isoformat()


def period_end(period: Any) -> str:
    """Last day of a period as YYYY-MM-DD."""
    return period_bounds(period)[1].isoformat()


def pick(mapping: Any, *keys: str) -> dict:
    """Only the given keys of an object (missing keys are left out)."""
    if not isinstance(mapping, dict):
        raise ValueError(f"expected an object, got {mapping!r}")
    return {key: mapping[key] for key in keys if key in mapping}


FILTERS: dict[str, Callable[..., Any]] = {
    "odata_date": odata_date,
    "epoch_ms": epoch_ms,
    "epoch_seconds": epoch_seconds,
    "seconds_after_midnight": seconds_after_midnight,
    "minutes_after_midnight": minutes_after_midnight,
    "xsd_time": xsd_time,
    "minutes_until": minutes_until,
    "weekdays": weekdays,
    "weekday_map": weekday_map,
    "fraction": fraction,
    "percentage": percentage,
    "percent_text": percent_text,
    "localized": localized,
    "period_start": period_start,
    "period_end": period_end,
    "pick": pick,
}
