"""Rendering CSV export files: columns and order from the payload, configurable dialect, formula injection escaped."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

QUOTING = {
    "minimal": csv.QUOTE_MINIMAL,
    "all": csv.QUOTE_ALL,
    "nonnumeric": csv.QUOTE_NONNUMERIC,
    "none": csv.QUOTE_NONE,
}
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: str) -> str:
    """Prefix a text cell that a spreadsheet would run as a formula with a single quote."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def cell(value: Any) -> Any:
    """The CSV cell for a JSON value: text escaped, numbers kept as numbers, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    return escape_formula(str(value))


def render_csv(
    columns: list[dict],
    rows: list[dict],
    *,
    encoding: str,
    delimiter: str = ",",
    quoting: str = "minimal",
    line_terminator: str = "\r\n",
) -> bytes:
    """The encoded CSV file: a header line of column headers, then one line per row in column order.

    Raises ValueError (with the row number) for a row that cannot be written in this dialect or encoding.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        quoting=QUOTING[quoting],  # type: ignore[arg-type]  # csv.QUOTE_* are ints
        lineterminator=line_terminator,
    )
    writer.writerow([escape_formula(column["header"]) for column in columns])
    for number, row in enumerate(rows, start=1):
        try:
            writer.writerow([cell(row.get(column["key"])) for column in columns])
        except csv.Error as error:
            raise ValueError(f"row {number}: {error} (delimiter {delimiter!r}, quoting {quoting!r})") from error
    try:
        return buffer.getvalue().encode(encoding)
    except UnicodeEncodeError as error:
        raise ValueError(f"text {error.object[error.start : error.end]!r} cannot be encoded as {encoding}") from error
