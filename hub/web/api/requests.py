"""Reading request bodies strictly: JSON only, UTF-8 only, with errors that say where."""
from __future__ import annotations

import json
from typing import Any

from flask import request

from hub.web.problems import Problem


def read_json() -> Any:
    """The request's JSON document, or a 415/400 problem naming what is wrong and where."""
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise Problem(415, "unsupported-media-type", "Unsupported media type",
                      f"Send the body as application/json (got {mimetype or 'no Content-Type'}).")
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Problem(400, "malformed-body", "Body is not UTF-8",
                      f"Byte {error.start} is not valid UTF-8; JSON must be sent as UTF-8.") from None
    if not text.strip():
        raise Problem(400, "malformed-body", "Empty body", "Send an InterviewResult as a JSON object.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise Problem(400, "malformed-json", "Malformed JSON",
                      f"{error.msg} at line {error.lineno}, column {error.colno} (character {error.pos}).",
                      line=error.lineno, column=error.colno) from None
    except RecursionError:
        raise Problem(400, "malformed-json", "JSON nested too deeply",
                      "The document nests arrays or objects deeper than the parser allows.") from None
