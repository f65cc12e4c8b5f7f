"""CSV downloads shared by the API and the console: streamed, UTF-8 with a BOM for Excel, formulas escaped."""

from __future__ import annotations

import csv
import io
import json
from typing import Callable, Iterable

from flask import Response, stream_with_context

from connectors.csv_render import escape_formula
from hub.audit import chain as audit


def csv_response(
    filename: str, columns: list[str], rows: Iterable[dict], cell: Callable[[object], str] = str
) -> Response:
    """Stream rows as CSV (UTF-8 with BOM for Excel); cells that a spreadsheet would run are neutralised."""

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(columns)
        for row in rows:
            # An empty value is an empty cell, never the word "None" a spreadsheet would show.
            writer.writerow(
                ["" if row.get(column) is None else escape_formula(cell(row.get(column))) for column in columns]
            )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


CSV_COLUMNS = ["seq", "occurred_at", "actor", "action", "object_type", "object_id", "details", "prev_hash", "hash"]


def audit_csv(factory, query):
    """The entries matching `query` as a streamed CSV download (the API's and the console's)."""

    def rows():
        with factory() as session:  # a session of its own, open while the response streams
            yield from (audit.as_dict(entry) for entry in audit.entries(session, query, batch_size=500))

    return csv_response(
        "audit.csv",
        CSV_COLUMNS,
        rows(),
        cell=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict) else str(v),
    )
