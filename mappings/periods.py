"""Goal periods: quarter labels ('2027-Q1') and ISO 8601 date intervals ('2027-01-15/2027-04-14')."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

QUARTER_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")
INTERVAL_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$")


def quarter_of(day: date) -> str:
    """Return the label of the quarter containing day, e.g. '2027-Q1'."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def probation_interval(start: date, months: int) -> str:
    """Return the probation period as an ISO interval: start through the day before start + months."""
    return f"{start.isoformat()}/{(start + relativedelta(months=months) - timedelta(days=1)).isoformat()}"


def period_bounds(period: str) -> tuple[date, date]:
    """Return the first and last day of a quarter label or an ISO date interval.

    Raises ValueError saying which forms are accepted.
    """
    quarter = QUARTER_PATTERN.match(period or "")
    if quarter:
        first = date(int(quarter.group(1)), 3 * int(quarter.group(2)) - 2, 1)
        return first, first + relativedelta(months=3) - timedelta(days=1)
    interval = INTERVAL_PATTERN.match(period or "")
    if interval:
        return date.fromisoformat(interval.group(1)), date.fromisoformat(interval.group(2))
    raise ValueError(
        f"period {period!r} is neither a quarter like '2027-Q1' nor an interval like '2027-01-15/2027-04-14'"
    )
