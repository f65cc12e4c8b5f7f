"""Dates and date ranges as resumes write them: "Nov 2017 to Present", "2015.07-至今", "2016年7月 - 2018年6月"."""

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_DATE = (
    rf"(?:{_MONTH_NAME},?\s*'?{_YEAR}"  # November 2017, Sept. 2015
    rf"|{_YEAR}\s*(?:[./\-]\s*|年\s*)(?:1[0-2]|0?[1-9])(?!\d)\s*月?"  # 2015.07, 2015-7, 2015年7月
    rf"|(?:1[0-2]|0?[1-9])\s*[/.]\s*{_YEAR}"  # 07/2015
    rf"|{_YEAR}\s*年?)"  # 2015, 2015年
)
_PRESENT = r"(?:present|current(?:ly)?|now|today|till\s+date|to\s+date|ongoing|至今|迄今|现在|目前|今)"
_SEPARATOR = r"\s*(?:to|until|till|through|-|–|—|~|～|至|到)\s*"

DATE_RANGE = re.compile(rf"(?<![\d.])(?P<start>{_DATE}){_SEPARATOR}(?P<end>{_DATE}|{_PRESENT})(?![\d])", re.I)
YEAR = re.compile(rf"(?<!\d){_YEAR}(?!\d)")
_PRESENT_ONLY = re.compile(rf"^{_PRESENT}$", re.I)


@dataclass(frozen=True)
class DateRange:
    """A period; `end` None means it lasts until today."""

    start: tuple[int, int | None]
    end: tuple[int, int | None] | None
    text: str
    position: int

    def months(self, today: date | None = None) -> int:
        """Length in whole months, counting both the first and the last month."""
        start_index = _month_index(self.start, first=True)
        end_index = _month_index(self.end, first=False) if self.end else _today_index(today)
        return max(end_index - start_index + 1, 0)

    def interval(self, today: date | None = None) -> tuple[int, int]:
        """(first month, last month) as month indexes, for merging overlaps."""
        start_index = _month_index(self.start, first=True)
        return start_index, start_index + self.months(today) - 1


def parse_date(text: str) -> tuple[int, int | None] | None:
    """(year, month or None) from one date as written; None for "present" and for nonsense."""
    text = text.strip()
    if _PRESENT_ONLY.match(text):
        return None
    year = int(YEAR.search(text).group()) if YEAR.search(text) else None
    if year is None:
        return None
    named = re.match(_MONTH_NAME, text, re.I)
    if named:
        return year, _MONTHS[named.group()[:3].lower()]
    without_year = YEAR.sub(" ", text, count=1)
    month = re.search(r"(?<!\d)(1[0-2]|0?[1-9])(?!\d)", without_year)
    return year, int(month.group()) if month else None


def find_date_ranges(text: str) -> list[DateRange]:
    """Every date range in text, in order; ranges that end before they start are dropped."""
    ranges = []
    for found in DATE_RANGE.finditer(text):
        start = parse_date(found.group("start"))
        end = parse_date(found.group("end"))
        if start is None:
            continue
        if end is not None and (end[0], end[1] or 12) < (start[0], start[1] or 1):
            continue
        ranges.append(DateRange(start, end, found.group(), found.start()))
    return ranges


def format_date(value: tuple[int, int | None] | None) -> str | None:
    """ "2017-11", or "2017" when the month is unknown; None stays None."""
    if value is None:
        return None
    year, month = value
    return f"{year}-{month:02d}" if month else str(year)


def merged_months(ranges: list[DateRange], today: date | None = None) -> int:
    """Months covered by the ranges, counting overlapping months once."""
    intervals = sorted(period.interval(today) for period in ranges)
    total, current_start, current_end = 0, None, None
    for start, end in intervals:
        if current_end is None or start > current_end + 1:
            if current_end is not None:
                total += current_end - current_start + 1
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start + 1
    return total


def _month_index(value: tuple[int, int | None], first: bool) -> int:
    year, month = value
    # A bare year means January when a job starts in it and December when it ends in it.
    return year * 12 + ((month or (1 if first else 12)) - 1)


def _today_index(today: date | None) -> int:
    today = today or date.today()
    return today.year * 12 + today.month - 1
